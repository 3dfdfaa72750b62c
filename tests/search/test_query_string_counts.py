"""GET /lead/?query=: the count conditions scripts send (`urls > 0`, `addresses > 1`,
`sms_messages > 0`), Advanced Filtering's `all_urls_count`, and `slice:i/n`."""

from __future__ import annotations

from typing import Any

from tests.search.helpers import field, id_set, of
from tests.support import Api, error_of

Obj = dict[str, Any]


def _names(api: Api, query: str, **params: Any) -> set[str]:
    page = api.ok("GET", "lead/", params={"query": query, "_limit": 200, **params})
    return {lead["name"] for lead in page["data"]}


def _world(api: Api) -> None:
    api.ok("POST", "lead/", json={"name": "Own url", "url": "https://acme.example.com"})
    api.ok(
        "POST",
        "lead/",
        json={
            "name": "Contact urls",
            "contacts": [
                {"name": "Ann", "urls": [{"url": "https://ann.example.com", "type": "url"}]},
                {"name": "Bob", "urls": [{"url": "https://bob.example.com", "type": "url"}]},
            ],
        },
    )
    api.ok(
        "POST",
        "lead/",
        json={
            "name": "Two addresses",
            "addresses": [{"city": "Lisbon", "country": "PT"}, {"city": "Porto", "country": "PT"}],
        },
    )
    api.ok("POST", "lead/", json={"name": "Nothing", "url": ""})


def test_url_and_address_counts(api: Api) -> None:
    _world(api)
    assert _names(api, "urls > 0") == {"Own url", "Contact urls"}
    assert _names(api, "urls > 1") == {"Contact urls"}
    assert _names(api, "urls = 0") == {"Two addresses", "Nothing"}
    assert _names(api, "addresses > 1") == {"Two addresses"}
    assert _names(api, "addresses_count >= 1 or urls >= 2") == {"Two addresses", "Contact urls"}
    urls = field("lead", "all_urls_count", {"type": "number_range", "gte": 2})
    assert len(id_set(api, of("lead", urls))) == 1


def test_sms_messages_count(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Texted"})
    api.ok("POST", "lead/", json={"name": "Quiet"})
    api.ok("POST", "activity/sms/", json={"lead_id": lead["id"], "text": "hi", "status": "draft"})
    assert _names(api, "sms_messages > 0") == {"Texted"}
    assert _names(api, "sms_messages = 0") == {"Quiet"}


def test_slices_split_the_leads_into_disjoint_parts(api: Api) -> None:
    for i in range(40):
        api.ok("POST", "lead/", json={"name": f"L{i}"})
    for parts in (1, 3, 7):
        seen: list[str] = []
        for i in range(1, parts + 1):
            page = api.ok("GET", "lead/", params={"query": f"sort:created slice:{i}/{parts}", "_limit": 200})
            seen.extend(lead["id"] for lead in page["data"])
        assert len(seen) == len(set(seen)) == 40
    # Counted alone, the slices add up to the whole.
    sizes = [
        api.ok("GET", "lead/", params={"query": f"slice:{i}/3", "_limit": 0})["total_results"]
        for i in (1, 2, 3)
    ]
    assert sum(sizes) == 40
    assert "slice" in error_of(api.get("lead/", params={"query": "slice:4/3"}), 400)["error"]
