"""Hot statements run on the DBAPI cursor: a Core statement, compiled once per dialect, executed with plain values.

For the small statements an ingest runs many times, SQLAlchemy's work per execution (cache key, parameter
processing, a Row object per result row) costs several times what the database itself does. A `PlainStatement`
keeps what SQLAlchemy compiled — the SQL text of the dialect, its bind and result type processors — and runs it on
the connection's own DBAPI cursor, inside the same transaction. The statement is still written once, with Core,
for both databases; values pass through the same type processors as on SQLAlchemy's path (dates on SQLite, JSON),
and database errors are raised as SQLAlchemy's, so callers see no difference but the speed.

Plain statements are built from tables' Core columns (`Model.__table__.c`), not ORM attributes: compiling an ORM
statement first configures every mapper, which an ingest otherwise never needs (tests/test_plain_statements.py).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from g287.db import dialect
from g287.db import chunks as chunking


def _getter(names: list[str]):
    """A function giving a mapping's values for `names`, in order, as a sequence."""
    if len(names) > 1:
        return itemgetter(*names)
    if names:
        name = names[0]
        return lambda row: (row[name],)
    return lambda row: ()


class _Compiled:
    """A statement compiled for one dialect: its SQL, and how values go in and come out."""

    def __init__(self, statement, dialect, columns: list[str] | None) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=columns)
        self.compiled, self.sql = compiled, compiled.string
        self.expanding = "__[POSTCOMPILE_" in compiled.string  # IN lists: the SQL depends on their lengths
        self.processors = dict(compiled._bind_processors)
        # Values written into the statement itself (a LIMIT, a literal in a condition) are bound too.
        self.literals = {name: bind.effective_value for bind, name in compiled.bind_names.items() if not bind.required}
        self.names = list(compiled.positiontup) if compiled.positional and not self.expanding else None
        if self.names is not None:
            # A row's values in the statement's order in one C call; the few needing a type processor, by position.
            self._get = _getter(self.names)
            self._bound = [(i, self.processors[n]) for i, n in enumerate(self.names) if n in self.processors]
        results = [column.type._cached_result_processor(dialect, None) for column in compiled._result_columns]
        self._results = [(i, p) for i, p in enumerate(results) if p]
        # IN lists: the statement is expanded by SQLAlchemy once per shape (the lengths of its lists, each padded
        # to a power of two: see _padded), and each execution only places its values (see _Shape).
        self.in_lists = sorted(compiled.bind_names[bind] for bind in compiled.post_compile_params if bind.expanding)
        self._shapes: dict[tuple[int, ...], _Shape] = {}
        if self.expanding and (compiled.literal_execute_params or len(self.in_lists) != len(compiled.post_compile_params)):
            raise ValueError(f"a plain statement's only values expanded after compiling must be IN lists: {self.sql}")

    def values(self, params: Mapping[str, Any]) -> tuple[str, Any]:
        """(SQL, values for the DBAPI) for one row of parameters."""
        if self.literals:
            params = {**self.literals, **params}
        if self.names is not None:
            values = self._get(params)
            if self._bound:
                values = list(values)
                for i, process in self._bound:
                    values[i] = process(values[i])
            return self.sql, values
        if self.expanding:
            lists = {name: _padded(params[name]) for name in self.in_lists}
            lengths = tuple(len(values) for values in lists.values())
            shape = self._shapes.get(lengths)
            if shape is None:
                shape = _Shape(self, params, lengths)
                if max(lengths, default=0) <= chunking.CHUNK:  # longer lists are not padded: their shapes are not kept
                    self._shapes[lengths] = shape
            return shape.sql, shape.values({**params, **lists})
        processors = self.processors
        return self.sql, {n: (processors[n](v) if n in processors else v) for n, v in params.items()}

    def results(self, rows: list) -> list[tuple]:
        if not self._results:
            return rows
        processed = []
        for row in rows:
            row = list(row)
            for i, process in self._results:
                row[i] = process(row[i])
            processed.append(tuple(row))
        return processed


def _padded(values: Sequence) -> list:
    """An IN list lengthened to the next power of two (up to the chunk size) by repeating its last value, which
    changes nothing an IN matches: a handful of statement shapes then serve every length."""
    values = list(values)
    if values:
        size = 1 << (len(values) - 1).bit_length()
        if size <= chunking.CHUNK:
            values.extend(values[-1:] * (size - len(values)))
    return values


