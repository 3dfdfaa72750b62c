"""The soak's quick variant: a few seconds of concurrent clients, then every acknowledged write checked.

Runs on the database under test (SQLite, or PostgreSQL when LEADBASE_TEST_DATABASE_URL points at
one) against a live server. Asserts on what the data holds, never on how fast it was.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from bench.databases import for_kind
from bench.soak import END, START, render, soak, write_section


def test_a_short_soak_loses_nothing_and_never_fails(tmp_path: Path) -> None:
    pg_url = os.environ.get("LEADBASE_TEST_DATABASE_URL")
    kind = "postgres" if pg_url else "sqlite"
    db = for_kind(kind, tmp_path, pg_url or "", f"leadbase_soak_ci_{uuid.uuid4().hex[:8]}")
    try:
        figures = soak(db, seconds=3.0, clients=6, shared_leads=2, out=tmp_path, log=lambda _m: None)
    finally:
        db.drop()

    assert figures.requests > 0
    assert figures.acknowledged_writes > 0
    assert figures.by_status[500] == 0 and figures.server_errors == 0, dict(figures.by_status)
    assert figures.other_failures == 0, dict(figures.by_status)
    assert figures.lost_writes == 0
    assert figures.broken_event_links == 0
    assert figures.rss_peak_mb > 0

    results = tmp_path / "RESULTS.md"
    results.write_text("# Results\n\nkept\n")
    write_section(results, render([figures], "today"))
    write_section(results, render([figures], "again"))
    text = results.read_text()
    assert text.startswith("# Results\n\nkept\n")
    assert text.count(START) == text.count(END) == 1
    assert "again" in text and "today" not in text
