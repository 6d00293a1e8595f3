"""Numeric settings: a value that is not a finite number, or that the setting cannot hold, is one clear error
naming the setting (float() reads nan and inf, and nan passes every comparison with a minimum)."""

import datetime as dt
import os
import subprocess
import sys

import pytest

from g287 import config
from g287.documents import settings as documents_settings
from g287.errors import G287Error
from g287.program import settings as program_settings
from tests.conftest import ROOT

READERS = {
    "G287_SYNC_DELAY": documents_settings.sync_settings,
    "G287_SYNC_RETRIES": documents_settings.sync_settings,
    "G287_SYNC_MAX_MB": documents_settings.sync_settings,
    "G287_SYNC_TIMEOUT": documents_settings.sync_settings,
    "G287_WORKERS": documents_settings.workers,
    "G287_OCR_DPI": documents_settings.ocr_dpi,
    "G287_MAX_SOURCE_ROWS": config.max_source_rows,
    "G287_MAX_WORKBOOK_MB": config.max_workbook_bytes,
    "G287_SESSION_HOURS": program_settings.session_hours,
}


@pytest.mark.parametrize("name", list(READERS))
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "NaN", "Infinity"])
def test_a_value_that_is_not_finite_is_one_clear_error(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(G287Error) as raised:
        READERS[name]()
    assert str(raised.value) == f"setting {name}={value!r}: expected a finite number"


@pytest.mark.parametrize("name", list(READERS))
def test_a_value_too_large_for_the_setting_to_hold_is_one_clear_error(monkeypatch, name):
    monkeypatch.setenv(name, "1e308")  # times 1024 * 1024 is inf; as seconds, more than time.sleep accepts
    with pytest.raises(G287Error, match=rf"^setting {name}='1e308': must be at most 10,000,000$"):
        READERS[name]()


def test_the_limits_themselves_are_accepted(monkeypatch):
    monkeypatch.setenv("G287_SYNC_DELAY", "0")
    monkeypatch.setenv("G287_SYNC_MAX_MB", "1e7")
    monkeypatch.setenv("G287_SYNC_RETRIES", "2.0")
    sync = documents_settings.sync_settings()
    assert (sync.delay, sync.max_bytes, sync.retries) == (0.0, 10_000_000 * 1024 * 1024, 2)
    monkeypatch.setenv("G287_SESSION_HOURS", str(config.MAX_SETTING))
    assert program_settings.session_hours() == config.MAX_SETTING
    assert dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=config.MAX_SETTING)  # a session that long still ends


# Settings that count something: a fraction is refused, not cut (G287_LOGIN_MAX_FAILURES=0.5 was cut to 0, and every
# login then failed with an internal error).
COUNTS = {
    "G287_SYNC_RETRIES": (lambda: documents_settings.sync_settings().retries, "attempts", 0),
    "G287_WORKERS": (documents_settings.workers, "processes", 1),
    "G287_OCR_DPI": (documents_settings.ocr_dpi, "dots per inch", 72),
    "G287_MAX_SOURCE_ROWS": (config.max_source_rows, "rows", 1),
    "G287_LOGIN_MAX_FAILURES": (program_settings.login_max_failures, "failed logins", 1),
    "G287_LOGIN_CLIENT_MAX_FAILURES": (program_settings.login_client_max_failures, "failed logins", 1),
}


@pytest.mark.parametrize("name", list(COUNTS))
def test_a_count_that_is_not_a_whole_number_is_one_clear_error(monkeypatch, name):
    read, unit, minimum = COUNTS[name]
    monkeypatch.setenv(name, f"{minimum + 1}.5")
    with pytest.raises(G287Error) as raised:
        read()
    assert str(raised.value) == f"setting {name}='{minimum + 1}.5': must be a whole number of {unit}, {minimum} or more"
    monkeypatch.setenv(name, f"{minimum + 1}.0")
    assert read() == minimum + 1


@pytest.mark.parametrize("name", ["G287_LOGIN_MAX_FAILURES", "G287_LOGIN_CLIENT_MAX_FAILURES"])
def test_a_login_limit_below_one_failure_is_refused(monkeypatch, name):
    monkeypatch.setenv(name, "0.5")
    with pytest.raises(G287Error, match=rf"^setting {name}='0.5': must be at least 1$"):
        COUNTS[name][0]()


@pytest.mark.parametrize("name, value", [("G287_SYNC_DELAY", "nan"), ("G287_SYNC_RETRIES", "nan"), ("G287_SYNC_MAX_MB", "inf")])
def test_the_sync_stops_with_one_line_before_any_request(tmp_path, name, value):
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}", G287_DOCUMENTS_DIR=str(tmp_path / "archive"), **{name: value})
    # an address nothing listens on: had the setting been taken, the sync would report a failed page instead
    result = subprocess.run([sys.executable, "-m", "g287", "sync", "--source", "http://127.0.0.1:9/287g"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"g287: error: setting {name}={value!r}: expected a finite number"]
    assert result.stdout == ""


@pytest.mark.parametrize("name, value", [("G287_MAX_SOURCE_ROWS", "inf"), ("G287_MAX_WORKBOOK_MB", "nan")])
def test_an_ingest_of_many_files_stops_with_one_line_on_a_bad_reading_setting(tmp_path, name, value):
    """The setting was read for each file: the same error came once per file (11 times for the bundled lists)."""
    env = dict(os.environ, G287_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite'}", **{name: value})
    result = subprocess.run([sys.executable, "-m", "g287", "ingest", str(ROOT / "g287" / "data" / "ice")], capture_output=True, text=True, env=env, cwd=ROOT)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f"g287: error: setting {name}={value!r}: expected a finite number"]


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
