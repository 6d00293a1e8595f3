"""Fixtures of the site's tests: the application over the bundled publications (read-only, shared)."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest

from g287 import days

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from g287.web.app import create_app


@pytest.fixture(scope="session")
def site(bundled_db):
    """A client of the site over every bundled publication, on SQLite and on PostgreSQL."""
    with TestClient(create_app(bundled_db)) as client:
        yield client


@pytest.fixture(scope="session")
def sqlite_site(tmp_path_factory):
    """The same on SQLite only, for tests whose subject does not depend on the database; with the ten signed MOAs
    of tests/data/moa in its document archive (text layers only: OCR is the documents' tests' subject)."""
    from g287.access import Actor
    from g287.db.engine import Database
    from g287.documents.importer import import_paths
    from g287.registry.bundled import ingest_bundled
    from tests.conftest import MOA_DIR

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('site') / 'g287.sqlite'}")  # its archive: beside the file
    ingest_bundled(database, Actor.command_line())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("G287_OCR", "off")
        patch.delenv("G287_DOCUMENTS_DIR", raising=False)
        report = import_paths(database, [str(MOA_DIR)], Actor.command_line())
    assert not report.errors and len(report.results) == 10
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
