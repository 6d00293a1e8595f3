"""The publications bundled with g287 (g287/data/ice/): the service behind `g287 bootstrap` and the first start
of `g287 serve` on an empty database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from g287.access import Actor
from g287.config import BUNDLED_PUBLICATIONS_DIR
from g287.db.engine import Database
from g287.db.models.registry import Publication
from g287.errors import G287Error
from g287.registry.batch import expand_paths, ingest_many
from g287.registry.ingest import IngestResult


def bundled_files() -> list[Path]:
    return expand_paths([str(BUNDLED_PUBLICATIONS_DIR / "participating"), str(BUNDLED_PUBLICATIONS_DIR / "pending")])


def ingest_bundled(db: Database, actor: Actor) -> list[IngestResult]:
    """Ingest every bundled publication (each in its own transaction; those held already change nothing)."""
    results, errors = ingest_many(db, bundled_files(), actor)
    if errors:
        raise G287Error("; ".join(str(e) for e in errors))
    return results


def is_empty(db: Database) -> bool:
    with db.session() as session:
        return not session.scalar(select(func.count(Publication.id)))
