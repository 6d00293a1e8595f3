"""Error lines name the value a person gave as wording.quoted names it: in single quotes whatever quotes it holds, a
line break written \\n (one value, one line), a value of thousands of characters cut to its start with its length.
Python's repr, which several errors took, quoted "O'Brien's" in double quotes and a long value whole."""

import pytest

from g287.db.engine import Database
from g287.errors import G287Error
from g287.history.timeline import timeline
from tests.conftest import ICE
from tests.in_process import run_g287

# A value with an apostrophe and a line break, and one of thousands of characters.
TRICKY = "O'Brien's\nlist"
LONG = "x" * 5000
CUT = f"'{'x' * 80}' … (cut: 5,000 characters in all)"


def _one_error_line(database: str, *arguments: str) -> str:
    status, out, error = run_g287(database, *arguments)
    assert (status, out) == (1, "") and error.startswith("g287: error: ") and error.count("\n") == 1, (status, out, error)
    return error.removeprefix("g287: error: ").removesuffix("\n")


def test_a_publication_named_by_the_command_line_is_quoted(tmp_path):
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    assert _one_error_line(database, "quality", TRICKY) == "no publication named 'O'Brien's\\nlist': give an id, a file name or a date YYYY-MM-DD"
    assert _one_error_line(database, "quality", LONG) == f"no publication named {CUT}: give an id, a file name or a date YYYY-MM-DD"


def test_a_timeline_asked_for_an_interval_or_a_model_it_does_not_know_quotes_it(tmp_path):
    # The command line's --every and --model, and the API's, take their choices only: the service refuses any other
    # value for any other caller, and names it as an error line does.
    database = Database(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    with database.session() as session:
        with pytest.raises(G287Error) as every:
            timeline(session, every=TRICKY)
        with pytest.raises(G287Error) as model:
            timeline(session, model=LONG)
    database.dispose()
    assert str(every.value) == "--every 'O'Brien's\\nlist': choose one of day, week, month, publication"
    assert str(model.value) == f"--model {CUT}: one of JEM, TFM, WSO"


def test_a_state_or_a_county_the_reference_does_not_hold_is_quoted(tmp_path):
    database = f"sqlite:///{tmp_path / 'never-opened.sqlite'}"
    assert _one_error_line(database, "counties", "list", TRICKY) == "no state 'O'Brien's\\nlist': give a USPS code such as FL"
    assert _one_error_line(database, "counties", "show", LONG) == f"no county with FIPS code {CUT}"
    assert _one_error_line(database, "counties", "show", "O'Brien's") == "no county with FIPS code 'O'Brien's'"


def test_a_vintage_a_model_a_map_level_or_a_measure_the_geography_does_not_know_is_quoted():
    # The command line and the API take their choices only; the services refuse any other value for any other caller.
    from g287.geo import coverage, maps, reference

    refusals = {
        "unknown county vintage 'O'Brien's\\nlist': one of 2000, 2010, 2020, 2022": lambda: reference.vintage(TRICKY),
        f"unknown model {CUT}: one of JEM, TFM, WSO": lambda: coverage.check_model(LONG),
        "unknown map level 'O'Brien's\\nlist': state or county": lambda: maps.check_arguments(TRICKY, "moas", None, None),
        f"unknown measure {CUT}: moas or coverage": lambda: maps.check_arguments("state", LONG, None, None),
    }
    for message, refused in refusals.items():
        with pytest.raises(G287Error) as error:
            refused()
        assert str(error.value) == message


def test_a_county_code_or_an_origin_the_registry_does_not_know_is_quoted(tmp_path):
    # The site's county paths take five digits only and --origin its choices only: the services refuse any other value
    # for any other caller.
    from g287.registry.counties import county_or_404
    from g287.registry.ingest import prepare

    with pytest.raises(G287Error) as county:
        county_or_404(TRICKY)
    assert str(county.value) == "no county with the FIPS code 'O'Brien's\\nlist': a county's code has five digits (state and county)"
    with pytest.raises(G287Error) as origin:
        prepare(tmp_path / "participatingAgencies05292025am.xlsx", origin=LONG)
    assert str(origin.value) == f"unknown origin {CUT}: one of ice, registry"


def test_a_setting_of_the_registry_is_quoted(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    monkeypatch.setenv("G287_END_AFTER", TRICKY)
    assert _one_error_line(database, "agreements", "--status", "ended") == (
        "setting G287_END_AFTER='O'Brien's\\nlist': must be a whole number of publications, 1 or more, in digits 0-9"
    )
    monkeypatch.delenv("G287_END_AFTER")
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "9" * 5000)
    assert _one_error_line(database, "ingest", str(ICE / "pending" / "pendingAgencies05152025am.xlsx")) == (
        f"setting G287_MAX_SOURCE_ROWS='{'9' * 80}' … (cut: 5,000 characters in all): must be at most 10,000,000"
    )


def test_a_setting_of_the_site_is_quoted(tmp_path, monkeypatch):
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: pytest.fail("serve ran"))
    monkeypatch.setenv("G287_SITE_URL", f"https://g287.example.org/{TRICKY}")
    assert _one_error_line(str(tmp_path / "x.sqlite"), "serve", "--port", "1") == (
        "setting G287_SITE_URL='https://g287.example.org/O'Brien's\\nlist': must be the site's address, such as https://g287.example.org (no path, query or user)"
    )
    assert not (tmp_path / "x.sqlite").exists()


