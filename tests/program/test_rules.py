"""The qualification rules, one by one: every rule of every model, the reason given when it fails, and the
experience computed from dates."""

import datetime as dt

import pytest

from g287.catalog import MODEL_CODES, catalog
from g287.program.rules import attested_question, evaluate, rule_catalog, service_days

AS_OF = dt.date(2025, 7, 1)
QUALIFIED = {
    "us_citizen": True, "background_result": "passed", "enforced_jurisdiction_laws": True, "jail_security_and_inmate_rules": True,
    "service_periods": [{"start": "2015-01-01", "end": None}],
}


def result(model, rule_id, as_of=AS_OF, **facts):
    check = evaluate(model, {**QUALIFIED, **facts}, as_of)
    return check, next(r for r in check.results if r.rule == rule_id)


@pytest.mark.parametrize("model", MODEL_CODES)
def test_a_qualified_nominee_is_eligible_under_every_model(model):
    check = evaluate(model, QUALIFIED, AS_OF)
    assert check.eligible and check.reasons == []
    assert {r.outcome for r in check.results} == {"passed"}


@pytest.mark.parametrize("model", MODEL_CODES)
def test_every_model_applies_the_program_wide_requirements_with_sources(model):
    rules = {r.id: r for r in rule_catalog()[model]}
    assert {"us_citizen", "background_investigation", "jurisdiction_laws"} <= set(rules)
    for rule in rules.values():
        assert rule.sources and all(s.key in catalog().sources for s in rule.sources)
    assert ("sworn_experience" in rules) == (model == "TFM")


@pytest.mark.parametrize("model", MODEL_CODES)
@pytest.mark.parametrize(
    "rule_id, facts, outcome, words",
    [
        ("us_citizen", {"us_citizen": False}, "failed", "is not a U.S. citizen"),
        ("us_citizen", {"us_citizen": None}, "missing", "citizenship has not been recorded"),
        ("background_investigation", {"background_result": "failed"}, "failed", "did not pass the background investigation"),
        ("background_investigation", {"background_result": None}, "missing", "has not been completed"),
        ("jurisdiction_laws", {"enforced_jurisdiction_laws": False}, "failed", "does not attest"),
        ("jurisdiction_laws", {"enforced_jurisdiction_laws": None}, "missing", "has not been attested"),
    ],
)
def test_each_program_wide_rule_fails_with_its_reason(model, rule_id, facts, outcome, words):
    check, rule = result(model, rule_id, **facts)
    assert not check.eligible
    assert rule.outcome == outcome and words in rule.explanation
    assert check.reasons == [rule.explanation]  # only the failed rule is given as a reason


# The signed MOAs' section B, in the catalog's words (models.toml, the models' requirements): JEM candidates have
# authority to enforce the rules on inmate accountability and conduct, WSO candidates have enforced them.
JAIL_SECURITY = {
    "JEM": "Has been trained in maintaining the security of the agency's facilities and has authority to enforce the rules on inmate accountability and conduct.",
    "WSO": "Has been trained in maintaining the security of the agency's facilities and has enforced the rules on inmate accountability and conduct.",
}


@pytest.mark.parametrize("model", ["JEM", "WSO"])
def test_jail_models_require_the_jail_security_the_moa_requires_in_its_words(model):
    """A JEM or WSO nominee who meets every other rule is not eligible until the agency attests the jail-security
    requirement of the model's MOA: not attested, the reason says so; attested as not met, it says the agency does
    not attest it. The rule's words are the catalog's, sourced to the signed MOAs."""
    rule = next(r for r in rule_catalog()[model] if r.id == "jail_security")
    assert rule.requirement == JAIL_SECURITY[model] and [s.key for s in rule.sources] == ["MOA"]
    # The catalog's sentence of the candidates ("Candidates must have been ... and have"), said of one nominee
    [moa_words] = [item.text for item in catalog().models[model].requirements if "inmate accountability" in item.text]
    assert moa_words.replace("Candidates must have been", "Has been").replace(" and have ", " and has ") == rule.requirement
    missing, result_missing = result(model, "jail_security", jail_security_and_inmate_rules=None)
    assert not missing.eligible and result_missing.outcome == "missing"
    assert missing.reasons == [result_missing.explanation] and result_missing.explanation.endswith("inmate accountability and conduct, have not been attested")
    refused, result_refused = result(model, "jail_security", jail_security_and_inmate_rules=False)
    assert not refused.eligible and result_refused.outcome == "failed"
    assert refused.reasons == [result_refused.explanation] and result_refused.explanation.startswith("the agency does not attest that the nominee has been trained in maintaining the security")
    attested, result_attested = result(model, "jail_security")
    assert attested.eligible and result_attested.outcome == "passed" and result_attested.explanation == JAIL_SECURITY[model]
    assert attested_question(model, "jail_security_and_inmate_rules") == JAIL_SECURITY[model][:-1] + "?"


def test_the_task_force_model_does_not_ask_for_jail_security():
    """The TFM MOAs require no jail security: no rule reads the fact, the form does not ask it."""
    assert all(r.fact != "jail_security_and_inmate_rules" for r in rule_catalog()["TFM"])
    assert evaluate("TFM", {**QUALIFIED, "jail_security_and_inmate_rules": None}, AS_OF).eligible
    assert attested_question("TFM", "jail_security_and_inmate_rules") is None


def test_task_force_model_refuses_one_year_of_experience_with_the_reason():
    check, rule = result("TFM", "sworn_experience", service_periods=[{"start": "2024-07-01", "end": None}])
    assert not check.eligible and rule.outcome == "failed"
    assert rule.explanation == "has 1 year (365 days) of sworn law enforcement experience on 2025-07-01; the Task Force Model requires at least 2 years"
    assert [s.key for s in rule.sources] == ["CS", "MOA"]


