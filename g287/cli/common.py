"""What every command shares: the database option, --json output, and errors as one clear line."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import os
import re
import shutil
import sys
from typing import Any, Callable

import click
from rich import table as rich_table
from rich.console import Console, Group
from rich.measure import Measurement
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from g287.catalog import MODEL_CODES
from g287.db import dialect
from g287.config import database_url
from g287.db.engine import Database, check_database_url, open_database, safe_database_url
from g287.days import DAY_RANGE_PROBLEM, in_day_range, parse_day
from g287.db.ids import MAX_ID, record_id
from g287.documents.display import MISLEADING_IN_A_TERMINAL, displayable
from g287.xmlchars import NOT_IN_XML
from g287.errors import Busy, G287Error, NotFound
from g287.numbers import number_in
from g287.wording import in_quotes, quoted


def _width(stream) -> int:
    """The width tables are drawn to: a terminal's own (COLUMNS, else its size), however narrow, since wider lines
    would wrap on it and break every row; a file or a pipe at least 100 columns (rich would assume 80), so that
    tables stay readable there."""
    columns = shutil.get_terminal_size((160, 24)).columns  # COLUMNS, else stdout's terminal, else 160
    try:
        on_a_terminal = stream.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        on_a_terminal = False
    if on_a_terminal and not os.environ.get("COLUMNS"):
        try:  # this stream's terminal (stderr's, when stdout is piped); 0 when it has no size yet (a new pty)
            columns = os.get_terminal_size(stream.fileno()).columns or columns
        except (AttributeError, OSError, ValueError):
            pass
    return columns if on_a_terminal else max(columns, 100)


# What a terminal acts on instead of showing it: the C0 controls (ESC begins an escape sequence: colours, a window
# title, the clipboard), DEL and the C1 controls (U+009B is CSI), and what makes a text read as another (the
# bidirectional controls). A raw value in the quality register, a file's name or a county text as published may hold
# any of them (a workbook writes ESC as _x001B_): every line printed for reading has each replaced by "?". Tab and
# line break are kept: they only lay text out. The JSON output keeps every value exactly (print_json escapes them).
_NOT_FOR_A_TERMINAL = re.compile(f"{NOT_IN_XML.pattern}|[\r{MISLEADING_IN_A_TERMINAL}]")


def for_terminal(text) -> str:
    """`text` (any value, as str) fit to print: each character a terminal would act on replaced by "?"."""
    return _NOT_FOR_A_TERMINAL.sub("?", "" if text is None else str(text))


def error_line(problem) -> str:
    """The line `g287: error: PROBLEM`, one line whatever the problem names: a line break in it (a file's name may hold
    one) is shown as "?", as a document's name is (displayable), and so is what else a terminal would act on."""
    return "g287: error: " + displayable(problem)


def echo(message="", err: bool = False) -> None:
    """One line (or more) of output, fit for a terminal (see for_terminal)."""
    click.echo(for_terminal(message), err=err)


class _TerminalConsole(Console):
    """rich's console, every text it is given made fit for a terminal first (rich itself removes only a few
    controls, and passes ESC on)."""

    def render_str(self, text: str, **kwargs):
        return super().render_str(for_terminal(text), **kwargs)


# Text from publications and users is printed as it is: "[/x]" or "[bold]" in a name is no formatting code.
console = _TerminalConsole(width=_width(sys.stdout), highlight=False, markup=False)
err_console = _TerminalConsole(stderr=True, width=_width(sys.stderr), highlight=False, markup=False)


# The narrowest a column may be drawn: a value folded into pieces of fewer characters (a date as "20", "25", "-0"...)
# is no longer read as itself. A column whose values' longest word is shorter needs only that word's width.
_NARROWEST_COLUMN = 6


