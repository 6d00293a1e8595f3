"""The commands: `g287 user add|list|disable`, `g287 audit`, `g287 demo` and `g287 program ...`, as a user runs
them (in this process, as the entry point runs them; one test in a real process), with bad input answered in one
line and exit status 1."""

import datetime as dt
import json
import os
import re
import subprocess
import sys

import pytest

from tests.program.world import SIGNED_PDF


@pytest.fixture
def g287(tmp_path, monkeypatch, capsys):
    """Run a command in this process, exactly as the `g287` entry point does (errors as one line, exit status)."""
    from g287.cli import main

    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("G287_PROGRAM_FILES_DIR", str(tmp_path / "files"))

    def run(*args, ok=True):
        monkeypatch.setattr(sys, "argv", ["g287", *map(str, args)])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code or 0
        out, err = capsys.readouterr()
        done = subprocess.CompletedProcess(args, code, out, err)
        if ok:
            assert code == 0, err
        return done

    return run


def test_errors_are_one_line_in_a_real_process(tmp_path):
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}")
    done = subprocess.run([sys.executable, "-m", "g287", "user", "add", "bob", "--role", "agency_user"], capture_output=True, text=True, env=env)
    assert done.returncode == 1 and done.stderr.strip().splitlines() == ["g287: error: --agency: an agency user acts for one agency: name it"]
    assert done.stdout == ""


def test_user_commands_and_the_audit_log(g287, deferred_writes):
    added = json.loads(g287("user", "add", "Olga", "--role", "program_officer", "--name", "Olga Officer", "--json").stdout)
    password = added["password"]
    assert added["user"]["username"] == "olga" and len(password) >= 20
    listed = g287("user", "list", "--json").stdout
    assert password not in listed and json.loads(listed)[0]["role"] == "program_officer"
    refused = g287("user", "add", "bob", "--role", "agency_user", ok=False)
    assert refused.returncode == 1 and refused.stderr.strip().splitlines() == ["g287: error: --agency: an agency user acts for one agency: name it"]
    agency = g287("program", "agency-add", "Testville Police Department", "--state", "FL", "--type", "municipality", "--json")
    agency_id = json.loads(agency.stdout)["id"]
    shown = g287("user", "add", "bob", "--role", "agency_user", "--agency", agency_id).stdout
    assert "for Testville Police Department" in shown and "password (shown once" in shown
    assert g287("user", "disable", "bob").stdout.strip() == "disabled bob; its sessions have ended"
    events = json.loads(g287("audit", "--json", "--action", "account.").stdout)
    assert [e["action"] for e in events] == ["account.disable", "account.add", "account.add"]
    assert all(password not in json.dumps(e) for e in events)
    only_agency = json.loads(g287("audit", "--json", "--object", f"applicant_agency:{agency_id}").stdout)
    assert [e["action"] for e in only_agency] == ["agency.create"]
    assert json.loads(g287("audit", "--json", "--since", "2199-01-01").stdout) == []
    unknown_type = g287("audit", "--object", "nosuchtype", ok=False)
    assert unknown_type.returncode == 1 and unknown_type.stderr.startswith("g287: error: --object 'nosuchtype': no such object type (one of: ")
    bad_date = g287("audit", "--since", "yesterday", ok=False)
    assert bad_date.returncode == 1 and "expected a date" in bad_date.stderr and "Traceback" not in bad_date.stderr
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_demo_walks_every_stage_and_runs_once(g287, tmp_path, deferred_writes):
    shown = g287("demo").stdout
    for username in ("demo-admin", "demo-officer", "demo-agency"):
        assert username in shown
    assert "TFM signed, WSO draft" in shown and "JEM requested" in shown and "JEM terminated" in shown
    again = g287("demo", ok=False)
    assert again.returncode == 1 and "already has accounts" in again.stderr
    due = {item["kind"] for item in json.loads(g287("program", "due", "--json").stdout)}
    assert {"refresher_due", "certification_expires", "remediation_due", "ready_to_certify", "background_pending"} <= due
    nominees = {n["full_name"]: n for n in json.loads(g287("program", "nominees", "--json").stdout)}
    assert nominees["Alex Example"]["reasons"] and "requires at least 2 years" in nominees["Alex Example"]["reasons"][0]
    # The table heads each column in words and writes a true or false value yes or no (it printed True and False).
    listed = g287("program", "nominees").stdout
    assert "full name" in listed and "full_name" not in listed and "yes" in listed and "no" in listed.split()
    assert "True" not in listed and "False" not in listed
    assert {n["standing"] for n in nominees.values()} >= {"ineligible", "certified", "remediation_due", "passed", "disqualified"}
    figures = json.loads(g287("program", "figures", "--json").stdout)
    assert figures["records"]["participating"]["by_model"] == figures["published"]["participating"]["by_model"] == {"JEM": 0, "TFM": 1, "WSO": 1}
    assert figures["published"]["participating"]["source"] == "this registry"
    refused = g287("program", "enrol", str(nominees["Alex Example"]["id"]), ok=False)
    assert refused.returncode == 1 and "not eligible for the Task Force Model" in refused.stderr
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_the_demo_holds_one_moa_its_agency_withdrew_with_the_reason(g287):
    """The withdrawn state was in no demonstration: Sampleton's user withdrew its TFM request before it was drafted."""
    shown = g287("demo").stdout
    assert re.search(r"\d+: Sampleton Police Department \(TX\), TFM withdrawn$", shown, re.M), shown
    (listed,) = json.loads(g287("program", "applications", "--stage", "withdrawn", "--json").stdout)
    detail = json.loads(g287("program", "application", listed["id"], "--json").stdout)
    (moa,) = detail["moas"]
    assert (moa["model"], moa["status"], moa["withdrawal_reason"]) == ("TFM", "withdrawn", "A demonstration withdrawal: the agency asks for the Jail Enforcement Model only.")
    assert moa["withdrawn_on"] == (dt.date.fromisoformat(detail["letter"]["date"]) + dt.timedelta(days=5)).isoformat()
    users = {u["username"]: u["id"] for u in json.loads(g287("user", "list", "--json").stdout)}
    (event,) = json.loads(g287("audit", "--json", "--action", "moa.withdraw").stdout)
    assert event["actor"] == f"user:{users['demo-agency-sampleton']}"  # the agency's own withdrawal


