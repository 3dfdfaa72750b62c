"""Case-insensitive matching on SQLite is its own LIKE, with the answers lower() LIKE lower() gave."""

from __future__ import annotations

from sqlalchemy import column, create_engine, not_, select, table, text
from sqlalchemy.dialects import postgresql, sqlite

from leadbase.db.filters import text_match

T = table("t", column("x"))
VALUES = ("Acme Labs", "ACME", "acorn", "Ärzte Acme", "Mac", None)


def test_sqlite_compiles_ilike_as_like_and_postgresql_keeps_ilike() -> None:
    condition = text_match(T.c.x, "beginning_of_words", "ac")
    on_sqlite = str(select(T).where(condition, not_(T.c.x.ilike("%z%"))).compile(dialect=sqlite.dialect()))
    assert "lower(" not in on_sqlite
    assert "NOT LIKE" in on_sqlite
    assert "ILIKE" in str(select(T).where(condition).compile(dialect=postgresql.dialect()))


def test_sqlite_like_answers_as_lowered_like() -> None:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(text("CREATE TABLE t (x TEXT)"))
        for value in VALUES:
            conn.execute(text("INSERT INTO t VALUES (:x)"), {"x": value})
        for pattern in ("ac%", "% AC%", "%LAB%", "ä%", "Ä%", "%z%"):
            folded = conn.execute(select(T.c.x).where(T.c.x.ilike(pattern))).scalars().all()
            lowered = conn.execute(text("SELECT x FROM t WHERE lower(x) LIKE lower(:p)"), {"p": pattern})
            assert folded == lowered.scalars().all(), pattern
        names = conn.execute(select(T.c.x).where(text_match(T.c.x, "beginning_of_words", "ac"))).scalars()
        assert sorted(names) == ["ACME", "Acme Labs", "acorn", "Ärzte Acme"]
    engine.dispose()
