"""Kept renderings: the part of an object's representation that its stored row alone decides,
kept from one request to the next (on SQLite).

A page of 100 whole leads builds some 25,000 Python objects, and most of them are the same on
every read: integrations poll the same pages, a console shows the same leads again. Rendering
was more than half of such a page's time, against the SQL's quarter (bench/RESULTS.md). So a
lead's or a contact's representation is built once per version of its row, and each later read
copies it and lays over it what belongs to the request (user names, recent calls, the zone at
this moment, the lead's contacts).

Why this cannot show anything stale:
- The key is the driver's tuple of the row: every column, its JSON as the stored text, its
  datetimes as SQLite's text. Any write to any column, by leadbase or by hand in SQL, makes a
  new key; the old entry is never found again and ages out. PostgreSQL's driver hands back
  parsed values, so there a row has no such key and nothing is kept.
- A row has a key only when it came from the driver in this request and is still the very
  object that was made from that tuple (`remember`, `stored_key`).
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

# The context memo's key of the rows read this request with their driver tuples: id(row) ->
# (row, tuple). Held by identity: a row copied or rebuilt has no tuple, and is rendered afresh.
_STORED = "kept.stored_rows"
# A long job reading page after page in one context remembers this many rows at most; past it,
# the oldest are forgotten (and rendered afresh if rendered at all).
_MAX_REMEMBERED = 20_000


def remember(ctx: Context, rows: list[Row], fetched: list[tuple[Any, ...]]) -> None:
    """Note the driver tuple each row was made of (`fetched`, in the rows' order)."""
    if not fetched or len(fetched) != len(rows):
        return
    known: dict[int, tuple[Row, tuple[Any, ...]]] | None = ctx.memo.get(_STORED)
    if known is None or len(known) > _MAX_REMEMBERED:
        known = ctx.memo[_STORED] = {}
    for row, stored in zip(rows, fetched, strict=True):
        known[id(row)] = (row, stored)


def stored_key(ctx: Context, row: Row) -> tuple[Any, ...] | None:
    """The driver tuple `row` was made of this request, when it is still that very object."""
    known = ctx.memo.get(_STORED)
    if known is None:
        return None
    entry = known.get(id(row))
    return entry[1] if entry is not None and entry[0] is row else None


class Kept:
    """One kind's kept renderings: key -> the representation rendered once, at most `size`
    of them, the oldest dropped first."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[Hashable, Row] = {}
        # Bytes of each entry when it was kept, for `check_kept_renderings`.
        self._first_bytes: dict[Hashable, bytes] = {}
        self._lock = threading.Lock()
        # Reads answered from a kept representation (not counted under a lock: a statistic).
        self.hits = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Row | None:
        found = self._entries.get(key)
        if found is not None:
            self.hits += 1
        return found

    def keep(self, key: Hashable, rendered: Row, size: int, *, checking: bool) -> None:
        with self._lock:
            entries = self._entries
            while len(entries) >= size and entries:
                oldest = next(iter(entries))
                del entries[oldest]
                self._first_bytes.pop(oldest, None)
            entries[key] = rendered
            if checking:
                self._first_bytes[key] = orjson.dumps(rendered)

    def check(self, key: Hashable, answer: Row, fresh: Callable[[], Row]) -> None:
        """Fail loudly when a kept answer differs from a fresh rendering, or the kept object
        changed since it was kept (`check_kept_renderings`)."""
        kept = self._entries.get(key)
        first = self._first_bytes.get(key)
        if kept is not None and first is not None and orjson.dumps(kept) != first:
            raise AssertionError(f"a kept {self.kind} representation was changed after it was kept")
        expected = orjson.dumps(fresh())
        if orjson.dumps(answer) != expected:
            raise AssertionError(
                f"a kept {self.kind} representation differs from a fresh one:\n"
                f"kept:  {orjson.dumps(answer).decode()}\nfresh: {expected.decode()}"
            )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._first_bytes.clear()


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

    def key(self, row: Row) -> Hashable | None:
        """The row's key, None when it has none (it did not come from the driver as it is)."""
        stored = stored_key(self._ctx, row)
        return None if stored is None else (self._version, stored)

    def get(self, key: Hashable) -> Row | None:
        return self._kept.get(key)

    def keep(self, key: Hashable, rendered: Row) -> None:
        self._kept.keep(key, rendered, self._size, checking=self.checking)

    def check(self, key: Hashable, answer: Row, fresh: Callable[[], Row]) -> None:
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
