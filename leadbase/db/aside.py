"""Reads beside a request: a statement run on a connection of its own while the request's thread
goes on.

A page of 100 whole leads with its `total_results` spends a tenth of its time counting the
matching leads, and most of the rest rendering them in Python. SQLite and psycopg release the
GIL while a statement runs, so the count can run on another core while the page is read and
rendered: the request then costs about what the page costs, not the page plus its count.

The aside connections come from an engine of their own, sized to the number of aside threads, so
an aside read never waits for a connection the requests hold (and a request never waits for one
an aside read holds): when every aside connection is busy, the caller runs the statement itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Executable, event

T = TypeVar("T")


class AsideReads:
    """Single-value reads (counts) on `connections` connections of `engine`, off the caller's
    thread. The engine is this object's own: `close` disposes it."""

    def __init__(self, engine: Engine, connections: int) -> None:
        self.engine = engine
        self._slots = threading.BoundedSemaphore(connections)
        self._executor = ThreadPoolExecutor(connections, thread_name_prefix="leadbase-aside")

    def scalar(self, statement: Executable) -> Future[Any] | None:
        """The statement's one value, read on another thread, or None when every aside
        connection is busy (the caller reads it itself then)."""
        return self.run(lambda conn: conn.execute(statement).scalar_one())

    def run(self, read: Callable[[Connection], T]) -> Future[T] | None:
        """`read(connection)` on another thread, with an aside connection in a transaction of
        its own, or None when every aside connection is busy. `read` must only read: what it
        answers is what a count answers (a count that takes several statements, or Python
        between them, such as a word search's count from the text index)."""
        if not self._slots.acquire(blocking=False):
            return None
        try:
            return self._executor.submit(self._run, read)
        except RuntimeError:  # closed: the application is shutting down
            self._slots.release()
            return None

    def _run(self, read: Callable[[Connection], T]) -> T:
        try:
            # A transaction of its own: on SQLite it may see a write that committed after the
            # request's own read began (on PostgreSQL every statement already may).
            with self.engine.connect() as conn:
                return read(conn)
        finally:
            self._slots.release()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.engine.dispose()

    def close_with(self, engine: Engine) -> None:
        """Close when `engine` (the requests' own) is disposed, so that whoever ends an
        application by disposing its engine also ends these connections."""
        event.listen(engine, "engine_disposed", lambda _engine: self.close())
