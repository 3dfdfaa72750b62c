"""Migration f6a2c8e4b0d3 (SQLite): the rows of leads and contacts and the activities' in FTS5
tables of their own, and a document per lead of its words and its contacts' (`lead_text`), made
from the index rows there are; its downgrade puts the one FTS5 table of every row back.
PostgreSQL: the migration changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from leadbase.db.migrate import upgrade
from tests.search.helpers import assert_words_by_lead_follow
from tests.support import database_at, migrate

BEFORE = "e1f3a5c7b9d2"
ROWS = (
    # (organization, object, lead, kind, body)
    ("orga_a", "lead_one", "lead_one", "lead", "Acme Labs example.com"),
    ("orga_a", "cont_ann", "lead_one", "contact", "Ann Okafor ann@acme.test"),
    ("orga_a", "acti_call", "lead_one", "activity", "Okafor called about the quokka"),
    ("orga_a", "lead_two", "lead_two", "lead", "Okafor Trading"),
    ("orga_b", "lead_other", "lead_other", "lead", "Okafor Elsewhere"),
)


@pytest.fixture
def old_engine(tmp_path: Path) -> Iterator[Engine]:
    with database_at(str(tmp_path), BEFORE) as engine:
        yield engine


def _matches(conn: Connection, table: str, word: str) -> set[str]:
    found = conn.execute(
        text(f"SELECT t.object_id FROM text_index t JOIN {table} f ON f.rowid = t.id WHERE {table} MATCH :w"),
        {"w": f'body : "{word}"'},
    )
    return {row[0] for row in found}


def test_the_index_rows_there_are_go_into_the_new_tables_and_back(old_engine: Engine) -> None:
    with old_engine.begin() as conn:
        for organization, object_id, lead, kind, body in ROWS:
            conn.execute(
                text(
                    "INSERT INTO text_index (organization_id, object_id, lead_id, kind, body) "
                    "VALUES (:o, :i, :l, :k, :b)"
                ),
                {"o": organization, "i": object_id, "l": lead, "k": kind, "b": body},
            )
    upgrade(old_engine)
    sqlite = old_engine.dialect.name == "sqlite"
    assert ("lead_text" in inspect(old_engine).get_table_names()) == sqlite
    if not sqlite:
        return
    assert_words_by_lead_follow(old_engine)
    with old_engine.connect() as conn:
        assert _matches(conn, "text_index_fts", "okafor") == {"cont_ann", "lead_two", "lead_other"}
        assert _matches(conn, "activity_text_fts", "okafor") == {"acti_call"}
        # Organization a's documents, one range of ids: its two leads hold the word.
        number = conn.execute(
            text("SELECT number FROM lead_text_owner WHERE organization_id = 'orga_a'")
        ).scalar()
        assert number is not None
        counted = conn.execute(
            text(
                "SELECT count(*) FROM lead_text_fts WHERE lead_text_fts MATCH 'body : okafor' "
                "AND rowid >= :first AND rowid < :end"
            ),
            {"first": number << 40, "end": (number + 1) << 40},
        ).scalar()
        assert counted == 2
    migrate(old_engine, "downgrade", BEFORE)
    with old_engine.connect() as conn:
        assert "lead_text" not in inspect(conn).get_table_names()
        assert _matches(conn, "text_index_fts", "okafor") == {
            "cont_ann",
            "acti_call",
            "lead_two",
            "lead_other",
        }
        conn.execute(text("INSERT INTO text_index_fts (text_index_fts) VALUES ('integrity-check')"))
    upgrade(old_engine)
    assert_words_by_lead_follow(old_engine)
