"""Microbenchmark: validate and render a lead with two contacts and five custom values.

Compares the plain declaration classes (leadbase.db.fields) with pydantic v2 and, when it
is installed, msgspec, on the same body. Run: python -m bench.fields_micro [repeats].
Prints microseconds per validate+render; the figures go to bench/PROFILE.md.
"""

from __future__ import annotations

import sys
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from leadbase.db.fields import DATETIME, ID, OBJECT, TEXT, Field, Fields, list_of, obj, shown

ADDRESS = obj(label={"type": "string"}, city={"type": "string"})
LEAD = Fields(
    (
        shown("id"),
        Field("name", TEXT),
        Field("description", TEXT, default=""),
        Field("url", TEXT),
        Field("status_id", ID),
        Field("addresses", list_of(ADDRESS), default=list),
        shown("custom", OBJECT, computed=True),
        shown("date_created", DATETIME),
    )
)
CONTACT = Fields(
    (
        shown("id"),
        Field("name", TEXT),
        Field("title", TEXT),
        Field("emails", list_of(obj(email={"type": "string"})), default=list),
        Field("phones", list_of(obj(phone={"type": "string"})), default=list),
        shown("date_created", DATETIME),
    )
)
BODY: dict[str, Any] = {
    "name": "Acme",
    "description": "A company",
    "url": "https://acme.example",
    "status_id": "stat_1",
    "addresses": [{"label": "business", "city": "Austin"}],
    "contacts": [
        {
            "name": "Ann",
            "title": "CEO",
            "emails": [{"email": "ann@acme.example"}],
            "phones": [{"phone": "+1"}],
        },
        {"name": "Bob", "title": "CTO", "emails": [{"email": "bob@acme.example"}], "phones": []},
    ],
    **{f"custom.cf_{n}": f"value {n}" for n in range(5)},
}
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def plain() -> dict[str, Any]:
    values = LEAD.clean(BODY, creating=True)
    contacts = [CONTACT.clean(c, creating=True) for c in BODY["contacts"]]
    custom = {k: v for k, v in BODY.items() if k.startswith("custom.")}
    row = {**values, "id": "lead_1", "date_created": NOW}
    out = LEAD.render(row, lambda _f, _r: {})
    out["contacts"] = [
        CONTACT.render({**c, "id": f"cont_{i}", "date_created": NOW}) for i, c in enumerate(contacts)
    ]
    out.update(custom)
    return out


class PAddress(BaseModel):
    label: str | None = None
    city: str | None = None


class PContact(BaseModel):
    id: str | None = None
    name: str | None = None
    title: str | None = None
    emails: list[dict[str, str]] = []
    phones: list[dict[str, str]] = []
    date_created: datetime | None = None


class PLead(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None = None
    name: str | None = None
    description: str = ""
    url: str | None = None
    status_id: str | None = None
    addresses: list[PAddress] = []
    contacts: list[PContact] = []
    date_created: datetime | None = None


def with_pydantic() -> dict[str, Any]:
    lead = PLead.model_validate(BODY)
    lead.id, lead.date_created = "lead_1", NOW
    for i, contact in enumerate(lead.contacts):
        contact.id, contact.date_created = f"cont_{i}", NOW
    return lead.model_dump(mode="json")


try:  # not a dependency of leadbase: measured when installed
    import msgspec
except ImportError:  # pragma: no cover
    msgspec = None  # type: ignore[assignment]

if msgspec is not None:

    class MAddress(msgspec.Struct):
        label: str | None = None
        city: str | None = None

    class MContact(msgspec.Struct):
        id: str | None = None
        name: str | None = None
        title: str | None = None
        emails: list[dict[str, str]] = []
        phones: list[dict[str, str]] = []
        date_created: datetime | None = None

    class MLead(msgspec.Struct):
        id: str | None = None
        name: str | None = None
        description: str = ""
        url: str | None = None
        status_id: str | None = None
        addresses: list[MAddress] = []
        contacts: list[MContact] = []
        date_created: datetime | None = None


def with_msgspec() -> Any:
    lead = msgspec.convert(BODY, type=MLead)
    lead.id, lead.date_created = "lead_1", NOW
    for i, contact in enumerate(lead.contacts):
        contact.id, contact.date_created = f"cont_{i}", NOW
    out = msgspec.to_builtins(lead)
    # msgspec drops unknown keys: custom values have to be carried over by hand.
    out.update({k: v for k, v in BODY.items() if k.startswith("custom.")})
    return out


def main(argv: list[str]) -> int:
    repeats = int(argv[0]) if argv else 20_000
    runners: dict[str, Callable[[], Any]] = {"plain declarations": plain, "pydantic v2": with_pydantic}
    if msgspec is not None:
        runners["msgspec"] = with_msgspec
    for name, run in runners.items():
        best = min(timeit.repeat(run, number=repeats, repeat=5)) / repeats
        print(f"{name:20s} {best * 1e6:7.1f} µs per validate + render")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
