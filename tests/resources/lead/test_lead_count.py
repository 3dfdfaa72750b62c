"""The unfiltered lead list's total comes from a count kept by triggers, never a count of the table."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete

from leadbase.db.models import activity, lead
from tests.support import Api, count_statements


def _total(api: Api) -> int:
    total: int = api.ok("GET", "lead/", params={"_limit": 0})["total_results"]
    return total


def test_the_whole_list_total_does_not_count_the_lead_table(api: Api) -> None:
    for n in range(3):
        api.ok("POST", "lead/", json={"name": f"Lead {n}"})
    with count_statements(api.engine) as statements:
        page = api.ok("GET", "lead/", params={"_limit": 1})
    assert page["total_results"] == 3
    assert not [s for s in statements.statements if "count(" in s.lower()]
    assert [s for s in statements.statements if "object_count" in s]


def test_the_kept_total_follows_creates_deletes_and_writes_behind_the_api(
    api: Api, make_api: Callable[..., Api]
) -> None:
    other = make_api()
    other.ok("POST", "lead/", json={"name": "Theirs"})
    ids = [api.ok("POST", "lead/", json={"name": f"Lead {n}"})["id"] for n in range(4)]
    assert _total(api) == 4
    api.ok("DELETE", f"lead/{ids[0]}/")
    assert _total(api) == 3
    with api.engine.begin() as conn:
        # Its Created activity first: activities hold a foreign key to their lead.
        conn.execute(delete(activity).where(activity.c.lead_id == ids[1]))
        conn.execute(delete(lead).where(lead.c.id == ids[1]))
    assert _total(api) == 2
    filtered = api.ok("GET", "lead/", params={"_limit": 0, "id": ids[2]})
    assert filtered["total_results"] == 1
    assert _total(other) == 1


def test_concurrent_creates_are_all_counted(api: Api) -> None:
    def create(n: int) -> None:
        api.ok("POST", "lead/", json={"name": f"Lead {n}"})

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(create, range(24)))
    assert _total(api) == 24
    assert len(api.ok("GET", "lead/", params={"_limit": 100})["data"]) == 24
