"""Kept renderings: the part of an object's representation that its stored row alone decides,
kept from one request to the next (on SQLite).

A page of 100 whole leads builds some 25,000 Python objects, and most of them are the same on
every read: integrations poll the same pages, a console shows the same leads again. Rendering
was more than half of such a page's time, against the SQL's quarter (bench/RESULTS.md). So a
lead's or a contact's representation is built once per version of its row, and each later read
copies it and lays over it what belongs to the request (user names, recent calls, the zone at
this moment, the lead's contacts).

Why this cannot show anything stale:
- A kept representation is answered only for the very driver tuple it was rendered from:
  every column, its JSON as the stored text, its datetimes as SQLite's text. Any write to any
  column, by leadbase or by hand in SQL, makes another tuple; the row's next read renders and
  keeps it anew in place of the old. PostgreSQL's driver hands back parsed values, so there a
  row has no such tuple and nothing is kept.
- A row has a tuple only when it came from the driver in this request and is still the very
  object that was made from it (`remember`, `Keeper.lookup`).
- The key also holds what else the rendering read (the organization's custom field
  definitions object, replaced whenever a definition changes).
- Kept objects are never handed out: each read gets a new top-level dict. Nested values (a
  contact's emails, a lead's addresses) are shared between answers, as every consumer of a
  representation only reads it. With `check_kept_renderings` (the test suite sets it) each
  kept answer is compared with a fresh rendering and each kept object with its first bytes,
  so a consumer that wrote into one, or a rendering that read something outside its key,
  fails the test that did it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import orjson

from leadbase.db.context import Context

Row = dict[str, Any]
Stored = tuple[Any, ...]
# Where a row's rendering is kept: (the version its rendering depends on, the row's id).
Slot = tuple[Hashable, str]
# A row's slot and the stored tuple its kept rendering must have been made from. Looked up by
# the slot, then compared whole: hashing every stored text of a page's 400 rows took longer.
Key = tuple[Slot, Stored]

# The context memo's key of the rows read this request with their driver tuples: id(row) ->
# (row, tuple). Held by identity: a row copied or rebuilt has no tuple, and is rendered afresh.
_STORED = "kept.stored_rows"
# A long job reading page after page in one context remembers this many rows at most; past it,
# the oldest are forgotten (and rendered afresh if rendered at all).
_MAX_REMEMBERED = 20_000


def remember(ctx: Context, rows: list[Row], fetched: list[Stored]) -> None:
    """Note the driver tuple each row was made of (`fetched`, in the rows' order)."""
    if not fetched or len(fetched) != len(rows):
        return
    known: dict[int, tuple[Row, Stored]] | None = ctx.memo.get(_STORED)
    if known is None or len(known) > _MAX_REMEMBERED:
        known = ctx.memo[_STORED] = {}
    for row, stored in zip(rows, fetched, strict=True):
        known[id(row)] = (row, stored)


class Kept:
    """One kind's kept renderings: one per object and version, at most `size` of them, the
    oldest dropped first. What is kept is the service's (a representation, with what it needs
    to know of it)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[Slot, tuple[Stored, Any]] = {}
        # Bytes of each entry when it was kept, for `check_kept_renderings`.
        self._first_bytes: dict[Slot, bytes] = {}
        self._lock = threading.Lock()
        # Reads answered from what was kept (not counted under a lock: a statistic).
        self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Key) -> Any:
        """What was kept for exactly this stored row, or None."""
        found = self._entries.get(key[0])
        if found is None or found[0] != key[1]:
            return None
        self.hits += 1
        return found[1]

    def keep(self, key: Key, value: Any, size: int, *, checking: bool) -> None:
        slot, stored = key
        with self._lock:
            entries = self._entries
            entries.pop(slot, None)  # a row's older version: kept anew, as the newest
            while len(entries) >= size and entries:
                oldest = next(iter(entries))
                del entries[oldest]
                self._first_bytes.pop(oldest, None)
            entries[slot] = (stored, value)
            if checking:
                self._first_bytes[slot] = orjson.dumps(value)

    def check(self, key: Key, answer: Row, fresh: Callable[[], Row]) -> None:
        """Fail loudly when an answer made from what was kept differs from a fresh rendering,
        or what was kept changed since (`check_kept_renderings`)."""
        found = self._entries.get(key[0])
        first = self._first_bytes.get(key[0])
        if found is not None and first is not None and orjson.dumps(found[1]) != first:
            raise AssertionError(f"a kept {self.kind} representation was changed after it was kept")
        expected = orjson.dumps(fresh())
        if orjson.dumps(answer) != expected:
            raise AssertionError(
                f"a kept {self.kind} representation differs from a fresh one:\n"
                f"kept:  {orjson.dumps(answer).decode()}\nfresh: {expected.decode()}"
            )


_KINDS: dict[str, Kept] = {}


def kept(kind: str) -> Kept:
    """The process's kept renderings of one kind of object."""
    found = _KINDS.get(kind)
    if found is None:
        found = _KINDS.setdefault(kind, Kept(kind))
    return found


class Keeper:
    """What a render of one page uses: the kind's kept renderings under this request's
    settings and versions (`keeper`)."""

    __slots__ = ("_ctx", "_kept", "_size", "_version", "checking")

    def __init__(self, ctx: Context, kind: str, version: Hashable, size: int, checking: bool) -> None:
        self._ctx = ctx
        self._kept = kept(kind)
        self._version = version
        self._size = size
        self.checking = checking

    def lookup(self, rows: list[Row]) -> list[tuple[Key, Any] | None]:
        """Per row: None when it has no key (it did not come from the driver as it is: render
        it afresh, keep nothing), else its key and what was kept for it (None: nothing yet)."""
        known: dict[int, tuple[Row, Stored]] = self._ctx.memo.get(_STORED) or {}
        version, entries = self._version, self._kept._entries
        out: list[tuple[Key, Any] | None] = []
        hits = 0
        # `Kept.get` written out: one loop for a page, not a call per row.
        for row in rows:
            remembered = known.get(id(row))
            if remembered is None or remembered[0] is not row:
                out.append(None)
                continue
            slot, stored = (version, row["id"]), remembered[1]
            found = entries.get(slot)
            if found is None or found[0] != stored:
                out.append(((slot, stored), None))
            else:
                out.append(((slot, stored), found[1]))
                hits += 1
        self._kept.hits += hits
        return out

    def keep(self, key: Key, value: Any) -> None:
        self._kept.keep(key, value, self._size, checking=self.checking)

    def check(self, key: Key, answer: Row, fresh: Callable[[], Row]) -> None:
        self._kept.check(key, answer, fresh)


def keeping(ctx: Context) -> bool:
    """Whether this read may use kept renderings: a server's request (its settings allowing
    them) for whole objects (no `_fields`)."""
    return ctx.shown is None and bool(getattr(ctx.memo.get("settings"), "kept_renderings", 0))


def keeper(ctx: Context, kind: str, version: Hashable) -> Keeper | None:
    """The kept renderings a render of `kind` may use now, or None when it may not (`keeping`)
    or this request read no row from SQLite's driver. `version`: what else the rendering
    depends on besides the row."""
    if _STORED not in ctx.memo or not keeping(ctx):
        return None
    settings = ctx.memo["settings"]
    return Keeper(ctx, kind, version, settings.kept_renderings, settings.check_kept_renderings)
