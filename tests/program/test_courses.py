"""The course catalog and the examination rules: 70% pass mark, one remediation attempt, two failures disqualify."""

import datetime as dt

import pytest

from g287.catalog import MODEL_CODES, catalog
from g287.program.courses import Attempt, ExamPolicy, course_catalog, exam_progress, next_attempt_is_remedial

DAY = dt.date(2025, 7, 1)


def attempts(*pairs):
    return [Attempt(exam, score, DAY) for exam, score in pairs]


def test_the_policy_comes_from_the_catalog_with_its_source():
    policy = course_catalog().policy
    assert (policy.pass_mark, policy.remedial_attempts, policy.failures_disqualify) == (70, 1, 2)
    assert [s.key for s in policy.statement.sources] == ["MOA"]


@pytest.mark.parametrize("model", MODEL_CODES)
def test_each_model_has_a_course_with_sourced_facts(model):
    course = course_catalog().for_model(model)
    topics = {t.text for t in course.topics}
    assert {"Immigration law", "Multicultural communication", "Avoiding racial profiling"} <= topics
    assert course.delivery.value in ("online", "in person", "online and in person", "unknown")
    for fact in (course.hours, course.delivery, course.cost, course.exams, course.certification, course.refresher, *course.topics):
        assert fact.sources and all(s.key in catalog().sources for s in fact.sources)
    assert course.certification_years >= 1 and course.refresher_years >= 1


def test_unconfirmed_facts_are_marked():
    courses = course_catalog()
    assert courses.for_model("JEM").hours.confirmed is False  # 160 hours: from the Explorer pages, not ICE
    assert courses.for_model("TFM").hours.confirmed and courses.for_model("TFM").hours.value == 40
    assert courses.for_model("TFM").delivery.value == "online"
    assert courses.for_model("WSO").hours.value is None and courses.for_model("WSO").hours.confirmed is False


def test_pass_first_time():
    progress = exam_progress(("final examination",), attempts(("final examination", 70)), course_catalog().policy)
    assert progress.status == "passed" and progress.failures == 0 and progress.remedial_used == 0


def test_fail_once_then_pass_the_remediation():
    policy = course_catalog().policy
    after_failure = exam_progress(("final examination",), attempts(("final examination", 69.9)), policy)
    assert after_failure.status == "remediation_due" and after_failure.awaiting_remediation == ("final examination",)
    assert next_attempt_is_remedial(("final examination",), attempts(("final examination", 69.9)), "final examination", policy) == (True, None)
    passed = exam_progress(("final examination",), attempts(("final examination", 69.9), ("final examination", 75)), policy)
    assert passed.status == "passed" and passed.remedial_used == 1


def test_failing_the_remediation_disqualifies():
    progress = exam_progress(("final examination",), attempts(("final examination", 50), ("final examination", 65)), course_catalog().policy)
    assert progress.status == "disqualified" and "2 examinations failed" in progress.explanation


def test_two_failed_examinations_disqualify_even_after_a_successful_remediation():
    exams = ("module 1", "module 2")
    policy = course_catalog().policy
    progress = exam_progress(exams, attempts(("module 1", 60), ("module 1", 80), ("module 2", 60)), policy)
    assert progress.status == "disqualified"
    in_progress = exam_progress(exams, attempts(("module 1", 90)), policy)
    assert in_progress.status == "in_training" and "module 2" in in_progress.explanation


def test_no_second_remediation_when_the_policy_allows_more_failures():
    policy = ExamPolicy(70, 1, 3, course_catalog().policy.statement)
    progress = exam_progress(("a", "b"), attempts(("a", 60), ("a", 80), ("b", 60)), policy)
    assert progress.status == "disqualified" and "no remediation attempt is left" in progress.explanation


def test_attempts_that_are_refused():
    policy = course_catalog().policy
    exams = ("final examination",)
    assert next_attempt_is_remedial(exams, [], "essay", policy)[1].startswith("'essay' is not an examination")
    assert "passed every examination" in next_attempt_is_remedial(exams, attempts(("final examination", 90)), "final examination", policy)[1]
    assert "disqualified" in next_attempt_is_remedial(exams, attempts(("final examination", 10), ("final examination", 10)), "final examination", policy)[1]
    assert next_attempt_is_remedial(exams, [], "final examination", policy) == (False, None)


def test_program_courses_marks_and_cites_every_fact_it_prints(tmp_path):
    """`g287 program courses` printed the examination rule, which the catalog marks unconfirmed (the registry applies
    the JEM MOA's rule to every model), with no "(unconfirmed)", the topics without their sources and not the cost;
    it now states each as the documents do, and names the sources its keys stand for."""
    from tests.in_process import run_g287

    status, out, err = run_g287(str(tmp_path / "g287.sqlite"), "program", "courses")
    assert status == 0, err
    lines = out.splitlines()
    policy = course_catalog().policy.statement
    assert f"Examinations: {policy.text} (unconfirmed) [MOA]" in lines
    assert "  topics: Immigration law [CS]; Multicultural communication [CS]; Avoiding racial profiling [CS]; ICE's use-of-force policy [DHS-TFM, MOA]; Civil rights law [DHS-TFM, MOA]" in lines
    assert sum(line.startswith("  cost: ") and line.endswith("[CS, MOA]") for line in lines) == 3
    sources = next(line for line in lines if line.startswith("Sources: "))
    assert all(f"[{source.key}] {source.title}" in sources for source in (catalog().sources["Explorer"], catalog().sources["DHS-TFM"]))


def test_program_rules_names_the_sources_its_keys_stand_for(tmp_path):
    """`g287 program rules` printed source keys (CS, MOA) with no line saying what they are, as `program courses`
    does; its --json carries each rule's sources' titles, and the JSON of `courses` its sources' titles."""
    import json

    from g287.program.rules import rule_catalog
    from tests.in_process import run_g287

    status, out, err = run_g287(str(tmp_path / "g287.sqlite"), "program", "rules", "TFM")
    assert status == 0, err
    cited = {s.key: s.title for r in rule_catalog()["TFM"] for s in r.sources}
    assert out.splitlines()[-1] == "Sources: " + "; ".join(f"[{key}] {title}" for key, title in cited.items())
    status, out, err = run_g287(str(tmp_path / "g287.sqlite"), "program", "rules", "--json")
    rules = json.loads(out)
    assert status == 0 and rules[0]["sources"] == ", ".join(rules[0]["source_titles"])
    assert all(item["source_titles"] == {key: catalog().sources[key].title for key in item["sources"].split(", ")} for item in rules)
    status, out, err = run_g287(str(tmp_path / "g287.sqlite"), "program", "courses", "--json")
    assert status == 0 and json.loads(out)["sources"]["DHS-TFM"] == catalog().sources["DHS-TFM"].title
