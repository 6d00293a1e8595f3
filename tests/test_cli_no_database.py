"""Bad input that can be refused without the database is refused before the database is opened: one line naming the
problem, exit status 1, and no database made. SQLite makes a new file (and g287 its tables) when a command opens a
database that does not exist yet, and PostgreSQL gets g287's tables in an empty database: a command refusing its
arguments only after that left a new database behind (`g287 --database new.sqlite stats --as-of 20250529`).

Each case runs a command in this process (tests/in_process.py) with G287_DATABASE_URL naming a file that does not
exist, and checks that it still does not. CASES are this module's own; tests/test_cli_errors.py's cases are run here
too, but for those in NOT_WITHOUT_A_DATABASE, whose refusal needs one (each with its reason). Every command has a case,
or a reason in NO_VALUE_TO_CHECK: test_every_command_has_a_case fails for a command added with neither."""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass, field

import click
import pytest

from tests.conftest import ICE, ICE_CSV, MOA_DIR, ROOT
from tests.in_process import run_g287
from tests.test_cli_errors import CASES as ERROR_CASES

WORKBOOK = str(ICE / "pending" / "pendingAgencies05152025am.xlsx")
CSV = str(ICE_CSV / "pendingAgencies05152025am.csv")
PDF = str(MOA_DIR / "VictoriaCo_WSO_MOA_02.26.25.pdf")


@dataclass(frozen=True)
class Case:
    arguments: tuple[str, ...]  # "{tmp}" is the test's folder, "{port}" a port taken by another socket
    expected: str  # in the one error line
    settings: dict[str, str] = field(default_factory=dict)
    input: str = ""  # standard input


def case(*arguments: str, expected: str, input: str = "", **settings: str) -> Case:
    return Case(arguments, expected, settings, input)


BAD_DAY = "2025-13-45"
LETTER = ("--chief-executive-name", "A. Chief", "--chief-executive-title", "Sheriff", "--contact-name", "B. Contact", "--contact-title", "Captain", "--justification", "Why.")