def test_nominees_standings_are_printed_in_words(g287, monkeypatch):
    """`program nominees` printed the standings as their JSON values ("remediation_due"); --json keeps them."""
    from g287.cli import common

    monkeypatch.setattr(common.console, "width", 2000)  # no value wrapped across lines
    g287("demo")
    standings = {n["id"]: n["standing"] for n in json.loads(g287("program", "nominees", "--json").stdout)}
    assert "remediation_due" in standings.values()  # as the JSON gives it
    rows = {int(line.split()[1]): line for line in g287("program", "nominees").stdout.splitlines() if re.match(r"\S\s+\d+\s", line)}
    assert rows.keys() == standings.keys()
    for nominee_id, standing in standings.items():
        assert f" {standing.replace('_', ' ')} " in rows[nominee_id]
    assert "_due" not in "".join(rows.values())
    (due,) = [i for i, s in standings.items() if s == "remediation_due"]
    assert ": remediation due" in g287("program", "nominee", due).stdout.splitlines()[0]


def test_what_is_due_and_the_moa_status_are_printed_in_words(g287, monkeypatch):
    """`program due` printed each kind as its JSON value ("refresher_due"), as `program authorized --summary` would the
    MOA's status ("not_signed"); --json keeps the values."""
    from g287.cli import common

    monkeypatch.setattr(common.console, "width", 2000)  # no value wrapped across lines
    g287("demo")
    kinds = [item["kind"] for item in json.loads(g287("program", "due", "--json").stdout)]
    assert "refresher_due" in kinds  # as the JSON gives it
    rows = [line for line in g287("program", "due").stdout.splitlines() if re.match(r"\S\s+(\d{4}-\d\d-\d\d\s+)?\S\s+(yes|no)\s", line)]
    assert len(rows) == len(kinds)
    for row, kind in zip(rows, kinds):
        assert f" {kind.replace('_', ' ')} " in row
    assert "_" not in "".join(rows)
    statuses = [item["moa_status"] for item in json.loads(g287("program", "authorized", "--summary", "--json").stdout)]
    rows = [line for line in g287("program", "authorized", "--summary").stdout.splitlines() if re.search(r"\s(JEM|TFM|WSO)\s", line)]
    assert statuses and len(rows) == len(statuses)
    for row, status in zip(rows, statuses):
        assert f" {status.replace('_', ' ')} " in row and "_" not in row


