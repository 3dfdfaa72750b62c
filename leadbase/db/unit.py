"""The unit of work: writes register the objects they touch; each is recorded once at the end.

A write never records its own event. It tells the unit what it is about to do to an
object (`created`, `changing`, `deleted`, `touch` for an object that changes through a
dependant, `watch` for objects that may change through shared data), and when the
outermost operation ends the unit renders every object it knows once, diffs it against
the representation it had before the unit first saw it, and writes one event per object,
in the order the objects were first registered, except that an object comes after the
objects inside it (its contacts before a lead), in the same transaction.

So a lead created with two contacts is three events; a contact posted without a lead
makes one `created` event for the new lead, already holding its contact; a lead deleted
with its contacts is recorded as deleted, not also as updated by each contact leaving it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leadbase.db import observers
from leadbase.db.repository import Repository, Row, diff

if TYPE_CHECKING:
    from leadbase.db.context import Context
    from leadbase.db.resource import ResourceSpec

Key = tuple[str, str]


@dataclass
class Entry:
    """One object the unit knows: its latest row and what it looked like before."""

    spec: ResourceSpec
    row: Row
    # The public representation before this unit changed it; None for an object it created.
    before: dict[str, Any] | None
    deleted: bool = False
    changed: bool = False
    # Changed through a dependant (a contact joining a lead): its date_updated moves at the end.
    touched: bool = False
    # May have changed through shared data (a field shown by a type): recorded only if it did.
    watched: bool = False
    # Read FOR UPDATE (PostgreSQL) or created by this unit: safe to compute a change from.
    locked: bool = False
    # An action recorded before the object's own event, with its final representation (a lead
    # merge: `merged` on the destination, then its `updated`).
    announced: str | None = None
    # Actions recorded after the object's own event, in order (a meeting `created` then
    # `scheduled`, a task `updated` then `completed`).
    follows: list[str] = field(default_factory=list)


class UnitOfWork:
    """Collects the objects one request writes and records each one's event once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.repo = Repository(ctx)
        self.entries: dict[Key, Entry] = {}
        self.rendered: dict[Key, dict[str, Any]] = {}
        self.depth = 0

    @contextmanager
    def operation(self) -> Iterator[None]:
        """One write; the outermost one records every event once it has succeeded."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if self.depth == 0:
            self.flush()

    # ---- registering ---------------------------------------------------------------------

    def created(self, spec: ResourceSpec, row: Row) -> None:
        self.entries[(spec.path, row["id"])] = Entry(spec, row, before=None, locked=True)

    def changing(self, spec: ResourceSpec, row: Row) -> Row:
        """Remember how an object looks before it changes; the row to change (locked, fresh).

        On PostgreSQL the row is read again FOR UPDATE, so what is recorded as the state
        before is the state the last committed write left, not a read that raced it.
        """
        key = (spec.path, row["id"])
        postgres = self.ctx.conn.dialect.name == "postgresql"
        entry = self.entries.get(key)
        if entry is not None:
            if not entry.locked and postgres:
                # Only watched so far (read without a lock): lock it now, so that what hangs off
                # it is listed after any concurrent write to it has committed. Its `before`
                # stays as first seen: this request may already have changed what it shows.
                entry.row = self.repo.find(spec, row["id"], lock=True) or entry.row
            entry.locked = True
            return entry.row
        if postgres:
            row = self.repo.find(spec, row["id"], lock=True) or row
        before = self._render(spec, [row])[0]
        self.entries[key] = Entry(spec, row, before=before, locked=True)
        return row

    def seen(self, spec: ResourceSpec, row: Row, before: dict[str, Any]) -> None:
        """Like `changing`, with the representation already rendered (batched by the caller)."""
        key = (spec.path, row["id"])
        if key not in self.entries:
            self.entries[key] = Entry(spec, row, before=before)

    def changed(self, spec: ResourceSpec, row: Row) -> None:
        entry = self._entry(spec, row)
        entry.row = row
        entry.changed = True

    def deleted(self, spec: ResourceSpec, row: Row) -> None:
        self._entry(spec, row).deleted = True

    def announce(self, spec: ResourceSpec, row: Row, action: str, *, first: bool = True) -> None:
        """Record `action` for the object with its final representation, beside its own event.

        `first`: ahead of every other event of this unit, for an action that explains the
        changes after it (a lead merge is `merged` on the destination, followed by the updates
        and deletions it caused). Otherwise right after the object's own event, for an action a
        change reached (a task's `updated` then `completed`); once per action and object.
        """
        entry = self._entry(spec, row)
        if first:
            entry.announced = action
        elif action not in entry.follows:
            entry.follows.append(action)

    def holds(self, spec: ResourceSpec, object_id: str) -> bool:
        return (spec.path, object_id) in self.entries

    def touch_known(self, spec: ResourceSpec, object_id: str) -> None:
        """`touch` for an object this unit already holds (no read needed)."""
        self.entries[(spec.path, object_id)].touched = True

    def touch(self, spec: ResourceSpec, row: Row) -> None:
        """An object that changes through a dependant: call before the dependant changes."""
        self.changing(spec, row)
        self.entries[(spec.path, row["id"])].touched = True

    def watch(self, spec: ResourceSpec, rows: list[Row]) -> None:
        """Objects that may change through shared data: recorded at the end only if they did."""
        new = [r for r in rows if (spec.path, r["id"]) not in self.entries]
        for row, data in zip(new, self._render(spec, new), strict=True):
            self.entries[(spec.path, row["id"])] = Entry(spec, row, before=data, watched=True)

    def _entry(self, spec: ResourceSpec, row: Row) -> Entry:
        key = (spec.path, row["id"])
        if key not in self.entries:
            self.changing(spec, row)
        return self.entries[key]

    # ---- the end -------------------------------------------------------------------------

    def result(self, spec: ResourceSpec, row: Row) -> dict[str, Any]:
        """The representation of an object this unit wrote, as its event recorded it."""
        data = self.rendered.get((spec.path, row["id"]))
        return data if data is not None else self._render(spec, [row])[0]

    def flush(self) -> None:
        entries = list(self.entries.values())
        self.entries = {}
        self._refresh_watched(entries)
        for entry in entries:
            if entry.touched and not entry.deleted and entry.before is not None:
                entry.row = self.repo.update_row(
                    entry.spec, entry.row, {"updated_by": self.ctx.actor.user_id}
                )
        live = [e for e in entries if not e.deleted and (e.before is None or e.changed or e.touched)]
        self._render_entries(live)
        for entry in entries:
            if entry.before is not None and not entry.deleted and entry not in live:
                self.rendered[(entry.spec.path, entry.row["id"])] = entry.before
        events: list[Row] = []
        for entry in entries:
            if entry.announced is not None and not entry.deleted:
                after = self.rendered.get((entry.spec.path, entry.row["id"]))
                announced = self.repo.event_row(
                    entry.spec, entry.row, entry.announced, data=after, previous_data={}
                )
                if announced is not None:
                    events.append(announced)
        for entry in _inside_out(entries):
            event = self._event(entry)
            if event is not None:
                events.append(event)
            if entry.follows and not entry.deleted:
                after = self.rendered.get((entry.spec.path, entry.row["id"]))
                for action in entry.follows:
                    followed = self.repo.event_row(
                        entry.spec, entry.row, action, data=after, previous_data={}
                    )
                    if followed is not None:
                        events.append(followed)
        self.repo.record_rows(events)
        # Features that follow these writes (db/observers.py) react in the same transaction.
        observers.notify(self.ctx, events)

    def _refresh_watched(self, entries: list[Entry]) -> None:
        """Watched objects that now look different are touched; the rest drop out."""
        watched = [e for e in entries if e.watched and not (e.changed or e.touched or e.deleted)]
        by_spec: dict[str, list[Entry]] = {}
        for entry in watched:
            by_spec.setdefault(entry.spec.path, []).append(entry)
        for group in by_spec.values():
            spec = group[0].spec
            rows = self.repo.find_many(spec, [e.row["id"] for e in group])
            present = [e for e in group if e.row["id"] in rows]
            for entry in group:
                if entry.row["id"] not in rows:
                    entry.before = None
                    entry.deleted = True
            if not present:
                continue
            now = self._render(spec, [rows[e.row["id"]] for e in present])
            for entry, data in zip(present, now, strict=True):
                entry.row = rows[entry.row["id"]]
                entry.touched = data != entry.before

    def _render_entries(self, entries: list[Entry]) -> None:
        by_spec: dict[str, list[Entry]] = {}
        for entry in entries:
            by_spec.setdefault(entry.spec.path, []).append(entry)
        for group in by_spec.values():
            rendered = self._render(group[0].spec, [e.row for e in group])
            for entry, data in zip(group, rendered, strict=True):
                self.rendered[(entry.spec.path, entry.row["id"])] = data

    def _event(self, entry: Entry) -> Row | None:
        spec, row = entry.spec, entry.row
        if entry.deleted:
            if entry.before is None:
                return None  # made and unmade in one request: nothing anyone saw
            return self.repo.event_row(spec, row, "deleted", data=None, previous_data=entry.before)
        after = self.rendered.get((spec.path, row["id"]))
        if after is None:
            return None
        if entry.before is None:
            return self.repo.event_row(spec, row, "created", data=after, previous_data={})
        changed = diff(entry.before, after)
        if spec.fields is not None and spec.fields.volatile:
            changed = [name for name in changed if name not in spec.fields.volatile]
        if not changed:
            return None
        previous = {k: entry.before.get(k) for k in changed}
        return self.repo.event_row(
            spec, row, "updated", data=after, previous_data=previous, changed_fields=changed
        )

    def _render(self, spec: ResourceSpec, rows: list[Row]) -> list[dict[str, Any]]:
        if not rows:
            return []
        rendered: list[dict[str, Any]] = spec.service(self.ctx, spec).render(rows)
        return rendered


def _inside_out(entries: list[Entry]) -> list[Entry]:
    """Entries in registration order, each after the entries that declare it their parent.

    A reader replaying the log then meets the contacts before the lead that lists them,
    and a lead's deletion after its contacts'.
    """
    known = {(e.spec.path, e.row["id"]) for e in entries}
    inside: dict[Key, list[Entry]] = {}
    for entry in entries:
        for parent in entry.spec.parents:
            key = (parent.path, entry.row.get(parent.column))
            if key in known:
                inside.setdefault(key, []).append(entry)
    ordered: list[Entry] = []
    seen: set[Key] = set()

    def visit(entry: Entry) -> None:
        key = (entry.spec.path, entry.row["id"])
        if key in seen:
            return
        seen.add(key)
        for child in inside.get(key, []):
            visit(child)
        ordered.append(entry)

    # Objects that changed through shared data come after the writes that changed them.
    for entry in [e for e in entries if not e.watched] + [e for e in entries if e.watched]:
        visit(entry)
    return ordered
