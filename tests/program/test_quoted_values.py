"""The workflow's refusals name the value a person gave as wording.quoted names it: in single quotes whatever quotes
it holds, a line break written \\n, a value of thousands of characters cut to its start with its length. Python's
repr, which they took, quoted "O'Brien's" in double quotes and a long value whole."""

import json
import warnings

from g287.access import Actor
from g287.program import accounts
from g287.program.courses import course_catalog, next_attempt_is_remedial
from g287.web.app import create_app
from tests.program.web.conftest import PASSWORD, sign_in, token_of
from tests.in_process import run_g287
from tests.program.world import build
from tests.test_quoted_values import CUT, LONG, TRICKY, _one_error_line

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient



def test_an_account_an_examination_or_an_agency_named_on_the_command_line_is_quoted(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'program.sqlite'}"
    monkeypatch.setenv("G287_PROGRAM_FILES_DIR", str(tmp_path / "files"))
    assert _one_error_line(database, "user", "disable", TRICKY) == "no account named 'o'brien's\\nlist' (see `g287 user list`)"
    assert _one_error_line(database, "user", "disable", LONG) == f"no account named {CUT} (see `g287 user list`)"
    add = ("program", "agency-add", "O'Brien's Police Department", "--state", "FL", "--type", "municipality", "--json")
    status, out, _ = run_g287(database, *add)
    assert status == 0
    agency_id = json.loads(out)["id"]
    assert _one_error_line(database, *add) == f"applicant agency {agency_id} is already 'O'Brien's Police Department' in FL: use it (or correct its name)"
    assert run_g287(database, "demo")[0] == 0
    status, out, _ = run_g287(database, "program", "nominees", "--json")
    enrolled = next(n["id"] for n in json.loads(out) if n["standing"] == "remediation_due")  # enrolled, an examination failed
    assert _one_error_line(database, "program", "exam", str(enrolled), "--exam", TRICKY, "--score", "90") == (
        "--exam: 'O'Brien's\\nlist' is not an examination of this course: final examination"
    )


def test_an_examination_no_course_holds_is_quoted_by_the_rules_of_remediation():
    # Recording an examination refuses one its course does not hold before asking these rules, which refuse it too.
    refused = next_attempt_is_remedial(("final examination",), [], LONG, course_catalog().policy)
    assert refused == (False, f"{CUT} is not an examination of this course (final examination)")


def test_a_model_a_letter_asks_for_that_is_none_is_quoted(sqlite_db):
    with sqlite_db.session() as session:
        world = build(session, "agencies")
        accounts.add_user(session, Actor.command_line(), "agency-a", "agency_user", agency_id=world.agency_a, password=PASSWORD)
    with TestClient(create_app(sqlite_db)) as agency:
        assert sign_in(agency, "agency-a").status_code == 303
        letter = {
            "agency_id": world.agency_a, "models": [TRICKY], "chief_executive_name": "Pat Example", "chief_executive_title": "Sheriff", "contact_name": "Sam Sample",
            "contact_title": "Captain", "contact_email": "sam@agency.example", "justification": "The agency asks to take part.",
        }
        sent = agency.post("/api/v1/program/applications", json=letter, headers={"X-CSRF-Token": token_of(agency)})
    assert sent.status_code == 422, sent.text
    assert sent.json()["error"]["fields"] == [{"field": "models", "message": "unknown model 'O'Brien's\\nlist': one of JEM, TFM, WSO"}]


def test_an_audit_filter_refused_is_quoted(tmp_path):
    database = f"sqlite:///{tmp_path / 'program.sqlite'}"
    assert _one_error_line(database, "audit", "--object", f"{TRICKY}:") == "--object 'O'Brien's\\nlist:': give TYPE or TYPE:ID (e.g. moa, nominee:3)"
    assert _one_error_line(database, "audit", "--object", f"nominee:{LONG}") == (
        f"--object 'nominee:{'x' * 72}' … (cut: 5,008 characters in all): malformed object reference: the id of a nominee is a whole number (TYPE:ID, e.g. nominee:3)"
    )
    assert _one_error_line(database, "audit", "--actor", TRICKY) == (
        "--actor 'O'Brien's\\nlist': no user has this name (an actor is a user name, user:ID, cli:NAME or system)"
    )
