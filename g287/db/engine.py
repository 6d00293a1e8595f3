"""Opening a database: the engine, its migrations, and sessions."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from g287 import config
from g287.db import dialect
from g287.db.revisions import MIGRATIONS_DIR, database_revisions, script_heads, script_revisions
from g287.errors import Busy, G287Error
from g287.wording import in_quotes, quoted


def alembic_config(engine: Engine | None = None):
    from alembic.config import Config  # imported only to migrate (see g287/db/revisions.py)

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


# The password of a URL's user (scheme://user:PASSWORD@host), as far as a URL that does not parse can be read.
_PASSWORD = re.compile(r"(?<=://)([^/@:]*):[^/@]*@")


def without_password(url: str) -> str:
    """The URL as an error line may show it: a password replaced by ***, as SQLAlchemy hides it in a URL it reads."""
    return _PASSWORD.sub(r"\1:***@", url, count=1)


def _make_private(path: Path) -> None:
    """Make a new SQLite file readable and writable by its owner only (SQLite gives its journal and WAL the database
    file's mode): it will hold nominees' personal data and session token digests, and the home folder's mode protects
    only the files in it (a file named elsewhere, as `--database demo.sqlite`, was made 0644 by the umask). A file
    that exists keeps the mode its owner gave it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:
        pass  # SQLite says why it cannot open it, as it did before


def check_database_url(url: str):
    """The parsed URL of a database g287 may open, or G287Error saying why not, without opening it nor making anything:
    what the address alone tells (not a URL, another kind of database, no database or file named, a folder the user
    named that does not exist). Database checks it before it opens one; the command line checks a --database given to
    any command, one that never opens the database too, so that a wrong value is refused alike everywhere."""
    try:
        parsed = make_url(dialect.normalize_url(url))
    except (ArgumentError, ValueError):  # ValueError: a port that is no number (SQLAlchemy's int() of it)
        raise G287Error(f"not a database URL: {quoted(without_password(url))} (sqlite:///FILE, postgresql://..., or a file path)") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise G287Error(f"unsupported database {in_quotes(backend)}: g287 runs on SQLite and PostgreSQL")
    if backend == "postgresql" and not parsed.database:
        # libpq would take the user's default database: g287 would create its tables in whatever that is.
        raise G287Error(f"the PostgreSQL URL {parsed.render_as_string(hide_password=True)} names no database: give one (postgresql://USER@HOST:PORT/DATABASE)")
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        # An in-memory database is a new, empty one for each command and server process: an ingest into it said
        # it was done and its lists were gone when the command ended.
        raise G287Error(f"the SQLite URL {url} names no file: give one (sqlite:////path/to/g287.sqlite, or a file path)")
    if backend == "sqlite":
        folder = Path(parsed.database).expanduser().parent
        # g287's own folder is made on first use; a folder the user named must exist (a typo is not a new home).
        if folder != config.home_dir() and not folder.is_dir():
            raise G287Error(f"cannot open the database {parsed.database}: the folder {folder} does not exist")
    return parsed


class Database:
    """One database (SQLite file or PostgreSQL), migrated to the current schema on open."""

    def __init__(self, url: str, *, migrate: bool = True):
        self.url = dialect.normalize_url(url)
        parsed = check_database_url(url)
        if parsed.get_backend_name() == "sqlite":
            folder = Path(parsed.database).expanduser().parent
            if folder == config.home_dir():
                # g287's own folder is made on first use (check_database_url lets it be missing). Readable by its
                # owner only: the database holds nominees' personal data and session token digests.
                config.make_folder(folder)
            if not parsed.query.get("uri"):
                _make_private(Path(parsed.database))
        try:
            self.engine = create_engine(self.url, future=True)
        except (ImportError, NoSuchModuleError) as error:
            raise G287Error(f"cannot open the database {self.safe_url}: {error}") from None
        dialect.prepare_engine(self.engine)
        self._writing_engine = self.engine.execution_options(**dialect.writing_options(self.engine))
        self._reading_engine = self.engine.execution_options(**dialect.reading_options(self.engine))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if migrate:
            self.migrate()

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema up to date (every Alembic head); cheap when it already is."""
        try:
            with self.engine.connect() as connection:
                dialect.bound_lock_waits(connection)
                current = set(database_revisions(connection))
                if not current:
                    self._refuse_another_applications(connection)
            if current == set(script_heads()):
                return
            unknown = current - script_revisions()
            if unknown:  # a newer g287 migrated it: this one must not guess at its schema
                raise G287Error(
                    f"the database {self.safe_url} has a schema this version of g287 does not know (revision {', '.join(sorted(unknown))}): "
                    "it was made or upgraded by a newer g287; use that version"
                )
        except OperationalError as error:
            why = Busy() if dialect.is_busy(error) else error
            raise G287Error(f"cannot open the database {self.safe_url}: {_one_line(why)}") from error
        try:
            # Two processes opening an out-of-date database: one migrates, the other waits for it (schema_change), then
            # finds nothing left to do (Alembic reads the revision again, in this transaction).
            with self._writing_engine.connect() as connection, dialect.schema_change(connection):
                from alembic import command

                cfg = alembic_config(self.engine)
                cfg.attributes["connection"] = connection
                command.upgrade(cfg, "heads")
        except Exception as error:  # the migrations are one transaction: none of them is kept, whatever stopped one
            was = f"upgrade the database {self.safe_url} from revision {', '.join(sorted(current))}" if current else f"make g287's tables in the database {self.safe_url}"
            raise G287Error(f"cannot {was}: {_what_stopped(error)}; the database is left as it was") from error

    def _refuse_another_applications(self, connection) -> None:
        """g287 makes its tables in a database that holds none (or only its emptied schema version), never beside
        another application's."""
        tables = dialect.own_tables(connection)  # one statement: g287's version table and any other, as they are now
        if tables and "alembic_version" not in tables:
            shown = ", ".join(tables[:3]) + (f" and {len(tables) - 3} more" if len(tables) > 3 else "")
            raise G287Error(
                f"the database {self.safe_url} is not a g287 database: it holds tables ({shown}) and no g287 schema version; "
                "name a new SQLite file, an empty PostgreSQL database, or one g287 made"
            )

    @property
    def safe_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self, *, writing: bool = False) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back entirely on any error.

        `writing`: the block will write after reading (a change from a form or the API, an ingest). On SQLite its
        transaction takes the write lock when it begins, so a concurrent change waits its turn (busy_timeout)
        instead of being refused: a transaction that read before another committed could no longer write.
        Without it, the block sees the database as it was at its first statement, on both databases."""
        bind = self._writing_engine if writing else self._reading_engine
        with self.sessions(bind=bind) as session:
            with session.begin():
                yield session

    def dispose(self) -> None:
        self.engine.dispose()


def _one_line(error: Exception) -> str:
    """A database's error in one line (libpq adds its detail and hint on lines of their own); SQLite's "database is
    locked" as Busy says it."""
    if isinstance(error, SQLAlchemyError) and dialect.is_busy(error):
        return str(Busy())
    return " ".join(str(getattr(error, "orig", None) or error).split())


def _what_stopped(error: Exception) -> str:
    """Why a migration stopped, in one line: a database's error or g287's own as they say it; an error of a
    migration's Python (a value it cannot read) with its kind, as Python names it ("ValueError: ...")."""
    if isinstance(error, (G287Error, SQLAlchemyError)):
        return _one_line(error)
    return f"{type(error).__name__}: {_one_line(error)}"


def safe_database_url(explicit: str | None = None) -> str:
    """The address open_database would open, its password hidden ("" when it cannot be worked out)."""
    try:
        return make_url(dialect.normalize_url(config.database_url(explicit))).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for naming the database in a message
        return ""


def open_database(explicit: str | None = None, *, migrate: bool = True) -> Database:
    return Database(config.database_url(explicit), migrate=migrate)
