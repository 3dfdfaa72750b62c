"""SQLite: the FTS5 indexes of words kept merged (migration f6a2c8e4b0d3), by the worker.

Each transaction that writes words leaves FTS5 a new segment, and FTS5's own merges keep up to
three a level, so a database written by many small transactions holds a few dozen (26 for the
documents of a million leads). A lookup of one document reads every segment (about a
microsecond each): a page checking the documents of its leads one by one took 33 ms there and
6 after a merge into one (search/fulltext.py decides between that and a list of the word's
entries from the count of segments, `segments`). Every UPKEEP_SECONDS the worker asks each
index for a bounded step of merging (MERGE_PAGES pages written at most), merging any two
segments of a level (`usermerge`, set by the migration).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

log = logging.getLogger("leadbase.worker")

FTS_TABLES = ("text_index_fts", "activity_text_fts", "lead_text_fts")
UPKEEP_SECONDS = 30.0
MERGE_PAGES = 200
# The id of the row of an FTS5 index's `_data` table holding its structure (fts5_index.c).
_STRUCTURE_ROW = 10


class TextUpkeep:
    """The merging step, at most once every `interval` seconds, on SQLite only."""

    def __init__(self, engine: Engine, interval: float = UPKEEP_SECONDS) -> None:
        self.engine = engine
        self.interval = interval
        self.enabled = engine.dialect.name == "sqlite"
        self.next_at = 0.0

    def run_once(self) -> None:
        if not self.enabled or time.monotonic() < self.next_at:
            return
        self.next_at = time.monotonic() + self.interval
        with self.engine.connect() as conn:
            conn.execution_options(writes=True)
            try:
                with conn.begin():
                    merge_step(conn)
            except OperationalError as exc:
                # A database without the indexes (made before their migration): nothing to keep.
                log.warning("full-text index upkeep off: %s", exc.orig)
                self.enabled = False


def merge_step(conn: Connection, pages: int = MERGE_PAGES) -> None:
    """One bounded step of merging each FTS5 index."""
    for name in FTS_TABLES:
        conn.execute(text(f"INSERT INTO {name} ({name}, rank) VALUES ('merge', :pages)"), {"pages": pages})


def segments(conn: Connection, name: str) -> int | None:
    """How many segments the FTS5 index `name` has, read from its structure record (a 4-byte
    cookie, an optional 4-byte version flag, then varints: levels, segments); None when the
    record is not there or not in that shape."""
    record = conn.execute(text(f"SELECT block FROM {name}_data WHERE id = {_STRUCTURE_ROW}")).scalar()
    if not isinstance(record, bytes) or len(record) < 6:
        return None
    at = 8 if record[4:8] == b"\xff\x00\x00\x01" else 4
    values: list[int] = []
    value = 0
    for byte in record[at : at + 18]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            values.append(value)
            value = 0
            if len(values) == 2:
                return values[1]
    return None
