"""Query builders for the Advanced Filtering tests: Close's JSON in a few words."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import quote

import pytest
from sqlalchemy import Connection, Engine, Select
from sqlalchemy import text as sql_text

from tests.support import Api, count_statements

T = TypeVar("T")

Q = dict[str, Any]


def and_(*queries: Q, negate: bool = False) -> Q:
    return {"type": "and", "queries": list(queries), "negate": negate}


def or_(*queries: Q, negate: bool = False) -> Q:
    return {"type": "or", "queries": list(queries), "negate": negate}


def of(object_type: str, *queries: Q) -> Q:
    return and_({"type": "object_type", "object_type": object_type}, *queries)


def field(object_type: str, name: str, condition: Q, negate: bool = False) -> Q:
    return {
        "type": "field_condition",
        "field": {"type": "regular_field", "object_type": object_type, "field_name": name},
        "condition": condition,
        "negate": negate,
    }


def custom(field_id: str, condition: Q, negate: bool = False) -> Q:
    return {
        "type": "field_condition",
        "field": {"type": "custom_field", "custom_field_id": field_id},
        "condition": condition,
        "negate": negate,
    }


def related(this: str, other: str, query: Q | None = None, negate: bool = False) -> Q:
    return {
        "type": "has_related",
        "this_object_type": this,
        "related_object_type": other,
        "related_query": query or and_(),
        "negate": negate,
    }


def text(value: str, mode: str = "full_words") -> Q:
    return {"type": "text", "value": value, "mode": mode}


def fixed(value: str) -> Q:
    return {"type": "fixed_utc", "value": value}


def between(start: Q | None = None, before: Q | None = None) -> Q:
    return {"type": "moment_range", "on_or_after": start, "before": before}


def search(api: Api, query: Q, **body: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.ok("POST", "data/search/", json={"query": query, **body})
    return result


def pages(api: Api, query: Q, **body: Any) -> list[dict[str, Any]]:
    """Every page of the query's answer, following the cursor to the end."""
    out: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        page = search(api, query, cursor=cursor, **body)
        out.append(page)
        cursor = page["cursor"]
        if cursor is None:
            return out
    raise AssertionError("the cursor never ended")


def ids(api: Api, query: Q, **body: Any) -> list[str]:
    """Every id the query matches, following the cursor to the end."""
    return [hit["id"] for page in pages(api, query, **body) for hit in page["data"]]


def id_set(api: Api, query: Q, **body: Any) -> set[str]:
    return set(ids(api, query, **body))


def plan_of(conn: Connection, stmt: Select[Any], indexed_by: str | None = None) -> str:
    """The database's plan of `stmt` (`indexed_by`: SQLite is told which lead index to use)."""
    compiled = stmt.compile(conn, compile_kwargs={"render_postcompile": True})
    sql = str(compiled)
    if indexed_by is not None:
        sql = sql.replace("FROM lead", f'FROM lead INDEXED BY "{indexed_by}"', 1)
    prefix = "EXPLAIN " if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    params = compiled.params if conn.dialect.name == "postgresql" else compiled.positiontup
    if conn.dialect.name != "postgresql":
        assert params is not None
        params = tuple(compiled.params[name] for name in params)
    return "\n".join(str(row) for row in conn.exec_driver_sql(prefix + sql, params))


def indexed_then_walked(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    module: ModuleType,
    least: str,
    share: str,
    answers: Callable[[], T],
) -> tuple[T, list[str], list[str]]:
    """`answers()` with a page walk's thresholds (`module.least`, `module.share`) pinned out of
    reach, then at zero, asserting both give the same: that answer, and each run's statements.
    Both sides pinned: the suite's shared database may hold many other rows with the value."""
    monkeypatch.setattr(module, least, 10**12)
    with count_statements(api.engine) as indexed:
        expected = answers()
    monkeypatch.setattr(module, least, 0)
    monkeypatch.setattr(module, share, 0.0)
    with count_statements(api.engine) as walked:
        assert answers() == expected
    return expected, indexed.statements, walked.statements


_WANTED_WORDS = """
SELECT w, t.organization_id, t.lead_id, count(*)
FROM text_index t, unnest(tsvector_to_array(t.document)) w
WHERE t.kind IN ('lead', 'contact') AND t.lead_id IS NOT NULL AND left(w, 1) <> '@'
GROUP BY w, t.organization_id, t.lead_id
"""
_KEPT_WORDS = """
SELECT w.word, o.id, l.id, w.uses
FROM lead_word w JOIN lead_word_key o ON o.key = w.owner_key JOIN lead_word_key l ON l.key = w.lead_key
"""


_PEOPLE_ROWS = """
SELECT (o.number << 40) + own.id, r.body
FROM text_index own JOIN lead_text_owner o ON o.organization_id = own.organization_id
JOIN text_index r ON r.lead_id = own.object_id AND r.kind IN ('lead', 'contact')
WHERE own.kind = 'lead'
"""
_FTS_TABLES = ("text_index_fts", "activity_text_fts", "lead_text_fts")


def assert_lead_words_follow_the_index(api: Api) -> None:
    """The copies of the index's words of leads and contacts follow its rows, in every
    organization. PostgreSQL: `lead_word` holds each lexeme of each lead's rows of leads and
    contacts (migration c8e2b4f6a1d9). SQLite: `lead_text` holds each lead's document, the words
    of those rows together (migration f6a2c8e4b0d3), and each FTS5 table agrees with the rows
    it indexes (FTS5's own integrity check)."""
    assert_words_by_lead_follow(api.engine)


def assert_words_by_lead_follow(engine: Engine) -> None:
    """`assert_lead_words_follow_the_index` on a database of its own."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            wanted = [tuple(r) for r in conn.execute(sql_text(_WANTED_WORDS))]
            kept = [tuple(r) for r in conn.execute(sql_text(_KEPT_WORDS))]
            assert sorted(kept) == sorted(wanted)
            return
        documents: dict[int, list[str]] = {}
        for key, body in conn.execute(sql_text(_PEOPLE_ROWS)):
            documents.setdefault(key, []).extend(body.split())
        kept = conn.execute(sql_text("SELECT id, body FROM lead_text"))
        held = {key: sorted(body.split()) for key, body in kept}
        assert held == {key: sorted(words) for key, words in documents.items()}
        for name in _FTS_TABLES:
            conn.execute(sql_text(f"INSERT INTO {name} ({name}) VALUES ('integrity-check')"))


# How a count of the leads of the index rows reads (fulltext.count_leads_with_words).
COUNT_OF_ROWS = "GROUP BY text_index.lead_id"


def counted_by_words(api: Api, query: str) -> tuple[int, int, bool]:
    """(total_results, leads listed, whether the count read the words by lead: `lead_word` on
    PostgreSQL, `lead_text_fts` on SQLite) of `GET /lead/?query=`."""
    listed = api.ok("GET", f"lead/?_fields=id&query={quote(query)}")
    with count_statements(api.engine) as counter:
        total = api.ok("GET", f"lead/?_limit=0&query={quote(query)}")["total_results"]
    assert listed["total_results"] == total
    flat = [" ".join(s.split()) for s in counter.statements]
    from_rows = any(COUNT_OF_ROWS in s for s in flat)
    read = any("FROM lead_word" in s or "FROM lead_text_fts" in s for s in flat) and not from_rows
    return int(total), len(listed["data"]), read
