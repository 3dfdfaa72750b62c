"""Who is acting, inside which transaction: handed to every repository and service call."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

if TYPE_CHECKING:
    from leadbase.db.aside import AsideReads
    from leadbase.db.unit import UnitOfWork


@dataclass(frozen=True)
class Actor:
    """The caller, resolved from an API key: one user in one organization."""

    organization_id: str
    user_id: str | None
    api_key_id: str | None
    role_id: str

    @property
    def is_admin(self) -> bool:
        return self.role_id == "admin"


@dataclass
class Context:
    """One unit of work: a connection inside a transaction, plus request facts for events."""

    conn: Connection
    actor: Actor
    request_id: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    tz_offset: float | None = None
    # The request's query parameters, for render options such as `_expand`.
    params: Mapping[str, str] = field(default_factory=dict)
    # Per-request memo (statuses, users, field definitions) so one request reads each once.
    memo: dict[str, Any] = field(default_factory=dict)
    # The keys a read will answer (`_fields`), None for all: a render may skip what no key
    # shown needs (a page of leads asked for `id,name` loads no contacts). Never set on a
    # write, whose renders are also its events.
    shown: frozenset[str] | None = None
    # Set while a page's condition is compiled (`first_rows`): the statement reads the first rows
    # in its order and stops, so a condition may be checked row by row in that order rather than
    # collect every match first. Never set for counts, exports or bulk work, which read them all.
    first_rows: bool = False
    # The page's ORDER BY terms while `first_rows` is set: a condition may sample the rows a
    # walk would read first (search/compiler.py, `_dense`).
    page_order: tuple[Any, ...] = ()
    # Connections of their own for reads that may run beside this request's statements (a
    # list's total, counted while its page renders): set for reads only (db/aside.py).
    aside: AsideReads | None = field(default=None, repr=False)
    # Run once the transaction committed (a worker's wake-up: db/signals.py); dropped on rollback.
    after_commit: list[Callable[[], None]] = field(default_factory=list, repr=False)
    _unit: UnitOfWork | None = field(default=None, repr=False)

    @property
    def unit(self) -> UnitOfWork:
        """The request's unit of work: every write registers what it touches here."""
        if self._unit is None:
            from leadbase.db.unit import UnitOfWork  # the unit renders through services

            self._unit = UnitOfWork(self)
        return self._unit

    def flush(self) -> None:
        """Record the events of every object the unit of work still holds."""
        if self._unit is not None and self._unit.entries:
            self._unit.flush()

    @property
    def organization_id(self) -> str:
        return self.actor.organization_id

    def beside(self) -> Callable[[Connection], Context]:
        """How to make a context for reads on another connection, on another thread, beside this
        one (a list's count on an aside connection: db/aside.py). It has the same caller and
        request facts, and a memo of its own holding only the request-wide entries and the plain
        values (a word's count the page's plan read): what else this memo holds may use this
        context's connection (a CustomValues keeps its ctx), which another thread must not. The
        facts are copied now, on this context's thread."""
        actor, request_id, meta, tz_offset, params = (
            self.actor,
            self.request_id,
            dict(self.meta),
            self.tz_offset,
            self.params,
        )
        shared = {
            key: value
            for key, value in self.memo.items()
            if key in REQUEST_WIDE_MEMO or value is None or type(value) in _PLAIN
        }

        def make(conn: Connection) -> Context:
            return Context(
                conn=conn,
                actor=actor,
                request_id=request_id,
                meta=meta,
                tz_offset=tz_offset,
                params=params,
                memo=dict(shared),
            )

        return make


# Memo entries a request sets once for its whole life and never changes (api/unit.run): the
# server's settings and the address the request reached it at.
REQUEST_WIDE_MEMO = ("settings", "base_url")
# Memo values that cannot refer to a connection.
_PLAIN = (int, float, str, bool)


@contextmanager
def first_rows(ctx: Context, reading_first: bool = True, order: Sequence[Any] = ()) -> Iterator[None]:
    """Compile a page's condition (see `Context.first_rows`), read in `order` (ORDER BY terms);
    `reading_first=False` for a part of it that is read whole whatever the page (the list of a
    lead's matching contacts)."""
    previous = ctx.first_rows, ctx.page_order
    ctx.first_rows, ctx.page_order = reading_first, tuple(order) if reading_first else ()
    try:
        yield
    finally:
        ctx.first_rows, ctx.page_order = previous
