"""Fixtures of the site's tests: the application over the bundled publications (read-only, shared)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import warnings
from pathlib import Path

import pytest

from g287 import days
from g287.db.engine import Database

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from g287.web.app import create_app
from tests.browser import launched_chromium, served


@pytest.fixture(scope="session")
def site(bundled_db):
    """A client of the site over every bundled publication, on SQLite and on PostgreSQL."""
    with TestClient(create_app(bundled_db)) as client:
        yield client


@pytest.fixture(scope="session")
def site_database_copies(tmp_path_factory):
    """What the site's tests on SQLite read, built once per test run and copied for each fixture that serves it: a
    database of every bundled publication, with the ten signed MOAs of tests/data/moa in its document archive (text
    layers only: OCR is the documents' tests' subject). Building it takes about 8 s of CPU: the first test
    process (xdist worker) to need it builds it in the run's own folder, under a lock, and the others wait for it."""
    built, lock_path, done = _site_build_paths(tmp_path_factory)
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, also if the build fails
        if not done.exists():
            shutil.rmtree(built, ignore_errors=True)  # a build that failed part-way in another process
            built.mkdir()
            _build_site_database(built)
            done.touch()

    def copy(folder):
        shutil.copytree(built, folder, dirs_exist_ok=True)
        return Database(f"sqlite:///{folder / 'g287.sqlite'}")

    return copy


def _site_build_paths(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The build's folder, its lock and the mark of a build finished: in the run's folder that the xdist workers'
    own folders are in (created anew for each run), or in this process's own when it runs alone."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / "site-built", shared / "site-built.lock", shared / "site-built.done"


def _build_site_database(folder: Path) -> None:
    from g287.access import Actor
    from g287.documents.importer import import_paths
    from g287.registry.bundled import ingest_bundled
    from tests.conftest import MOA_DIR
    from tests.text_layers import read_text_layers_once

    database = Database(f"sqlite:///{folder / 'g287.sqlite'}")  # its archive: beside the file
    ingest_bundled(database, Actor.command_line())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_OCR", "off")
        patch.delenv("G287_DOCUMENTS_DIR", raising=False)
        read_text_layers_once(patch)  # the document search's fixtures import the same ten MOAs
        report = import_paths(database, [str(MOA_DIR)], Actor.command_line())
    assert not report.errors and len(report.results) == 10
    database.dispose()  # the last connection closed: the write-ahead log is in the file before it is copied


@pytest.fixture(scope="session")
def sqlite_site(tmp_path_factory, site_database_copies):
    """The site on SQLite only, for tests whose subject does not depend on the database: every bundled publication
    and the ten signed MOAs of tests/data/moa in its document archive (site_database_copies)."""
    database = site_database_copies(tmp_path_factory.mktemp("site"))
    with TestClient(create_app(database)) as client:
        client.db = database
        yield client
    database.dispose()


LIST_DAY = dt.date(2025, 7, 9)  # ICE's latest participating list bundled (participatingAgencies07092025am.xlsx)


@pytest.fixture
def fixed_today(monkeypatch):
    """Today fixed at 29 November 2026, 508 days after the latest participating list bundled: the pages' notes on
    the age of the list (and the response cache's key) take today from g287.days.today."""
    day = dt.date(2026, 11, 29)
    monkeypatch.setattr(days, "today", lambda: day)
    return day


# What the site's browser tests share (test_browser*.py): Debian's Chromium, and the site served over the bundled
# publications and the signed MOAs; one of each per module.


@pytest.fixture(scope="module")
def browser():
    yield from launched_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory, site_database_copies):
    """The site served by uvicorn in a background thread, on a free port, over the bundled publications and the
    signed MOAs (site_database_copies)."""
    database = site_database_copies(tmp_path_factory.mktemp("browser"))
    with served(create_app(database)) as address:
        yield address
    database.dispose()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    page.errors = errors
    yield page
    context.close()
