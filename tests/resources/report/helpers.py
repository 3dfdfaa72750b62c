"""What the report tests share: moments on a pinned clock, a second member, and independent
re-computations of what a report should say."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support import Api, Clock

Obj = dict[str, Any]
# A Monday: weeks start here.
T0 = datetime(2024, 3, 4, tzinfo=UTC)


def day(n: float, hour: int = 10) -> datetime:
    return T0 + timedelta(days=n, hours=hour)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def at(clock: Clock, moment: datetime) -> None:
    clock.set(moment)


def colleague(api: Api, make_api: Callable[..., Api]) -> Api:
    """A second member of the caller's organization."""
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role="user")


def lead_statuses(api: Api) -> dict[str, str]:
    """label -> id of the organization's lead statuses."""
    return {s["label"]: s["id"] for s in api.ok("GET", "status/lead/")["data"]}


class Timeline:
    """Objects' status histories as the test wrote them: (moment, object, old, new)."""

    def __init__(self) -> None:
        self.created: dict[str, tuple[datetime, str]] = {}
        self.changes: list[tuple[datetime, str, str, str]] = []

    def create(self, moment: datetime, oid: str, status: str) -> None:
        self.created[oid] = (moment, status)

    def change(self, moment: datetime, oid: str, old: str, new: str) -> None:
        self.changes.append((moment, oid, old, new))

    def status_at(self, oid: str, moment: datetime | None) -> str | None:
        born, status = self.created[oid]
        if moment is not None and born >= moment:
            return None
        for when, who, _old, new in sorted(self.changes):
            if who == oid and (moment is None or when < moment):
                status = new
        return status

    def inside(self, moment: datetime, start: datetime | None, end: datetime | None) -> bool:
        return (start is None or moment >= start) and (end is None or moment < end)

    def overview(self, status: str, start: datetime | None, end: datetime | None) -> Obj:
        ids = list(self.created)
        began = {o: self.status_at(o, start) if start is not None else None for o in ids}
        ended = {o: self.status_at(o, end) for o in ids}
        entered = {o for o, (m, s) in self.created.items() if s == status and self.inside(m, start, end)}
        entered |= {o for m, o, _old, new in self.changes if new == status and self.inside(m, start, end)}
        left = {o for m, o, old, _new in self.changes if old == status and self.inside(m, start, end)}
        out: Obj = {
            "ended": sum(1 for o in ids if ended[o] == status),
            "entered": len(entered),
            "left": len(left),
        }
        if start is not None:
            out["started"] = sum(1 for o in ids if began[o] == status)
            out["gained"] = sum(1 for o in ids if ended[o] == status and began[o] != status)
            out["lost"] = sum(1 for o in ids if began[o] == status and ended[o] != status)
            out["change"] = out["ended"] - out["started"]
        return out

    def transitions(self, start: datetime | None, end: datetime | None) -> dict[tuple[str | None, str], int]:
        moves: dict[tuple[str | None, str], set[str]] = {}
        for o, (m, s) in self.created.items():
            if self.inside(m, start, end):
                moves.setdefault((None, s), set()).add(o)
        for m, o, old, new in self.changes:
            if self.inside(m, start, end):
                moves.setdefault((old, new), set()).add(o)
        return {k: len(v) for k, v in moves.items()}

    def summary(self, start: datetime | None, end: datetime | None) -> dict[tuple[str | None, str], int]:
        out: dict[tuple[str | None, str], int] = {}
        for o, (m, _s) in self.created.items():
            moved = self.inside(m, start, end) or any(
                who == o and self.inside(when, start, end) for when, who, _a, _b in self.changes
            )
            before = self.status_at(o, start) if start is not None else None
            after = self.status_at(o, end)
            if moved and after is not None and before != after:
                out[(before, after)] = out.get((before, after), 0) + 1
        return out
