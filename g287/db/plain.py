"""Hot statements run on the DBAPI cursor: a Core statement, compiled once per dialect, executed with plain values.

For the small statements an ingest runs many times, SQLAlchemy's work per execution (cache key, parameter
processing, a Row object per result row) costs several times what the database itself does. A `PlainStatement`
keeps what SQLAlchemy compiled — the SQL text of the dialect, its bind and result type processors — and runs it on
the connection's own DBAPI cursor, inside the same transaction. The statement is still written once, with Core,
for both databases; values pass through the same type processors as on SQLAlchemy's path (dates on SQLite, JSON),
and database errors are raised as SQLAlchemy's, so callers see no difference but the speed.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError


class PlainStatement:
    def __init__(self, statement) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple] = {}

    def _for(self, conn: Connection) -> tuple:
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            expanding = "__[POSTCOMPILE_" in compiled.string
            result_processors = [column.type._cached_result_processor(dialect, None) for column in compiled._result_columns]
            found = (compiled, expanding, dict(compiled._bind_processors), result_processors if any(result_processors) else None)
            self._compiled[dialect.name] = found
        return found

    def _values(self, compiled, expanding: bool, processors: dict, params: Mapping[str, Any]) -> tuple[str, Any]:
        if expanding:  # IN lists: the SQL depends on their lengths
            state = compiled._process_parameters_for_postcompile(dict(params))
            sql, params, names = state.statement, state.parameters, state.positiontup
            processors = state.processors
        else:
            sql, names = compiled.string, compiled.positiontup if compiled.positional else None
        if names is not None:
            return sql, tuple(processors[n](params[n]) if n in processors else params[n] for n in names)
        return sql, {n: (processors[n](v) if n in processors else v) for n, v in params.items()}

    def rows(self, conn: Connection, **params) -> list[tuple]:
        """Every result row, as a tuple of values processed as SQLAlchemy would."""
        compiled, expanding, processors, result_processors = self._for(conn)
        sql, values = self._values(compiled, expanding, processors, params)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(sql, values)
            found = cursor.fetchall() if cursor.description else []
        except conn.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(sql, values, error, conn.dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()
        if result_processors is None:
            return found
        return [tuple(p(v) if p else v for p, v in zip(result_processors, row)) for row in found]

    def many(self, conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
        """The statement once per row of values (executemany); no result."""
        compiled, expanding, processors, _result = self._for(conn)
        if expanding:
            raise ValueError("executemany of a statement with IN lists")
        batch = [self._values(compiled, False, processors, row)[1] for row in rows]
        if not batch:
            return
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(compiled.string, batch)
        except conn.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(compiled.string, batch[:1], error, conn.dialect.loaded_dbapi.Error) from error
        finally:
            cursor.close()


def plain(statement) -> PlainStatement:
    return PlainStatement(statement)


def scalars(rows: Sequence[tuple]) -> list:
    return [row[0] for row in rows]
