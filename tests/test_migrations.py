"""Each migration means what it meant when it was written: it holds the statements and the Python it runs, so a
later change to g287's code cannot change what an old revision makes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from g287.db.dialect import normalize_url
from g287.db.engine import MIGRATIONS_DIR
from tests.test_database_upgrade import at_revision

VERSIONS = sorted((MIGRATIONS_DIR / "versions").glob("*.py"))
ALLOWED = ("g287.errors", "g287.db.migrations")  # g287's one-line error, and what the migrations keep themselves


def _g287_imports(path: Path) -> list[str]:
    """The modules of g287 a migration imports, wherever in it (at its top, or inside a function)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append("." * node.level + (node.module or ""))
    return [name for name in found if name == "g287" or name.startswith(("g287.", "."))]


def test_no_migration_imports_g287_s_code_outside_the_migrations():
    """Migrations 0001, 0004, 0007, 0011 and 0012 built their statements with helpers of g287/db/dialect.py, and 0008
    and 0009 called g287.days.day_of and g287.registry.names.agency_key: a change to those (document_search_documents
    and the punctuation rule of 0012 were added to 0004's helper) changed what an old revision does."""
    assert len(VERSIONS) == 12, VERSIONS
    assert _g287_imports(VERSIONS[5]) == ["g287.errors"]  # 0006: the check reads what a migration imports
    outside = {path.name: names for path in VERSIONS if (names := [n for n in _g287_imports(path) if not (n == ALLOWED[0] or n.startswith(ALLOWED[1]))])}
    assert outside == {}


SENTENCE = "The Policía of Miami-Dade: jail/correctional facilities, 02/15/2025"


def _vector(url: str) -> str:
    """The document-level vector the database makes of SENTENCE, with the functions the migrations so far made."""
    engine = create_engine(normalize_url(url))
    with engine.connect() as conn:
        vector = conn.execute(text("SELECT document_search_vector(:body)::text"), {"body": SENTENCE}).scalar()
    engine.dispose()
    return vector


@pytest.mark.parametrize("blank_url", ["postgresql"], indirect=True)  # SQLite's index is the same at every revision
def test_each_search_migration_indexes_as_it_did_when_it_was_written(blank_url):
    """Upgraded one revision at a time, PostgreSQL's search changes where each migration changed it and nowhere else:
    `english` until 0007 (stop words dropped), then every word kept; accents kept until 0011; punctuation read by the
    parser ("jail/correctional" a file name, the date one token) until 0012. A new database got the configuration of
    0007 and the punctuation rule of 0012 from migration 0004 already."""
    vectors = {}
    for revision in ("0004_documents", "0006_one_open_moa_per_model", "0007_search_keeps_every_word", "0010_page_notes",
                     "0011_search_ignores_accents", "0012_search_splits_punctuation"):
        at_revision(blank_url, revision)
        vectors[revision] = _vector(blank_url)
    written = "'02/15/2025':9 'dade':6 'facil':8 'jail/correctional':7 'miami':5 'miami-dad':4"
    assert vectors == {
        "0004_documents": f"{written} 'policía':2",
        "0006_one_open_moa_per_model": f"{written} 'policía':2",
        "0007_search_keeps_every_word": f"{written} 'of':3 'policía':2 'the':1",
        "0010_page_notes": f"{written} 'of':3 'policía':2 'the':1",
        "0011_search_ignores_accents": f"{written} 'of':3 'policia':2 'the':1",
        "0012_search_splits_punctuation": "'02':9 '15':10 '2025':11 'correct':7 'dade':5 'facil':8 'jail':6 'miami':4 'of':3 'policia':2 'the':1",
    }
