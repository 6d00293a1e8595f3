"""The command line never shows a traceback: one line naming the problem, and exit status 1. The commands run in
this process (tests/in_process.py), where a traceback is an exception raised into the test; what only a real
process shows is left to the runs of the real console command that tests/in_process.py names."""

import json
import sqlite3
import zipfile

import pytest

from g287.cli.common import console
from tests.conftest import ICE, ICE_CSV
from tests.in_process import Result, run_g287

CASES = {
    "unwritable output file": (["factsheet", "-o", "/nonexistent-folder/f.pdf"], "/nonexistent-folder/f.pdf"),
    "a setting that is not a number": (["agreements", "--status", "ended"], "setting G287_END_AFTER='x': must be a whole number of publications, 1 or more, in digits 0-9"),
    "a database g287 does not run on": (["--database", "mysql://x", "stats"], "unsupported database 'mysql'"),
    "a database in a folder that does not exist": (["--database", "/typo-folder/x.sqlite", "stats"], "the folder /typo-folder does not exist"),
    "a timeline of a state that does not exist": (["timeline", "--state", "ZZ"], "not a state's USPS code"),
    "several workers without a shared key": (["serve", "--workers", "2", "--port", "1"], "--workers above 1 needs G287_SECRET_KEY"),
    "an alias in a state that does not exist": (["alias", "add", "ZZ", "A Police Department", "same", "B Police Department", "--reason", "r"], "not a state's USPS code"),
    "a date that does not exist": (["diff", "2025-13-45", "2025-05-29"], "not a valid date"),
    # found by review: each was a traceback, the wrong database, or an answer to another question
    "an id no database can hold": (["program", "application", "99999999999999999999"], "APPLICATION_ID 99999999999999999999: no such record"),
    "an option's id no database can hold": (["program", "nominees", "--agency", "3000000000"], "--agency 3000000000: no such record"),
    "an empty --database": (["--database", "", "stats"], "--database is empty"),
    "a date without its dashes": (["stats", "--as-of", "20250529"], "--as-of '20250529': expected a date YYYY-MM-DD"),
    "an ISO week date": (["stats", "--as-of", "2025W221"], "--as-of '2025W221': expected a date YYYY-MM-DD"),
    "agreements of a state that does not exist": (["agreements", "--state", "ZZ"], "--state 'ZZ': not a state's USPS code"),
    "an agency searched in a state that does not exist": (["agency", "Limestone", "--state", "zz"], "--state 'zz': not a state's USPS code"),
    "a secret key too short": (["serve", "--port", "1"], "setting G287_SECRET_KEY: use at least 32 characters"),
    "a database migrated by a newer g287": (["stats"], "has a schema this version of g287 does not know (revision zzzz)"),
    "a wildcard for an agency name": (["agency", "%"], "no agency named like '%'"),
    "an empty --published (was ignored: the date came from the file name)": (
        ["ingest", str(ICE / "pending" / "pendingAgencies05152025am.xlsx"), "--published", " "], "--published is empty"
    ),
    "an empty --encoding": (["ingest", str(ICE_CSV / "pendingAgencies05152025am.csv"), "--encoding", ""], "--encoding is empty"),
    # found by review: a file that is not a database was "g287: database error: ..." naming no database, and a
    # server that does not answer gave libpq's hint on a second line
    "a file that is not a database": (["--database", "{tmp}/notes.txt", "stats"], "database sqlite:///{tmp}/notes.txt: file is not a database"),
    "a PostgreSQL URL that names no database (libpq took the user's default database, and g287 made its tables there)": (
        ["--database", "postgresql+psycopg://", "stats"], "the PostgreSQL URL postgresql+psycopg:// names no database"
    ),
    # found by review: the API and the workflow refused a day outside 1900-2199, the command line took one
    "a date after 2199": (["stats", "--as-of", "9999-12-31"], "--as-of '9999-12-31': expected a date from 1900-01-01 to 2199-12-31"),
    "a date before 1900 naming a publication": (["diff", "1899-12-31", "2025-05-29"], "'1899-12-31': expected a date from 1900-01-01 to 2199-12-31"),
    # found by review: an in-memory database, empty at each command, took an ingest, said it was done and lost it
    "an SQLite URL that names no file": (["--database", "sqlite://", "ingest", str(ICE / "pending" / "pendingAgencies05152025am.xlsx")], "the SQLite URL sqlite:// names no file"),
    "an in-memory SQLite database": (["--database", "sqlite:///:memory:", "stats"], "the SQLite URL sqlite:///:memory: names no file"),
    "a server that does not answer": (["--database", "postgresql+psycopg://u:secret@127.0.0.1:1/x", "stats"], "cannot open the database postgresql+psycopg://u:***@127.0.0.1:1/x: connection failed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_one_clear_line(tmp_path, monkeypatch, case):
    """In this process (tests/in_process.py): a traceback would be an exception raised into the test."""
    import uvicorn

    arguments, expected = CASES[case]
    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("G287_ALIASES_FILE", str(tmp_path / "aliases.csv"))
    monkeypatch.delenv("G287_SECRET_KEY", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("serve ran"))  # a `serve` case that no longer stops
    if case == "a setting that is not a number":
        monkeypatch.setenv("G287_END_AFTER", "x")
    if case == "a secret key too short":
        monkeypatch.setenv("G287_SECRET_KEY", "short")
    if case in ("a timeline of a state that does not exist", "a date that does not exist", "a database migrated by a newer g287", "a wildcard for an agency name"):
        assert run_g287(None, "ingest", str(ICE / "participating" / "participatingAgencies05292025am.xlsx"))[0] == 0
    if case == "a file that is not a database":
        (tmp_path / "notes.txt").write_text("Notes on the lists, not a database.\n" * 100)
    arguments = [a.replace("{tmp}", str(tmp_path)) for a in arguments]
    expected = expected.replace("{tmp}", str(tmp_path))
    if case == "a database migrated by a newer g287":
        with sqlite3.connect(tmp_path / "cli.sqlite") as connection:
            connection.execute("UPDATE alembic_version SET version_num = 'zzzz'")
    status, out, err = run_g287(None, *arguments)
    assert status == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("g287: error:") and expected in lines[0], err
    assert "Traceback" not in out + err


def test_documents_import_of_an_empty_folder(tmp_path, monkeypatch):
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.setenv("G287_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    status, _, err = run_g287(None, "documents", "import", str(folder))
    assert status == 1 and "no files found" in err


def test_version_and_short_help():
    import tomllib

    from tests.conftest import ROOT

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    status, out, _ = run_g287(None, "--version")
    assert status == 0 and out.strip() == f"g287, version {version}"
    status, out, _ = run_g287(None, "-h")
    assert status == 0 and "Usage: g287" in out and "ingest" in out


def test_names_in_brackets_are_printed_as_published(tmp_path, monkeypatch):
    """rich read "[/x]" in a published name as a closing formatting code (a traceback) and dropped "[bold]"."""
    source = (ICE_CSV / "participatingAgencies05162025am.csv").read_text(encoding="utf-8")
    source = source.replace("Colbert County Sheriff's Office", "[bold]Colbert County Sheriff's Office [ICE]", 2).replace("Elmore County Sheriff's Office", "Elmore [/x] Sheriff's Office", 1)
    path = tmp_path / "participatingAgencies05162025am.csv"
    path.write_text(source, encoding="utf-8")
    monkeypatch.setenv("G287_ALIASES_FILE", str(tmp_path / "aliases.csv"))
    monkeypatch.setattr(console, "width", 400)  # as COLUMNS=400: no name folded
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def g287(*arguments):
        status, out, err = run_g287(database, *arguments)
        assert status == 0 and "Traceback" not in err, err
        return out

    g287("ingest", str(path))
    shown = g287("agreements", "--state", "AL")
    assert "[bold]Colbert County Sheriff's Office [ICE]" in shown and "Elmore [/x] Sheriff's Office" in shown
    assert "Elmore [/x] Sheriff's Office (AL)" in g287("agency", "Elmore [/x]")


def test_control_characters_from_a_workbook_never_reach_the_terminal(tmp_path, monkeypatch):
    """A workbook writes ESC as _x001B_: its raw value, kept exactly in the register, was printed raw by the text
    output (`g287 quality` drew "\\x1b]0;...\\x07", which sets a terminal's title, and "\\x1b[31m" colours), as was a
    file's name in an error line. Printed text has each such character as "?"; --json keeps it, escaped."""
    source = ICE / "pending" / "pendingAgencies05152025am.xlsx"
    path = tmp_path / "pendingAgencies05012025am.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as crafted:
        for info in original.infolist():
            data = original.read(info)
            if info.filename == "xl/sharedStrings.xml":
                assert b"Sheriff" in data
                data = data.replace(b"Sheriff", b"Sher_x001B_]0;TITLE_x0007_iff_x001B_[31m_x009B_2J", 1)
            crafted.writestr(info, data)
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setattr(console, "width", 400)  # no cell folded: the raw value is on one line
    assert run_g287(database, "ingest", str(path))[0] == 0
    status, shown, _ = run_g287(database, "quality", "--category", "repaired")
    assert status == 0 and "Sher?]0;TITLE?iff?[31m?2J" in shown
    assert not any(character in shown for character in "\x1b\x07\x9b")
    status, exact, _ = run_g287(database, "quality", "--category", "repaired", "--json")
    assert status == 0 and any(entry["raw_value"] and "Sher\x1b]0;TITLE\x07iff\x1b[31m\x9b2J" in entry["raw_value"] for entry in json.loads(exact))
    # a file's name in the one-line error
    named = tmp_path / "participatingAgencies05012025am\x1b[2J.xlsx"
    named.write_bytes(b"not a workbook")
    status, _, error = run_g287(database, "ingest", str(named))
    assert status == 1 and f"{tmp_path}/participatingAgencies05012025am?[2J.xlsx: " in error and "\x1b" not in error


def _integer_parameters(group=None, path=()):
    """(command path, parameter) for every parameter of every command that takes an integer."""
    import click

    from g287.cli import cli

    for name, command in (group.commands if group else cli.every_command()).items():
        if isinstance(command, click.Group):
            yield from _integer_parameters(command, path + (name,))
        for param in command.params:
            if isinstance(param.type, click.types.IntParamType):
                yield path + (name,), param


# Forms Python's int() reads as a number: "1_0" as 10, " 5 " and "+5" as 5, Arabic-Indic and full-width digits.
NOT_ASCII_DIGITS = ("1_0", " 5 ", "+5", "\u0663", "\uff15")


def test_every_integer_option_takes_ascii_digits_only(tmp_path, monkeypatch):
    """click's IntRange read each of NOT_ASCII_DIGITS as a number (`--limit 1_0` listed 10 documents); every integer
    option is a WholeNumber, which refuses them in one line naming the option and its range, before the command runs."""
    import uvicorn

    from g287.cli.common import WholeNumber
    from tests.in_process import run_g287

    # Should a value be taken after all, the command fails at once: `serve` never serves, `documents sync` is offline.
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("serve ran"))
    for name, value in {"G287_HOME": str(tmp_path), "G287_ICE_PAGE_URL": "http://127.0.0.1:9/287g", "G287_SYNC_RETRIES": "1", "G287_SYNC_TIMEOUT": "1", "G287_SYNC_DELAY": "0"}.items():
        monkeypatch.setenv(name, value)

    found = list(_integer_parameters())
    assert {(" ".join(path), param.name) for path, param in found} >= {("documents list", "limit"), ("program due", "within_days"), ("serve", "port"), ("diff", "end_after")}
    assert [(path, param.name) for path, param in found if not isinstance(param.type, WholeNumber)] == []
    database = f"sqlite:///{tmp_path / 'never-opened.sqlite'}"
    for path, param in found:
        option = max(param.opts, key=len)
        bounds = f"from {param.type.min} to {param.type.max}" if param.type.max is not None else f"of {param.type.min} or more"
        for value in NOT_ASCII_DIGITS:
            status, _, stderr = run_g287(database, *path, option, value)
            assert (status, stderr) == (1, f"g287: error: {option}: {value!r} is not a whole number {bounds}\n"), (path, option, value)
    assert not (tmp_path / "never-opened.sqlite").exists()


def test_a_whole_number_keeps_what_was_taken():
    from g287.cli.common import WholeNumber

    limit = WholeNumber(1, 100)
    assert [limit.convert(value, None, None) for value in ("1", "05", "100", 20)] == [1, 5, 100, 20]  # 20: a default
    assert WholeNumber(0).convert("99999999999", None, None) == 99999999999


def test_a_number_of_thousands_of_digits_is_one_line(tmp_path):
    """int() refuses text of more than 4,300 digits (leading zeros included) with a ValueError, which WholeNumber and
    RECORD_ID let through as a traceback; click's IntRange had said the value was no integer. The value is quoted by
    its start, with its length (5,000 digits filled the screen, and the error was lost in them)."""
    from g287.cli.common import RECORD_ID, WholeNumber

    many, padded = "1" * 5000, "0" * 5000 + "5"
    assert WholeNumber(1, 100).convert(padded, None, None) == 5 and RECORD_ID.convert(padded, None, None) == 5  # as "05"
    database = f"sqlite:///{tmp_path / 'never-opened.sqlite'}"
    status, _, error = run_g287(database, "documents", "list", "--limit", many)
    assert (status, error) == (1, f"g287: error: --limit: {many[:80]!r} … (cut: 5,000 characters in all) is not a whole number from 1 to 10000\n")
    status, _, error = run_g287(database, "agency", many)
    assert status == 1 and error.startswith("g287: error: ") and "Traceback" not in error and len(error.splitlines()) == 1
    status, _, error = run_g287(database, "documents", "list", "--agency", many)
    assert (status, error) == (1, f"g287: error: --agency {many[:80]!r} … (cut: 5,000 characters in all): no such record (ids are whole numbers from 1 to 2147483647)\n")
    status, _, error = run_g287(database, "documents", "list", "--agency", "9" * 11)
    assert (status, error) == (1, "g287: error: --agency 99999999999: no such record (ids are whole numbers from 1 to 2147483647)\n")


def test_a_long_agency_reference_is_quoted_once_and_cut(tmp_path):
    """A reference of 5,000 digits was quoted whole, twice (as the id, and as the name searched for): 10,000
    characters in which the error was lost. Any long reference is quoted once, by its start, with its length."""
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    digits, name = "9" * 5000, "Sheriff " * 700
    status, _, error = run_g287(database, "agency", digits)
    cut = f"{'9' * 80!r} … (cut: 5,000 characters in all)"
    assert (status, error) == (1, f"g287: error: no agency with id {cut}, nor any named like it: ids are whole numbers from 1 to 2147483647\n")
    status, _, error = run_g287(database, "agency", name)
    assert (status, error) == (1, f"g287: error: no agency named like {name[:80]!r} … (cut: 5,600 characters in all)\n")
    status, _, error = run_g287(database, "agency", "Nowhere County")
    assert (status, error) == (1, "g287: error: no agency named like 'Nowhere County'\n")


def test_bootstrap_json_says_what_its_text_says(tmp_path):
    """Its JSON gave the publications ingested and the figures, not those already held nor the database its text names."""
    import json

    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    status, out, _ = run_g287(database, "bootstrap", "--json")
    first = json.loads(out)
    status_again, out_again, _ = run_g287(database, "bootstrap", "--json")
    again = json.loads(out_again)
    assert (status, status_again) == (0, 0)
    assert (first["ingested"], first["already_held"], again["ingested"], again["already_held"]) == (11, 0, 0, 11)
    assert first["database"] == again["database"] == database and again["stats"]["participating"]["moas"] == first["stats"]["participating"]["moas"]


def test_the_quality_summary_aligns_its_counts_to_the_right(tmp_path):
    """Its counts were left-aligned text ("1806", "9") beside the other commands' right-aligned counts with separators."""
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    assert run_g287(database, "bootstrap")[0] == 0
    status, out, _ = run_g287(database, "quality", "--summary")
    counts = [line.split("│")[1] for line in out.splitlines() if line.startswith("│") and line.split("│")[1].strip()[:1].isdigit()]
    assert status == 0 and len(counts) > 3 and " 1,806 " in counts[0]
    assert all(cell.endswith(" ") and not cell.startswith(cell.strip()) for cell in counts if len(cell.strip()) < len(counts[0].strip()))


def test_a_file_name_holding_a_line_break_is_named_in_one_line(tmp_path, monkeypatch):
    """A file's name may hold a line break, and the error line naming it was printed as two lines (`g287 ingest
    $'bad\\nname.xlsx'`). An error line is one line: the line break is shown as "?", as a terminal's escape is (and as
    `documents import` showed it already); --json keeps the name exactly. The database is unchanged."""
    from g287.db.engine import Database
    from tests.conftest import snapshot

    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("G287_ALIASES_FILE", str(tmp_path / "aliases.csv"))

    def g287(*arguments):
        return Result(*run_g287(database, *arguments))

    assert g287("ingest", str(ICE / "pending" / "pendingAgencies05152025am.xlsx")).returncode == 0
    before = snapshot(Database(database))
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "not\na workbook\x1b[2J.xlsx").write_bytes(b"not a workbook")
    (folder / "not\na PDF.pdf").write_bytes(b"not a PDF")
    cases = {
        "a file": (["ingest", str(folder / "not\na workbook\x1b[2J.xlsx"), "--published", "2025-05-29am"], f"{folder}/not?a workbook?[2J.xlsx: not an Excel workbook (.xlsx): the file is not a zip archive"),
        "a folder holding it": (["ingest", str(folder)], f"{folder}/not?a workbook?[2J.xlsx: cannot tell the publication date: name the file like"),
        "a file that does not exist": (["ingest", str(folder / "no\nsuch list.xlsx"), "--published", "2025-05-29am"], f"{folder}/no?such list.xlsx: cannot be read (No such file or directory)"),
        "a file that cannot be written": (["factsheet", "-o", str(tmp_path / "no\nsuch folder" / "f.pdf")], f"{tmp_path}/no?such folder/f.pdf: cannot be written"),
        "a document": (["documents", "import", str(folder / "not\na PDF.pdf")], "not?a PDF.pdf: not a PDF: the file does not start with a PDF header"),
        "a folder of documents": (["documents", "import", str(folder)], "not?a PDF.pdf: not a PDF: the file does not start with a PDF header"),
    }
    for case, (arguments, expected) in cases.items():
        result = g287(*arguments)
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and result.stderr.startswith(f"g287: error: {expected}"), (case, result.stderr)
        assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    exact = g287("ingest", str(folder), "--json")
    assert exact.returncode == 1 and json.loads(exact.stdout)["errors"][0]["file"] == str(folder / "not\na workbook\x1b[2J.xlsx")
    assert snapshot(Database(database)) == before


def test_a_file_name_holding_a_line_break_is_one_line_when_it_is_ingested_too(tmp_path):
    """The line `g287 ingest` prints for a file ingested, or held already, named it with its line break, in two lines,
    while its error line showed the line break as "?". Every line naming a file is one line, as `documents import`
    prints its files' lines; --json keeps the names exactly."""
    from tests.conftest import MOA_DIR

    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    workbook = tmp_path / "pending\nlist.xlsx"
    workbook.write_bytes((ICE / "pending" / "pendingAgencies05152025am.xlsx").read_bytes())
    ingest = ["ingest", str(workbook), "--kind", "pending", "--published", "2025-05-15am"]
    status, out, err = run_g287(database, *ingest)
    shown = f"{tmp_path}/pending?list.xlsx"  # the path as given, as its error line names it
    assert status == 0 and out.startswith(f"{shown}: ingested as publication 1 (pending, 2025-05-15 am): ") and out.count("\n") == 1, (out, err)
    status, out, err = run_g287(database, *ingest)
    assert (status, out) == (0, f"{shown}: unchanged — already ingested as publication 1 (pending?list.xlsx); nothing changed\n"), err
    status, out, err = run_g287(database, *ingest, "--json")
    assert status == 0 and json.loads(out)["results"][0]["file"] == "pending\nlist.xlsx"
    document = tmp_path / "signed\nMOA.pdf"
    document.write_bytes(next(MOA_DIR.glob("*.pdf")).read_bytes())
    status, out, err = run_g287(database, "documents", "import", "--no-ocr", str(document))
    assert status == 0 and out.startswith("signed?MOA.pdf: stored as ") and out.count("\n") == 1, (out, err)


def test_a_written_file_whose_name_holds_a_line_break_is_named_in_one_line(tmp_path):
    """`g287 map` and `g287 factsheet` named the file they wrote (or did not write: no list in force) with its line
    break, in two lines, while an error line naming it showed the line break as "?". Each such line is one line now;
    --json keeps the name exactly."""
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    folder = tmp_path / "maps\nfolder"
    folder.mkdir()
    shown = str(folder).replace("\n", "?")
    status, out, err = run_g287(database, "map", "--level", "state", "-o", str(folder / "m.svg"))
    assert status == 0 and out.endswith(f"No map is drawn: {shown}/m.svg is not written.\n") and out.count("\n") == 1, (out, err)
    assert run_g287(database, "ingest", str(ICE / "participating" / "participatingAgencies05292025am.xlsx"))[0] == 0
    status, out, err = run_g287(database, "map", "--level", "state", "-o", str(folder / "m.svg"))
    assert status == 0 and out.startswith(f"{shown}/m.svg: SVG map, ") and out.count("\n") == 1, (out, err)
    status, out, err = run_g287(database, "factsheet", "-o", str(folder / "f.pdf"))
    assert status == 0 and out.startswith(f"{shown}/f.pdf: fact sheet, ") and out.count("\n") == 1, (out, err)
    assert (folder / "m.svg").is_file() and (folder / "f.pdf").read_bytes().startswith(b"%PDF-")
    status, out, err = run_g287(database, "map", "--level", "state", "-o", str(folder / "m.svg"), "--json")
    assert status == 0 and json.loads(out)["file"] == str(folder / "m.svg")
