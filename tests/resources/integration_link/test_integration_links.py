"""Integration links: admin-only writes, and their URL templates filled in on leads."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api, error_of, validation_errors


def _member(api: Api, make_api: Callable[..., Api]) -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role="user")


def test_create_read_update_delete(api: Api) -> None:
    link = api.ok(
        "POST",
        "integration_link/",
        json={"name": "Search", "url": "https://search.example/?q={{ lead.display_name }}", "type": "lead"},
    )
    assert set(link) == {"id", "name", "url", "type", "organization_id"} | {
        "created_by", "updated_by", "date_created", "date_updated"
    }  # fmt: skip
    assert (link["name"], link["type"], link["created_by"]) == ("Search", "lead", api.org.user_id)
    assert api.ok("GET", f"integration_link/{link['id']}/") == link
    assert api.ok("GET", "integration_link/") == {"data": [link], "has_more": False}
    renamed = api.ok("PUT", f"integration_link/{link['id']}/", json={"name": "Find", "url": None})
    assert (renamed["name"], renamed["url"]) == ("Find", link["url"])
    assert api.ok("DELETE", f"integration_link/{link['id']}/") == {}
    error_of(api.get(f"integration_link/{link['id']}/"), 404)


def test_bad_bodies(api: Api) -> None:
    errors = validation_errors(api.post("integration_link/", json={"name": "", "type": "account"}))
    assert set(errors) == {"name", "url", "type"}
    errors = validation_errors(
        api.post(
            "integration_link/",
            json={"name": "Broken", "url": "https://x.example/{{ lead.id", "type": "lead"},
        )
    )
    assert set(errors) == {"url"}
    assert api.ok("GET", "integration_link/")["data"] == []


def test_only_admins_write(api: Api, make_api: Callable[..., Api]) -> None:
    member = _member(api, make_api)
    body = {"name": "CRM", "url": "https://crm.example/{{ lead.id }}", "type": "lead"}
    assert error_of(member.post("integration_link/", json=body), 403)["error"]
    link = api.ok("POST", "integration_link/", json=body)
    error_of(member.put(f"integration_link/{link['id']}/", json={"name": "Mine"}), 403)
    error_of(member.delete(f"integration_link/{link['id']}/"), 403)
    assert member.ok("GET", "integration_link/")["data"] == [link]


def test_leads_show_their_links_filled_in(api: Api, make_api: Callable[..., Api]) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Account", "type": "text"})
    api.ok(
        "POST",
        "integration_link/",
        json={"name": "Search", "url": "https://search.example/?q={{ lead.display_name }}", "type": "lead"},
    )
    api.ok(
        "POST",
        "integration_link/",
        json={
            "name": "Billing",
            "url": "https://billing.example/{{ lead['custom."
            + field["id"]
            + "'] }}/{{ lead.id }}{{ lead.nothing }}",
            "type": "lead",
        },
    )
    api.ok(
        "POST", "integration_link/", json={"name": "Person", "url": "https://p.example/", "type": "contact"}
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme & Sons", f"custom.{field['id']}": "A/42"})
    assert lead["integration_links"] == [
        {"name": "Search", "url": "https://search.example/?q=Acme%20%26%20Sons"},
        {"name": "Billing", "url": f"https://billing.example/A%2F42/{lead['id']}"},
    ]
    assert api.ok("GET", "lead/", params={"_fields": "id,integration_links"})["data"] == [
        {"id": lead["id"], "integration_links": lead["integration_links"]}
    ]
    # Another organization's links are not shown.
    stranger = make_api()
    assert stranger.ok("POST", "lead/", json={"name": "Other"})["integration_links"] == []
    error_of(stranger.get(f"integration_link/{api.ok('GET', 'integration_link/')['data'][0]['id']}/"), 404)


def test_a_template_cannot_reach_outside_the_object(api: Api) -> None:
    api.ok(
        "POST",
        "integration_link/",
        json={"name": "Sneaky", "url": "https://x.example/{{ lead.__class__.__mro__ }}", "type": "lead"},
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert "object" not in lead["integration_links"][0]["url"]


def test_links_come_from_the_process_cache_and_follow_changes(api: Api) -> None:
    from tests.support import count_statements

    link = api.ok(
        "POST", "integration_link/", json={"name": "A", "url": "https://a.example/", "type": "lead"}
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    api.ok("GET", f"lead/{lead['id']}/")
    with count_statements(api.engine) as statements:
        shown = api.ok("GET", f"lead/{lead['id']}/")["integration_links"]
    assert shown == [{"name": "A", "url": "https://a.example/"}]
    assert not [s for s in statements.statements if "integration_link" in s]
    api.ok("PUT", f"integration_link/{link['id']}/", json={"url": "https://b.example/{{ lead.name }}"})
    assert api.ok("GET", f"lead/{lead['id']}/")["integration_links"] == [
        {"name": "A", "url": "https://b.example/Acme"}
    ]
    api.ok("DELETE", f"integration_link/{link['id']}/")
    assert api.ok("GET", f"lead/{lead['id']}/")["integration_links"] == []


def test_opportunities_show_their_links(api: Api) -> None:
    api.ok(
        "POST",
        "integration_link/",
        json={"name": "Deal", "url": "https://deals.example/{{ opportunity.id }}", "type": "opportunity"},
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme"})
    assert lead["integration_links"] == []
    opportunity = api.ok("POST", "opportunity/", json={"lead_id": lead["id"]})
    assert opportunity["integration_links"] == [
        {"name": "Deal", "url": f"https://deals.example/{opportunity['id']}"}
    ]


def test_contacts_show_their_links(api: Api) -> None:
    api.ok(
        "POST",
        "integration_link/",
        json={
            "name": "Profile",
            "url": "https://people.example/find?q={{ contact.display_name }}",
            "type": "contact",
        },
    )
    lead = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann Lee"}]})
    (ann,) = lead["contacts"]
    assert ann["integration_links"] == [{"name": "Profile", "url": "https://people.example/find?q=Ann%20Lee"}]
    assert lead["integration_links"] == []
    assert api.ok("GET", f"contact/{ann['id']}/")["integration_links"] == ann["integration_links"]
