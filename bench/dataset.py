"""The data set: deterministic, seeded bodies in the shape of Close's POST requests.

Every organization gets the same ten lead custom fields (mixed types) and, where leadbase has
them, a custom object type with three fields. Leads carry 1-3 contacts (2 on average), an
address and values for the ten fields; about 30% of leads get a custom object. The same seed
gives the same bodies; the ids are leadbase's own.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

SEED = 20261128
START = datetime(2023, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)

PREFIXES = [
    "Ac",
    "Al",
    "Am",
    "An",
    "Ar",
    "As",
    "Au",
    "Ba",
    "Be",
    "Bi",
    "Bo",
    "Br",
    "Ca",
    "Ce",
    "Ch",
    "Cl",
    "Co",
    "Cr",
    "Cy",
    "Da",
    "De",
    "Di",
    "Do",
    "Dr",
    "Ea",
    "El",
    "Em",
    "En",
    "Ev",
    "Fa",
    "Fe",
    "Fi",
    "Fl",
    "Fo",
    "Fr",
    "Ga",
    "Ge",
    "Gl",
    "Go",
    "Gr",
    "Ha",
    "He",
    "Hi",
    "Ho",
    "Hy",
    "Ic",
    "Im",
    "In",
    "Ir",
    "Ja",
    "Je",
    "Jo",
    "Ka",
    "Ke",
    "Ki",
    "Kr",
    "La",
    "Le",
    "Li",
    "Lo",
    "Lu",
    "Ma",
    "Me",
    "Mi",
    "Mo",
    "Mu",
    "Na",
    "Ne",
    "Ni",
    "No",
    "Nu",
    "Oa",
    "Ob",
    "Oc",
    "Ol",
    "Om",
    "On",
    "Or",
    "Pa",
    "Pe",
    "Ph",
    "Pi",
    "Pl",
    "Po",
    "Pr",
    "Qu",
    "Ra",
    "Re",
    "Ri",
    "Ro",
    "Ru",
    "Sa",
    "Sc",
    "Se",
    "Sh",
    "Si",
    "Sk",
    "Sl",
    "So",
    "Sp",
    "St",
    "Su",
    "Sy",
    "Ta",
    "Te",
    "Th",
    "Ti",
    "To",
    "Tr",
    "Tu",
    "Ul",
    "Un",
    "Up",
    "Ur",
    "Va",
    "Ve",
    "Vi",
    "Vo",
    "Wa",
    "We",
    "Wi",
    "Wo",
    "Xa",
    "Xe",
    "Ya",
    "Ye",
    "Yo",
    "Za",
    "Ze",
    "Zi",
    "Zo",
]
STEMS = [
    "ron",
    "lix",
    "vana",
    "tera",
    "mont",
    "cast",
    "dex",
    "wave",
    "line",
    "core",
    "path",
    "gate",
    "nova",
    "mark",
    "field",
    "stone",
    "bright",
]
KINDS = [
    "Labs",
    "Inc",
    "Group",
    "Systems",
    "Partners",
    "Works",
    "Health",
    "Logistics",
    "Foods",
    "Capital",
    "Energy",
    "Studio",
]
INDUSTRIES = [
    "Fintech",
    "Healthcare",
    "Retail",
    "Logistics",
    "Manufacturing",
    "Education",
    "Media",
    "Energy",
    "Agriculture",
    "Hospitality",
    "Construction",
    "Software",
]
TAGS = [
    "enterprise",
    "smb",
    "partner",
    "reseller",
    "churn-risk",
    "upsell",
    "inbound",
    "outbound",
    "event",
    "referral",
]
REGIONS = ["North", "South", "East", "West", "Central", "Pacific", "Atlantic", "Mountain"]
TITLES = ["CEO", "CTO", "VP", "Sales", "Head", "of", "Ops", "Engineer", "Buyer", "Founder", "Director"]
FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dan",
    "Eve",
    "Finn",
    "Gia",
    "Hugo",
    "Ivy",
    "Jon",
    "Kai",
    "Lea",
    "Max",
    "Nia",
    "Oli",
    "Pia",
    "Rex",
    "Sia",
    "Tom",
    "Uma",
]
LAST = [
    "Ng",
    "Kim",
    "Diaz",
    "Berg",
    "Okafor",
    "Rossi",
    "Novak",
    "Silva",
    "Khan",
    "Meyer",
    "Dubois",
    "Sato",
    "Lund",
    "Costa",
    "Ruiz",
    "Park",
]
SHARED_DOMAINS = tuple(f"mail{k}.example" for k in range(50))
STATUS_LABELS = ("Potential", "Bad Fit", "Qualified", "Customer")
# What notes talk about (one per note, in turn): a full-text term finds a share of the leads.
NOTE_WORDS = ("pricing", "renewal", "onboarding", "integration", "security review", "budget", "pilot")

# (name, type, extra definition keys): the ten lead custom fields.
LEAD_FIELDS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("Industry", "choices", {"choices": list(INDUSTRIES)}),
    ("Tags", "choices", {"choices": list(TAGS), "accepts_multiple_values": True}),
    ("Revenue", "number", {}),
    ("Employees", "number", {}),
    ("Score", "number", {}),
    ("Founded", "date", {}),
    ("Last touch", "datetime", {}),
    ("Region", "text", {}),
    ("Account code", "text", {}),
    ("Background", "hidden", {}),
)
# The five values a write carries.
WRITE_FIELDS = ("Industry", "Tags", "Revenue", "Founded", "Region")
OBJECT_TYPE = {"name": "Subscription", "name_plural": "Subscriptions", "description": "A paid plan."}
PLANS = ("Starter", "Growth", "Scale", "Enterprise")
OBJECT_FIELDS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("Plan", "choices", {"choices": list(PLANS)}),
    ("Seats", "number", {}),
    ("Renews", "date", {}),
)


@dataclass
class Schema:
    """Ids of the custom fields and custom object type of one organization (empty when absent)."""

    lead_fields: dict[str, str] = field(default_factory=dict)
    object_type_id: str | None = None
    object_fields: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "lead_fields": self.lead_fields,
            "object_type_id": self.object_type_id,
            "object_fields": self.object_fields,
        }


def _lead_value(name: str, rng: random.Random, when: datetime) -> Any:
    if name == "Industry":
        return rng.choice(INDUSTRIES)
    if name == "Tags":
        return rng.sample(TAGS, rng.randint(1, 3))
    if name == "Revenue":
        return rng.randrange(0, 10_000_000)
    if name == "Employees":
        return rng.randrange(1, 5000)
    if name == "Score":
        return round(rng.random() * 100, 2)
    if name == "Founded":
        return (datetime(1950, 1, 1) + timedelta(days=rng.randrange(0, 27000))).date().isoformat()
    if name == "Last touch":
        return (when + timedelta(minutes=rng.randrange(0, 60 * 24 * 90))).isoformat()
    if name == "Region":
        return rng.choice(REGIONS)
    if name == "Account code":
        return f"AC-{rng.randrange(0, 10**8):08d}"
    return f"Met at {rng.choice(TAGS)} day; interested in {rng.choice(INDUSTRIES).lower()} tooling."


def _contact(rng: random.Random, domain: str) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    if rng.random() < 0.2:
        domain = rng.choice(SHARED_DOMAINS)
    return {
        "name": f"{first} {last}",
        "title": rng.choice(TITLES),
        "emails": [{"email": f"{first}.{last}{rng.randrange(100)}@{domain}".lower(), "type": "office"}],
        "phones": [{"phone": f"+1415{rng.randrange(2_000_000, 9_999_999)}", "type": "office"}],
    }


def lead_bodies(
    count: int, schema: Schema, *, seed: int = SEED, only_fields: tuple[str, ...] | None = None
) -> Iterator[dict[str, Any]]:
    """POST /lead/ bodies with contacts, an address and custom values, oldest first.

    `date_created` spreads the leads over three years (kept by the bulk loader's keep_dates,
    ignored by the API). `only_fields` limits the custom values to those names.
    """
    rng = random.Random(seed)
    step = SPAN / max(count, 1)
    names = only_fields if only_fields is not None else tuple(n for n, _, _ in LEAD_FIELDS)
    for index in range(count):
        when = START + step * index + timedelta(seconds=rng.random())
        stem = rng.choice(STEMS)
        name = f"{rng.choice(PREFIXES)}{stem} {rng.choice(KINDS)}"
        domain = f"{name.split()[0].lower()}{index % 997}.example"
        body: dict[str, Any] = {
            "name": name,
            "description": f"{rng.choice(INDUSTRIES)} company in the {rng.choice(REGIONS)} region.",
            "url": f"https://{domain}",
            "status": rng.choice(STATUS_LABELS),
            "addresses": [
                {
                    "label": "business",
                    "address_1": f"{rng.randrange(1, 999)} Main St",
                    "city": rng.choice(REGIONS) + "ville",
                    "state": "CA",
                    "zipcode": f"{rng.randrange(10000, 99999)}",
                    "country": "US",
                }
            ],
            "contacts": [_contact(rng, domain) for _ in range(rng.randint(1, 3))],
            "date_created": when.isoformat(),
        }
        for field_name in names:
            value = _lead_value(field_name, rng, when)
            field_id = schema.lead_fields.get(field_name)
            if field_id is not None:
                body[f"custom.{field_id}"] = value
        yield body


def write_bodies(count: int, schema: Schema, seed: int = SEED + 1) -> list[dict[str, Any]]:
    """POST /lead/ bodies for the write scenario: two contacts and five custom values each."""
    out: list[dict[str, Any]] = []
    for body in lead_bodies(count, schema, seed=seed, only_fields=WRITE_FIELDS):
        rng = random.Random(len(out))
        body["contacts"] = (body["contacts"] * 2)[:2] if len(body["contacts"]) < 2 else body["contacts"][:2]
        body["contacts"][1] = _contact(rng, "second.example")
        body.pop("date_created")
        out.append(body)
    return out


def object_body(lead_id: str, index: int, schema: Schema, rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {
        "custom_object_type_id": schema.object_type_id,
        "lead_id": lead_id,
        "name": f"Subscription {index}",
    }
    values = {
        "Plan": rng.choice(PLANS),
        "Seats": rng.randrange(1, 500),
        "Renews": (START + timedelta(days=rng.randrange(0, 1500))).date().isoformat(),
    }
    for name, value in values.items():
        field_id = schema.object_fields.get(name)
        if field_id is not None:
            body[f"custom.{field_id}"] = value
    return body


def wants_object(index: int, rng: random.Random) -> bool:
    """About 30% of leads have a custom object."""
    return rng.random() < 0.3
