"""Numeric settings: ASCII digits only (with a decimal part where the setting may be a fraction); any other value, or
one the setting cannot hold, is one clear error naming the setting (float() read "1_0" as 10, " 5 " and "+5" as 5,
"1e1", full-width digits, nan and inf, and nan passes every comparison with a minimum)."""

import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from g287 import config
from g287.documents import settings as documents_settings
from g287.errors import G287Error
from g287.history.lifecycle import end_after_default
from g287.program import settings as program_settings
from g287.web.app import version_seconds
from g287.wording import quoted
from tests.conftest import ROOT

# Settings that may be a fraction (seconds, minutes, hours, megabytes): the reader, and the minimum README gives.
NUMBERS = {
    "G287_SYNC_DELAY": (lambda: documents_settings.sync_settings().delay, "at least 0"),
    "G287_SYNC_TIMEOUT": (lambda: documents_settings.sync_settings().timeout, "at least 0.01"),
    "G287_SYNC_BACKOFF": (lambda: documents_settings.sync_settings().backoff, "at least 0"),
    "G287_SYNC_MAX_MB": (lambda: documents_settings.sync_settings().max_bytes / 1024 / 1024, "at least 0.001"),
    "G287_SYNC_DOWNLOAD_TIMEOUT": (lambda: documents_settings.sync_settings().download_timeout, "at least 1"),
    "G287_TEXT_LAYER_TIMEOUT": (documents_settings.text_layer_timeout, "more than 0"),
    "G287_OCR_DOCUMENT_TIMEOUT": (documents_settings.ocr_document_timeout, "more than 0"),
    "G287_OCR_PAGE_RENDER_TIMEOUT": (documents_settings.ocr_page_render_timeout, "more than 0"),
    "G287_OCR_PAGE_TIMEOUT": (documents_settings.ocr_page_timeout, "more than 0"),
    "G287_MAX_WORKBOOK_MB": (lambda: config.max_workbook_bytes() / 1024 / 1024, "more than 0"),
    "G287_MAX_UPLOAD_MB": (lambda: program_settings.max_upload_bytes() / 1024 / 1024, "more than 0"),
    "G287_SESSION_HOURS": (program_settings.session_hours, "more than 0"),
    "G287_LOGIN_LOCKOUT_MINUTES": (program_settings.login_lockout_minutes, "more than 0"),
    "G287_WEB_VERSION_SECONDS": (version_seconds, "at least 0"),
}
# Settings that count something: a fraction is refused, not cut (G287_LOGIN_MAX_FAILURES=0.5 was cut to 0, and every
# login then failed with an internal error). The reader, the unit its message names, and its minimum.
COUNTS = {
    "G287_SYNC_RETRIES": (lambda: documents_settings.sync_settings().retries, "attempts", 0),
    "G287_WORKERS": (documents_settings.workers, "processes", 1),
    "G287_OCR_DPI": (documents_settings.ocr_dpi, "dots per inch", 72),
    "G287_MAX_SOURCE_ROWS": (config.max_source_rows, "rows", 1),
    "G287_LOGIN_MAX_FAILURES": (program_settings.login_max_failures, "failed logins", 1),
    "G287_LOGIN_CLIENT_MAX_FAILURES": (program_settings.login_client_max_failures, "failed logins", 1),
    "G287_END_AFTER": (end_after_default, "publications", 1),
}
READERS = {name: entry[0] for name, entry in {**NUMBERS, **COUNTS}.items()}


def test_every_numeric_setting_is_checked_here():
    """A numeric setting added later is read by env_number or env_count: it must be in NUMBERS or COUNTS."""
    read = set()
    for module in (ROOT / "g287").rglob("*.py"):
        read |= set(re.findall(r"(?:env_number|env_count|_number)\(\s*\"(G287_[A-Z_]+)\"", module.read_text()))
    assert read == set(NUMBERS) | set(COUNTS)


