"""Reactions to recorded events: one feature follows another's writes without importing it.

A feature declares, at import, what it reacts to (`observe("activity.email", "created", f)`);
when a unit of work has written its events, each observer gets the ones it asked for (the event
rows, with `data` and `previous_data`), in the same transaction. What an observer writes goes
through services like any write, in a unit operation of its own, so it records its own events
(and may be observed in turn). A sequence stops when its contact replies this way: the email
service knows nothing of sequences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leadbase.db.context import Context

Event = dict[str, Any]
Observer = Callable[["Context", list[Event]], None]

_observers: dict[tuple[str, str], list[Observer]] = {}


def observe(object_type: str, action: str, observer: Observer) -> Observer:
    """Call `observer(ctx, events)` with the events of `object_type`/`action` each unit records."""
    found = _observers.setdefault((object_type, action), [])
    if observer not in found:
        found.append(observer)
    return observer


def notify(ctx: Context, events: list[Event]) -> None:
    """Hand the events just recorded to their observers, grouped per observer, in order."""
    if not _observers or not events:
        return
    calls: dict[Observer, list[Event]] = {}
    for event in events:
        for observer in _observers.get((event["object_type"], event["action"]), ()):
            calls.setdefault(observer, []).append(event)
    for observer, observed in calls.items():
        observer(ctx, observed)
