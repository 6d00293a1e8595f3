"""`g287 program ...`: the program workflow from the command line (which acts as the administrator): applicant
agencies, applications and their documents, MOA drafts and signed MOAs, nominees, training, who is authorized,
what is due, and the registry's own published lists. Thin wrappers over g287.program's services."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import click

from g287 import days
from g287.access import Actor
from g287.cli.common import Choice, MODEL, PERCENT, RECORD_ID, GivenPath, WholeNumber, Table, console, database_option, echo, fields_given_by, json_option, parse_date, print_json, require_record, state
from g287.config import check_reading_settings
from g287.db.models.program import ApplicantAgency, ProgramMoa
from g287.documents.display import displayable
from g287.errors import G287Error
from g287.files import check_writable, write_atomically
from g287.program import agencies, applications, moas, nominees, publish, training, views
from g287.program.courses import course_catalog
from g287.program.documents import Citations
from g287.program.rules import attested_question, rule_catalog
from g287.program.storage import UploadRejected, check_pdf
from g287.registry import figures as registry_figures
from g287.registry.figures import AGENCY_TYPES
from g287.wording import counted, quoted


def register(cli: click.Group) -> None:
    cli.add_command(program)


@click.group()
def program() -> None:
    """The 287(g) program workflow: letters of interest, MOAs, nominees, training and certification."""


def admin() -> Actor:
    return Actor.command_line()


def table(rows: list[dict], columns: list[str]) -> None:
    """The rows as a table: each column headed by its JSON key in words ("full name"), a true or false value written
    yes or no (Python's True and False are no words a reader of the table uses)."""
    out = Table()
    for column in columns:
        out.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        out.add_row(*[_cell(row.get(c)) for c in columns])
    console.print(out)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def write_document(document, output: str | None) -> None:
    target = Path(output or document.filename)
    write_atomically(target, document.content)
    echo(displayable(f"wrote {target} ({len(document.content):,} bytes)"))  # one line, as error_line names it


@program.command("agencies")
@json_option
@database_option
def agencies_command(as_json):
    """Applicant agencies, with the registry agency each is linked to."""
    with state().db.session() as session:
        items = [asdict(a) for a in agencies.list_agencies(session, admin())]
    print_json(items) if as_json else table(items, ["id", "name", "state", "agency_type", "county", "registry_agency_id", "link_rule"])


@program.command("agency-add")
@click.argument("name")
@click.option("--state", "state_code", required=True, metavar="XX", help="Two-letter USPS code.")
@click.option("--type", "agency_type", required=True, type=Choice(AGENCY_TYPES))
@click.option("--county", metavar="TEXT")
@click.option("--address", metavar="TEXT", help="Postal address (lines separated by \\n).")
@click.option("--registry-agency", "registry_agency_id", type=RECORD_ID, metavar="ID", help="Link to this agency of the registry (default: the one ICE published under the same name, if any).")
@json_option
@database_option
@fields_given_by(state="state_code")
def agency_add(name, state_code, agency_type, county, address, registry_agency_id, as_json):
    """Add an applicant agency (then `g287 user add --role agency_user --agency ID`)."""
    address = (address or "").replace("\\n", "\n") or None
    agencies.check_agency(name, state_code, agency_type, county=county, address=address)  # before the database is opened
    with state().db.session(writing=True) as session:
        info = agencies.create_agency(session, admin(), name, state_code, agency_type, county=county, address=address, registry_agency_id=registry_agency_id)
    if as_json:
        print_json(asdict(info))
    else:
        linked = f", linked to registry agency {info.registry_agency_id} ({info.link_rule})" if info.registry_agency_id else ", not in the registry yet"
        echo(f"added applicant agency {info.id}: {info.name} ({info.state}){linked}")


@program.command("applications")
@click.option("--stage", type=Choice(applications.STATUSES), help="Only applications at this stage.")
@json_option
@database_option
def applications_command(stage, as_json):
    """Applications (letters of interest), newest first, with each MOA's status."""
    with state().db.session() as session:
        items = applications.list_applications(session, admin(), stage_filter=stage)
    if as_json:
        print_json(items)
        return
    for item in items:
        item["moas"] = ", ".join(f"{m['model']} (MOA {m['id']}) {m['status']}" for m in item["moas"])
        # The local time to the minute (the JSON keeps the stored UTC time whole): its day is the letter's date.
        item["submitted_at"] = days.local_minute(item["submitted_at"])
    table(items, ["id", "agency", "state", "submitted_at", "stage", "moas"])


@program.command("apply")
@click.argument("agency_id", type=RECORD_ID)
@click.option("--model", "models", type=MODEL, multiple=True, required=True, help="A model the letter asks for (repeat for each).")
@click.option("--chief-executive-name", required=True, metavar="NAME", help="The agency's chief executive, who signs the letter.")
@click.option("--chief-executive-title", required=True, metavar="TITLE")
@click.option("--contact-name", required=True, metavar="NAME", help="The point of contact for the application.")
@click.option("--contact-title", required=True, metavar="TITLE")
@click.option("--contact-email", required=True, metavar="ADDRESS")
@click.option("--contact-phone", metavar="NUMBER")
@click.option("--justification", required=True, metavar="TEXT", help="Why the agency asks to join (paragraphs separated by \\n).")
@json_option
@database_option
def apply_command(agency_id, models, chief_executive_name, chief_executive_title, contact_name, contact_title, contact_email, contact_phone, justification, as_json):
    """Submit a letter of interest for an applicant agency, as its agency user does on the site: it opens an
    application with one MOA per model asked for (`program letter` then writes the letter)."""
    form = applications.LetterForm(
        models=list(models),
        chief_executive_name=chief_executive_name,
        chief_executive_title=chief_executive_title,
        contact_name=contact_name,
        contact_title=contact_title,
        contact_email=contact_email,
        contact_phone=contact_phone,
        justification=justification.replace("\\n", "\n"),
    )
    applications.check_letter(form)  # before the database is opened (a new one would be made)
    with state().db.session(writing=True) as session:
        application = applications.submit_letter(session, admin(), agency_id, form)
        detail = applications.application_detail(session, admin(), application.id)
    if as_json:
        print_json(detail)
        return
    letter = detail["letter"]
    asked = ", ".join(f"{m['model']} (MOA {m['id']})" for m in detail["moas"])
    echo(f"application {detail['id']}: letter of interest of {letter['agency']['name']} ({letter['agency']['state']}), dated {letter['date']}, for {asked}")


@program.command("application")
@click.argument("application_id", type=RECORD_ID)
@json_option
@database_option
def application_command(application_id, as_json):
    """One application: the letter as submitted and each MOA's progress."""
    with state().db.session() as session:
        detail = applications.application_detail(session, admin(), application_id)
    if as_json:
        print_json(detail)
        return
    letter = detail["letter"]
    echo(f"Application {detail['id']}: {letter['agency']['name']} ({letter['agency']['state']}), letter of {letter['date']}, stage {detail['stage']}")
    echo(f"Chief executive: {letter['chief_executive']['name']}, {letter['chief_executive']['title']}; contact: {letter['contact']['name']} <{letter['contact']['email']}>")
    table(detail["moas"], ["id", "model", "status", "draft_version", "signed_on", "terminated_on", "withdrawn_on", "registry_agreement_id"])
    # Under the table, not a column of it: a reason of up to 500 characters, folded into a column on an 80-column
    # terminal, squeezed the dates beside it into pieces ("2025-06-0", "1").
    for moa in detail["moas"]:
        if moa.get("withdrawal_reason"):
            echo(f"Reason for the withdrawal of MOA {moa['id']} ({moa['model']}): {moa['withdrawal_reason']}")


@program.command("letter")
@click.argument("application_id", type=RECORD_ID)
@click.option("-o", "--output", metavar="FILE.pdf|FILE.docx", required=True, type=GivenPath(dir_okay=False), help="Where to write the letter; the suffix chooses the format.")
@database_option
def letter_command(application_id, output):
    """Write the letter of interest as submitted, as PDF or DOCX."""
    kind = _format(output)  # the file's name and folder, before the database is opened (a new one would be made)
    check_writable(Path(output))
    with state().db.session() as session:
        document = applications.letter_document(session, admin(), application_id, kind)
    write_document(document, output)


def _format(output: str) -> str:
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix not in ("pdf", "docx"):
        raise G287Error(f"{output}: name a .pdf or .docx file")
    return suffix


@program.command("draft")
@click.argument("moa_id", type=RECORD_ID)
@click.option("-o", "--output", metavar="FILE.pdf|FILE.docx", type=GivenPath(dir_okay=False), help="Also write the draft to this file.")
@database_option
def draft_command(moa_id, output):
    """Draft (or draft again) an MOA from its model's template; marked DRAFT FOR DISCUSSION on every page."""
    kind = _format(output) if output else None  # a wrong name is refused before anything is drafted (or opened)
    if output:
        check_writable(Path(output))
    with state().db.session(writing=True) as session:
        moa = moas.draft_moa(session, admin(), moa_id)
        if output:
            write_document(moas.draft_document(session, admin(), moa_id, kind), output)  # a file not written: nothing drafted
    echo(f"MOA {moa.id} ({moa.model}) drafted: version {moa.draft_version}")  # said once it holds


@program.command("record")
@click.argument("moa_id", type=RECORD_ID)
@click.option("--pdf", "pdf_path", required=True, type=GivenPath(dir_okay=False), help="The signed MOA (PDF).")
@click.option("--signed-on", required=True, metavar="YYYY-MM-DD", help="The date of the last signature.")
@click.option("--signatory", "signatories", multiple=True, required=True, metavar="PARTY:NAME:TITLE", help="agency:... or ICE:...; at least one of each.")
@json_option
@database_option
def record_command(moa_id, pdf_path, signed_on, signatories, as_json):
    """Record a signed MOA: the agreement then counts as participating."""
    people = []
    for text in signatories:
        party, _, rest = text.partition(":")
        name, _, title = rest.partition(":")
        people.append({"party": party.strip(), "name": name.strip(), "title": title.strip()})
    try:
        content = Path(pdf_path).read_bytes()
    except OSError as error:
        raise G287Error(f"--pdf {quoted(pdf_path)}: cannot be read ({error.strerror or error})") from None
    # The file, the date and the signatories, before the database is opened (a new one would be made)
    try:
        check_pdf(content)
    except UploadRejected as error:
        raise _pdf_rejected(pdf_path, error) from None
    day = parse_date(signed_on, "--signed-on")
    moas.check_signatories(people)
    with state().db.session(writing=True) as session:
        try:
            moa = moas.record_signed_moa(session, admin(), moa_id, pdf=content, signed_on=day, signatories=people)
        except UploadRejected as error:
            raise _pdf_rejected(pdf_path, error) from None
        summary = applications.moa_summary(moa)
    print_json(summary) if as_json else echo(f"MOA {moa.id} ({moa.model}) recorded as signed on {moa.signed_on}; registry agreement {moa.registry_agreement_id}")


def _pdf_rejected(pdf_path: str, error: UploadRejected) -> G287Error:
    """The file's problem named as the command line gave it (the service names the API's field, pdf)."""
    return G287Error(f"--pdf {quoted(pdf_path)}: {error.problem}")


@program.command("terminate")
@click.argument("moa_id", type=RECORD_ID)
@click.option("--on", "terminated_on", required=True, metavar="YYYY-MM-DD")
@database_option
def terminate_command(moa_id, terminated_on):
    """Record that a signed MOA ended; its officers are no longer authorized from that date."""
    day = parse_date(terminated_on, "--on")  # before the database is opened (a new one would be made)
    with state().db.session(writing=True) as session:
        moa = moas.terminate_moa(session, admin(), moa_id, terminated_on=day)
    echo(f"MOA {moa.id} ({moa.model}) terminated on {moa.terminated_on}")


@program.command("withdraw")
@click.argument("moa_id", type=RECORD_ID)
@click.option("--on", "withdrawn_on", metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--reason", metavar="TEXT", help="Why: kept with the MOA and in the audit log.")
@database_option
def withdraw_command(moa_id, withdrawn_on, reason):
    """Record that an MOA requested or drafted, never signed, is withdrawn: no longer pending, and the agency may ask
    for the model again."""
    day = parse_date(withdrawn_on, "--on")  # the day and the reason, before the database is opened (a new one would be made)
    moas.check_withdrawal_reason(reason)
    with state().db.session(writing=True) as session:
        moa = moas.withdraw_moa(session, admin(), moa_id, withdrawn_on=day, reason=reason)
    echo(f"MOA {moa.id} ({moa.model}) withdrawn on {moa.withdrawn_on}")


# The jail-security fact's option, for `program nominate` and `program correct` (g287.cli.program_training).
JAIL_SECURITY_HELP = (
    "JEM and WSO: trained in maintaining the security of the agency's facilities, with authority to enforce (JEM) or having enforced (WSO) "
    "the rules on inmate accountability and conduct"
)


@program.command("nominate")
@click.argument("moa_id", type=RECORD_ID)
@click.option("--name", "full_name", required=True)
@click.option("--citizen/--not-citizen", default=None, help="U.S. citizen or not (default: not recorded).")
@click.option("--enforced-laws/--not-enforced-laws", default=None, help="Knows and has enforced the jurisdiction's laws (default: not recorded).")
@click.option("--jail-security/--not-jail-security", "jail_security", default=None, help=JAIL_SECURITY_HELP + " (default: not recorded).")
@click.option("--service", "periods", multiple=True, metavar="START[:END]", help="A period of sworn law enforcement service (YYYY-MM-DD; no END while it lasts).")
@click.option("--on", "nominated_on", metavar="YYYY-MM-DD", help="The day of the nomination (default: today).")
@click.option(
    "--namesake-of", "namesake_of", type=RECORD_ID, multiple=True, metavar="ID",
    help="Confirm that nominee ID, of the same name on this MOA, is a different person (repeat for each).",
)
@json_option
@database_option
@fields_given_by(service_periods="periods", us_citizen="citizen", enforced_jurisdiction_laws="enforced_laws", jail_security_and_inmate_rules="jail_security")
def nominate_command(moa_id, full_name, citizen, enforced_laws, jail_security, periods, nominated_on, namesake_of, as_json):
    """Nominate an officer to a signed MOA, and show their eligibility. Refused while a nominee of the same name
    (up to case, spacing, punctuation and accents) is on the MOA, unless --namesake-of confirms a different person."""
    service = [{"start": p.partition(":")[0], "end": p.partition(":")[2] or None} for p in periods]
    day = parse_date(nominated_on, "--on")  # the day and the facts, before the database is opened (a new one would be made)
    facts = {"full_name": full_name, "us_citizen": citizen, "enforced_jurisdiction_laws": enforced_laws, "jail_security_and_inmate_rules": jail_security, "service_periods": service}
    nominees.check_facts(facts, nominated_on=day)
    with state().db.session(writing=True) as session:
        nominee = nominees.nominate(session, admin(), moa_id, **facts, nominated_on=day, namesake_of=namesake_of)
        detail = nominees.nominee_detail(session, admin(), nominee.id)
    show_nominee(detail, as_json)


def in_words(value: str) -> str:
    """A value as the site's pages write it: a nominee's standing ("remediation due"), what is due ("refresher due"),
    an MOA's status ("not signed"); --json keeps the value itself ("remediation_due")."""
    return value.replace("_", " ")


def show_nominee(detail: dict, as_json: bool) -> None:
    if as_json:
        print_json(detail)
        return
    check, standing = detail["eligibility"], detail["standing"]
    # Why the nominee is not authorized (disqualified, expired, the MOA not in effect...), but for the rules not met,
    # which the next line gives.
    reasons = [r.removeprefix(standing["status"] + ": ") for r in standing["reasons"] if r not in check["reasons"]]
    why = f" ({'; '.join(reasons)})" if reasons else ""
    echo(f"Nominee {detail['id']}: {detail['full_name']}, {detail['model']} MOA {detail['moa_id']}: {in_words(standing['status'])}" + (" (authorized)" if standing["authorized"] else why))
    echo("eligible" if check["eligible"] else "not eligible: " + "; ".join(check["reasons"]))


YES_NO = {True: "yes", False: "no", None: "not recorded"}


def show_record(detail: dict) -> None:
    """The facts, training and certification recorded of a nominee, as the nominee's page shows them."""
    periods = "; ".join(f"{p['start']} to {p['end'] or 'now'}" for p in detail["service_periods"]) or "none recorded"
    background = f"{detail['background_result']} on {detail['background_completed_on']}" if detail["background_result"] else "result not recorded"
    echo(f"nominated on {detail['nominated_on']}")
    echo(f"U.S. citizen: {YES_NO[detail['us_citizen']]}")
    echo(f"knowledge of and experience enforcing the jurisdiction's laws: {YES_NO[detail['enforced_jurisdiction_laws']]}")
    if question := attested_question(detail["model"], "jail_security_and_inmate_rules"):  # JEM and WSO: the rule's own words
        echo(f"{question} {YES_NO[detail['jail_security_and_inmate_rules']]}")
    echo(f"sworn service: {periods}")
    echo(f"background investigation: {background}")
    enrolment = detail["enrolment"]
    if enrolment is None:
        echo("not enrolled")
    else:
        echo(f"enrolled in the {enrolment['course']} course on {enrolment['enrolled_on']}: {enrolment['status']}" + (f" on {enrolment['finished_on']}" if enrolment["finished_on"] else ""))
    for exam in detail["exams"]:
        echo(f"  {exam['exam']} on {exam['taken_on']}: {exam['score']:g}%, {'passed' if exam['passed'] else 'failed'}" + (" (remediation attempt)" if exam["remedial"] else ""))
    certification = detail["certification"]
    if certification is not None:
        dates = [("certified on", "certified_on"), ("last renewed on", "renewed_on"), ("expires on", "expires_on"), ("refresher due", "refresher_due_on"), ("last refresher", "last_refresher_on"), ("revoked on", "revoked_on")]
        echo("certification: " + "; ".join(f"{label} {certification[key]}" for label, key in dates if certification[key]))


@program.command("nominee")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--as-of", metavar="YYYY-MM-DD")
@json_option
@database_option
def nominee_command(nominee_id, as_of, as_json):
    """One nominee: facts, eligibility (each rule with its source), training, certification, standing."""
    day = parse_date(as_of)  # before the database is opened (a new one would be made)
    with state().db.session() as session:
        detail = nominees.nominee_detail(session, admin(), nominee_id, as_of=day)
    show_nominee(detail, as_json)
    if not as_json:
        show_record(detail)
        # the sources as `program rules` shows them ("CS, MOA"), not as a Python list
        rules = [dict(r, sources=", ".join(r["sources"])) for r in detail["eligibility"]["rules"]]
        table(rules, ["rule", "outcome", "explanation", "sources"])


@program.command("nominees")
@click.option("--agency", "agency_id", type=RECORD_ID, metavar="ID")
@click.option("--moa", "moa_id", type=RECORD_ID, metavar="ID")
@click.option("--as-of", metavar="YYYY-MM-DD")
@json_option
@database_option
def nominees_command(agency_id, moa_id, as_of, as_json):
    """Nominees with their eligibility (and the reasons when not eligible) and standing."""
    day = parse_date(as_of)  # before the database is opened (a new one would be made)
    with state().db.session() as session:
        require_record(session, ApplicantAgency, agency_id, "--agency", "applicant agency")
        require_record(session, ProgramMoa, moa_id, "--moa", "MOA")
        items = nominees.list_nominees(session, admin(), agency_id=agency_id, moa_id=moa_id, as_of=day)
    if as_json:
        print_json(items)
        return
    for item in items:
        item["reasons"] = "; ".join(item["reasons"])
        item["standing"] = in_words(item["standing"])
    table(items, ["id", "full_name", "agency", "model", "moa_id", "eligible", "standing", "reasons"])


@program.command("background")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--result", required=True, type=Choice(["passed", "failed"]))
@click.option("--on", "completed_on", required=True, metavar="YYYY-MM-DD")
@database_option
def background_command(nominee_id, result, completed_on):
    """Record the result of a nominee's background investigation."""
    day = parse_date(completed_on, "--on")  # before the database is opened (a new one would be made)
    with state().db.session(writing=True) as session:
        nominees.record_background(session, admin(), nominee_id, result=result, completed_on=day)
    echo(f"nominee {nominee_id}: background investigation {result}")


@program.command("enrol")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--on", "enrolled_on", metavar="YYYY-MM-DD", help="Default: today.")
@database_option
def enrol_command(nominee_id, enrolled_on):
    """Enrol an eligible nominee in their model's initial course (refused with the reasons otherwise)."""
    day = parse_date(enrolled_on, "--on")  # before the database is opened (a new one would be made)
    with state().db.session(writing=True) as session:
        enrolment = training.enrol(session, admin(), nominee_id, enrolled_on=day)
    echo(f"nominee {nominee_id} enrolled in {enrolment.course} on {enrolment.enrolled_on}")


@program.command("exam")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--score", required=True, type=PERCENT, help="Percent, 0 to 100.")
@click.option("--on", "taken_on", metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--exam", metavar="NAME", help="Which examination, when the course has several.")
@database_option
def exam_command(nominee_id, score, taken_on, exam):
    """Record an examination score; the pass mark, the remediation attempts and the failures that disqualify are
    the course catalog's (g287/data/program/courses.toml: `g287 program courses` says them)."""
    day = parse_date(taken_on, "--on")  # before the database is opened (a new one would be made); None: today, the service's default
    with state().db.session(writing=True) as session:
        progress = training.record_exam(session, admin(), nominee_id, score=score, taken_on=day, exam=exam)
    # The explanation of a disqualification begins with the word itself ("disqualified: 2 examinations failed"): said once.
    echo(f"nominee {nominee_id}: {in_words(progress.status)} - {progress.explanation.removeprefix(progress.status + ': ')}")


@program.command("certify")
@click.argument("nominee_id", type=RECORD_ID)
@click.option("--on", "certified_on", metavar="YYYY-MM-DD", help="Default: today.")
@database_option
def certify_command(nominee_id, certified_on):
    """Certify a nominee who passed the course."""
    day = parse_date(certified_on, "--on")  # before the database is opened (a new one would be made)
    with state().db.session(writing=True) as session:
        c = training.certify(session, admin(), nominee_id, certified_on=day)
    echo(f"nominee {nominee_id} certified on {c.certified_on}; expires {c.expires_on}; refresher due {c.refresher_due_on}")


@program.command("authorized")
@click.option("--agency", "agency_id", type=RECORD_ID, metavar="ID")
@click.option("--model", type=MODEL)
@click.option("--as-of", metavar="YYYY-MM-DD")
@click.option("--summary", is_flag=True, help="Counts per agency and model instead of the officers.")
@json_option
@database_option
def authorized_command(agency_id, model, as_of, summary, as_json):
    """Officers authorized on a date (eligible, certified, attached to an MOA in effect), per agency and model."""
    day = parse_date(as_of)  # before the database is opened (a new one would be made)
    with state().db.session() as session:
        require_record(session, ApplicantAgency, agency_id, "--agency", "applicant agency")
        if summary:
            items = [i for i in training.summary(session, admin(), as_of=day, agency_id=agency_id) if model in (None, i["model"])]
            columns = ["agency", "state", "model", "moa_status", "nominees", "eligible", "in_training", "certified", "authorized"]
        else:
            items = training.authorized_officers(session, admin(), as_of=day, agency_id=agency_id, model=model)
            columns = ["agency", "state", "model", "full_name", "certified_on", "expires_on", "refresher_due_on"]
    if as_json:
        print_json(items)
        return
    if summary:
        for item in items:
            item["moa_status"] = in_words(item["moa_status"])
    table(items, columns)


@program.command("due")
@click.option("--within", "within_days", type=WholeNumber(0, training.MAX_WITHIN_DAYS), default=60, show_default=True, help=f"Days ahead (at most {training.MAX_WITHIN_DAYS:,}).")
@click.option("--as-of", metavar="YYYY-MM-DD")
@click.option("--agency", "agency_id", type=RECORD_ID, metavar="ID", help="Only this applicant agency's nominees.")
@json_option
@database_option
def due_command(within_days, as_of, agency_id, as_json):
    """What is due: refresher training, expiring (and expired) certifications, remediation examinations,
    background results, nominees ready to enrol or certify."""
    day = parse_date(as_of)  # before the database is opened (a new one would be made)
    with state().db.session() as session:
        require_record(session, ApplicantAgency, agency_id, "--agency", "applicant agency")
        items = training.due(session, admin(), as_of=day, within_days=within_days, agency_id=agency_id)
    if as_json:
        print_json(items)
        return
    for item in items:
        item["kind"] = in_words(item["kind"])
    table(items, ["due_on", "overdue", "kind", "agency", "model", "full_name", "explanation"])


def titles_of(sources) -> dict[str, str]:
    """The sources' titles by key, each once, in the order cited (the catalog's sources: g287.catalog)."""
    return {source.key: source.title for source in sources}


def sources_line(cited: dict[str, str]) -> str:
    """The line that ends `program rules` and `program courses`: what each source key printed stands for."""
    return "Sources: " + "; ".join(f"[{key}] {title}" for key, title in cited.items())


@program.command("rules")
@click.argument("model", required=False, type=MODEL)
@json_option
def rules_command(model, as_json):
    """The qualification rules per model, each with its sources (their titles at the end)."""
    chosen = [(code, r) for code, rules in rule_catalog().items() if model in (None, code) for r in rules]
    items = [
        {"model": code, "rule": r.id, "requirement": r.requirement, "check": r.check, "sources": ", ".join(s.key for s in r.sources), "source_titles": titles_of(r.sources)}
        for code, r in chosen
    ]
    if as_json:
        print_json(items)
        return
    table(items, ["model", "rule", "requirement", "check", "sources"])
    echo(sources_line(titles_of(s for _, r in chosen for s in r.sources)))


@program.command("courses")
@json_option
def courses_command(as_json):
    """The course catalog: per model, length, delivery, topics, examinations, certification and refresher."""
    catalog = course_catalog()
    items = [c.as_dict() for c in catalog.courses.values()]
    if as_json:
        facts = [*(f for c in catalog.courses.values() for f in (c.hours, c.delivery, c.cost, c.exams, c.certification, c.refresher, *c.topics)), catalog.policy.statement]  # as the text cites them
        print_json({"examination": catalog.policy.statement.as_dict(), "courses": items, "sources": titles_of(s for f in facts for s in f.sources)})
        return
    citations = Citations()  # facts stated as the letters and drafts state them: "(unconfirmed)" where so, then keys
    cite = citations.cite
    for course in catalog.courses.values():
        echo(f"{course.model}: {course.title}")
        for label, fact in (("length", course.hours), ("delivery", course.delivery), ("cost", course.cost), ("examinations", course.exams), ("certification", course.certification), ("refresher", course.refresher)):
            echo(f"  {label}: {cite(fact)}")
        echo("  topics: " + "; ".join(cite(t) for t in course.topics))
    echo(f"Examinations: {cite(catalog.policy.statement)}")
    echo(sources_line(titles_of(citations.cited())))


@program.command("lists")
@click.option("--kind", type=Choice(["participating", "pending"]), default="participating", show_default=True)
@json_option
@database_option
def lists_command(kind, as_json):
    """The registry's own participating or pending list, as the public sees it."""
    with state().db.session() as session:
        rows = (views.public_participating if kind == "participating" else views.public_pending)(session, Actor.public())
    if as_json:
        print_json(rows)
        return
    flat = [{"agency": r["agency"]["name"], "state": r["agency"]["state"], "model": r["model"], "stage": r["stage"], "requested_on": r["requested_on"], "signed_on": r["signed_on"]} for r in rows]
    table(flat, ["agency", "state", "model", "stage", "requested_on", "signed_on"])


@program.command("publish")
@json_option
@database_option
def publish_command(as_json):
    """Publish the registry's participating and pending lists (workbooks in ICE's layout, ingested with origin
    "registry") and print the registry's figures."""
    check_reading_settings()  # the lists published are ingested: a bad setting refused before the database is opened
    result = publish.publish(state().db, admin())
    if as_json:
        print_json(asdict(result))
        return
    for item in result.lists:
        echo(f"{item.kind}: {item.status} ({counted(item.rows, 'row')})" + (f", {item.file} = publication {item.publication_id}" if item.file else ""))
    echo(registry_figures.headline(result.figures))


@program.command("figures")
@click.option("--as-of", metavar="YYYY-MM-DD")
@json_option
@database_option
def figures_command(as_of, as_json):
    """The registry's own figures: computed from its records, and as its latest published lists give them."""
    day = parse_date(as_of)
    with state().db.session() as session:
        live = views.program_figures(session, Actor.public(), day)
        published = registry_figures.stats(session, day, origin="registry")
    if as_json:
        print_json({"records": live, "published": published})
        return
    p, q = live["participating"], live["pending"]
    echo(f"As of {live['as_of']}, from this registry's records: {counted(p['count'], 'participating MOA')} ({', '.join(f'{m} {n}' for m, n in p['by_model'].items())}) with {counted(p['agencies'], 'agency')} in {registry_figures.in_places(p)}; {q['count']} pending.")
    echo(registry_figures.headline(published))