def test_applications_print_the_local_time_of_submission_to_the_minute(g287, monkeypatch):
    """`program applications` printed the stored time whole: 2026-12-01T00:44:21.656256+00:00."""
    from g287 import days
    from g287.cli import common

    monkeypatch.setattr(common.console, "width", 2000)  # no value wrapped across lines
    g287("demo")
    submitted = {a["id"]: a["submitted_at"] for a in json.loads(g287("program", "applications", "--json").stdout)}
    assert all("." in moment and moment.endswith("+00:00") for moment in submitted.values())  # the JSON keeps it whole
    rows = {int(line.split()[1]): line for line in g287("program", "applications").stdout.splitlines() if re.match(r"\S\s+\d+\s", line)}
    assert rows.keys() == submitted.keys()
    for application_id, moment in submitted.items():
        (shown,) = re.findall(r"\d{4}-\d\d-\d\d[ T][\d:.+]+", rows[application_id])
        assert shown == days.local_minute(moment) == f"{dt.datetime.fromisoformat(moment).astimezone():%Y-%m-%d %H:%M}"


def test_withdraw_records_an_moa_never_signed_as_withdrawn_and_refuses_others_in_one_line(g287):
    """`terminate` takes signed MOAs only: an MOA requested and never signed could not leave the pending list."""
    from g287 import days

    g287("demo")
    (application,) = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)
    (moa,) = application["moas"]
    signed = [m["id"] for a in json.loads(g287("program", "applications", "--json", "--stage", "signed").stdout) for m in a["moas"] if m["status"] == "signed"]
    letter_date = json.loads(g287("program", "application", application["id"], "--json").stdout)["letter"]["date"]
    before = json.loads(g287("audit", "--json").stdout)
    for args, message in (
        ((moa["id"], "--on", "2001-01-01"), f"--on: 2001-01-01 is before the letter of interest that asked for this MOA, dated {letter_date}"),
        ((moa["id"], "--on", "soon"), "--on 'soon': expected a date YYYY-MM-DD"),
        ((signed[0],), f"MOA {signed[0]} is signed: only a requested or drafted MOA can be withdrawn (a signed MOA is terminated)"),
        ((999,), "no MOA with id 999"),
    ):
        refused = g287("program", "withdraw", *args, ok=False)
        assert refused.returncode == 1 and refused.stderr.strip().splitlines() == [f"g287: error: {message}"], refused.stderr
    assert json.loads(g287("audit", "--json").stdout) == before
    done = g287("program", "withdraw", moa["id"], "--reason", "Sent in error")
    assert done.stdout.strip() == f"MOA {moa['id']} ({moa['model']}) withdrawn on {days.today().isoformat()}"
    withdrawn = {a["id"]: a for a in json.loads(g287("program", "applications", "--json", "--stage", "withdrawn").stdout)}  # the demo's own withdrawn request besides
    assert len(withdrawn) == 2 and withdrawn[application["id"]]["moas"] == [dict(moa, status="withdrawn")]
    assert moa["id"] not in [row["moa_id"] for row in json.loads(g287("program", "lists", "--kind", "pending", "--json").stdout)]
    (event,) = [e for e in json.loads(g287("audit", "--json", "--action", "moa.withdraw").stdout) if e["object_id"] == str(moa["id"])]
    assert event["after"] == {"status": "withdrawn", "withdrawn_on": days.today().isoformat(), "reason": "Sent in error"}


