"""Database objects that are not SQLAlchemy models, and the filter that keeps Alembic from comparing them.

Full-text indexes differ between SQLite (an FTS5 virtual table and its shadow tables) and PostgreSQL (a tsvector
table with a GIN index); they are created by migrations (0004, changed by 0007, 0011 and 0012), each with statements
of its own, and kept current by triggers. A model module declares the tables it creates this way in
`UNMANAGED_TABLES`; only those names are skipped when migrations are compared with the models, so the comparison
stays exact for everything else.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache


@cache
def unmanaged_tables() -> frozenset[str]:
    import g287.db.models as models

    names: set[str] = set()
    for module_info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"{models.__name__}.{module_info.name}")
        names.update(getattr(module, "UNMANAGED_TABLES", ()))
    return frozenset(names)


def include_name(name, type_, parent_names) -> bool:
    """Alembic hook: do not even reflect the unmanaged tables (SQLite cannot describe FTS5 shadow tables well)."""
    return not (type_ == "table" and name in unmanaged_tables())


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: skip unmanaged tables, and the indexes of unmanaged tables, that exist only in the database."""
    if type_ == "table":
        return not (reflected and compare_to is None and name in unmanaged_tables())
    table = getattr(obj, "table", None)
    if type_ in ("index", "unique_constraint", "column") and table is not None and table.name in unmanaged_tables():
        return False
    return True
