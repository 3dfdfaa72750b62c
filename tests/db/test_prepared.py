"""Prepared selects (db/prepared.py): on SQLite run on the driver's cursor, answering what
SQLAlchemy would, on PostgreSQL through SQLAlchemy itself."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, Table, bindparam, column, func, literal, select, table
from sqlalchemy.exc import DBAPIError, OperationalError

from leadbase.db.models.base import metadata
from leadbase.db.prepared import Prepared, driver_statement, one_of, run_on_driver, table_rows
from tests.support import Api, count_statements


def _fill(api: Api) -> str:
    """An organization holding a row of most kinds (JSON, datetimes, booleans, numbers, nulls)."""
    api.ok("POST", "custom_field/lead/", json={"name": "Size", "type": "number"})
    api.ok("POST", "custom_field/lead/", json={"name": "Since", "type": "date"})
    lead = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Acme",
            "url": "https://acme.test",
            "addresses": [{"label": "business", "city": "Lyon", "country": "FR"}],
            "custom.Size": 12.5,
            "custom.Since": "2024-02-29",
            "contacts": [
                {"name": "Ann", "emails": [{"email": "ann@acme.test", "type": "office"}]},
                {"name": "Bob", "phones": [{"phone": "+14155550101", "type": "mobile"}]},
            ],
        },
    )
    api.ok("POST", "opportunity/", json={"lead_id": lead["id"], "value": 5000, "confidence": 40})
    api.ok("POST", "task/", json={"lead_id": lead["id"], "text": "Call Ann", "date": "2026-01-05"})
    api.ok("POST", "activity/note/", json={"lead_id": lead["id"], "note": "Met at the fair"})
    return str(lead["id"])


def _through_sqlalchemy(conn: Connection, stmt: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(stmt, params).mappings()]


def _organization_rows(t: Table) -> Prepared:
    return Prepared(lambda _: select(t).where(t.c.organization_id == bindparam("org")))


Rows = list[dict[str, Any]]


def _compare_every_tenant_table(api: Api, read: Callable[[Connection, Table], tuple[Rows, Rows]]) -> None:
    """`read(conn, table)` gives (rows as read, rows as SQLAlchemy reads them) of each table
    holding organizations' rows, in the organization `_fill` filled: they must be equal."""
    _fill(api)
    compared = 0
    with api.engine.connect() as conn, conn.begin():
        for name, t in metadata.tables.items():
            if "organization_id" not in t.c:
                continue
            got, expected = read(conn, t)
            assert got == expected, name
            compared += len(expected)
    # Leads, contacts, opportunities, tasks, activities, events, fields...: a real comparison.
    assert compared > 20


def test_every_tenant_table_reads_as_sqlalchemy_reads_it(api: Api) -> None:
    params = {"org": api.org.organization_id}

    def read(conn: Connection, t: Table) -> tuple[Rows, Rows]:
        prepared = _organization_rows(t)
        expected = _through_sqlalchemy(conn, prepared.statement(conn.dialect.name), params)
        return prepared.rows(conn, params), expected

    _compare_every_tenant_table(api, read)


def test_a_select_of_a_tables_columns_reads_as_sqlalchemy_reads_it(api: Api) -> None:
    """`table_rows`, how a list reads its page: the same dicts as SQLAlchemy's rows, for every
    tenant table (JSON, datetimes, booleans, numbers, nulls), ordered and limited as a page is."""

    def read(conn: Connection, t: Table) -> tuple[Rows, Rows]:
        stmt = (
            select(t)
            .where(t.c.organization_id == api.org.organization_id)
            .order_by(*t.primary_key.columns)
            .limit(50)
        )
        return table_rows(conn, stmt, t), _through_sqlalchemy(conn, stmt, {})

    _compare_every_tenant_table(api, read)


def test_a_select_of_other_columns_is_read_through_sqlalchemy(api: Api) -> None:
    lead_id = _fill(api)
    leads = metadata.tables["lead"]
    # Fewer columns, or another order: not the table's rows, read as SQLAlchemy reads them.
    narrow = select(leads.c.name, leads.c.id).where(leads.c.id == lead_id)
    reordered = select(*reversed(list(leads.columns))).where(leads.c.id == lead_id)
    with api.engine.connect() as conn, conn.begin():
        assert table_rows(conn, narrow, leads) == [{"name": "Acme", "id": lead_id}]
        (row,) = table_rows(conn, reordered, leads)
        assert list(row) == [c.name for c in reversed(list(leads.columns))]
        assert row["custom"] == _through_sqlalchemy(conn, reordered, {})[0]["custom"]


