"""SMS templates: 201/204, status instead of an archive flag, owned_by, the same tags and rights."""

from __future__ import annotations

from collections.abc import Callable

from leadbase.db.context import Actor, Context
from leadbase.resources.merge_tags import render, template_names
from tests.support import Api, error_of, validation_errors


def test_create_read_update_delete(api: Api) -> None:
    response = api.post(
        "sms_template/", json={"name": "Ping", "text": "Hi {{ contact.first_name|default:'there' }}"}
    )
    assert response.status_code == 201
    template = response.json()
    assert response.headers["location"].endswith(f"/api/v1/sms_template/{template['id']}/")
    assert template["id"].startswith("smstmpl_")
    assert (template["status"], template["is_shared"], template["attachments"]) == ("active", False, [])
    assert template["owned_by"] == template["created_by"] == api.org.user_id
    assert api.ok("GET", f"sms_template/{template['id']}/") == template
    archived = api.ok("PUT", f"sms_template/{template['id']}/", json={"status": "archived"})
    assert archived["status"] == "archived"
    assert api.ok("GET", "sms_template/")["data"] == [archived]
    response = api.delete(f"sms_template/{template['id']}/")
    assert (response.status_code, response.content) == (204, b"")
    error_of(api.get(f"sms_template/{template['id']}/"), 404)


def test_bad_bodies(api: Api) -> None:
    errors = validation_errors(api.post("sms_template/", json={"text": "{% for x in lead %}{% endfor %}"}))
    assert set(errors) == {"name", "text"}
    template = api.ok("POST", "sms_template/", 201, json={"name": "T"})
    errors = validation_errors(api.put(f"sms_template/{template['id']}/", json={"status": "gone", "text": 5}))
    assert set(errors) == {"status", "text"}
    assert api.ok("GET", f"sms_template/{template['id']}/") == template


def test_rights_and_isolation(api: Api, make_api: Callable[..., Api]) -> None:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    member = make_api(organization_name=name, role="user")
    shared = api.ok("POST", "sms_template/", 201, json={"name": "Team", "is_shared": True})
    private = api.ok("POST", "sms_template/", 201, json={"name": "Mine"})
    assert member.ok("GET", "sms_template/")["data"] == [shared]
    error_of(member.get(f"sms_template/{private['id']}/"), 404)
    error_of(member.put(f"sms_template/{shared['id']}/", json={"text": "x"}), 403)
    error_of(member.post("sms_template/", json={"name": "Team 2", "is_shared": True}), 403)
    stranger = make_api()
    assert stranger.ok("GET", "sms_template/")["data"] == []
    error_of(stranger.get(f"sms_template/{shared['id']}/"), 404)


def test_sending_can_render_a_text_for_a_contact(api: Api) -> None:
    """What sending will call: the same names and renderer as the email render endpoint."""
    lead = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Bo Diddley"}]})
    org = api.org
    with api.engine.connect() as conn:
        ctx = Context(conn=conn, actor=Actor(org.organization_id, org.user_id, None, "admin"))
        names = template_names(ctx, lead["id"], lead["contacts"][0]["id"])
        text = render("Hi {{ contact.first_name }} of {{ lead.name }} <3", names)
    assert text == "Hi Bo of Acme <3"
