"""What every command shares: the database option, --json output, and errors as one clear line."""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
import sys
from typing import Any, Callable

import click
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from g287.db.engine import Database, open_database
from g287.days import parse_day
from g287.db.ids import MAX_ID, record_id
from g287.errors import G287Error, NotFound


def _width() -> int:
    # Tables stay readable when the output is a file or a pipe (rich would assume 80 columns).
    return max(shutil.get_terminal_size((160, 24)).columns, 100)


# Text from publications and users is printed as it is: "[/x]" or "[bold]" in a name is no formatting code.
console = Console(width=_width(), highlight=False, markup=False)
err_console = Console(stderr=True, width=_width(), highlight=False, markup=False)


class Context:
    """Per-invocation state: the database is opened on first use, so --help never touches it."""

    def __init__(self, database: str | None):
        self.database_option = database
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.database_option)
        return self._db


def database_option(command: Callable) -> Callable:
    """--database on every command (it may also be given before the command name)."""

    @click.option(
        "--database",
        "database",
        metavar="URL|PATH",
        default=None,
        help="Database URL or SQLite file (default: $G287_DATABASE_URL, else the default SQLite file).",
    )
    @functools.wraps(command)
    def wrapper(*args, database=None, **kwargs):
        ctx = click.get_current_context()
        state = ctx.find_object(Context)
        if database is not None:
            state.database_option = database
        return command(*args, **kwargs)

    return wrapper


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(command)


def state() -> Context:
    return click.get_current_context().find_object(Context)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


class RecordIdType(click.ParamType):
    """A record's id (an argument or an option such as --agency): a whole number; one outside the ids a database can
    hold (1 to MAX_ID) is no record, said in one line, as an unknown id is (SQLite cannot even compare it)."""

    name = "id"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            value = str(value)
        text = str(value).strip()
        if not (text.isascii() and text.lstrip("-").isdigit()):
            self.fail(f"{value!r} is not a whole number", param, ctx)
        found = record_id(text)
        if found is None:
            what = f"--{param.name.replace('_id', '').replace('_', '-')}" if isinstance(param, click.Option) else (param.name or "id").upper()
            raise NotFound(f"{what} {text}: no such record (ids are whole numbers from 1 to {MAX_ID})")
        return found


RECORD_ID = RecordIdType()


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise G287Error(f"{option} {value!r}: expected a date YYYY-MM-DD") from None


def run_cli(group: click.Group) -> None:
    """Run the command line: user errors as one line on stderr and exit status 1; never a traceback."""
    try:
        status = group.main(standalone_mode=False, prog_name="g287")
        if isinstance(status, int) and status:
            sys.exit(status)
    except click.exceptions.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except G287Error as error:
        click.echo(f"g287: error: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("g287: interrupted; the unfinished change was rolled back", err=True)
        sys.exit(130)
    except SQLAlchemyError as error:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        click.echo(f"g287: database error: {detail}", err=True)
        sys.exit(1)
    except OSError as error:  # a file that cannot be written or read: name it, in one line
        where = f" {error.filename}" if error.filename else ""
        click.echo(f"g287: error:{where}: {error.strerror or error}", err=True)
        sys.exit(1)