class _Shape:
    """A statement whose IN lists have given lengths, expanded by SQLAlchemy once: its SQL, and where each value
    goes (learnt by expanding it with markers in place of the values)."""

    def __init__(self, compiled: _Compiled, params: Mapping[str, Any], lengths: tuple[int, ...]) -> None:
        # The values are processed as SQLAlchemy processes them: the statement's own by their processors, each IN
        # list's by its elements'.
        direct = _expanded_with_question_marks(compiled, lengths)
        if direct is not None:
            self.sql, self.places = direct
            self.names = self.expanded = [f"{name}:{index}" for name, index in self.places]
            self.bound = [(i, compiled.processors[name]) for i, (name, _index) in enumerate(self.places) if name in compiled.processors]
            return
        markers: dict[str, Any] = {name: (name, None) for name in params}
        markers.update({name: [(name, i) for i in range(length)] for name, length in zip(compiled.in_lists, lengths)})
        state = compiled.compiled._process_parameters_for_postcompile(markers)
        self.sql = state.statement
        self.names = list(state.positiontup) if state.positiontup is not None else None  # None: values by name
        self.expanded = self.names if self.names is not None else list(state.parameters)
        self.places = [state.parameters[n] for n in self.expanded]  # (name of the value given, index in its IN list or None)
        self.bound = [
            (i, state.processors[n] if n in state.processors else compiled.processors[name])
            for i, (n, (name, index)) in enumerate(zip(self.expanded, self.places))
            if n in state.processors or (index is None and name in compiled.processors)
        ]

    def values(self, params: Mapping[str, Any]):
        found = [params[name] if index is None else params[name][index] for name, index in self.places]
        for i, process in self.bound:
            found[i] = process(found[i])
        return tuple(found) if self.names is not None else dict(zip(self.expanded, found))


_POSTCOMPILE = "__[POSTCOMPILE_"


def _expanded_with_question_marks(compiled: _Compiled, lengths: tuple[int, ...]) -> tuple[str, list[tuple[str, int | None]]] | None:
    """(SQL, places) of a statement whose IN lists have these lengths, for a dialect writing every value as "?"
    (SQLite), made directly: SQLAlchemy's expansion (_process_parameters_for_postcompile) costs a fraction of a
    millisecond per shape, and an ingest makes some eighty shapes. None when the statement needs more than putting
    "?, ?, ..." in place of each list (another parameter style, escaped names, a list of tuples, an empty list, a
    bind expression around the values): SQLAlchemy expands it then. tests/test_plain_statements.py checks that both
    give the same statement for every plain statement."""
    sql = compiled.compiled
    if sql.dialect.paramstyle != "qmark" or not sql.positional or sql.escaped_bind_names or 0 in lengths:
        return None
    length_of = dict(zip(compiled.in_lists, lengths))
    if any(sql.binds[name].type._is_tuple_type for name in length_of):
        return None
    text = sql.string
    for name, length in length_of.items():
        text = text.replace(f"{_POSTCOMPILE}{name}]", ", ".join("?" * length))
    if _POSTCOMPILE in text:  # a list written otherwise (with a bind expression): SQLAlchemy's to expand
        return None
    places: list[tuple[str, int | None]] = []
    for name in sql.positiontup:
        if name in length_of:
            places.extend((name, index) for index in range(length_of[name]))
        else:
            places.append((name, None))
    return text, places


class PlainStatement:
    """`columns`: for an INSERT or UPDATE, the columns given a value (by their names), as SQLAlchemy compiles one
    for the keys of its first row; every one must then be given, defaults included (a missing one is an error)."""

    def __init__(self, statement, columns: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.columns = list(columns) if columns is not None else None
        self._compiled: dict[str, _Compiled] = {}
        _ALL.append(self)

    def _for(self, conn: Connection) -> _Compiled:
        found = self._compiled.get(conn.dialect.name)
        return found if found is not None else self._compile(conn.dialect)

    def _compile(self, dialect) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect, self.columns)
        return found

    def rows(self, conn: Connection, **params) -> list[tuple]:
        """Every result row, as a tuple of values processed as SQLAlchemy would."""
        compiled = self._for(conn)
        sql, values = compiled.values(params)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, values)
            found = cursor.fetchall() if cursor.description else []
        except conn.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(sql, values, error, conn.dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()
        return compiled.results(found)

    def rows_in_chunks(self, conn: Connection, name: str, values: Sequence, **params) -> list[tuple]:
        """rows() with the IN list `name` given `values` a chunk at a time (g287.db.chunks)."""
        found: list[tuple] = []
        for chunk in chunking.chunks(values, chunking.CHUNK):
            found.extend(self.rows(conn, **{name: chunk}, **params))
        return found

    def inserted_ids(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> list[int]:
        """An INSERT (whose columns include "id") of `rows`, their ids allocated in one statement first
        (dialect.allocate_ids) and the rows sent in one executemany: the new ids, in the order of the rows."""
        ids = dialect.allocate_ids(conn, self.statement.table.name, len(rows))
        self.many(conn, [{**row, "id": new_id} for row, new_id in zip(rows, ids)])
        return ids

    def many(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """The statement once per row of values (executemany); no result."""
        compiled = self._for(conn)
        if compiled.expanding:
            raise ValueError("executemany of a statement with IN lists")
        batch = [compiled.values(row)[1] for row in rows]
        if not batch:
            return
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(compiled.sql, batch)
        except conn.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(compiled.sql, batch[:1], error, conn.dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()


_ALL: list[PlainStatement] = []  # every plain statement, compiled ahead by compile_all()


def plain(statement, columns: Sequence[str] | None = None) -> PlainStatement:
    return PlainStatement(statement, columns)


def compile_all(dialect) -> None:
    """Compile every plain statement for a dialect now (an ingest does this while its first file is read, instead
    of on each statement's first use)."""
    for statement in _ALL:
        statement._compile(dialect)
