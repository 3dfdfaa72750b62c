"""Email templates: CRUD, visibility, sharing rights, tag checks and the render endpoint."""

from __future__ import annotations

from collections.abc import Callable

from tests.support import Api, error_of, validation_errors


def _member(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def test_create_read_update_delete(api: Api) -> None:
    template = api.ok(
        "POST",
        "email_template/",
        json={"name": " Intro ", "subject": "Hi {{ contact.first_name }}", "body": "<p>Hello</p>"},
    )
    assert set(template) == {
        "id", "name", "subject", "body", "is_shared", "is_archived", "attachments", "cc", "bcc",
        "used_by_sequences", "last_used_at", "last_used_by", "last_used_type",
        "organization_id", "created_by", "updated_by", "date_created", "date_updated",
    }  # fmt: skip
    assert (template["cc"], template["bcc"], template["last_used_at"]) == ([], [], None)
    assert template["id"].startswith("tmpl_")
    assert (template["name"], template["is_shared"], template["is_archived"]) == ("Intro", False, False)
    assert (template["attachments"], template["used_by_sequences"]) == ([], [])
    assert api.ok("GET", f"email_template/{template['id']}/") == template
    assert api.ok("GET", "email_template/") == {"data": [template], "has_more": False}
    copied = api.ok(
        "PUT",
        f"email_template/{template['id']}/",
        json={"cc": ["boss@acme.test", "boss@acme.test"], "bcc": None},
    )
    assert (copied["cc"], copied["bcc"]) == (["boss@acme.test"], [])
    bad = validation_errors(api.put(f"email_template/{template['id']}/", json={"cc": ["nobody"], "bcc": "x"}))
    assert set(bad) == {"cc", "bcc"}
    archived = api.ok("PUT", f"email_template/{template['id']}/", json={"is_archived": True})
    assert archived["is_archived"] is True
    assert api.ok("GET", "email_template/", params={"is_archived": "true"})["data"] == [archived]
    assert api.ok("GET", "email_template/", params={"is_archived": "false"})["data"] == []
    assert api.ok("DELETE", f"email_template/{template['id']}/") == {}
    error_of(api.get(f"email_template/{template['id']}/"), 404)


def test_bad_bodies_name_the_field_and_write_nothing(api: Api) -> None:
    errors = validation_errors(api.post("email_template/", json={"subject": 3, "is_shared": "yes"}))
    assert set(errors) == {"name", "subject", "is_shared"}
    errors = validation_errors(
        api.post("email_template/", json={"name": "T", "body": "<p>{{ contact.first_name </p>"})
    )
    assert set(errors) == {"body"}
    assert errors["body"].startswith("Line 1:")
    errors = validation_errors(
        api.post("email_template/", json={"name": "T", "subject": "x", "body": "a\n\n{{ customer.name }}"})
    )
    assert "Line 3" in errors["body"] and "customer" in errors["body"]
    errors = validation_errors(api.post("email_template/", json={"name": "T", "subject": "{{ lead.nope }}"}))
    assert "lead.nope" in errors["subject"]
    errors = validation_errors(api.post("email_template/", json={"name": "T", "attachments": [{"url": "x"}]}))
    assert set(errors) == {"attachments"}
    assert api.ok("GET", "email_template/")["data"] == []


def test_hostile_templates_are_refused(api: Api) -> None:
    hostile = [
        "{{ lead.__class__.__mro__ }}",
        "{{ lead._sa_instance_state }}",
        "{{ lead.name.upper() }}",
        "{% for x in lead.contacts %}{{ x }}{% endfor %}",
        "{{ 'a' * 1000000000 }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{% set x = lead %}{{ x }}",
        "{{ lead|attr('__class__') }}",
        "{{ lead[lead.name] }}",
        "{% include 'x' %}",
        "{{ range(100) }}",
        "{% macro m() %}{% endmacro %}",
    ]
    for text in hostile:
        errors = validation_errors(api.post("email_template/", json={"name": "Evil", "body": text}))
        assert set(errors) == {"body"}, text
    assert api.ok("GET", "email_template/")["data"] == []


def test_private_templates_belong_to_their_author(api: Api, make_api: Callable[..., Api]) -> None:
    member = _member(api, make_api)
    mine = member.ok("POST", "email_template/", json={"name": "Mine", "subject": "s"})
    shared = api.ok("POST", "email_template/", json={"name": "Team", "is_shared": True})
    admins_private = api.ok("POST", "email_template/", json={"name": "Admin's own"})
    assert [t["id"] for t in member.ok("GET", "email_template/")["data"]] == [mine["id"], shared["id"]]
    assert [t["id"] for t in member.ok("GET", "email_template/", params={"is_shared": "true"})["data"]] == [
        shared["id"]
    ]
    # Another member's private template is not there at all.
    error_of(member.get(f"email_template/{admins_private['id']}/"), 404)
    error_of(api.get(f"email_template/{mine['id']}/"), 404)
    error_of(member.delete(f"email_template/{admins_private['id']}/"), 404)
    # Shared templates: everyone reads them, only roles with manage_team_email_templates change them.
    assert member.ok("GET", f"email_template/{shared['id']}/") == shared
    error_of(member.put(f"email_template/{shared['id']}/", json={"name": "Hijacked"}), 403)
    error_of(member.delete(f"email_template/{shared['id']}/"), 403)
    error_of(member.post("email_template/", json={"name": "Team too", "is_shared": True}), 403)
    error_of(member.put(f"email_template/{mine['id']}/", json={"is_shared": True}), 403)
    assert (
        member.ok("PUT", f"email_template/{mine['id']}/", json={"name": "Still mine"})["name"] == "Still mine"
    )
    assert api.ok("GET", f"email_template/{shared['id']}/")["name"] == "Team"


def test_another_organization_sees_nothing(api: Api, make_api: Callable[..., Api]) -> None:
    template = api.ok("POST", "email_template/", json={"name": "Shared", "is_shared": True})
    stranger = make_api()
    assert stranger.ok("GET", "email_template/")["data"] == []
    error_of(stranger.get(f"email_template/{template['id']}/"), 404)
    error_of(stranger.get(f"email_template/{template['id']}/render/"), 404)
    error_of(stranger.put(f"email_template/{template['id']}/", json={"name": "x"}), 404)


def _lead(api: Api, name: str = "Acme & Sons", **extra: object) -> dict[str, object]:
    lead: dict[str, object] = api.ok(
        "POST",
        "lead/",
        json={
            "name": name,
            "contacts": [
                {"name": "Nobody"},
                {"name": "Ann Lee Smith", "emails": [{"email": "ann@acme.test"}], "phones": []},
            ],
            **extra,
        },
    )
    return lead


def test_render_fills_in_every_kind_of_variable(api: Api) -> None:
    field = api.ok("POST", "custom_field/lead/", json={"name": "Tier", "type": "text"})
    lead = _lead(api, **{f"custom.{field['id']}": "Gold <b>"})
    contact = lead["contacts"][1]  # type: ignore[index]
    me = api.ok("GET", "me/")
    organization = api.ok("GET", f"organization/{api.org.organization_id}/")
    template = api.ok(
        "POST",
        "email_template/",
        json={
            "name": "All",
            "subject": "{{ contact.first_name }}, {{ lead.display_name }} & {{ organization.name }}",
            "body": (
                "<p>{{ contact.last_name }} {{ contact.email }} {{ lead.custom.Tier }}"
                " {{ lead.custom." + field["id"] + " }} {{ lead['custom." + field["id"] + "'] }}"
                ' {{ user.first_name }} {{ contact.title|default:"friend" }}'
                " {{ lead.custom.Missing|default('none') }} {{ lead.name|upper }}</p>"
            ),
        },
    )
    rendered = api.ok(
        "GET",
        f"email_template/{template['id']}/render/",
        params={"lead_id": lead["id"], "contact_id": contact["id"]},
    )
    assert rendered == {
        "subject": f"Ann, Acme & Sons & {organization['name']}",
        # The body is HTML: values are escaped, the template's markup is not.
        "body": (
            "<p>Lee Smith ann@acme.test Gold &lt;b&gt; Gold &lt;b&gt; Gold &lt;b&gt; "
            f"{me['first_name']} friend none ACME &amp; SONS</p>"
        ),
        "lead_id": lead["id"],
        "lead_display_name": "Acme & Sons",
        "contact_id": contact["id"],
        "contact_display_name": "Ann Lee Smith",
        "email": "ann@acme.test",
    }


def test_render_bad_parameters(api: Api, make_api: Callable[..., Api]) -> None:
    lead = _lead(api)
    other = _lead(api, name="Other")
    template = api.ok("POST", "email_template/", json={"name": "T", "subject": "Hi"})
    url = f"email_template/{template['id']}/render/"
    assert set(validation_errors(api.get(url))) == {"lead_id", "contact_id"}
    assert set(validation_errors(api.get(url, params={"lead_id": lead["id"]}))) == {"contact_id"}
    wrong = {"lead_id": lead["id"], "contact_id": other["contacts"][0]["id"]}  # type: ignore[index]
    assert set(validation_errors(api.get(url, params=wrong))) == {"contact_id"}
    error_of(api.get(url, params={"lead_id": "lead_nope", "contact_id": "cont_nope"}), 404)
    assert set(validation_errors(api.get(url, params={"query": "*", "entry": "100"}))) == {"entry"}
    assert set(validation_errors(api.get(url, params={"query": "*", "mode": "deal"}))) == {"mode"}
    # Someone else's lead is not found, even with a valid template.
    stranger_lead = _lead(make_api())
    error_of(
        api.get(
            url, params={"lead_id": stranger_lead["id"], "contact_id": stranger_lead["contacts"][1]["id"]}
        ),  # type: ignore[index]
        404,
    )


def test_render_over_a_search_previews_each_recipient(api: Api) -> None:
    first = _lead(api, name="First")
    api.ok("POST", "lead/", json={"name": "No emails", "contacts": [{"name": "Silent"}]})
    second = api.ok(
        "POST",
        "lead/",
        json={
            "name": "Second",
            "contacts": [
                {"name": "Bo", "emails": [{"email": "bo@second.test"}]},
                {"name": "Cy", "emails": [{"email": "cy@second.test"}]},
            ],
        },
    )
    template = api.ok("POST", "email_template/", json={"name": "T", "subject": "To {{ contact.first_name }}"})
    url = f"email_template/{template['id']}/render/"
    # Recipients come in the order of the lead search itself (GET /lead/?query=...).
    order = [lead["id"] for lead in api.ok("GET", "lead/", params={"query": "*"})["data"]]
    ann, bo, cy = ("To Ann", "ann@acme.test"), ("To Bo", "bo@second.test"), ("To Cy", "cy@second.test")
    first_comes_first = order.index(first["id"]) < order.index(second["id"])
    leads = [api.ok("GET", url, params={"query": "*", "entry": str(n)}) for n in range(3)]
    assert [(r.get("subject"), r.get("email")) for r in leads] == (
        [ann, bo, (None, None)] if first_comes_first else [bo, ann, (None, None)]
    )
    assert leads[2] == {}
    contacts = [
        api.ok("GET", url, params={"query": "*", "entry": str(n), "mode": "contact"}) for n in range(4)
    ]
    assert [(r.get("subject"), r.get("email")) for r in contacts] == (
        [ann, bo, cy, (None, None)] if first_comes_first else [bo, cy, ann, (None, None)]
    )
    only_first = api.ok("GET", url, params={"query": 'name:"First"', "entry": "0"})
    assert (only_first["lead_id"], only_first["subject"]) == (first["id"], "To Ann")
