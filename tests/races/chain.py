"""The event chain: each event's previous_data is the state the event before it left."""

from __future__ import annotations

from typing import Any


def broken_links(events: list[dict[str, Any]]) -> list[tuple[str, str, Any, Any]]:
    """(event id, field, previous_data's value, the value the event before left) where they differ.

    `events` are one object's, oldest first, starting with its `created` event.
    """
    assert events and events[0]["action"] == "created", [e["action"] for e in events[:1]]
    state: dict[str, Any] = events[0]["data"]
    broken = []
    for event in events[1:]:
        if event["action"] != "updated":
            continue
        for name, before in event["previous_data"].items():
            if state.get(name) != before:
                broken.append((event["id"], name, before, state.get(name)))
        state = event["data"]
    return broken
