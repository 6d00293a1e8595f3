"""All tables. Each concern keeps its tables in its own module here; every module is imported
so that Base.metadata knows the whole schema (Alembic compares it with the migrations in a test)."""

import importlib
import pkgutil

from g287.db.base import Base

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Base"]
