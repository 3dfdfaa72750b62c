"""The request journal: the last requests and responses of each organization, in this process.

The admin API reads it (`GET /api/leadbase/admin/organizations/{id}/journal/`) so a developer
sees what their client actually sent and what leadbase answered. It lives in memory, per server
process, by design: it is a debugging aid, costs no write per request, and is gone at restart.
A server started with several `--workers` keeps one journal per process (a request is in the
journal of the process that answered it). Bodies are kept up to `BODY_LIMIT` characters.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

BODY_LIMIT = 10_000
_HEAD_BYTES = 4 * BODY_LIMIT + 4


@dataclass(frozen=True)
class Entry:
    method: str
    path: str
    query: str
    request_body: str | None
    status: int
    response_body: str | None
    time: str
    duration_ms: float
    request_id: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def clip(body: bytes) -> str | None:
    """A body as text for the journal: None when empty, cut at BODY_LIMIT characters."""
    if not body:
        return None
    # Only the head is decoded: a page of 100 whole leads is 580 KB, of which the journal keeps
    # 10,000 characters. A character takes at most 4 bytes, so the head holds BODY_LIMIT whole
    # characters, and a body longer than it holds more than BODY_LIMIT: it is cut either way.
    head = body[:_HEAD_BYTES]
    text = head.decode("utf-8", errors="replace")
    if len(head) == len(body) and len(text) <= BODY_LIMIT:
        return text
    return text[:BODY_LIMIT] + "...(truncated)"


class Journal:
    """Up to `size` entries per organization, oldest dropped first; thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[str, deque[Entry]] = {}
        self._lock = threading.Lock()

    def record(self, organization_id: str, entry: Entry) -> None:
        with self._lock:
            entries = self._entries.get(organization_id)
            if entries is None:
                entries = self._entries[organization_id] = deque(maxlen=self.size)
            entries.append(entry)

    def entries(self, organization_id: str) -> list[Entry]:
        """Oldest first."""
        with self._lock:
            return list(self._entries.get(organization_id, ()))

    def clear(self, organization_id: str) -> None:
        with self._lock:
            self._entries.pop(organization_id, None)