def test_a_setting_of_the_documents_is_quoted(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv("G287_OCR", TRICKY)
    assert _one_error_line(database, "sync", "--source", "http://127.0.0.1:9/287g") == "setting G287_OCR='o'brien's\\nlist': expected auto or off"
    monkeypatch.delenv("G287_OCR")
    monkeypatch.setenv("G287_SYNC_CONTACT", TRICKY)
    assert _one_error_line(database, "sync", "--source", "http://127.0.0.1:9/287g") == (
        "setting G287_SYNC_CONTACT='O'Brien's\\nlist': it goes into the User-Agent header, which holds printable ASCII only, not a line break"
    )


def test_a_publication_date_a_state_or_a_page_address_given_on_the_command_line_is_quoted(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    workbook = str(ICE / "pending" / "pendingAgencies05152025am.xlsx")
    assert _one_error_line(database, "ingest", workbook, "--published", TRICKY) == "--published 'O'Brien's\\nlist': expected YYYY-MM-DD, optionally followed by am or pm"
    assert _one_error_line(database, "ingest", workbook, "--published", LONG) == f"--published {CUT}: expected YYYY-MM-DD, optionally followed by am or pm"
    assert _one_error_line(database, "agreements", "--state", LONG) == f"--state {CUT}: not a state's USPS code (AL, AK, ..., WY, DC, PR...)"
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    assert _one_error_line(database, "sync", "--source", f"ftp://{TRICKY}").startswith("ICE's page 'ftp://O'Brien's\\nlist' (--source or G287_ICE_PAGE_URL): ")


def test_a_database_url_that_is_none_is_quoted():
    # The URL names no database g287 can open, so the error names it whole (cut when long), as given.
    assert _one_error_line(f"O'Brien's://{TRICKY}", "stats") == "not a database URL: 'O'Brien's://O'Brien's\\nlist' (sqlite:///FILE, postgresql://..., or a file path)"
    assert _one_error_line(f"a b://{LONG}", "stats") == f"not a database URL: 'a b://{'x' * 74}' … (cut: 5,006 characters in all) (sqlite:///FILE, postgresql://..., or a file path)"


def test_a_document_named_by_no_sha256_is_quoted(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    assert _one_error_line(database, "documents", "show", TRICKY) == "no document 'O'Brien's\\nlist': give its sha256 (at least its first 6 hex digits)"
    assert _one_error_line(database, "documents", "show", LONG) == f"no document {CUT}: give its sha256 (at least its first 6 hex digits)"


def _choice_parameters(group=None, path=()):
    """(command path, parameter) for every parameter of every command that takes one of a list of choices."""
    import click

    from g287.cli import cli

    for name, command in (group.commands if group else cli.every_command()).items():
        if isinstance(command, click.Group):
            yield from _choice_parameters(command, path + (name,))
        for param in command.params:
            if isinstance(param.type, click.Choice):
                yield path + (name,), param


def test_a_choice_refused_is_quoted(tmp_path):
    # click's Choice quoted the value by Python's repr; every choice the command line takes is g287.cli.common.Choice.
    from g287.cli.common import Choice

    found = list(_choice_parameters())
    assert {(" ".join(path), param.name) for path, param in found} >= {("timeline", "every"), ("quality", "category"), ("alias add", "relation"), ("user add", "role")}
    assert [(path, param.name) for path, param in found if not isinstance(param.type, Choice)] == []
    database = f"sqlite:///{tmp_path / 'never-opened.sqlite'}"
    assert _one_error_line(database, "timeline", "--every", TRICKY) == "--every: 'O'Brien's\\nlist' is not one of 'day', 'week', 'month', 'publication'"
    assert _one_error_line(database, "quality", "--category", LONG) == f"--category: {CUT} is not one of 'not_a_listing', 'duplicate', 'repaired', 'unknown', 'note'"
    assert _one_error_line(database, "alias", "add", "FL", "A Police Department", TRICKY, "B Police Department", "--reason", "r") == (
        "RELATION: 'O'Brien's\\nlist' is not one of 'same', 'different'"
    )


def test_a_database_url_with_a_port_that_is_no_number_is_one_line_without_its_password():
    """SQLAlchemy reads a port with int(): `...@host:port/db` raised a ValueError, printed as a traceback. The line
    hides the password, as SQLAlchemy hides it in a URL it reads."""
    line = _one_error_line("postgresql://reader:s3cret@db.example.org:port/g287", "stats")
    assert line == "not a database URL: 'postgresql://reader:***@db.example.org:port/g287' (sqlite:///FILE, postgresql://..., or a file path)"
    assert "s3cret" not in _one_error_line("postgresql://reader:s3:cret@db.example.org:port/g287", "stats")