CASES: dict[str, Case] = {
    # the registry
    "publications of a kind that does not exist": case("publications", "--kind", "neither", expected="--kind: 'neither' is not one of"),
    "quality of a date that does not exist": case("quality", BAD_DAY, expected=f"'{BAD_DAY}' is not a valid date (YYYY-MM-DD)"),
    "quality of a date before 1900": case("quality", "1899-12-31", expected="'1899-12-31': expected a date from 1900-01-01 to 2199-12-31"),
    "quality of an id no database can hold": case("quality", "0", expected="no publication with id 0"),
    "ingest with a reading setting that is not a number": case("ingest", WORKBOOK, expected="setting G287_MAX_SOURCE_ROWS='x': must be a whole number of rows", G287_MAX_SOURCE_ROWS="x"),
    "ingest with a workbook size that is not a number": case("ingest", CSV, expected="setting G287_MAX_WORKBOOK_MB='x': expected a number", G287_MAX_WORKBOOK_MB="x"),
    "ingest of a date that does not exist": case("ingest", WORKBOOK, "--published", BAD_DAY, expected="--published '2025-13-45'"),
    "ingest of a file that is not there": case("ingest", "{tmp}/participatingAgencies05292025am.xlsx", expected="{tmp}/participatingAgencies05292025am.xlsx: cannot be read (No such file or directory)"),
    "ingest of a date its file name contradicts": case("ingest", WORKBOOK, "--published", "2025-05-16am", expected=f"{WORKBOOK}: the file name says 2025-05-15 am, --published says '2025-05-16am'"),
    "ingest as a list its file name contradicts": case("ingest", WORKBOOK, "--kind", "participating", expected=f"{WORKBOOK}: the file name says the pending list, --kind says participating"),
    "ingest of a device": case("ingest", "/dev/null", expected="/dev/null: not a file of data but a device: it is not read"),
    # refused by the file's name alone, as the service refuses it first: a new database was made (found by an audit)
    "ingest of a file that is no list by its name": case("ingest", str(ROOT / "README.md"), expected="README.md: not a publication: expected an .xlsx workbook or a .csv file"),
    "ingest of one of ICE's lists as the registry's": case("ingest", WORKBOOK, "--origin", "registry", expected=f"{WORKBOOK}: not a list this registry published"),
    "ingest of several files as one kind": case("ingest", str(ICE / "pending"), "--kind", "pending", expected="--kind names the list of one file; give one file"),
    "bootstrap with a reading setting that is not a number": case("bootstrap", expected="setting G287_MAX_SOURCE_ROWS='x'", G287_MAX_SOURCE_ROWS="x"),
    # the history
    "diff of pending lists with --end-after": case("diff", "2025-05-15", "2025-05-30", "--kind", "pending", "--end-after", "3", expected="--end-after applies to participating lists only"),
    "diff with K that is not a number": case("diff", "2025-05-16", "2025-05-29", expected="setting G287_END_AFTER='x'", G287_END_AFTER="x"),
    "diff of an empty name": case("diff", "", "2025-05-29", expected="no publication named ''"),
    "diff of an id no database can hold": case("diff", "99999999999", "1", expected="no publication with id 99999999999"),
    "diff of a state that does not exist": case("diff", "2025-05-16", "2025-05-29", "--state", "ZZ", expected="--state 'ZZ': not a state's USPS code"),
    # str.upper() makes a code of other letters: the ligature \ufb02 is "FL" in capitals, the dotless \u0131a "IA".
    "a state's code written with a ligature": case("timeline", "--state", "\ufb02", expected="--state '\ufb02': not a state's USPS code"),
    "a state's code written with a dotless i": case("agreements", "--state", "\u0131a", expected="--state '\u0131a': not a state's USPS code"),
    "an applicant agency in a state written with a ligature": case("program", "agency-add", "A Police Department", "--state", "\ufb02", "--type", "municipality", expected="--state: a two-letter USPS code"),
    "timeline from a date that does not exist": case("timeline", "--from", BAD_DAY, expected=f"--from '{BAD_DAY}': expected a date YYYY-MM-DD"),
    "timeline to a date without dashes": case("timeline", "--to", "20250101", expected="--to '20250101': expected a date YYYY-MM-DD"),
    "timeline ending before it starts": case("timeline", "--from", "2025-06-01", "--to", "2025-05-01", expected="the start 2025-06-01 is after the end 2025-05-01"),
    "pipeline with K that is not a number": case("pipeline", expected="setting G287_END_AFTER='x'", G287_END_AFTER="x"),
    "agreements with K that is not a number": case("agreements", expected="setting G287_END_AFTER='x'", G287_END_AFTER="x"),
    "agency with K that is not a number": case("agency", "1", expected="setting G287_END_AFTER='x'", G287_END_AFTER="x"),
    "an empty agency name": case("agency", "", expected="REF is empty"),
    "review accept of id 0": case("review", "accept", "0", expected="CANDIDATE_ID 0: no such record"),
    "review reject of an id no database can hold": case("review", "reject", "99999999999", expected="CANDIDATE_ID 99999999999: no such record"),
    "an alias between one name": case("alias", "add", "AL", "A Police Department", "same", "a police department", "--reason", "r", expected="the two names are the same up to case, spacing and punctuation"),
    "an alias without a reason": case("alias", "add", "AL", "A Police Department", "same", "B Police Department", "--reason", " ", expected="give a reason"),
    "an alias of an empty name": case("alias", "add", "AL", "", "different", "B Police Department", "--reason", "r", expected="NAME is empty"),
    "an alias of a relation that does not exist": case("alias", "add", "AL", "A", "maybe", "B", "--reason", "r", expected="RELATION: 'maybe' is not one of"),
    "an alias the alias table cannot take": case(
        "alias", "add", "AL", "A Police Department", "same", "B Police Department", "--reason", "r", expected="the alias table /nonexistent-folder/aliases.csv cannot be written",
        G287_ALIASES_FILE="/nonexistent-folder/aliases.csv",
    ),
    "an alias removed in a state that does not exist": case("alias", "remove", "ZZ", "A Police Department", "B Police Department", expected="state 'ZZ': not a state's USPS code"),
    "the alias table read from a folder": case("alias", expected="{tmp}", G287_ALIASES_FILE="{tmp}"),
    # the geography
    "counties of a state that does not exist": case("counties", "list", "ZZ", expected="no state 'ZZ'"),
    "a county that does not exist": case("counties", "show", "99999", expected="no county with FIPS code '99999'"),
    "coverage on a date that does not exist": case("coverage", "--as-of", BAD_DAY, expected=f"--as-of '{BAD_DAY}': expected a date YYYY-MM-DD"),
    "coverage after 2199": case("coverage", "--as-of", "9999-01-01", expected="expected a date from 1900-01-01 to 2199-12-31"),
    "a state's map at the state level": case("map", "--level", "state", "--state", "AL", "-o", "{tmp}/m.svg", expected="a state's map shows its counties: use the county level"),
    "a county map of a territory": case("map", "--level", "county", "--state", "PR", "-o", "{tmp}/m.svg", expected="no county map of Puerto Rico"),
    "a map in a folder that does not exist": case("map", "--level", "state", "-o", "/nonexistent-folder/m.svg", expected="no such folder /nonexistent-folder"),
    "a map of a date that does not exist": case("map", "--level", "state", "--as-of", BAD_DAY, "-o", "{tmp}/m.svg", expected=f"--as-of '{BAD_DAY}'"),
    # documents and sync
    "a sync of a page that is no web address": case("sync", "--source", "not-a-url", expected="ICE's page 'not-a-url' (--source or G287_ICE_PAGE_URL): not an http(s) address"),
    "a sync with retries that are not a number": case("sync", expected="setting G287_SYNC_RETRIES='x'", G287_SYNC_RETRIES="x"),
    "a sync with an OCR setting that is neither auto nor off": case("sync", expected="setting G287_OCR='maybe': expected auto or off", G287_OCR="maybe"),
    "an import of an empty folder": case("documents", "import", "{tmp}/empty", expected="no files found in {tmp}/empty"),
    "an import of a file that does not exist": case("documents", "import", "{tmp}/missing.pdf", expected="{tmp}/missing.pdf: no such file or folder"),
    # refused by the file's name alone, as `ingest README.md` is: the database was made, then the file read and refused
    "an import of a file that is no PDF by its name": case("documents", "import", str(ROOT / "README.md"), expected="README.md: not a .pdf file: documents import reads PDFs"),
    "an import of PDFs and a file that is no PDF by its name": case("documents", "import", PDF, str(ROOT / "README.md"), expected="README.md: not a .pdf file"),
    "an import of a device": case("documents", "import", "/dev/null", expected="/dev/null: not a file of data but a device: it is not read"),
    "an import with an OCR setting that is neither auto nor off": case("documents", "import", PDF, expected="setting G287_OCR='maybe'", G287_OCR="maybe"),
    "an import with no time to read a text layer": case("documents", "import", PDF, expected="setting G287_TEXT_LAYER_TIMEOUT='0': must be more than 0", G287_TEXT_LAYER_TIMEOUT="0"),
    "a reading with a time limit that is not a number": case("documents", "read", "--unread", expected="setting G287_TEXT_LAYER_TIMEOUT='2m'", G287_TEXT_LAYER_TIMEOUT="2m"),
    "documents of an agency of one kind": case("documents", "list", "--agency", "1", "--kind", "pdf", expected="--agency lists an agency's signed documents (PDFs): it does not take --kind"),
    "a document named by no sha256": case("documents", "show", "xyz", expected="no document 'xyz': give its sha256 (at least its first 6 hex digits)"),
    "a page of a document named by no sha256": case("documents", "show", "xyz", "--page", "1", expected="no document 'xyz'"),
    "a search with no words": case("documents", "search", "--", "-", expected="the search has no words to look for"),
    "a search that only excludes": case("documents", "search", "-police", expected="the search only excludes words"),
    "a reading of no document": case("documents", "read", expected="name documents by sha256, or give --unread"),
    "a reading of facts of unread documents": case("documents", "read", "--facts-only", "--unread", expected="--facts-only re-extracts from stored pages; it does not combine with --unread"),
    # Named documents and --unread (every document with unread pages) together: the database was opened, and made,
    # before the document named was found to be none (or both were read).
    "a reading of documents named and of every unread one": case(
        "documents", "read", "--unread", "ab" * 32, expected="--unread reads every document with unread pages; it does not combine with documents named by sha256"
    ),
    "a reading of a document named by no sha256": case("documents", "read", "xyz", expected="no document 'xyz'"),
    "a reading with no time to render a page": case("documents", "read", "--unread", expected="setting G287_OCR_PAGE_RENDER_TIMEOUT='0': must be more than 0", G287_OCR_PAGE_RENDER_TIMEOUT="0"),
    "an import with a page's OCR limit that is not a number": case("documents", "import", PDF, expected="setting G287_OCR_PAGE_TIMEOUT='5m': expected a number", G287_OCR_PAGE_TIMEOUT="5m"),
    "a reading with an OCR resolution too high": case("documents", "read", "--unread", expected="setting G287_OCR_DPI='5000'", G287_OCR_DPI="5000"),
    # the site and the fact sheet
    "a fact sheet of a date that does not exist": case("factsheet", "--as-of", BAD_DAY, "-o", "{tmp}/f.pdf", expected=f"--as-of '{BAD_DAY}'"),
    "a fact sheet that is no PDF": case("factsheet", "-o", "{tmp}/f.txt", expected="the fact sheet is written as PDF"),
    "a server on a port taken": case("serve", "--port", "{port}", expected="cannot listen on 127.0.0.1:{port}"),
    "a server with a site address that is none": case("serve", "--port", "1", expected="setting G287_SITE_URL='x'", G287_SITE_URL="x"),
    # the program workflow
    "an applicant agency in a state that does not exist": case("program", "agency-add", "A Police Department", "--state", "ZZ", "--type", "municipality", expected="--state: a two-letter USPS code"),
    "an applicant agency without a name": case("program", "agency-add", " ", "--state", "AL", "--type", "municipality", expected="NAME: required"),
    "an application with an id no database can hold": case("program", "application", "0", expected="APPLICATION_ID 0: no such record"),
    "applications at a stage that does not exist": case("program", "applications", "--stage", "nowhere", expected="--stage: 'nowhere' is not one of"),
    "a letter with an address that is no e-mail address": case("program", "apply", "1", "--model", "JEM", *LETTER, "--contact-email", "nobody", expected="--contact-email: not an e-mail address"),
    "a letter asking for a model twice": case("program", "apply", "1", "--model", "JEM", "--model", "jem", *LETTER, "--contact-email", "b@example.org", expected="--model: a model is chosen twice"),
    "officers authorized on a date that does not exist": case("program", "authorized", "--as-of", BAD_DAY, expected=f"--as-of '{BAD_DAY}'"),
    "a background result on a date that does not exist": case("program", "background", "1", "--result", "passed", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "a certification on a date that does not exist": case("program", "certify", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "a correction to an empty name": case("program", "correct", "1", "--name", " ", expected="--name: required"),
    "a correction of service on a date that does not exist": case("program", "correct", "1", "--service", BAD_DAY, expected=f"--service '{BAD_DAY}', its start: expected a date YYYY-MM-DD"),
    "a correction of nothing": case("program", "correct", "1", expected="nothing to correct"),
    "a draft written in a folder that does not exist": case("program", "draft", "1", "-o", "/nonexistent-folder/d.pdf", expected="/nonexistent-folder/d.pdf: cannot be written (No such file or directory)"),
    "a draft written as neither PDF nor DOCX": case("program", "draft", "1", "-o", "{tmp}/d.txt", expected="name a .pdf or .docx file"),
    "what is due on a date that does not exist": case("program", "due", "--as-of", BAD_DAY, expected=f"--as-of '{BAD_DAY}'"),
    "an enrolment on a date that does not exist": case("program", "enrol", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "an examination on a date that does not exist": case("program", "exam", "1", "--score", "80", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "an examination score above 100": case("program", "exam", "1", "--score", "101", expected="--score: '101' is not a percentage from 0 to 100"),
    "the registry's figures on a date that does not exist": case("program", "figures", "--as-of", BAD_DAY, expected=f"--as-of '{BAD_DAY}'"),
    "a letter written as neither PDF nor DOCX": case("program", "letter", "1", "-o", "{tmp}/l.txt", expected="name a .pdf or .docx file"),
    "a letter written in a folder that does not exist": case("program", "letter", "1", "-o", "/nonexistent-folder/l.pdf", expected="/nonexistent-folder/l.pdf: cannot be written (No such file or directory)"),
    "the registry's lists of a kind that does not exist": case("program", "lists", "--kind", "neither", expected="--kind: 'neither' is not one of"),
    "a nomination without a name": case("program", "nominate", "1", "--name", " ", expected="--name: required"),
    "a nomination on a date that does not exist": case("program", "nominate", "1", "--name", "A. Officer", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "a nomination with service ending before it starts": case("program", "nominate", "1", "--name", "A. Officer", "--service", "2020-06-01:2020-01-01", expected="--service '2020-06-01:2020-01-01', its end: must not be before the start"),
    "a nominee on a date that does not exist": case("program", "nominee", "1", "--as-of", BAD_DAY, expected=f"--as-of '{BAD_DAY}'"),
    "nominees on a date that does not exist": case("program", "nominees", "--as-of", BAD_DAY, expected=f"--as-of '{BAD_DAY}'"),
    "a publication with a reading setting that is not a number": case("program", "publish", expected="setting G287_MAX_SOURCE_ROWS='x'", G287_MAX_SOURCE_ROWS="x"),
    "a signed MOA that is no PDF": case("program", "record", "1", "--pdf", WORKBOOK, "--signed-on", "2025-05-01", "--signatory", "agency:A:Sheriff", "--signatory", "ICE:B:Director", expected="the file is not a PDF"),
    "a signed MOA without ICE's signatory": case("program", "record", "1", "--pdf", PDF, "--signed-on", "2025-05-01", "--signatory", "agency:A:Sheriff", expected="--signatory: name at least one signatory for the agency and one for ICE"),
    "a signed MOA signed on a date that does not exist": case("program", "record", "1", "--pdf", PDF, "--signed-on", BAD_DAY, "--signatory", "agency:A:Sheriff", "--signatory", "ICE:B:Director", expected=f"--signed-on '{BAD_DAY}'"),
    "a signed MOA with an upload limit that is not a number": case("program", "record", "1", "--pdf", PDF, "--signed-on", "2025-05-01", "--signatory", "agency:A:S", "--signatory", "ICE:B:D", expected="setting G287_MAX_UPLOAD_MB='x'", G287_MAX_UPLOAD_MB="x"),
    "a refresher on a date that does not exist": case("program", "refresher", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "a renewal on a date that does not exist": case("program", "renew", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "a revocation on a date that does not exist": case("program", "revoke", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "the rules of a model that does not exist": case("program", "rules", "XYZ", expected="MODEL: 'XYZ' is not a model"),
    "a termination on a date that does not exist": case("program", "terminate", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    "a withdrawal on a date that does not exist": case("program", "withdraw", "1", "--on", BAD_DAY, expected=f"--on '{BAD_DAY}'"),
    # A reason no MOA may keep, whatever the database holds (one line of at most 500 characters, no control character).
    "a withdrawal with a reason too long": case("program", "withdraw", "1", "--reason", "r" * 501, expected="--reason: at most 500 characters"),
    "a withdrawal with a reason holding an escape": case("program", "withdraw", "1", "--reason", "a\x1b[2Jb", expected="--reason: contains control characters"),
    # accounts, the audit log, the demonstration
    "an agency user for no agency": case("user", "add", "clerk", "--role", "agency_user", expected="--agency: an agency user acts for one agency: name it"),
    "an administrator for an agency": case("user", "add", "boss", "--role", "administrator", "--agency", "1", expected="--agency: only agency users act for an agency"),
    "a user name with a space": case("user", "add", "a b", "--role", "administrator", expected="USERNAME: 2 to 63 characters"),
    "a password typed too short": case("user", "add", "clerk", "--role", "administrator", "--prompt-password", expected="--prompt-password: at least", input="short\n"),
    "an empty user name disabled": case("user", "disable", " ", expected="no account named ''"),
    "the audit log until a day before it starts": case("audit", "--since", "2025-06-01", "--until", "2025-05-01", expected="--until '2025-05-01': must not be before --since '2025-06-01'"),
    "the audit log since a date that does not exist": case("audit", "--since", BAD_DAY, expected=f"--since '{BAD_DAY}'"),
    # The README: "A malformed `--object TYPE:ID` or `--actor user:ID` (`nominee:abc`, ...) is refused"; no id that is
    # not a number names a record in any database, so no database need be opened (it was, and made) to refuse one.
    "the audit log of a record whose id is not a number": case("audit", "--object", "nominee:abc", expected="--object 'nominee:abc': malformed object reference"),
    "the audit log of a user whose id is not a number": case("audit", "--actor", "user:abc", expected="--actor 'user:abc': malformed actor"),
    "a demonstration with a reading setting that is not a number": case("demo", expected="setting G287_MAX_SOURCE_ROWS='x'", G287_MAX_SOURCE_ROWS="x"),
}

# tests/test_cli_errors.py's cases whose refusal needs a database, or whose problem is the database named itself.
NOT_WITHOUT_A_DATABASE = {
    # the --database given is what is refused: G287_DATABASE_URL's file is never named (tests/test_cli_errors.py and
    # tests/test_database.py check that these make nothing)
    "a database g287 does not run on": "the problem is the database named",
    "a database in a folder that does not exist": "the problem is the database named",
    "an empty --database": "the problem is the database named",
    "a file that is not a database": "the problem is the database named",
    "a PostgreSQL URL that names no database (libpq took the user's default database, and g287 made its tables there)": "the problem is the database named",
    "an SQLite URL that names no file": "the problem is the database named",
    "an in-memory SQLite database": "the problem is the database named",
    "a server that does not answer": "the problem is the database named",
    "a database migrated by a newer g287": "the problem is the database's schema, read from the database",
    # a value that may name something a database holds: only the database can say it names nothing
    "a wildcard for an agency name": "'%' may be (part of) an agency's name; only the database can tell it is none",
}

# Commands that take no value a database is not needed to refuse.
NO_VALUE_TO_CHECK = {
    "counties counts": "takes no value, and never opens the database",
    "counties rematch": "takes no value (and reads no setting of its own)",
    "counties unmatched": "takes no value (and reads no setting of its own)",
    "documents broken": "takes no value (and reads no setting of its own)",
    "program agencies": "takes no value (and reads no setting of its own)",
    "program courses": "takes no value, and never opens the database",
    "review": "takes no value (and reads no setting of its own); its subcommands have cases",
    "user list": "takes no value (and reads no setting of its own)",
}

REUSED_SETTINGS = {
    "a setting that is not a number": {"G287_END_AFTER": "x"},
    "a secret key too short": {"G287_SECRET_KEY": "short"},
}


def _reused() -> dict[str, Case]:
    return {
        f"test_cli_errors: {name}": Case(tuple(arguments), expected, REUSED_SETTINGS.get(name, {}))
        for name, (arguments, expected) in ERROR_CASES.items()
        if name not in NOT_WITHOUT_A_DATABASE
    }


EVERY_CASE = {**CASES, **_reused()}


def _command_of(arguments: tuple[str, ...]) -> str:
    """The command a case runs ("program nominate", "review"), as its words name it."""
    from g287.cli import cli

    group: click.Group = cli
    path: list[str] = []
    words = list(arguments)
    while words:
        word = words.pop(0)
        if word == "--database":
            words.pop(0)
            continue
        command = group.get_command(click.Context(group), word)
        if command is None:
            break
        path.append(word)
        if not isinstance(command, click.Group):
            break
        group = command
    return " ".join(path)


def _every_command() -> set[str]:
    """Every command's name ("stats", "program nominate"), and the groups that run on their own (`review`, `alias`)."""
    from g287.cli import cli

    found: set[str] = set()

    def walk(commands: dict, path: tuple[str, ...]) -> None:
        for name, command in commands.items():
            if isinstance(command, click.Group):
                if command.invoke_without_command:
                    found.add(" ".join(path + (name,)))
                walk(command.commands, path + (name,))
            else:
                found.add(" ".join(path + (name,)))

    walk(cli.every_command(), ())
    return found


def test_every_command_has_a_case():
    """A command added without a case here, nor a reason in NO_VALUE_TO_CHECK, fails this test."""
    commands = _every_command()
    assert len(commands) > 50 and {"program nominate", "review", "alias add"} <= commands  # the walk found them
    covered = {_command_of(c.arguments) for c in EVERY_CASE.values()}
    assert sorted(commands - covered - set(NO_VALUE_TO_CHECK)) == []
    assert sorted(set(NO_VALUE_TO_CHECK) - commands) == [] and sorted(set(NO_VALUE_TO_CHECK) & covered) == []
    assert sorted(set(NOT_WITHOUT_A_DATABASE) - set(ERROR_CASES)) == []


# A field as the services name it (contact_email, models, service_periods[0].end), at the start of a problem.
_A_SERVICE_S_FIELD = re.compile(r"(?:^|; )[a-z][a-z_]*(?:\[\d+\])?(?:\.[a-z_]+)?: ")


@pytest.fixture
def busy_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        yield taken.getsockname()[1]


@pytest.mark.parametrize("name", list(EVERY_CASE))
def test_refused_before_the_database_is_opened(tmp_path, monkeypatch, busy_port, name):
    import uvicorn

    found = EVERY_CASE[name]
    never = tmp_path / "never.sqlite"
    (tmp_path / "empty").mkdir()

    def filled(text: str) -> str:
        return text.replace("{tmp}", str(tmp_path)).replace("{port}", str(busy_port))

    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{never}")
    monkeypatch.setenv("G287_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("G287_ALIASES_FILE", str(tmp_path / "aliases.csv"))
    monkeypatch.setenv("G287_ICE_PAGE_URL", "http://127.0.0.1:9/287g")  # should a sync run after all: offline
    monkeypatch.delenv("G287_SECRET_KEY", raising=False)
    for setting, value in found.settings.items():
        monkeypatch.setenv(setting, filled(value))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("serve ran"))
    before = sorted(tmp_path.rglob("*"))
    status, out, err = run_g287(None, *map(filled, found.arguments), input=found.input)
    lines = err.strip().splitlines()
    assert status == 1 and len(lines) == 1 and lines[0].startswith("g287: error: ") and filled(found.expected) in lines[0], err
    assert "Traceback" not in out + err
    # The option or argument given, not the service's field (as the site and the API name it): `audit --until D1
    # --since D2` said "until: must not be before since", `program apply --model JEM --model jem` "models: ...",
    # `program nominate --service ...` "service_periods[0].end: ...".
    assert not _A_SERVICE_S_FIELD.search(lines[0].removeprefix("g287: error: ")), lines[0]
    assert not never.exists(), f"the database was made before the input was refused: {lines}"
    assert sorted(tmp_path.rglob("*")) == before  # nothing else made either (g287's home folder, a document folder)


# A wrong --database, as every command refuses it (g287.cli.common.checked_database), and the line that says so.
WRONG_DATABASES = {
    "": "--database is empty: give a database URL or an SQLite file",
    " ": "--database is empty: give a database URL or an SQLite file",
    "mysql://x": "unsupported database 'mysql': g287 runs on SQLite and PostgreSQL",
    "sqlite://": "the SQLite URL sqlite:// names no file: give one (sqlite:////path/to/g287.sqlite, or a file path)",
    "{tmp}/no-such-folder/g287.sqlite": "cannot open the database {tmp}/no-such-folder/g287.sqlite: the folder {tmp}/no-such-folder does not exist",
}


@pytest.mark.parametrize("value", list(WRONG_DATABASES))
def test_every_command_refuses_a_wrong_database_alike(tmp_path, monkeypatch, value):
    """`--database ""` was refused by the commands that open the database, and taken in silence by those that never
    do (`program rules`, `program courses`, `counties counts` printed their tables, status 0), as was a database g287
    does not run on: a script's empty variable went unnoticed there. Every command, and every group that runs on its
    own, refuses a wrong --database in one line, status 1, given before the command's name or after it, and makes
    nothing (no database, no home folder)."""
    import uvicorn

    never = tmp_path / "never.sqlite"
    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{never}")
    monkeypatch.setenv("G287_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("G287_ICE_PAGE_URL", "http://127.0.0.1:9/287g")  # should a sync run after all: offline
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("serve ran"))
    wrong, expected = value.replace("{tmp}", str(tmp_path)), WRONG_DATABASES[value].replace("{tmp}", str(tmp_path))
    commands = sorted(_every_command())
    assert {"program rules", "program courses", "counties counts", "alias", "stats"} <= set(commands)
    refused = {}
    for command in commands:
        for arguments in ([*command.split(), "--database", wrong], ["--database", wrong, *command.split()]):
            status, out, err = run_g287(None, *arguments)
            refused[" ".join(arguments)] = (status, out, err) == (1, "", f"g287: error: {expected}\n")
    assert [line for line, alike in refused.items() if not alike] == []
    assert sorted(tmp_path.rglob("*")) == []