def test_an_application_prints_each_withdrawal_s_reason_under_its_table_a_long_one_whole(g287, monkeypatch):
    """`program application ID` gave the withdrawal's reason in --json only. Under the table, not in a column: a reason
    of 500 characters folded into a column of its own drew each MOA's row over dozens of lines, and squeezed the
    other columns on a narrower terminal."""
    from g287.cli import common

    g287("demo")
    (withdrawn,) = json.loads(g287("program", "applications", "--json", "--stage", "withdrawn").stdout)
    (application,) = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)
    (moa,) = application["moas"]
    reason = ("The agency asks for no model at this time, by letter of its chief executive; " * 7)[:500].strip()
    g287("program", "withdraw", moa["id"], "--reason", reason)
    for listed, expected in ((withdrawn, "A demonstration withdrawal: the agency asks for the Jail Enforcement Model only."), (application, reason)):
        (shown_moa,) = listed["moas"]
        for width in (120, 80):
            monkeypatch.setattr(common.console, "width", width)
            lines = g287("program", "application", listed["id"]).stdout.splitlines()
            table = [line for line in lines if line[:1] in "┏┃┡│└"]
            assert table and all(len(line) <= width for line in table) and "demonstration" not in "".join(table) and "chief" not in "".join(table), lines
            if width == 120:  # wide enough for every column: the MOA's row on one line
                assert len([line for line in table if line.startswith("│")]) == 1, lines
            assert lines[-1] == f"Reason for the withdrawal of MOA {shown_moa['id']} ({shown_moa['model']}): {expected}"
    assert "Reason for" not in g287("program", "application", json.loads(g287("program", "applications", "--json", "--stage", "signed").stdout)[0]["id"]).stdout


def test_a_draft_not_written_is_not_drafted(g287, tmp_path):
    """`program draft 2 -o d.txt` said "drafted: version 2", then refused the file name and rolled the draft back."""
    g287("demo")
    moa_id = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)[0]["moas"][0]["id"]
    for output in (tmp_path / "d.txt", tmp_path / "no-such-folder" / "d.pdf"):
        refused = g287("program", "draft", moa_id, "-o", output, ok=False)
        assert refused.returncode == 1 and "drafted" not in refused.stdout and str(output) in refused.stderr
    drafted = g287("program", "draft", moa_id, "-o", tmp_path / "d.pdf").stdout
    assert drafted.splitlines()[-1] == f"MOA {moa_id} (JEM) drafted: version 1" and (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF-")


def test_a_letter_or_draft_written_to_a_name_holding_a_line_break_is_named_in_one_line(g287, tmp_path):
    """`program letter` and `program draft -o` named the file they wrote with its line break, in two lines, while an
    error line naming it showed the line break as "?" (g287.cli.common.error_line)."""
    g287("demo")
    (sampleton,) = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)
    folder = tmp_path / "letters\nfolder"
    folder.mkdir()
    shown = str(folder).replace("\n", "?")
    letter = g287("program", "letter", sampleton["id"], "-o", folder / "letter.pdf").stdout
    assert letter.startswith(f"wrote {shown}/letter.pdf (") and letter.count("\n") == 1, letter
    drafted = g287("program", "draft", sampleton["moas"][0]["id"], "-o", folder / "draft.docx").stdout.splitlines()
    assert drafted[0].startswith(f"wrote {shown}/draft.docx (") and len(drafted) == 2, drafted
    assert (folder / "letter.pdf").read_bytes().startswith(b"%PDF-") and (folder / "draft.docx").is_file()


