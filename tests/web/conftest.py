"""Fixtures of the site's tests: the application over the bundled publications (read-only, shared)."""

from __future__ import annotations

import warnings

import pytest

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
    """The same on SQLite only, for tests whose subject does not depend on the database."""
    from g287.access import Actor
    from g287.db.engine import Database
    from g287.registry.bundled import ingest_bundled

    database = Database(f"sqlite:///{tmp_path_factory.mktemp('site') / 'g287.sqlite'}")
    ingest_bundled(database, Actor.command_line())
    with TestClient(create_app(database)) as client:
        client.db = database
        yield client
    database.dispose()
