"""Database: models, engine, migrations and the few dialect-specific statements (all in dialect.py)."""
