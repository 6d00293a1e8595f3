"""`g287 program refresher | renew | revoke`: `program due` listed refreshers and renewals the command line could not
record (only the nominee's page and the API could). They record them through the same service functions, with bad
input answered in one line and exit status 1."""

import datetime as dt
import json

from tests.program import test_cli
from tests.program.world import SIGNED_PDF

g287 = test_cli.g287  # the fixture: each command run as the entry point runs it


def _certified_officer(g287, today: str) -> int:
    g287("demo")
    (application,) = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)
    moa_id = application["moas"][0]["id"]
    g287("program", "draft", moa_id)
    g287("program", "record", moa_id, "--pdf", SIGNED_PDF, "--signed-on", today, "--signatory", "agency:Robin Sample:Chief of Police", "--signatory", "ICE:Lee Official:Field Office Director")
    nominee = json.loads(g287("program", "nominate", moa_id, "--name", "Quinn Example", "--citizen", "--enforced-laws", "--jail-security", "--service", "2015-01-01", "--json").stdout)["id"]
    g287("program", "background", nominee, "--result", "passed", "--on", today)
    g287("program", "enrol", nominee)
    g287("program", "exam", nominee, "--score", "90")
    g287("program", "certify", nominee)
    return nominee


def test_refresher_renewal_and_revocation_from_the_command_line(g287, tmp_path, deferred_writes):
    today = dt.date.today()
    nominee = _certified_officer(g287, today.isoformat())
    refused = g287("program", "refresher", nominee, "--on", (today + dt.timedelta(days=1)).isoformat(), ok=False)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1 and refused.stderr.startswith("g287: error: --on: must not be after") and refused.stdout == ""
    done = g287("program", "refresher", nominee).stdout
    certification = json.loads(g287("program", "nominee", nominee, "--json").stdout)["certification"]
    assert certification["last_refresher_on"] == today.isoformat()
    assert done.strip() == f"nominee {nominee}: refresher completed on {today}; next due {certification['refresher_due_on']}"
    renewed = json.loads(g287("program", "renew", nominee, "--on", today.isoformat(), "--json").stdout)
    assert renewed["expires_on"] == certification["expires_on"] and renewed["revoked_on"] is None  # renewed on the day it began
    assert certification["renewed_on"] is None and renewed["renewed_on"] == today.isoformat()
    def authorized() -> set[int]:
        return {o["nominee_id"] for o in json.loads(g287("program", "authorized", "--json").stdout)}

    assert nominee in authorized()
    assert g287("program", "revoke", nominee).stdout.strip() == f"nominee {nominee}: authorization revoked on {today}"
    assert nominee not in authorized()
    again = g287("program", "revoke", nominee, ok=False)
    assert again.returncode == 1 and again.stderr.strip() == f"g287: error: nominee {nominee}'s authorization was revoked on {today}"
    events = [e["action"] for e in json.loads(g287("audit", "--json", "--action", "training.").stdout)]
    assert {"training.record_refresher", "training.revoke"} <= set(events)


def test_a_nominee_never_certified_has_nothing_to_keep_up(g287):
    g287("demo")
    nominees = json.loads(g287("program", "nominees", "--json").stdout)
    uncertified = next(n["id"] for n in nominees if n["standing"] == "passed")  # passed the course, not certified yet
    for command in ("refresher", "renew", "revoke"):
        refused = g287("program", command, uncertified, ok=False)
        assert refused.returncode == 1 and refused.stderr.strip() == f"g287: error: nominee {uncertified} is not certified", refused.stderr
    missing = g287("program", "renew", 999999, ok=False)
    assert missing.returncode == 1 and missing.stderr.strip() == "g287: error: no nominee with id 999999"