class Table(rich_table.Table):
    """rich's table, each column folding a value onto further lines of its cell when the column is narrower than it
    (an 80-column terminal): rich cut it short with "…" by default, so that a list's file name, a date or a
    digest was shown as "participat…" or "2025-…".

    On a terminal too narrow for every column to be readable, rich squeezed columns to one character or none, and a
    column of width 0 showed nothing of its values: there the table is printed as one block per row instead, each
    value on a line of its own after its column's name."""

    def add_column(self, *args, overflow: str = "fold", **kwargs) -> None:
        super().add_column(*args, overflow=overflow, **kwargs)

    def __rich_console__(self, console: Console, options):
        if self.columns and not self._readable(console, options):
            yield from console.render(self._as_blocks(), options)
            return
        yield from super().__rich_console__(console, options)

    def _readable(self, console: Console, options) -> bool:
        """Whether each column, at the width rich would draw it in `options` (its own calculation: rich is pinned in
        requirements/lock.txt), is as wide as its longest word, or at least _NARROWEST_COLUMN."""
        width = options.max_width if self.width is None else self.width
        widths = self._calculate_column_widths(console, options.update_width(width - self._extra_width))
        self._widths_calculated = (console, width - self._extra_width, widths)
        for index, (column, drawn) in enumerate(zip(self.columns, widths)):
            room = drawn - self._get_padding_width(index)
            if room >= _NARROWEST_COLUMN:
                continue
            for cell in (column.header, *column.cells):  # the longest word of a value is its measure's minimum
                if Measurement.get(console, options, cell).minimum > room:
                    return False
        return True

    def _calculate_column_widths(self, console: Console, options) -> list[int]:
        """rich's widths, those _readable calculated reused once by the drawing that follows: calculating them measures
        every cell, and twice took a quarter more time to print the whole quality register."""
        calculated, self._widths_calculated = getattr(self, "_widths_calculated", None), None
        if calculated is not None and calculated[:2] == (console, options.max_width):
            return list(calculated[2])
        return super()._calculate_column_widths(console, options)

    def _as_blocks(self) -> Group:
        """The table as one block per row, a line "column: value" for each of its columns (none left out, an empty
        value too), the blocks a blank line apart; what the terminal acts on is replaced, as in every table."""
        lines: list[Text] = [Text(for_terminal(_plain(self.title))), Text("")] if self.title else []
        names = [for_terminal(_plain(column.header)) for column in self.columns]
        for number, row in enumerate(zip(*(column.cells for column in self.columns))):
            if number:
                lines.append(Text(""))
            for name, cell in zip(names, row):
                value = for_terminal(_plain(cell)).replace("\n", "\n  ")  # a value's further lines, under its first
                lines.append(Text.assemble((f"{name}:", "bold"), f" {value}" if value else "", overflow="fold"))
        return Group(*lines)


def _plain(renderable) -> str:
    """A table's header, title or cell as text (they are strings or rich Text)."""
    return renderable.plain if isinstance(renderable, Text) else str(renderable)


class Context:
    """Per-invocation state: the database is opened on first use, so --help never touches it."""

    def __init__(self, database: str | None):
        self.database_option = checked_database(database)
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            _opened.append(safe_database_url(self.database_option))  # before opening: opening may be what fails
            self._db = open_database(self.database_option)
        return self._db


_opened: list[str] = []  # the databases this process opened (password hidden): a database error names its database

_DATABASE_HELP = "Database URL or SQLite file (default: $G287_DATABASE_URL, else the default SQLite file)."


def checked_database(value: str | None) -> str | None:
    """A --database given (before the command's name or after it), refused as the database would refuse it when it is
    opened, whether the command opens it or not: an empty value, and what the address alone tells is wrong (not a URL,
    another kind of database, no file named, a folder that does not exist). A command that never opens the database
    (program rules, counties counts) took any value in silence, which the others refused (a script's empty variable)."""
    if value is not None:
        check_database_url(database_url(value))  # database_url refuses an empty value
    return value