def test_program_commands_from_letter_to_certification(g287, tmp_path, deferred_writes):
    g287("demo")
    applications = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)
    (sampleton,) = applications
    moa_id = sampleton["moas"][0]["id"]
    g287("program", "letter", sampleton["id"], "-o", tmp_path / "letter.docx")
    assert (tmp_path / "letter.docx").stat().st_size > 5000
    g287("program", "draft", moa_id, "-o", tmp_path / "draft.pdf")
    assert (tmp_path / "draft.pdf").read_bytes().startswith(b"%PDF-")
    today = __import__("datetime").date.today().isoformat()
    recorded = json.loads(g287("program", "record", moa_id, "--pdf", SIGNED_PDF, "--signed-on", today, "--signatory", "agency:Robin Sample:Chief of Police", "--signatory", "ICE:Lee Official:Field Office Director", "--json").stdout)
    assert recorded["status"] == "signed" and recorded["registry_agreement_id"]
    nominated = json.loads(g287("program", "nominate", moa_id, "--name", "Quinn Example", "--citizen", "--enforced-laws", "--jail-security", "--service", "2015-01-01", "--json").stdout)
    assert nominated["eligibility"]["reasons"] == ["the background investigation has not been completed (the program office records its result)"]
    nominee = nominated["id"]
    g287("program", "background", nominee, "--result", "passed", "--on", today)
    g287("program", "enrol", nominee)
    assert "remediation due" in g287("program", "exam", nominee, "--score", "50").stdout
    assert "passed" in g287("program", "exam", nominee, "--score", "90").stdout
    assert "certified on" in g287("program", "certify", nominee).stdout
    officers = json.loads(g287("program", "authorized", "--json", "--model", "JEM").stdout)
    assert [o["full_name"] for o in officers] == ["Quinn Example"]
    published = json.loads(g287("program", "publish", "--json").stdout)
    assert {i["kind"]: i["status"] for i in published["lists"]} == {"participating": "published", "pending": "published"}
    assert published["figures"]["participating"]["by_model"]["JEM"] == 1
    assert g287("program", "record", moa_id, "--pdf", SIGNED_PDF, "--signed-on", today, "--signatory", "agency:A:B", ok=False).returncode == 1
    listed = json.loads(g287("program", "lists", "--kind", "participating", "--json").stdout)
    assert "Quinn Example" not in json.dumps(listed)
    assert deferred_writes == []  # every change began as writing: it waits for another, never refused


def test_a_nomination_may_be_dated_in_the_past_never_in_the_future(g287):
    g287("demo")
    today = dt.date.today()
    signed = [m["id"] for a in json.loads(g287("program", "applications", "--json").stdout) for m in a["moas"] if m["status"] == "signed" and m["model"] == "TFM"]
    nominated = json.loads(g287("program", "nominate", signed[0], "--name", "Olde Record", "--on", today - dt.timedelta(days=80), "--json").stdout)
    assert nominated["nominated_on"] == (today - dt.timedelta(days=80)).isoformat()
    refused = g287("program", "nominate", signed[0], "--name", "Future Record", "--on", today + dt.timedelta(days=1), ok=False)
    assert refused.returncode == 1 and refused.stderr.strip() == f"g287: error: --on: must not be after {today.isoformat()}"


def test_a_password_typed_by_a_script_is_read_from_standard_input(tmp_path):
    """Standard input not a terminal: the confirmation prompt repeated until the input ran out, then said "aborted"
    with status 130, as Ctrl+C does. Its first line is now the password; none is one clear line."""
    from g287.db.engine import Database
    from g287.program import auth
    from tests.in_process import run_g287

    database = f"sqlite:///{tmp_path / 'users.sqlite'}"
    add = ["user", "add", "--role", "program_officer", "--prompt-password"]
    status, out, err = run_g287(database, *add, "carol", input="a long password 287g\n")
    assert status == 0 and out.strip() == "added carol (program_officer)", err
    status, _, err = run_g287(database, *add, "dave", input="")
    assert status == 1 and err.strip() == "g287: error: --prompt-password: no password on standard input (its first line is the password)"
    assert auth.login(Database(database), "carol", "a long password 287g", None).actor.role == "program_officer"


