"""The token path's few statements, compiled once and run on the driver directly (issue #8).

Every token request runs the same handful of statements (the realm by name, a user, a user's role
ids, the joined read of a refresh, the two refresh-time UPDATEs). Through SQLAlchemy's ``execute``
each costs its execution context, cache-key walk and result set-up, about ten times SQLite's own
time for these one-row statements. A ``Prepared`` statement is compiled once per dialect; on SQLite
(store/sqlite_engine.py) it then runs as one ``cursor.execute`` with the same bind and result
conversions SQLAlchemy would apply (JSON, booleans), and its rows read like SQLAlchemy's: by
position, by attribute and through ``_mapping``. On PostgreSQL (store/prepared_pg.py) it runs as
asyncpg's prepared statement on the transaction's own connection, without SQLAlchemy's greenlet hop
and execution context (about 150 µs of a 250 µs statement on the benchmark machine).

Errors are wrapped as SQLAlchemy wraps them (``DBAPIError.instance``, parameters hidden), so
the web layer tells an outage, bad input and a bug apart exactly as before; SQLITE_BUSY is retried
on the loop like every other statement.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement

from doorkeep.store import prepared_pg
from doorkeep.store.sqlite_engine import SqliteConnection

Processor = Callable[[Any], Any] | None


class Row(tuple[Any, ...]):
    """A result row: a tuple, with SQLAlchemy's ``_mapping`` and attribute access by column name."""

    __slots__ = ()
    _keys: tuple[str, ...] = ()
    _index: Mapping[str, int] = {}

    @property
    def _mapping(self) -> dict[str, Any]:
        return dict(zip(self._keys, self, strict=True))

    def __getattr__(self, name: str) -> Any:
        try:
            return self[self._index[name]]
        except KeyError:
            raise AttributeError(name) from None


class Result:
    """The rows of one statement (all read at once: the statements here return one row or a few)."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)

    def first(self) -> Row | None:
        return self._rows[0] if self._rows else None

    def all(self) -> list[Row]:
        return self._rows

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None


class _Compiled:
    """One statement compiled for a dialect: its SQL, bind order and conversions, and its row class."""

    __slots__ = ("binds", "converted", "defaults", "reads", "results", "row", "sql", "uniform")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        if "POSTCOMPILE" in compiled.string or not compiled.positional:
            raise ValueError("a prepared statement must have plain positional binds")
        self.sql = compiled.string
        self.reads = plain_read(statement, self.sql)
        processors = compiled._bind_processors
        self.binds: tuple[tuple[str, Processor], ...] = tuple(
            (name, cast(Processor, processors.get(name))) for name in compiled.positiontup or ()
        )
        self.defaults = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        columns = compiled._result_columns
        self.results: tuple[Processor, ...] = tuple(
            column.type._cached_result_processor(dialect, None) for column in columns
        )
        self.uniform = all(p is None for p in self.results)
        # The columns that need a conversion, by position: most come from the driver as they are.
        self.converted = tuple((at, p) for at, p in enumerate(self.results) if p is not None)
        keys = tuple(column.keyname for column in columns)
        self.row = type("PreparedRow", (Row,), {"__slots__": (), "_keys": keys, "_index": _first_index(keys)})

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        """The bind values in the statement's order, converted as SQLAlchemy converts them."""
        if any(name not in params for name, _ in self.binds):
            params = {**self.defaults, **params}
            missing = [name for name, _ in self.binds if name not in params]
            if missing:  # as SQLAlchemy refuses it: never a NULL in its place
                raise InvalidRequestError(f"A value is required for bind parameter {missing[0]!r}")
        return tuple(params[name] if p is None else p(params[name]) for name, p in self.binds)

    def result(self, raw: Iterable[Iterable[Any]], rowcount: int) -> Result:
        make = self.row
        if self.uniform:
            rows = [make(r) for r in raw]
        else:
            rows = [make(self._converted(r)) for r in raw]
        return Result(rows, rowcount)

    def _converted(self, raw: Iterable[Any]) -> list[Any]:
        values = list(raw)
        if len(values) != len(self.results):
            raise ValueError(f"a row of {len(values)} values for {len(self.results)} columns")
        for at, convert in self.converted:
            values[at] = convert(values[at])
        return values

    def run(self, dbapi: sqlite3.Connection, params: Mapping[str, Any]) -> Result:
        cursor = dbapi.execute(self.sql, self.values(params))
        return self.result(cursor.fetchall(), cursor.rowcount)


# What makes a SELECT more than a read: a data-modifying WITH, a lock, a sequence or an advisory lock.
_NOT_A_READ = re.compile(r"\b(?:INSERT|UPDATE|DELETE|FOR SHARE|FOR KEY SHARE)\b|\b(?:nextval|setval|pg_advisory\w*)\(")


def plain_read(statement: ClauseElement, sql: str) -> bool:
    """Whether ``statement`` only reads: a SELECT (not text: its SQL is not looked into) that locks no row
    and changes nothing. On PostgreSQL it may run before its transaction's BEGIN (store/prepared_pg.py)."""
    return isinstance(statement, Select) and statement._for_update_arg is None and _NOT_A_READ.search(sql) is None


def _first_index(keys: tuple[str, ...]) -> dict[str, int]:
    index: dict[str, int] = {}
    for at, key in enumerate(keys):
        index.setdefault(key, at)
    return index


class Prepared:
    """A statement run often enough to be compiled once; see the module's docstring."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        # By (dialect, driver): a process may hold several engines of one kind (each its own dialect
        # object, all compiling alike), and tests run SQLite and PostgreSQL side by side.
        self._compiled: dict[tuple[str, str], _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        key = (dialect.name, dialect.driver)
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = _Compiled(self.statement, dialect)
        return compiled

    async def execute(self, conn: Any, params: Mapping[str, Any]) -> Any:
        """Run on ``conn``: store/sqlite_engine.py's connection, or an ``AsyncConnection`` in a transaction
        (asyncpg's directly; any other driver through SQLAlchemy)."""
        if isinstance(conn, SqliteConnection):
            compiled = self._for(conn.dialect)
            return await conn.raw(compiled.sql, lambda dbapi: compiled.run(dbapi, params))
        if conn.dialect.driver == "asyncpg" and prepared_pg.in_transaction(conn):
            compiled = self._for(conn.dialect)
            rows = await prepared_pg.fetch(conn, compiled.sql, compiled.values(params), compiled.reads)
            return compiled.result(*rows)
        return await conn.execute(self.statement, params)
