"""The selects every request runs (an object by id, the children of a page), run for less.

Built once per resource and shape with bound parameters, these answer a page's children and
the objects they name. Through SQLAlchemy each execution still sets up an execution context,
expands the page's id list into one parameter an id, builds a Row per row and then a dict of
it: on SQLite that was more than the database's own work (the 300 contacts of a page of whole
leads: fetched by the driver in 0.65 ms, made into rows through SQLAlchemy in 1.48).

So on SQLite a `Prepared` select is compiled once and run on the driver's cursor. Each row
becomes a dict in one step, with the column types' own result processors (the very functions
SQLAlchemy applies, taken from the same types), and a list of ids is one JSON parameter read
by `json_each`, so the statement's text never changes with the page. What SQLAlchemy adds
around a statement is kept: the `before_cursor_execute` listeners run (the statement deadline
arms there), and a driver error is raised as the SQLAlchemy error it would have been, which
the error handlers classify. Not kept: `after_cursor_execute` listeners and the engine's
`echo` (leadbase uses neither; on SQLite, SQL logged by `echo` leaves these reads out).
PostgreSQL, whose statements cost more than their Python, keeps SQLAlchemy's own execution
(and its handling of lost connections).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import JSON, ColumnElement, Connection, Result, Select, Table, bindparam, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import compiler

from leadbase.db.types import sqlite_json_value

Row = dict[str, Any]


def rows_of(result: Result[Any]) -> list[Row]:
    """A result's rows as dicts. The column names are read once: a RowMapping builds its keys
    again for each row, which cost twice as much on a page of leads and their children."""
    names = list(result.keys())
    # fetchall: the driver's rows in one call, where iterating asks for each row in two.
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


# Per table (the object: tables of other metadata may share a name), on SQLite: the function
# making its rows from the driver's tuples.
_TABLE_ROWS: dict[Table, Callable[[list[tuple[Any, ...]]], list[Row]]] = {}


def table_rows(
    conn: Connection,
    stmt: Select[Any],
    table: Table,
    *,
    own_columns: bool = False,
    fetched_into: list[tuple[Any, ...]] | None = None,
) -> list[Row]:
    """`rows_of` the statement's result; on SQLite, for a select of the table's own columns in
    order (a page of a list), the driver's tuples are made into dicts by a function generated
    for the table, with the same result processors, rather than through SQLAlchemy's rows: a
    page of 100 leads was read in 0.6-1.4 ms less of 5-8 on a slow two-core machine.

    `own_columns`: the caller built `stmt` from `select(table)` and kept its columns, so they
    need no checking (working out a select's columns took 20 us, 4% of a small list).

    `fetched_into`: given, it receives the driver's tuples the rows were made of, in their
    order, when they were (on SQLite); db/kept.py keys renderings by them."""
    result = conn.execute(stmt)
    if conn.dialect.name != "sqlite" or not (own_columns or _selects_columns_of(stmt, table)):
        return rows_of(result)
    make_rows = _TABLE_ROWS.get(table)
    if make_rows is None:
        make_rows = _TABLE_ROWS[table] = _row_maker(list(table.columns), conn.dialect)
    try:
        fetched = cast(list[tuple[Any, ...]], result.cursor.fetchall())
    finally:
        result.close()
    if fetched_into is not None:
        fetched_into.extend(fetched)
    return make_rows(fetched)


def _selects_columns_of(stmt: Select[Any], table: Table) -> bool:
    """Whether `stmt` selects exactly `table`'s columns, in their order (the very objects)."""
    selected = stmt.selected_columns
    return len(selected) == len(table.columns) and all(
        a is b for a, b in zip(selected, table.columns, strict=True)
    )


def one_of(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN (:name)`, `:name` a list. On SQLite one JSON parameter (`json_each`): the same
    text for any number of ids, and SQLite still looks each one up in the column's index."""
    if dialect == "sqlite":
        values = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
        return column.in_(select(values.c.value))
    return column.in_(bindparam(name, expanding=True))


class _Compiled:
    """A select compiled for SQLite: its text, its parameters in order, how to read its rows."""

    __slots__ = ("binds", "make_rows", "text")

    def __init__(self, stmt: Select[Any], dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        if compiled.positiontup is None or compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a prepared select binds every value as a plain parameter")
        self.text = compiled.string
        # (name, default, processor) per parameter position; a default is a value the statement
        # carries itself (a discriminator's constant).
        self.binds = [
            (
                name,
                compiled.binds[name].value,
                compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect),
            )
            for name in compiled.positiontup
        ]
        self.make_rows = _row_maker(list(stmt.selected_columns), dialect)

    def values(self, params: Mapping[str, Any]) -> list[Any]:
        out = []
        for name, default, process in self.binds:
            value = params.get(name, default)
            out.append(process(value) if process is not None and value is not None else value)
        return out


class Prepared:
    """A select built once per dialect by `build` (of the dialect's name); `rows` runs it (see
    the module's docstring for how, on SQLite)."""

    __slots__ = ("_build", "_compiled", "_statements")

    def __init__(self, build: Callable[[str], Select[Any]]) -> None:
        self._build = build
        self._statements: dict[str, Select[Any]] = {}
        self._compiled: _Compiled | None = None

    def statement(self, dialect: str) -> Select[Any]:
        stmt = self._statements.get(dialect)
        if stmt is None:
            stmt = self._statements[dialect] = self._build(dialect)
        return stmt

    def rows(
        self,
        conn: Connection,
        params: Mapping[str, Any],
        *,
        fetched_into: list[tuple[Any, ...]] | None = None,
    ) -> list[Row]:
        """The select's rows; `fetched_into` as for `table_rows`."""
        dialect = conn.dialect
        # Outside a transaction SQLAlchemy's execution begins one (the driver's cursor would not).
        if dialect.name != "sqlite" or not conn.in_transaction():
            return rows_of(conn.execute(self.statement(dialect.name), dict(params)))
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _Compiled(self.statement("sqlite"), dialect)
        fetched = run_on_driver(conn, compiled.text, compiled.values(params))
        if fetched_into is not None:
            fetched_into.extend(fetched)
        return compiled.make_rows(fetched)


def _row_maker(
    columns: Sequence[ColumnElement[Any]], dialect: Dialect
) -> Callable[[list[tuple[Any, ...]]], list[Row]]:
    """A function turning the driver's tuples into row dicts, generated for these columns: one
    dict display a row, processed values inline (`None` stays `None`, as every processor has it).
    A loop over the processed columns after `dict(zip(...))` took a quarter longer (the 300
    contacts of a page of whole leads: 0.83 ms against 0.65 besides the driver's fetch).

    Each column's value goes through its type's result processor: how the driver's value becomes
    the row's (JSON text parsed, datetimes made aware, integers made booleans), SQLAlchemy's own."""
    names = [str(c.name) for c in columns]
    processors = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
    scope: dict[str, Any] = {"loads": orjson.loads}
    entries = []
    for number, (name, process) in enumerate(zip(names, processors, strict=True)):
        if process is None:
            entries.append(f"{name!r}: t[{number}]")
        elif process is sqlite_json_value:
            # The JSON columns' text parsed without a call of the processor: a page of whole
            # leads reads ~1,500 documents (emails, phones, urls, custom values...).
            scope[f"p{number}"] = process
            value = f"t[{number}]"
            entries.append(
                f"{name!r}: loads({value}) if {value}.__class__ is str "
                f"else (None if {value} is None else p{number}({value}))"
            )
        else:
            scope[f"p{number}"] = process
            entries.append(f"{name!r}: None if t[{number}] is None else p{number}(t[{number}])")
    code = "def make_rows(fetched):\n    return [{" + ", ".join(entries) + "} for t in fetched]\n"
    exec(compile(code, "<leadbase.db.prepared rows>", "exec"), scope)
    maker: Callable[[list[tuple[Any, ...]]], list[Row]] = scope["make_rows"]
    return maker


def run_on_driver(conn: Connection, text: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """Run `text` on the connection's own driver cursor, inside its transaction if it has one
    (a prepared select), or alone (a `driver_statement` count on an aside connection: a single
    statement reads one consistent snapshot on its own, so it needs no BEGIN). The deadline arms
    as for any statement, and disarms at the transaction's end or back in the pool."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        # What SQLAlchemy's listeners see of any statement (the deadline arms here).
        for listener in conn.dispatch.before_cursor_execute:
            listener(conn, cursor, text, values, None, False)
        try:
            cursor.execute(text, values)
            fetched: list[tuple[Any, ...]] = cursor.fetchall()
            return fetched
        except conn.dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(
                text, values, error, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
            ) from error
    finally:
        cursor.close()


def driver_statement(conn: Connection, stmt: Select[Any]) -> tuple[str, list[Any]] | None:
    """On SQLite, the text and positional values `conn.execute(stmt)` would hand the driver,
    for running the statement on another connection's driver cursor (`run_on_driver`); None on
    other databases, or when the statement's text depends on its values (an expanding IN).

    Compiled as `conn.execute` compiles it, through the engine's statement cache: the same
    text for every statement of the same shape, and this statement's own values. This follows
    SQLAlchemy's execution (`DefaultExecutionContext._init_compiled`), whose private parts it
    calls: SQLAlchemy is pinned, and tests/db/test_prepared.py compares the counts it gives
    with SQLAlchemy's own (texts, datetimes, booleans, numbers, nulls; each shape twice, the
    second from the cache). What it saves: a list's count on an aside connection ran through
    SQLAlchemy's execution there, whose Python took the GIL from the page being rendered
    (bench/RESULTS.md, "Search on 2026-12-04, evening")."""
    dialect = conn.dialect
    if dialect.name != "sqlite":
        return None
    compiled, extracted, collected, _hit = stmt._compile_w_cache(
        dialect=dialect,
        compiled_cache=conn.engine._compiled_cache,
        column_keys=[],
        for_executemany=False,
        schema_translate_map=None,
        linting=dialect.compiler_linting | compiler.WARN_LINTING,
    )
    if not isinstance(compiled, compiler.SQLCompiler) or compiled.positiontup is None:
        return None
    if compiled.literal_execute_params or compiled.post_compile_params or compiled.schema_translate_map:
        return None
    params = compiled.construct_params(
        extracted_parameters=extracted, escape_names=False, _collected_params=collected
    )
    # Without expanding parameters each processor is one function (a list only for those).
    processors = cast(Mapping[str, Callable[[Any], Any]], compiled._bind_processors)
    values = []
    for name in compiled.positiontup:
        value = params[name]
        values.append(processors[name](value) if name in processors else value)
    return compiled.string, values