def test_a_name_already_on_the_moa_is_refused_in_one_line_unless_confirmed_as_a_namesake(g287):
    g287("demo")
    (moa_id,) = [m["id"] for a in json.loads(g287("program", "applications", "--json").stdout) for m in a["moas"] if m["status"] == "signed" and m["model"] == "TFM"]
    listed = g287("program", "nominees", "--moa", moa_id, "--json").stdout
    (jordan,) = [n["id"] for n in json.loads(listed) if n["full_name"] == "Jordan Sample"]  # certified: on the MOA
    nominated_on = json.loads(g287("program", "nominee", jordan, "--json").stdout)["nominated_on"]
    events = g287("audit", "--json", "--action", "nominee.").stdout
    refused = g287("program", "nominate", moa_id, "--name", "jordan  SAMPLE", "--citizen", ok=False)
    assert refused.returncode == 1 and refused.stdout == "" and "Traceback" not in refused.stderr
    assert refused.stderr.strip().splitlines() == [
        f"g287: error: MOA {moa_id} already has a nominee of this name: nominee {jordan} (nominated on {nominated_on}, still on the MOA). "
        f"One officer is not nominated twice to an MOA: if this is a different person of the same name, confirm that they are a namesake of nominee {jordan}"
    ]
    stray = g287("program", "nominate", moa_id, "--name", "jordan  SAMPLE", "--namesake-of", 999999, ok=False)
    assert stray.returncode == 1 and stray.stderr.strip().splitlines() == [f"g287: error: --namesake-of: nominee 999999 is no nominee of this name on MOA {moa_id} at the same time"]
    assert g287("program", "nominees", "--moa", moa_id, "--json").stdout == listed  # nothing recorded
    assert g287("audit", "--json", "--action", "nominee.").stdout == events
    confirmed = json.loads(g287("program", "nominate", moa_id, "--name", "jordan  SAMPLE", "--citizen", "--namesake-of", jordan, "--json").stdout)
    assert confirmed["full_name"] == "jordan SAMPLE" and confirmed["moa_id"] == moa_id
    (event,) = json.loads(g287("audit", "--json", "--action", "nominee.create", "--object", f"nominee:{confirmed['id']}").stdout)
    assert event["after"]["namesake_of"] == [jordan]


LETTER = (
    "--chief-executive-name", "Robin Sample", "--chief-executive-title", "Sheriff", "--contact-name", "Kim Example",
    "--contact-title", "Lieutenant", "--contact-email", "kim.example@testville.example", "--justification", "First paragraph.\\nSecond paragraph.",
)


def test_a_letter_of_interest_is_submitted_from_the_command_line(g287, tmp_path, deferred_writes):
    """The command line could not submit a letter of interest (the site, the API and `g287 demo` could): `program
    apply` does, through the same service, with its audit event, and refuses bad input in one line, changing nothing."""
    agency_id = json.loads(g287("program", "agency-add", "Testville County Sheriff's Office", "--state", "FL", "--type", "county", "--county", "Testville", "--json").stdout)["id"]
    shown = g287("program", "apply", agency_id, "--model", "wso", "--model", "TFM", *LETTER, "--contact-phone", "555-0100").stdout
    (listed,) = json.loads(g287("program", "applications", "--json").stdout)
    assert [(m["model"], m["status"]) for m in listed["moas"]] == [("TFM", "requested"), ("WSO", "requested")]
    tfm, wso = (m["id"] for m in listed["moas"])
    today = dt.date.today().isoformat()
    assert shown.splitlines() == [f"application {listed['id']}: letter of interest of Testville County Sheriff's Office (FL), dated {today}, for TFM (MOA {tfm}), WSO (MOA {wso})"]
    letter = json.loads(g287("program", "application", listed["id"], "--json").stdout)["letter"]
    assert letter["models"] == ["TFM", "WSO"] and letter["date"] == today and letter["agency"]["id"] == agency_id
    assert letter["chief_executive"] == {"name": "Robin Sample", "title": "Sheriff"}
    assert letter["contact"] == {"name": "Kim Example", "title": "Lieutenant", "email": "kim.example@testville.example", "phone": "555-0100"}
    assert letter["justification"] == "First paragraph.\nSecond paragraph."
    (event,) = json.loads(g287("audit", "--json", "--action", "application.").stdout)
    assert (event["action"], event["object_id"], event["actor"][:4]) == ("application.submit", str(listed["id"]), "cli:") and event["after"]["contact"] == letter["contact"]
    pending = json.loads(g287("program", "lists", "--kind", "pending", "--json").stdout)
    assert [r["model"] for r in pending] == ["TFM", "WSO"] and "Kim Example" not in json.dumps(pending)
    g287("program", "letter", listed["id"], "-o", tmp_path / "letter.pdf")
    assert (tmp_path / "letter.pdf").read_bytes().startswith(b"%PDF-")
    events = g287("audit", "--json").stdout
    for args, line in (
        ((agency_id, "--model", "JEM", *LETTER[:-4], "--contact-email", "kim", "--justification", " "), "--contact-email: not an e-mail address; --justification: required"),
        ((999, "--model", "JEM", *LETTER), "no applicant agency with id 999"),
        ((agency_id, "--model", "JEM", "--model", "jem", *LETTER), "--model: a model is chosen twice"),
        ((agency_id, "--model", "JEM", "--model", "TFM", *LETTER), f"the agency already has an open or signed TFM MOA (application {listed['id']})"),
    ):
        refused = g287("program", "apply", *args, ok=False)
        assert (refused.returncode, refused.stdout, refused.stderr.splitlines()) == (1, "", [f"g287: error: {line}"])
    assert json.loads(g287("program", "applications", "--json").stdout) == [listed]
    assert g287("audit", "--json").stdout == events
    missing = g287("program", "apply", agency_id, *LETTER, ok=False)
    assert missing.returncode == 2 and "Missing option '--model'" in missing.stderr


