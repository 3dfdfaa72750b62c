"""Issue 8, finding 9 (permission): lead statuses are organization settings; only admins create,
rename or delete them, as only admins reorder them through the organization."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from leadbase.resources.status.service import ADMINS_ONLY
from tests.support import Api, all_events, error_of


# Super users manage customizations (statuses among them), as in Close.
@pytest.mark.parametrize("role", ["user", "restricteduser"])
def test_non_admins_may_list_statuses_but_not_change_them(
    api: Api, make_api: Callable[..., Api], role: str
) -> None:
    spare = api.ok("POST", "status/lead/", json={"label": "Spare"})
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role=role)
    before = api.ok("GET", "status/lead/")["data"]
    events_before = len(all_events(api))
    assert member.ok("GET", "status/lead/")["data"] == before
    attempts = [
        member.post("status/lead/", json={"label": "Mine"}),
        member.put(f"status/lead/{spare['id']}/", json={"label": "Renamed"}),
        member.delete(f"status/lead/{spare['id']}/"),
    ]
    for response in attempts:
        assert error_of(response, 403) == {"error": ADMINS_ONLY}
    assert api.ok("GET", "status/lead/")["data"] == before
    assert len(all_events(api)) == events_before


def test_admins_still_manage_statuses(api: Api) -> None:
    made = api.ok("POST", "status/lead/", json={"label": "Mine"})
    assert api.ok("PUT", f"status/lead/{made['id']}/", json={"label": "Ours"})["label"] == "Ours"
    assert api.delete(f"status/lead/{made['id']}/").status_code in (200, 204)