def test_the_readme_gives_each_numeric_setting_the_default_it_has(monkeypatch):
    """Each row of README's tables of settings gives the default the reader takes when the setting is not set (a
    default changed in the code and not in README would be untrue; G287_END_AFTER has a row in two tables)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(G287_[A-Z0-9_]+)` \| ([^|]+) \|", readme, re.M)
    wrong = []
    for name, documented in rows:
        if name not in READERS:
            continue
        monkeypatch.delenv(name, raising=False)
        default = READERS[name]()
        said = "the number of cores" if name == "G287_WORKERS" and default == (os.cpu_count() or 1) else f"`{default:g}`"
        if documented.strip() != said:
            wrong.append((name, documented.strip(), said))
    assert {name for name, _ in rows} >= set(READERS) and wrong == []


# What float() or int() read as a number, and README's settings do not: a digit separator, spaces, a sign, an
# exponent, Arabic-Indic or full-width digits, hexadecimal, nan and inf.
NOT_DIGITS_ONLY = ("1_0", " 5 ", "5 ", "+5", "1e1", "\u0663", "\uff15", "0x10", "nan", "inf", "-inf", "NaN", "Infinity", "5.", "1,5")


@pytest.mark.parametrize("name", list(NUMBERS))
@pytest.mark.parametrize("value", NOT_DIGITS_ONLY)
def test_a_number_in_another_form_than_digits_is_one_clear_error(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(G287Error) as raised:
        READERS[name]()
    assert str(raised.value) == f"setting {name}={value!r}: expected a number in digits 0-9, such as 2 or 0.5"


@pytest.mark.parametrize("name", list(COUNTS))
@pytest.mark.parametrize("value", NOT_DIGITS_ONLY + ("2.5", "2.0", ".5"))
def test_a_count_in_another_form_than_whole_digits_is_one_clear_error(monkeypatch, name, value):
    read, unit, minimum = COUNTS[name]
    monkeypatch.setenv(name, value)
    with pytest.raises(G287Error) as raised:
        read()
    assert str(raised.value) == f"setting {name}={value!r}: must be a whole number of {unit}, {minimum} or more, in digits 0-9"


@pytest.mark.parametrize("name", list(NUMBERS))
def test_a_number_below_its_minimum_is_one_clear_error(monkeypatch, name):
    read, minimum = NUMBERS[name]
    for value in ("-1", "-0.5", "-0"):
        monkeypatch.setenv(name, value)
        with pytest.raises(G287Error) as raised:
            read()
        assert str(raised.value) == f"setting {name}={value!r}: must be {minimum}", value


@pytest.mark.parametrize("name", list(COUNTS))
def test_a_count_below_its_minimum_is_one_clear_error(monkeypatch, name):
    read, _, minimum = COUNTS[name]
    for value in ("-1", "-0") + ((str(minimum - 1),) if minimum else ()):
        monkeypatch.setenv(name, value)
        with pytest.raises(G287Error) as raised:
            read()
        assert str(raised.value) == f"setting {name}={value!r}: must be at least {minimum}", value


@pytest.mark.parametrize("name", list(READERS))
def test_a_value_too_large_for_the_setting_to_hold_is_one_clear_error(monkeypatch, name):
    # 10**308 times 1024 * 1024 is inf; as seconds, more than time.sleep accepts; 400 digits are more than a float holds
    for value in ("1" + "0" * 308, "9" * 400, "10000001"):
        monkeypatch.setenv(name, value)
        with pytest.raises(G287Error) as raised:
            READERS[name]()
        assert str(raised.value) == f"setting {name}={quoted(value)}: must be at most 10,000,000"


@pytest.mark.parametrize("name", list(READERS))
def test_digits_are_read_and_an_empty_setting_is_the_default(monkeypatch, name):
    monkeypatch.delenv(name, raising=False)
    default = READERS[name]()
    for empty in ("", "  "):
        monkeypatch.setenv(name, empty)
        assert READERS[name]() == default
    monkeypatch.setenv(name, "0100")
    assert READERS[name]() == 100
    if name in NUMBERS:
        for value, taken in (("2.5", 2.5), ("10.75", 10.75), ("2.0", 2.0)):
            monkeypatch.setenv(name, value)
            assert READERS[name]() == pytest.approx(taken), value


def test_the_limits_themselves_are_accepted(monkeypatch):
    monkeypatch.setenv("G287_SYNC_DELAY", ".5")
    assert documents_settings.sync_settings().delay == 0.5
    monkeypatch.setenv("G287_SYNC_DELAY", "0")
    monkeypatch.setenv("G287_SYNC_MAX_MB", "10000000")
    monkeypatch.setenv("G287_SYNC_RETRIES", "0")
    sync = documents_settings.sync_settings()
    assert (sync.delay, sync.max_bytes, sync.retries) == (0.0, 10_000_000 * 1024 * 1024, 0)
    monkeypatch.setenv("G287_SESSION_HOURS", "10000000.0")
    assert program_settings.session_hours() == config.MAX_SETTING
    assert dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=config.MAX_SETTING)  # a session that long still ends
    monkeypatch.setenv("G287_MAX_SOURCE_ROWS", "10000000")
    assert config.max_source_rows() == 10_000_000


@pytest.mark.parametrize("name, value, problem", [
    ("G287_SYNC_DELAY", "nan", "expected a number in digits 0-9, such as 2 or 0.5"),
    ("G287_SYNC_RETRIES", "1_0", "must be a whole number of attempts, 0 or more, in digits 0-9"),
    ("G287_SYNC_MAX_MB", " 5 ", "expected a number in digits 0-9, such as 2 or 0.5"),
])
def test_the_sync_stops_with_one_line_before_any_request(tmp_path, monkeypatch, name, value, problem):
    from tests.in_process import run_g287

    monkeypatch.setenv("G287_DOCUMENTS_DIR", str(tmp_path / "archive"))
    monkeypatch.setenv(name, value)
    # an address nothing listens on: had the setting been taken, the sync would report a failed page instead
    status, out, err = run_g287(f"sqlite:///{tmp_path / 'cli.sqlite'}", "sync", "--source", "http://127.0.0.1:9/287g")
    assert status == 1 and "Traceback" not in out + err
    assert err.strip().splitlines() == [f"g287: error: setting {name}={value!r}: {problem}"]
    assert out == ""


@pytest.mark.parametrize("name, value, problem", [
    ("G287_MAX_SOURCE_ROWS", "1e5", "must be a whole number of rows, 1 or more, in digits 0-9"),
    ("G287_MAX_WORKBOOK_MB", "nan", "expected a number in digits 0-9, such as 2 or 0.5"),
])
def test_an_ingest_of_many_files_stops_with_one_line_on_a_bad_reading_setting(tmp_path, monkeypatch, name, value, problem):
    """The setting was read for each file: the same error came once per file (11 times for the bundled lists)."""
    from tests.in_process import run_g287

    monkeypatch.setenv(name, value)
    status, out, err = run_g287(f"sqlite:///{tmp_path / 'cli.sqlite'}", "ingest", str(ROOT / "g287" / "data" / "ice"))
    assert status == 1 and "Traceback" not in out + err
    assert err.strip().splitlines() == [f"g287: error: setting {name}={value!r}: {problem}"]


def test_the_shells_g287_settings_never_reach_the_tests(tmp_path):
    # Found by a helper: a G287_ALIASES_FILE set in the shell changed the agency counts the tests expect, and a
    # G287_DATABASE_URL would name one's own database. tests/conftest.py removes them (G287_HOME and the tests' own
    # G287_TEST_POSTGRES_URL stay).
    from tests.conftest import ROOT

    shell = dict(os.environ, G287_ALIASES_FILE=str(tmp_path / "mine.csv"), G287_DATABASE_URL=f"sqlite:///{tmp_path / 'mine.sqlite'}", G287_END_AFTER="7", G287_HOME=str(tmp_path))
    seen = subprocess.run(
        [sys.executable, "-c", "import os, tests.conftest; print(sorted(n for n in os.environ if n.startswith('G287_')))"],
        env=shell, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()
    kept = [name for name in ("G287_HOME", "G287_TEST_POSTGRES_URL") if name in shell]
    assert seen == str(sorted(kept))


def test_the_tests_keep_their_own_settings_from_the_shell():
    """The conftest drops the shell's G287_ settings, but not the tests' own: G287_SCREENSHOTS_DIR (README:
    `G287_SCREENSHOTS_DIR=docs/screenshots` writes the committed screenshots) reached no browser test."""
    shell = dict(os.environ, G287_SCREENSHOTS_DIR="/tmp/shots", G287_ALIASES_FILE="/tmp/aliases.csv")
    code = "import os, tests.conftest; print(os.environ.get('G287_SCREENSHOTS_DIR'), os.environ.get('G287_ALIASES_FILE'))"
    seen = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=shell, capture_output=True, text=True, check=True)
    assert seen.stdout.split() == ["/tmp/shots", "None"]


def test_a_blank_text_setting_is_as_one_not_set(monkeypatch, tmp_path):
    """README: an empty setting is as one not set. A blank one (spaces) was taken as given: G287_DATABASE_URL="  "
    made a database file named "  " in the current folder, G287_HOME="  " a folder so named, and a blank
    G287_SECRET_KEY was refused as too short."""
    from g287 import config
    from g287.documents.settings import documents_dir
    from g287.history import aliases
    from g287.program import settings as program_settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    for name in ("G287_HOME", "G287_DATABASE_URL", "G287_PROGRAM_FILES_DIR", "G287_SECRET_KEY", "G287_DOCUMENTS_DIR", "G287_ALIASES_FILE"):
        monkeypatch.setenv(name, "  ")
    assert config.home_dir() == tmp_path / "xdg" / "g287"
    assert config.database_url() == f"sqlite:///{tmp_path / 'xdg' / 'g287' / 'g287.sqlite'}"
    assert program_settings.program_files_dir() == tmp_path / "xdg" / "g287" / "program-files"
    assert not program_settings.secret_key_is_set() and len(program_settings.secret_key()) >= 32
    assert documents_dir() == (tmp_path / "xdg" / "g287" / "documents").resolve()
    assert aliases.path() == config.DATA_DIR / "rules" / "agency_aliases.csv"


def test_an_empty_or_blank_choice_setting_is_its_default(monkeypatch):
    """README: an empty setting is as one not set. G287_OCR= (or blank) was refused, "setting G287_OCR='': expected
    auto or off", stopping every sync, import and ingest, where its default `auto` was meant."""
    for empty in ("", "  "):
        for name in ("G287_OCR", "G287_OCR_LANGUAGE", "G287_SITE_URL", "G287_SYNC_CONTACT", "G287_SYNC_USER_AGENT", "G287_ICE_PAGE_URL"):
            monkeypatch.setenv(name, empty)
        assert documents_settings.ocr_enabled() is True
        assert documents_settings.ocr_language() == "eng"
        assert config.site_url() is None
        sync = documents_settings.sync_settings()
        assert sync.page_url == documents_settings.DEFAULT_ICE_PAGE
        assert sync.user_agent.startswith("g287/") and "contact" not in sync.user_agent