def test_a_file_refused_as_the_signed_moa_is_named_by_its_option(g287, tmp_path, monkeypatch):
    """`program record --pdf notes.txt` said "the uploaded file is not a PDF": no file was uploaded, and neither the
    option nor the file was named."""
    monkeypatch.chdir(tmp_path)  # the files named as given, relative: an error line cuts a value as long as tmp_path can be
    g287("demo")
    moa_id = json.loads(g287("program", "applications", "--json", "--stage", "requested").stdout)[0]["moas"][0]["id"]
    g287("program", "draft", moa_id)
    (tmp_path / "notes.txt").write_text("not a PDF at all")
    (tmp_path / "empty.pdf").write_bytes(b"")
    record = ["program", "record", moa_id, "--signed-on", dt.date.today().isoformat(), "--signatory", "agency:A:B", "--signatory", "ICE:C:D", "--pdf"]
    for name, problem in (("notes.txt", "the file is not a PDF"), ("empty.pdf", "the file is empty"), ("missing.pdf", "cannot be read (No such file or directory)")):
        refused = g287(*record, name, ok=False)
        assert (refused.returncode, refused.stderr.splitlines()) == (1, [f"g287: error: --pdf {name!r}: {problem}"])
    statuses = {m["id"]: m["status"] for a in json.loads(g287("program", "applications", "--json").stdout) for m in a["moas"]}
    assert statuses[moa_id] == "draft"  # nothing recorded


def test_the_audit_table_writes_values_as_the_program_tables_do(g287, monkeypatch):
    """`g287 audit` printed Python's values in its before and after columns: remedial=True, last_refresher_on=None,
    signatories=[{'name': ...}]."""
    from g287.cli import common

    monkeypatch.setattr(common.console, "width", 2000)  # a terminal wide enough that no value is wrapped across lines
    g287("demo")
    shown = g287("audit", "--limit", "10000").stdout
    assert not {"True", "False", "None"} & {word.strip(",();.") for word in shown.split()}
    assert "{'" not in shown and "[{" not in shown and "': " not in shown
    exam = g287("audit", "--action", "training.record_exam", "--limit", "1").stdout
    assert re.search(r"score=\d+(\.\d+)?, ", exam) and re.search(r"\bremedial=(yes|no), ", exam) and re.search(r"\bpassed=(yes|no), ", exam)
    assert "last_refresher_on=none, " in g287("audit", "--action", "training.certify", "--limit", "1").stdout
    assert "service_periods=(start=" in g287("audit", "--action", "nominee.create", "--limit", "1").stdout
    assert json.loads(g287("audit", "--json", "--action", "training.certify", "--limit", "1").stdout)[0]["after"]["last_refresher_on"] is None  # exact in JSON