def _set_database(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    """--database after a command's name: checked as it is read, and taken over one given before the name."""
    if value is not None:
        ctx.find_object(Context).database_option = checked_database(value)


def database_option(command: Callable) -> Callable:
    """--database on every command (it may also be given before the command name)."""
    return click.option("--database", metavar="URL|PATH", expose_value=False, callback=_set_database, help=_DATABASE_HELP)(command)


def accept_database_everywhere(group: click.Group) -> None:
    """Give --database to every command and group that lacks it, even those that never open the database (alias,
    counties counts, program rules): a script that always passes it then works with any command, and a wrong value is
    refused by every command alike (checked_database). Done once, here, so a command added later cannot forget it."""
    for command in group.commands.values():
        if not any(param.name == "database" for param in command.params):
            command.params.append(click.Option(["--database"], metavar="URL|PATH", expose_value=False, callback=_set_database, help=_DATABASE_HELP))
        if isinstance(command, click.Group):
            accept_database_everywhere(command)


def json_option(command: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")(command)


def state() -> Context:
    return click.get_current_context().find_object(Context)


def print_json(data: Any) -> None:
    """`data` as JSON, with the exact values: characters that would mislead a terminal (C1 and bidirectional
    controls; json escapes those below 0x20 itself), U+2028/U+2029 (line breaks to JavaScript) and lone surrogates
    (which cannot be written as UTF-8) are written as \\u escapes, which read back as the same characters."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    click.echo(_ESCAPED_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


# Outside its strings JSON is ASCII, so every match is inside a string, where a \u escape means the same character.
_ESCAPED_IN_JSON = re.compile(f"[{MISLEADING_IN_A_TERMINAL}\u2028\u2029\ud800-\udfff]")


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict

        return asdict(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


_SHOWN_WHOLE = 80  # an id longer than this is quoted by its start (wording.quoted), as any long value in an error line


class RecordIdType(click.ParamType):
    """A record's id (an argument or an option such as --agency): a whole number; one outside the ids a database can
    hold (1 to MAX_ID) is no record, said in one line, as an unknown id is (SQLite cannot even compare it)."""

    name = "id"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            value = str(value)
        text = str(value).strip()
        if not (text.isascii() and text.lstrip("-").isdigit()):
            self.fail(f"{quoted(str(value))} is not a whole number", param, ctx)
        found = record_id(text)
        if found is None:
            what = f"--{param.name.replace('_id', '').replace('_', '-')}" if isinstance(param, click.Option) else (param.name or "id").upper()
            raise NotFound(f"{what} {text if len(text) <= _SHOWN_WHOLE else quoted(text)}: no such record (ids are whole numbers from 1 to {MAX_ID})")
        return found


RECORD_ID = RecordIdType()


class NumberType(click.ParamType):
    """A number in a range, read as the program's forms read it (g287.numbers.number_in: digits with an
    optional decimal part): click's float takes "7_0" for 70 and "1e1" for 10."""

    name = "number"

    def __init__(self, low: float, high: float, problem: str) -> None:
        self.low, self.high, self.problem = low, high, problem

    def convert(self, value, param, ctx):
        number = number_in(value, self.low, self.high)
        if number is None:
            self.fail(f"{quoted(str(value))} is not {self.problem}", param, ctx)
        return number


PERCENT = NumberType(0, 100, "a percentage from 0 to 100")


class WholeNumber(click.IntRange):
    """A whole number from `low` to `high` (None: no bound above), in ASCII digits only (number_in), for every
    integer option: click's int() takes "1_0" for 10, " 5 " or "+5" for 5, and "٣" or "５" for a digit. An IntRange, so
    that --help still shows the range."""

    def __init__(self, low: int, high: int | None = None) -> None:
        super().__init__(low, high)

    def convert(self, value, param, ctx):
        number = number_in(value, self.min, math.inf if self.max is None else self.max, whole=True)
        if number is None:
            bounds = f"of {self.min} or more" if self.max is None else f"from {self.min} to {self.max}"
            self.fail(f"{quoted(str(value))} is not a whole number {bounds}", param, ctx)
        return number


class ModelType(click.ParamType):
    """A 287(g) model (JEM, TFM or WSO) in any case, passed on as its code in capitals: every --model accepts `jem` and
    shows [JEM|TFM|WSO] in its help (click's own case-insensitive choice shows the choices folded to lower case)."""

    name = "model"

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "[" + "|".join(MODEL_CODES) + "]"

    def convert(self, value, param, ctx):
        code = str(value).strip().upper()
        if code not in MODEL_CODES:
            self.fail(f"{quoted(str(value))} is not a model: {', '.join(MODEL_CODES)}", param, ctx)
        return code


MODEL = ModelType()


class Choice(click.Choice):
    """One of `choices`, for every option or argument that takes one: a value refused is quoted as an error line quotes
    a value (wording.quoted); click's own quoted it by Python's repr ("O'Brien's" in double quotes, a long value whole)."""

    def get_invalid_choice_message(self, value, ctx) -> str:
        return f"{quoted(str(value))} is not one of {', '.join(in_quotes(str(choice)) for choice in self.choices)}"

EMPTY_PATH = "an empty path names no file or folder (it is not the current folder)"


class GivenPath(click.Path):
    """A file or folder argument that refuses "": an empty path would otherwise read as the current folder and
    ingest or import everything under it (a script whose variable was empty)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail(EMPTY_PATH, param, ctx)
        return super().convert(value, param, ctx)


def require_record(session: Any, model: type, record: int | None, option: str, what: str) -> None:
    """A filter's id (--agency 99) names a record, or the command stops: an unknown id would filter everything out,
    and an empty answer reads as "none", not as "no such record"."""
    if record is not None and session.get(model, record) is None:
        raise NotFound(f"{option} {record}: no such {what}")


def parse_date(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        day = parse_day(value)
    except ValueError:
        raise G287Error(f"{option} {quoted(str(value))}: expected a date YYYY-MM-DD") from None
    if not in_day_range(day):
        raise G287Error(f"{option} {quoted(str(value))}: expected {DAY_RANGE_PROBLEM}")
    return day


def _parameter_name(error: click.BadParameter) -> str:
    """How the user wrote the parameter: its long option name (--output, not '-o' / '--output'), or an argument's
    name in capitals (NOMINEE_ID)."""
    param = error.param
    if param is not None:
        return _as_typed(param)
    hint = error.param_hint
    return hint if isinstance(hint, str) else " / ".join(hint or ["value"])


def _as_typed(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=lambda name: (name.startswith("--"), len(name)))
    return (param.name or "argument").upper()


def fields_given_by(**params: str) -> Callable:
    """Which parameter of the command gives each field of the services it calls, where their names differ (the field
    `state` is --state, the parameter state_code): a field the services refuse is named as the command line gave it
    (see _named_as_typed). A field named as a parameter is found without this (contact_email is --contact-email)."""

    def mark(command: Callable) -> Callable:
        command.fields_given_by = params
        return command

    return mark


# A field as the services name it: a name, then an item of a list and a part of it (service_periods[0].end).
_FIELD = re.compile(r"(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<part>[a-z_]+))?")


def _option_of_field(ctx: click.Context | None, field: str) -> str:
    """The option (or argument) of the command line that gave a service's field: --until, not until; --model, not
    models; --service '2020-06-01:2020-01-01', its end, not service_periods[0].end. A field no parameter gives (the
    command did not name it) is left as the service names it."""
    found = _FIELD.fullmatch(field)
    if ctx is None or found is None:
        return field
    name = getattr(ctx.command.callback, "fields_given_by", {}).get(found["name"], found["name"])
    param = next((p for p in ctx.command.params if p.name == name and p.expose_value), None)
    if param is None:
        return field
    typed = _as_typed(param)
    if found["index"] is not None:
        values, index = ctx.params.get(param.name) or (), int(found["index"])
        typed += f" {quoted(str(values[index]))}" if isinstance(values, (list, tuple)) and index < len(values) else f" (number {index + 1})"
    return typed + (f", its {found['part'].replace('_', ' ')}" if found["part"] else "")


def _named_as_typed(error: G287Error, group: click.Group) -> str:
    """An error of the fields a service refused (InvalidInput, and the like: `fields`, each with its problem) said with
    the options the user typed: `--model: a model is chosen twice`, not `models: ...` (the site and the API name their
    own fields). Any other error as it is."""
    fields = getattr(error, "fields", None)
    if not isinstance(fields, dict) or not fields or str(error) != "; ".join(f"{name}: {problem}" for name, problem in fields.items()):
        return str(error)
    ctx = _context_of_command_line(group)
    return "; ".join(f"{_option_of_field(ctx, name)}: {problem}" for name, problem in fields.items())


def _problem(message: str) -> str:
    text = message.strip().rstrip(".")
    # click's messages are sentences ("File '/' is a directory."); after "--output:" they read as a clause
    return text[0].lower() + text[1:] if len(text) > 1 and text[0].isupper() and text[1].islower() else text


def _context_of_command_line(group: click.Group) -> click.Context | None:
    """The context of the (sub)command the command line names, parsed leniently: for the usage of a command whose
    line could not be parsed. None when even that fails (the message is then shown without a usage)."""
    try:
        ctx = group.make_context("g287", sys.argv[1:], resilient_parsing=True)
        while isinstance(ctx.command, click.Group):
            rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
            if not rest:
                break
            name, command, rest = ctx.command.resolve_command(ctx, rest)
            if command is None:
                break
            ctx = command.make_context(name, rest, parent=ctx, resilient_parsing=True)
        return ctx
    except (click.ClickException, click.exceptions.Exit):
        return None


class Interrupted(Exception):
    """Ctrl+C during a command, carried past click (which would print a blank line and "Aborted!" instead); its
    message, if any, says what the command kept."""


class G287Group(click.Group):
    """The `g287` group: an interrupted command ends in run_cli's one line, as any other error does.

    `command_modules` names, for each command, the modules of g287.cli whose register() adds it: a module is imported
    when one of its commands is named (or when help lists them all), so that a command does not wait for every other
    command's imports (all of them took about 1.5 s at each start)."""

    def __init__(self, *args, command_modules: dict[str, tuple[str, ...]] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.command_modules = dict(command_modules or {})
        self._registered: set[str] = set()

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.command_modules))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands:
            for module in self.command_modules.get(name, ()):
                if module not in self._registered:
                    try:
                        importlib.import_module(module).register(self)
                    except KeyboardInterrupt:  # as g287.entry says it of the modules it imports
                        raise Interrupted("interrupted while starting; nothing was changed") from None
                    self._registered.add(module)
            accept_database_everywhere(self)
        return self.commands.get(name)

    def every_command(self) -> dict[str, click.Command]:
        """Every command, each module imported: what a walk over all of them (help, the tests) needs."""
        for name in self.list_commands(click.Context(self)):
            self.get_command(click.Context(self), name)
        return dict(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise Interrupted() from None


def run_cli(group: click.Group) -> None:
    """Run the command line: user errors as one line on stderr and exit status 1; never a traceback.

    A value click refuses (not a number, not one of the choices, a folder where a file is wanted) is bad input like
    any other: one line `g287: error: --option: problem`, status 1. A command line click cannot parse at all (an
    unknown command or option, a missing argument or option value) keeps click's usage text and status 2: there
    the usage is the help the user needs."""
    try:
        status = group.main(standalone_mode=False, prog_name="g287")
        if isinstance(status, int) and status:
            sys.exit(status)
    except click.exceptions.Abort:
        click.echo("g287: error: aborted", err=True)  # Ctrl+C or end of input at a prompt
        sys.exit(130)
    except click.BadParameter as error:
        if isinstance(error, click.MissingParameter):
            error.show()
            sys.exit(error.exit_code)
        echo(error_line(f"{_parameter_name(error)}: {_problem(error.message)}"), err=True)
        sys.exit(1)
    except click.UsageError as error:
        if error.ctx is None:  # click raises "Option '--as-of' requires an argument." without the command's context
            error.ctx = _context_of_command_line(group)
        error.show()
        sys.exit(error.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except G287Error as error:
        echo(error_line(_named_as_typed(error, group)), err=True)
        sys.exit(1)
    except (Interrupted, KeyboardInterrupt) as interruption:
        # after the terminal's "^C" echo, a line of its own; each file or document is its own transaction
        start = "\n" if sys.stderr.isatty() else ""
        said = str(interruption) if isinstance(interruption, Interrupted) and interruption.args else ""
        echo(start + error_line(said or "interrupted; the change in progress was rolled back (those finished before it are kept)"), err=True)
        sys.exit(130)
    except SQLAlchemyError as error:
        if dialect.is_busy(error):  # SQLite's "database is locked", after its wait: say why, and what to do
            echo(error_line(Busy()), err=True)
            sys.exit(1)
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        where = f" {_opened[-1]}" if _opened and _opened[-1] else ""
        echo(error_line(f"database{where}: {detail}"), err=True)
        sys.exit(1)
    except OSError as error:  # a file that cannot be written or read: name it, in one line
        problem = error.strerror or error
        echo(error_line(f"{error.filename}: {problem}" if error.filename else problem), err=True)
        sys.exit(1)
