"""Close's official client: an admin adds a member, gives them a custom role, and the member's
forbidden delete is refused while what the role allows works."""

from __future__ import annotations

from typing import Any

import pytest
from closeio_api import API, APIError

from tests.clients.live import bootstrap


def test_a_member_with_a_custom_role_is_refused_a_forbidden_delete(
    live_server: str, database_url: str
) -> None:
    admin_account: dict[str, Any] = bootstrap(database_url)
    admin = API(base_url=live_server + "/api/v1/", api_key=admin_account["api_key"])
    organization = admin.get(f"organization/{admin_account['organization_id']}")

    role = admin.post("role", {"name": "Callers", "permissions": ["view_all_leads", "calling"]})
    assert role["id"].startswith("role_") and role["editable"] is True
    added = admin.post("membership", {"email": "rep@acme.test", "role_id": "user"})
    assert added["user_email"] == "rep@acme.test"
    updated = admin.put(f"membership/{added['id']}", {"role_id": role["id"]})
    assert updated["permissions_granted"] == ["calling", "view_all_leads"]

    # The member gets a key of their own (Close has no API for that either); bootstrap keeps the
    # membership and gives its role back, so the admin sets the custom role again.
    member_account = bootstrap(
        database_url, organization=organization["name"], email="rep@acme.test", role="user"
    )
    assert member_account["user_id"] == added["user_id"]
    admin.put(f"membership/{added['id']}", {"role_id": role["id"]})
    member = API(base_url=live_server + "/api/v1/", api_key=member_account["api_key"])

    lead = member.post("lead", {"name": "Acme"})
    assert member.put(f"lead/{lead['id']}", {"description": "called"})["description"] == "called"
    with pytest.raises(APIError) as refused:
        member.delete(f"lead/{lead['id']}")
    assert refused.value.response.status_code == 403
    assert "error" in refused.value.response.json()
    assert admin.get(f"lead/{lead['id']}")["description"] == "called"

    admin.put(f"role/{role['id']}", {"permissions": ["view_all_leads", "delete_leads"]})
    assert member.delete(f"lead/{lead['id']}") == {}
