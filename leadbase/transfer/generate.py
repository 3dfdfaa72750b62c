"""`leadbase seed --generate N`: N realistic leads, the same for the same random seed."""

from __future__ import annotations

import random
from typing import Any

from leadbase.transfer.document import Document

COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Soylent")
SUFFIXES = ("Inc", "LLC", "Labs", "Group", "Systems", "Partners")
FIRST = ("Ann", "Bob", "Carla", "Dev", "Eve", "Farid", "Grace", "Hiro", "Ines", "Jon", "Kofi", "Lena")
LAST = ("Smith", "Okafor", "Garcia", "Chen", "Novak", "Silva", "Muller", "Haddad", "Kim", "Rossi")
TITLES = ("CEO", "CTO", "Head of Sales", "Buyer", "Office Manager", "Engineer")
STATUSES = ("Potential", "Bad Fit", "Qualified", "Customer")
INDUSTRIES = ("Software", "Manufacturing", "Retail", "Health", "Finance")
NOTES = ("Called, left a voicemail.", "Asked for pricing.", "Demo went well.", "Wants a follow-up in Q2.")
TASKS = ("Send the proposal", "Call back", "Book a demo", "Check the contract")

CONFIGURATION: Document = {
    "lead_statuses": list(STATUSES),
    "custom_fields": {
        "lead": [
            {
                "name": "Industry",
                "type": "choices",
                "choices": list(INDUSTRIES),
                "accepts_multiple_values": False,
            },
            {"name": "Employees", "type": "number", "accepts_multiple_values": False},
        ],
        "contact": [{"name": "Birthday", "type": "date", "accepts_multiple_values": False}],
        "opportunity": [{"name": "Source", "type": "text", "accepts_multiple_values": False}],
    },
}


def _lead(rng: random.Random, number: int) -> dict[str, Any]:
    company = f"{rng.choice(COMPANIES)} {rng.choice(SUFFIXES)} {number}"
    domain = company.lower().replace(" ", "-") + ".example.com"
    contacts = []
    for _ in range(rng.randint(1, 3)):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        contact: dict[str, Any] = {
            "name": f"{first} {last}",
            "title": rng.choice(TITLES),
            "emails": [{"email": f"{first.lower()}.{last.lower()}@{domain}", "type": "office"}],
            "custom": {
                "Birthday": f"19{rng.randint(60, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            },
        }
        if rng.random() < 0.5:
            contact["phones"] = [{"phone": f"+1415555{rng.randint(0, 9999):04d}", "type": "office"}]
        contacts.append(contact)
    lead: dict[str, Any] = {
        "name": company,
        "status": rng.choice(STATUSES),
        "url": f"https://{domain}",
        "custom": {"Industry": rng.choice(INDUSTRIES), "Employees": rng.randint(2, 5000)},
        "contacts": contacts,
    }
    if rng.random() < 0.4:
        lead["opportunities"] = [
            {
                "status": "Active",
                "value": rng.randint(10, 500) * 100,
                "value_period": rng.choice(("one_time", "monthly", "annual")),
                "confidence": rng.choice((10, 25, 50, 75)),
                "custom": {"Source": rng.choice(("Referral", "Website", "Event"))},
            }
        ]
    if rng.random() < 0.5:
        lead["notes"] = [{"note": rng.choice(NOTES)}]
    if rng.random() < 0.3:
        lead["tasks"] = [
            {"text": rng.choice(TASKS), "date": f"2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}
        ]
    return lead


def generate_document(count: int, seed: int = 1) -> Document:
    rng = random.Random(seed)
    return {**CONFIGURATION, "leads": [_lead(rng, number) for number in range(1, count + 1)]}
