"""Wake-ups after commit: a process's worker hears of new events and jobs without waiting to poll.

The database is the truth (workers poll it, and other processes only poll); these signals only cut
the latency of the worker running in the process that committed. A callback runs after the
transaction committed, never before, so a rolled-back request wakes nobody.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadbase.db.context import Context

_listeners: list[threading.Event] = []
_lock = threading.Lock()


def listen(event: threading.Event) -> None:
    """Have `event` set whenever this process commits events or jobs."""
    with _lock:
        if event not in _listeners:
            _listeners.append(event)


def unlisten(event: threading.Event) -> None:
    with _lock:
        if event in _listeners:
            _listeners.remove(event)


def notify() -> None:
    with _lock:
        listeners = list(_listeners)
    for event in listeners:
        event.set()


def after_commit(ctx: Context, callback: Callable[[], None] = notify) -> None:
    """Run `callback` once the context's transaction has committed (once per callback)."""
    if callback not in ctx.after_commit:
        ctx.after_commit.append(callback)