def test_one_of_reads_the_rows_whose_column_is_in_the_list(api: Api) -> None:
    lead_id = _fill(api)
    contacts = table("contact", column("id"), column("lead_id"), column("name"), column("organization_id"))
    prepared = Prepared(
        lambda dialect: (
            select(contacts.c.name)
            .where(
                contacts.c.organization_id == bindparam("org"), one_of(contacts.c.lead_id, "leads", dialect)
            )
            .order_by(contacts.c.name)
        )
    )
    org = api.org.organization_id
    with api.engine.connect() as conn, conn.begin():
        assert prepared.rows(conn, {"org": org, "leads": [lead_id, "lead_elsewhere"]}) == [
            {"name": "Ann"},
            {"name": "Bob"},
        ]
        assert prepared.rows(conn, {"org": org, "leads": ["lead_elsewhere"]}) == []
        # Another organization's id list finds nothing of this one.
        assert prepared.rows(conn, {"org": "orga_other", "leads": [lead_id]}) == []


def test_listeners_see_the_statement(api: Api) -> None:
    # The statement deadline arms, and tests count statements, in before_cursor_execute.
    leads = table("lead", column("id"))
    prepared = Prepared(lambda _: select(leads.c.id).where(leads.c.id == "lead_none"))
    with api.engine.connect() as conn, conn.begin(), count_statements(api.engine) as counted:
        prepared.rows(conn, {})
    assert len(counted) == 1
    assert "FROM lead" in counted.statements[0]


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(api: Api) -> None:
    prepared = Prepared(lambda _: select(column("x")).select_from(table("no_such_table", column("x"))))
    with api.engine.connect() as conn, conn.begin(), pytest.raises(DBAPIError) as raised:
        prepared.rows(conn, {})
    assert "no_such_table" in str(raised.value)


def test_an_interrupted_read_is_an_operational_error(api: Api) -> None:
    """A client gone mid-read (or the statement deadline) stops the read as it stops any
    statement: SQLAlchemy's OperationalError, which the error handlers turn into Close's answer."""
    # Long enough for SQLite's progress handler to look at the deadline (every 20,000 steps).
    numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < bindparam("up_to")))
    prepared = Prepared(lambda _: select(func.count().label("n")).select_from(numbers))
    with api.engine.connect() as conn, conn.begin():
        assert prepared.rows(conn, {"up_to": 100_000}) == [{"n": 100_000}]
        if conn.dialect.name == "sqlite":
            conn.info["deadline"].interrupt()
            expected = "interrupted"
        else:
            # PostgreSQL's own statement timeout, which SQLAlchemy's execution reports so too.
            conn.exec_driver_sql("SET LOCAL statement_timeout = 1")
            expected = "statement timeout"
        with pytest.raises(OperationalError, match=expected):
            prepared.rows(conn, {"up_to": 50_000_000})


def test_a_driver_statement_counts_what_sqlalchemy_counts(api: Api) -> None:
    # A list's count on an aside connection runs this way on SQLite (Repository._total_soon).
    lead_id = _fill(api)
    org = api.org.organization_id
    lead, task, opportunity = (metadata.tables[name] for name in ("lead", "task", "opportunity"))

    def count(t: Table, *conditions: Any) -> Any:
        return select(func.count()).select_from(t).where(t.c.organization_id == org, *conditions)

    # Each shape twice, with values answering differently: the second is compiled from the
    # statement cache, and must run with its own values, not the first one's.
    pairs = [
        (count(lead, lead.c.name == "Acme"), count(lead, lead.c.name == "Northwind")),
        (
            count(lead, lead.c.date_created >= datetime(2000, 1, 1, tzinfo=UTC)),
            count(lead, lead.c.date_created >= datetime(2999, 1, 1, tzinfo=UTC)),
        ),
        (count(task, task.c.is_complete.is_(False)), count(task, task.c.is_complete.is_(True))),
        (count(opportunity, opportunity.c.value >= 1000), count(opportunity, opportunity.c.value >= 10**9)),
        (count(lead, lead.c.id == lead_id, lead.c.url.is_not(None)), count(lead, lead.c.id == "lead_none")),
    ]
    with api.engine.connect() as conn, conn.begin():
        if conn.dialect.name != "sqlite":
            # PostgreSQL counts through SQLAlchemy's own execution.
            assert driver_statement(conn, pairs[0][0]) is None
            return
        for found, missing in pairs:
            answers = []
            for stmt in (found, missing):
                sent = driver_statement(conn, stmt)
                assert sent is not None
                answers.append(run_on_driver(conn, *sent))
                assert answers[-1] == [tuple(row) for row in conn.execute(stmt)]
            assert answers == [[(1,)], [(0,)]], str(found)


def test_a_statement_whose_text_depends_on_its_values_has_no_driver_statement(api: Api) -> None:
    lead = metadata.tables["lead"]
    # An expanding IN is written out for its number of values at execution.
    stmt = select(func.count()).select_from(lead).where(lead.c.id.in_(["lead_a", "lead_b"]))
    with api.engine.connect() as conn, conn.begin():
        assert driver_statement(conn, stmt) is None