def test_a_nominees_facts_are_corrected_from_the_command_line(g287):
    """Only the nominee's page and the API could correct a nominee's facts, so the same-name rule on a rename could
    not be met from the command line."""
    g287("demo")
    listed = json.loads(g287("program", "nominees", "--json").stdout)
    first, second = [n for n in listed if n["moa_id"] == listed[0]["moa_id"]][:2]
    refused = g287("program", "correct", second["id"], ok=False)
    assert (refused.returncode, refused.stdout) == (1, "") and refused.stderr.startswith("g287: error: nothing to correct")
    clash = g287("program", "correct", second["id"], "--name", first["full_name"].upper(), ok=False)
    assert clash.returncode == 1 and clash.stderr.count("\n") == 1 and f"confirm that they are a namesake of nominee {first['id']}" in clash.stderr
    assert json.loads(g287("program", "nominee", second["id"], "--json").stdout)["full_name"] == second["full_name"]  # unchanged
    corrected = json.loads(g287("program", "correct", second["id"], "--name", first["full_name"].upper(), "--namesake-of", first["id"], "--not-citizen", "--json").stdout)
    assert corrected["full_name"] == first["full_name"].upper() and corrected["us_citizen"] is False
    assert "is not a U.S. citizen" in corrected["eligibility"]["reasons"]
    (event,) = json.loads(g287("audit", "--json", "--action", "nominee.update").stdout)
    assert event["after"]["namesake_of"] == [first["id"]]


def test_a_score_is_read_strictly(g287, deferred_writes):
    """click's float took "7_0" for 70 and "1e1" for 10."""
    for score in ("7_0", "1e1", "abc", "150"):
        refused = g287("program", "exam", "1", "--score", score, ok=False)
        assert refused.returncode == 1 and refused.stderr == f"g287: error: --score: {score!r} is not a percentage from 0 to 100\n", refused.stderr


def test_program_nominee_shows_the_facts_training_and_certification_its_help_promises(g287):
    """`program nominee ID` ("One nominee: facts, eligibility (each rule with its source), training, certification,
    standing") printed only the standing and the rules: not why a nominee was disqualified, nor the facts, the
    examinations or the certification, which only --json gave."""
    g287("demo")
    listed = {n["standing"]: n["id"] for n in json.loads(g287("program", "nominees", "--json").stdout)}
    disqualified, certified = listed["disqualified"], listed["certified"]
    detail = json.loads(g287("program", "nominee", disqualified, "--json").stdout)
    lines = g287("program", "nominee", disqualified).stdout.splitlines()
    failed_on, remediated_on = (e["taken_on"] for e in detail["exams"])
    assert lines[:11] == [
        f"Nominee {disqualified}: {detail['full_name']}, {detail['model']} MOA {detail['moa_id']}: disqualified (2 examinations failed (below 70%), remediation included)",
        "eligible",
        f"nominated on {detail['nominated_on']}",
        "U.S. citizen: yes",
        "knowledge of and experience enforcing the jurisdiction's laws: yes",
        "Has been trained in maintaining the security of the agency's facilities and has enforced the rules on inmate accountability and conduct? yes",
        f"sworn service: {detail['service_periods'][0]['start']} to now",
        f"background investigation: passed on {detail['background_completed_on']}",
        f"enrolled in the {detail['model']} course on {detail['enrolment']['enrolled_on']}: disqualified on {remediated_on}",
        f"  final examination on {failed_on}: {detail['exams'][0]['score']:g}%, failed",
        f"  final examination on {remediated_on}: {detail['exams'][1]['score']:g}%, failed (remediation attempt)",
    ]
    refused = g287("program", "exam", disqualified, "--score", "95", ok=False)
    assert refused.returncode == 1 and refused.stderr.strip() == (
        f"g287: error: nominee {disqualified} was disqualified on {remediated_on}: 2 examinations failed (below 70%), remediation included; no further examination is recorded"
    )
    c = json.loads(g287("program", "nominee", certified, "--json").stdout)["certification"]
    shown = g287("program", "nominee", certified).stdout
    assert f"certification: certified on {c['certified_on']}; expires on {c['expires_on']}; refresher due {c['refresher_due_on']}" in shown