@pytest.mark.parametrize("model", ["JEM", "WSO"])
def test_other_models_do_not_require_two_years(model):
    assert evaluate(model, {**QUALIFIED, "service_periods": [{"start": "2025-01-01", "end": None}]}, AS_OF).eligible


def test_two_years_to_the_day_qualify_and_one_day_less_does_not():
    assert result("TFM", "sworn_experience", service_periods=[{"start": "2023-07-01", "end": None}])[1].outcome == "passed"
    assert result("TFM", "sworn_experience", service_periods=[{"start": "2023-07-02", "end": None}])[1].outcome == "failed"


def test_experience_adds_separate_periods_and_counts_overlaps_once():
    # All of 2019 (365 days) and the last 366 days: the 731 days of the two years before 2025-07-01.
    periods = [{"start": "2019-01-01", "end": "2019-12-31"}, {"start": "2024-06-30", "end": None}]
    assert service_days([(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2024, 6, 30), None)], AS_OF) == 365 + 366
    assert result("TFM", "sworn_experience", service_periods=periods)[1].outcome == "passed"
    one_day_short = [{"start": "2019-01-03", "end": "2019-12-31"}, {"start": "2024-06-30", "end": None}]  # 363 + 366 days
    assert result("TFM", "sworn_experience", service_periods=one_day_short)[1].outcome == "failed"
    overlapping = [(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (dt.date(2024, 6, 1), None)]
    assert service_days(overlapping, AS_OF) == (AS_OF - dt.date(2024, 1, 1)).days
    assert service_days([(dt.date(2026, 1, 1), None)], AS_OF) == 0  # a period that has not started counts nothing


def test_two_separate_years_are_two_years_whatever_leap_day_lies_between():
    # Two calendar years from 1 January 2019 are 731 days (29 February 2020 among them), but the nominee served none
    # of 2020: all of 2019 and all of 2021 are two years.
    apart = [{"start": "2019-01-01", "end": "2019-12-31"}, {"start": "2021-01-01", "end": "2021-12-31"}]
    _, rule = result("TFM", "sworn_experience", service_periods=apart)
    assert rule.outcome == "passed", rule.explanation
    assert rule.explanation.startswith("has 2 years (730 days)")
    # What separate stretches leave over adds up, 365 days to a year.
    rests = [{"start": "2019-07-01", "end": "2019-12-31"}, {"start": "2021-01-01", "end": "2021-12-31"}, {"start": "2023-01-01", "end": "2023-06-30"}]
    assert result("TFM", "sworn_experience", service_periods=rests)[1].explanation.startswith("has 2 years (730 days)")


@pytest.mark.parametrize(
    "start, last_day",
    [
        ("2022-03-01", "2024-02-29"),  # two calendar years that end on a 29 February
        ("2024-03-01", "2026-02-28"),  # two that begin after one
        ("2020-01-01", "2021-12-31"),  # two that hold one
        ("2020-02-29", "2022-02-28"),  # two from a 29 February run to the eve of 1 March
        ("2023-07-01", "2025-06-30"),
    ],
)
def test_a_stretch_of_two_calendar_years_qualifies_and_one_day_less_does_not(start, last_day):
    LATER = dt.date(2030, 1, 1)  # noqa: N806
    # Found by review: counting 365 days to a year, 1 March 2022 to 28 February 2024 (730 days, one day short of
    # two calendar years) qualified.
    full = result("TFM", "sworn_experience", LATER, service_periods=[{"start": start, "end": last_day}])[1]
    assert full.outcome == "passed", full.explanation
    one_day_less = (dt.date.fromisoformat(last_day) - dt.timedelta(days=1)).isoformat()
    short = result("TFM", "sworn_experience", LATER, service_periods=[{"start": start, "end": one_day_less}])[1]
    assert short.outcome == "failed", short.explanation
    # The same stretches split in two adjoining periods are the same stretches.
    middle = dt.date.fromisoformat(start) + dt.timedelta(days=300)
    for end, outcome in ((last_day, "passed"), (one_day_less, "failed")):
        split = [{"start": start, "end": (middle - dt.timedelta(days=1)).isoformat()}, {"start": middle.isoformat(), "end": end}]
        assert result("TFM", "sworn_experience", LATER, service_periods=split)[1].outcome == outcome


def test_an_open_period_qualifies_on_the_day_two_calendar_years_are_served():
    periods = [{"start": "2022-03-01", "end": None}]
    on = lambda day: evaluate("TFM", {**QUALIFIED, "service_periods": periods}, dt.date.fromisoformat(day))  # noqa: E731
    assert not on("2024-02-29").eligible  # served to 28 February: 2024 holds a 29 February
    assert on("2024-03-01").eligible
    short = next(r for r in on("2024-02-29").results if r.rule == "sworn_experience")
    assert short.explanation == (
        "has 1 year and 365 days (730 days) of sworn law enforcement experience on 2024-02-29; the Task Force Model requires at least 2 years"
    )


def test_experience_needs_recorded_periods():
    _, rule = result("TFM", "sworn_experience", service_periods=[])
    assert rule.outcome == "missing" and "no period of sworn law enforcement service" in rule.explanation


def test_several_failures_give_every_reason():
    check = evaluate("TFM", {"us_citizen": False, "background_result": None, "enforced_jurisdiction_laws": True, "service_periods": [{"start": "2025-01-01"}]}, AS_OF)
    assert len(check.reasons) == 3
    assert check.as_dict()["eligible"] is False and len(check.as_dict()["rules"]) == 4
