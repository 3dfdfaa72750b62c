"""Statuses, member names and field definitions come from the process cache while current.

A warm lead GET reads the settings version, the lead, its contacts, its opportunities and its open
tasks, nothing else; a change made by anyone (another process, `leadbase load`, a hand-written
UPDATE) replaces the version in its own transaction, through a trigger, so the next request of every
process sees it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert, update

from leadbase.core import clock
from leadbase.db.models import lead_status, membership, user
from leadbase.db.orgcache import CACHE
from tests.support import Api, count_statements


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_warm_lead_get_reads_the_version_the_lead_its_contacts_opportunities_and_tasks(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}, {"name": "Bob"}]})
    api.ok("GET", f"lead/{lead['id']}/")
    with count_statements(api.engine) as statements:
        body = api.ok("GET", f"lead/{lead['id']}/")
    assert body["status_label"] == "Potential"
    assert body["created_by_name"]
    selects = _selects(statements.statements)
    # ... and its recent calls (one query for the lead and its contacts).
    assert len(selects) == 6, selects
    assert len([s for s in selects if "FROM activity" in s]) == 1
    assert len([s for s in selects if "settings_version" in s]) == 1
    assert not [s for s in selects if "lead_status" in s or "app_user" in s or "integration_link" in s]


def test_a_status_renamed_behind_the_api_is_seen_on_the_next_request(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert api.ok("GET", f"lead/{lead['id']}/")["status_label"] == "Potential"
    with api.engine.begin() as conn:
        renamed = update(lead_status).where(lead_status.c.id == lead["status_id"]).values(label="Prospect")
        conn.execute(renamed)
    assert api.ok("GET", f"lead/{lead['id']}/")["status_label"] == "Prospect"


def test_a_status_written_through_the_api_is_usable_at_once(api: Api) -> None:
    api.ok("GET", "lead/")
    status = api.ok("POST", "status/lead/", json={"label": "Hot"})
    lead = api.ok("POST", "lead/", json={"name": "Acme", "status": "Hot"})
    assert lead["status_id"] == status["id"]
    api.ok("PUT", f"status/lead/{status['id']}/", json={"label": "Very hot"})
    assert api.ok("GET", f"lead/{lead['id']}/")["status_label"] == "Very hot"


def test_a_member_renamed_behind_the_api_is_seen_on_the_next_request(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    api.ok("GET", f"lead/{lead['id']}/")
    with api.engine.begin() as conn:
        renamed = update(user).where(user.c.id == api.org.user_id).values(first_name="Ann", last_name="Lee")
        conn.execute(renamed)
    assert api.ok("GET", f"lead/{lead['id']}/")["created_by_name"] == "Ann Lee"


def test_a_new_membership_replaces_the_version(api: Api) -> None:
    api.ok("GET", "lead/")
    before = dict(CACHE._entries)
    now = clock.now()
    # Users are shared by every organization of the test database: a fresh id and address.
    user_id = f"user_{uuid.uuid4().hex}"
    with api.engine.begin() as conn:
        conn.execute(
            insert(user).values(id=user_id, email=f"{user_id}@acme.test", date_created=now, date_updated=now)
        )
        conn.execute(
            insert(membership).values(
                organization_id=api.org.organization_id,
                id=f"memb_{uuid.uuid4().hex}",
                user_id=user_id,
                role_id="user",
                date_created=now,
                date_updated=now,
            )
        )
    api.ok("GET", "lead/")
    key = (api.org.organization_id, "lead_statuses")
    assert key in before
    assert CACHE._entries[key][0] != before[key][0]


def test_a_cleared_cache_reloads(api: Api) -> None:
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    CACHE.clear()
    assert api.ok("GET", f"lead/{lead['id']}/")["status_label"] == "Potential"