def test_program_exam_help_refers_to_the_catalog_for_its_rule(g287):
    """The help stated "70% to pass; one remediation attempt; two failures disqualify" in code: a change of
    courses.toml would have left it wrong. It names where the rule is, and `program courses` says it from there."""
    help_text = " ".join(g287("program", "exam", "--help").stdout.split())
    assert "g287/data/program/courses.toml" in help_text and "70" not in help_text
    assert "at least 70 percent on each examination" in g287("program", "courses").stdout


def test_an_examination_that_disqualifies_says_so_once(g287):
    """`program exam` printed "disqualified - disqualified: 2 examinations failed ...": the explanation repeated the
    status it follows."""
    g287("demo")
    (due,) = [n["id"] for n in json.loads(g287("program", "nominees", "--json").stdout) if n["standing"] == "remediation_due"]
    shown = g287("program", "exam", due, "--score", "69.5").stdout
    assert shown.splitlines() == [f"nominee {due}: disqualified - 2 examinations failed (below 70%), remediation included"]


def test_what_is_due_for_one_agency(g287):
    """The training page and `GET /api/v1/program/due?agency_id=` give one agency's due items; `program due` gave
    every agency's only."""
    g287("demo")
    everything = json.loads(g287("program", "due", "--within", "3660", "--json").stdout)
    agencies = {item["agency_id"] for item in everything}
    assert len(agencies) > 1
    for agency_id in agencies:
        shown = json.loads(g287("program", "due", "--within", "3660", "--agency", agency_id, "--json").stdout)
        assert shown == [item for item in everything if item["agency_id"] == agency_id]
    refused = g287("program", "due", "--agency", 999999, ok=False)
    assert (refused.returncode, refused.stdout, refused.stderr.strip()) == (1, "", "g287: error: --agency 999999: no such applicant agency")


WSO_QUESTION = "Has been trained in maintaining the security of the agency's facilities and has enforced the rules on inmate accountability and conduct?"


def test_the_jail_security_requirement_is_attested_and_shown_from_the_command_line(g287):
    """JEM and WSO nominees: `--jail-security/--not-jail-security` of `program nominate` and `program correct` record
    the requirement of the model's MOA, `program nominee` shows it in the rule's words, and a nominee without it is not
    eligible, with the reason; a TFM nominee is not asked."""
    g287("demo")
    listed = json.loads(g287("program", "nominees", "--json").stdout)
    drew = next(n["id"] for n in listed if n["full_name"] == "Drew Sample")  # WSO, attested by the demo
    assert f"{WSO_QUESTION} yes" in g287("program", "nominee", drew).stdout.splitlines()
    refused = json.loads(g287("program", "correct", drew, "--not-jail-security", "--json").stdout)
    assert refused["jail_security_and_inmate_rules"] is False and not refused["eligibility"]["eligible"]
    assert refused["eligibility"]["reasons"] == [
        "the agency does not attest that the nominee has been trained in maintaining the security of its facilities and has enforced the rules on inmate accountability and conduct"
    ]
    assert f"{WSO_QUESTION} no" in g287("program", "nominee", drew).stdout.splitlines()
    assert json.loads(g287("program", "correct", drew, "--jail-security", "--json").stdout)["eligibility"]["eligible"]
    wso = next(n["moa_id"] for n in listed if n["full_name"] == "Drew Sample")
    unattested = json.loads(g287("program", "nominate", wso, "--name", "Uma Unattested", "--citizen", "--enforced-laws", "--json").stdout)
    assert unattested["jail_security_and_inmate_rules"] is None and (
        "training in maintaining the security of the agency's facilities, and having enforced the rules on inmate accountability and conduct, have not been attested"
    ) in unattested["eligibility"]["reasons"]
    assert f"{WSO_QUESTION} not recorded" in g287("program", "nominee", unattested["id"]).stdout.splitlines()
    tfm_nominee = next(n["id"] for n in listed if n["model"] == "TFM")
    assert "inmate" not in g287("program", "nominee", tfm_nominee).stdout  # not asked: no rule of the TFM reads it
