"""Engines for SQLite (the embedded default) and PostgreSQL, set up the same way."""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

log = logging.getLogger("leadbase")


def normalize_url(url: str) -> str:
    """Accept the plain postgresql:// form users type; drive it with psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _json_dumps(value: Any) -> str:
    # orjson: 5-10x faster than json.dumps on event payloads; non-str keys as json.dumps does.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


JSON_OPTIONS: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}


# SQLite's page cache per connection (MiB) unless told otherwise: see Settings.sqlite_cache_mib.
DEFAULT_SQLITE_CACHE_MIB = 8


def build_engine(
    url: str,
    *,
    pool_size: int = 20,
    sqlite_synchronous: str = "NORMAL",
    sqlite_cache_mib: int = DEFAULT_SQLITE_CACHE_MIB,
    statement_timeout: float = 0,
    lock_timeout: float = 0,
    deadline_steps: int | None = None,
) -> Engine:
    """An engine; `statement_timeout` (seconds, 0 for none) bounds every statement it runs.

    The API server passes its settings; commands (migrations, loads) run without a limit.
    `deadline_steps`: on SQLite, how many virtual-machine instructions apart the deadline is
    checked (StatementDeadline.PROGRESS_STEPS unless given).
    """
    url = normalize_url(url)
    if is_sqlite(url):
        _create_private(make_url(url).database)
        engine = create_engine(
            url,
            poolclass=QueuePool,
            pool_size=pool_size,
            max_overflow=pool_size,
            # The connection returned last is handed out next: each keeps its own page cache,
            # which a server answering one request at a time then finds warm.
            pool_use_lifo=True,
            connect_args={"check_same_thread": False, "timeout": 30},
            **JSON_OPTIONS,
        )
        _configure_sqlite(engine, sqlite_synchronous, sqlite_cache_mib)
        steps = deadline_steps or StatementDeadline.PROGRESS_STEPS
        _bound_sqlite_statements(engine, statement_timeout, steps)
        return engine
    # Server-side limits: the server stops a runaway statement even when this process is stuck.
    options = [f"-c statement_timeout={int(statement_timeout * 1000)}"] if statement_timeout > 0 else []
    if lock_timeout > 0:
        options.append(f"-c lock_timeout={int(lock_timeout * 1000)}")
    # No JIT compilation: it costs 20-30 ms per statement the planner deems large (a count of
    # 80k matching leads), more than it saves on statements this size (bench/RESULTS.md).
    options.append("-c jit=off")
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        connect_args={"options": " ".join(options)},
        **JSON_OPTIONS,
    )


class StatementDeadline:
    """SQLite's statement timeout: a progress handler that interrupts a statement past its deadline.

    SQLite has no server to stop a query, so the connection checks the clock every
    PROGRESS_STEPS virtual-machine instructions (about a millisecond of work); the statement
    then fails with SQLITE_INTERRUPT. `interrupt()` stops it at once (the client went away).
    """

    PROGRESS_STEPS = 20_000

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = math.inf
        self.stopped = False

    def arm(self) -> None:
        if self.seconds > 0:
            self.deadline = time.monotonic() + self.seconds

    def disarm(self) -> None:
        self.deadline = math.inf
        self.stopped = False

    def interrupt(self) -> None:
        # Sticky until the transaction ends: the rest of an abandoned request fails fast too.
        self.stopped = True

    def __call__(self) -> int:
        return 1 if self.stopped or time.monotonic() > self.deadline else 0


def _bound_sqlite_statements(engine: Engine, seconds: float, steps: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        deadline = StatementDeadline(seconds)
        dbapi_connection.set_progress_handler(deadline, steps)
        record.info["deadline"] = deadline

    # The deadline covers a statement and the fetching of its rows (SQLite computes rows as they
    # are fetched), until the next statement re-arms it; commit and rollback are never cut short.
    @event.listens_for(engine, "before_cursor_execute")
    def _arm(conn: Any, *_args: Any) -> None:
        deadline = conn.info.get("deadline")
        if deadline is not None:
            deadline.arm()

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _disarm(conn: Any) -> None:
        deadline = conn.info.get("deadline")
        if deadline is not None:
            deadline.disarm()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        deadline = record.info.get("deadline")
        if deadline is not None:
            deadline.disarm()


def _create_private(path: str | None) -> None:
    """Create a new SQLite file readable by its owner only; SQLite gives the -wal and -shm
    files it makes next to it the same mode. An existing file keeps the mode its owner chose."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except OSError:
        return  # a missing directory or no permission: SQLite reports it on connect
    os.close(descriptor)


def _configure_sqlite(engine: Engine, synchronous: str, cache_mib: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how each transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        # A negative size is in KiB; the cache grows to it only as pages are read.
        cursor.execute(f"PRAGMA cache_size=-{int(cache_mib) * 1024}")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        # The words of the leads' and contacts' FTS5 index with the rows holding each
        # (search/fulltext.py `_common_word_start`): a view of the index, kept nowhere, made
        # for each connection (it reads the table when asked, not now, so a database not yet
        # migrated is no matter).
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.text_index_words "
            "USING fts5vocab(main, text_index_fts, 'row')"
        )
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that upgrades
        # later can fail with "database is locked" instead of waiting its turn.
        if conn.get_execution_options().get("writes", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            # A deferred BEGIN takes no lock and cannot wait or fail on one: straight to the
            # driver, without SQLAlchemy's execution around it (~0.1 ms of a list request).
            conn.connection.driver_connection.execute("BEGIN")


class Cancellation:
    """Lets the event loop stop the statement a request's worker thread is running.

    The connection is registered only while the request holds it: once it goes back to the
    pool a late cancel must not reach the next request's statement, hence the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self.cancelled = False

    @contextmanager
    def watching(self, conn: Connection) -> Iterator[None]:
        with self._lock:
            self._conn = conn
        try:
            yield
        finally:
            with self._lock:
                self._conn = None

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            if self._conn is not None:
                cancel_running(self._conn)


def cancel_running(conn: Connection) -> None:
    """Stop the statement running on `conn` from another thread (its client went away).

    PostgreSQL gets a cancel request on a side connection; SQLite's progress handler stops the
    statement at its next check. Best effort: a statement that already finished is unaffected.
    """
    try:
        if conn.dialect.name == "sqlite":
            deadline = conn.info.get("deadline")
            if deadline is not None:
                deadline.interrupt()
            return
        raw = conn.connection.dbapi_connection
        if raw is not None:
            raw.cancel_safe()
    except Exception:  # the connection may be closing under us: nothing left to cancel
        log.debug("cancel of a running statement failed", exc_info=True)
