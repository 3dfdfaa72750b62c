"""Smart views (/saved_search/): CRUD, sharing, events, and every way of using one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.search.helpers import and_, field, id_set, of, related
from tests.support import Api, error_of, validation_errors

Obj = dict[str, Any]


def _view(api: Api, query: Obj, **extra: Any) -> Obj:
    body = {"name": "View", "s_query": {"query": query, "sort": [], "results_limit": None}, **extra}
    return api.ok("POST", "saved_search/", json=body)  # type: ignore[no-any-return]


def member_of(api: Api, make_api: Callable[..., Api], role: str = "user") -> Api:
    name = api.ok("GET", f"organization/{api.org.organization_id}/")["name"]
    return make_api(organization_name=name, role=role)


def _named(value: str, object_type: str = "lead") -> Obj:
    return field(object_type, "name", {"type": "text", "value": value, "mode": "beginning_of_words"})


def test_create_get_list_update_delete_with_events(api: Api) -> None:
    query = of("lead", _named("acme"))
    created = _view(api, query, name=" Hot leads ", is_shared=True)
    assert created["id"].startswith("save_")
    assert created["name"] == "Hot leads"
    assert created["type"] == "lead"
    assert created["s_query"] == {"query": query, "sort": [], "results_limit": None}
    assert created["query"] is None
    assert created["is_shared"] is True
    assert created["is_user_dependent"] is False
    assert created["user_id"] == api.org.user_id
    assert created["organization_id"] == api.org.organization_id
    assert created["sharing_settings"]["whole_org"] is True
    assert api.ok("GET", f"saved_search/{created['id']}/") == created
    assert [v["id"] for v in api.ok("GET", "saved_search/")["data"]] == [created["id"]]
    renamed = api.ok("PUT", f"saved_search/{created['id']}/", json={"name": "Warm"})
    assert renamed["name"] == "Warm" and renamed["s_query"] == created["s_query"]
    api.ok("DELETE", f"saved_search/{created['id']}/")
    error_of(api.get(f"saved_search/{created['id']}/"), 404)
    actions = [e["action"] for e in api.events(object_id=created["id"])]
    assert sorted(actions) == ["created", "deleted", "updated"]
    assert {e["object_type"] for e in api.events(object_id=created["id"])} == {"saved_search"}


def test_list_by_type(api: Api) -> None:
    lead_view = _view(api, of("lead"))
    contact_view = _view(api, of("contact"), type="contact")
    assert [v["id"] for v in api.ok("GET", "saved_search/")["data"]] == [lead_view["id"]]
    assert [v["id"] for v in api.ok("GET", "saved_search/", params={"type": "contact"})["data"]] == [
        contact_view["id"]
    ]
    both = api.ok("GET", "saved_search/", params={"type__in": "lead,contact"})["data"]
    assert {v["id"] for v in both} == {lead_view["id"], contact_view["id"]}
    assert "type" in validation_errors(api.get("saved_search/", params={"type": "planet"}))


def test_a_view_must_hold_a_valid_query_of_its_type(api: Api) -> None:
    assert "name" in validation_errors(api.post("saved_search/", json={"s_query": {"query": of("lead")}}))
    assert "s_query" in validation_errors(api.post("saved_search/", json={"name": "X"}))
    assert "s_query" in validation_errors(
        api.post("saved_search/", json={"name": "X", "s_query": {"sort": []}})
    )
    mismatch = api.post(
        "saved_search/", json={"name": "X", "type": "contact", "s_query": {"query": of("lead")}}
    )
    assert "s_query.query" in validation_errors(mismatch)
    unknown_field = {"name": "X", "s_query": {"query": of("lead", field("lead", "nope", {"type": "exists"}))}}
    assert any(
        k.startswith("query.queries[1]")
        for k in validation_errors(api.post("saved_search/", json=unknown_field))
    )
    bad_sort = {"name": "X", "s_query": {"query": of("lead"), "sort": [{"direction": "sideways"}]}}
    assert "s_query.sort[0].direction" in validation_errors(api.post("saved_search/", json=bad_sort))
    legacy = api.ok("POST", "saved_search/", json={"name": "All", "query": "*"})
    assert (legacy["query"], legacy["s_query"]) == ("*", None)
    assert api.events(object_type="saved_search", action="created")[0]["object_id"] == legacy["id"]


def test_current_user_makes_a_view_user_dependent(api: Api) -> None:
    mine = _view(api, of("lead", field("lead", "created_by", {"type": "current_user"})))
    assert mine["is_user_dependent"] is True


def test_a_view_as_a_query_node_and_in_other_views(api: Api) -> None:
    acme = api.ok("POST", "lead/", json={"name": "Acme", "contacts": [{"name": "Ann"}]})
    api.ok("POST", "lead/", json={"name": "Bolt"})
    view = _view(api, of("lead", _named("acme")))
    node = {"type": "saved_search", "saved_search_id": view["id"]}
    assert id_set(api, of("lead", node)) == {acme["id"]}
    assert id_set(api, of("lead", {**node, "negate": True})) == id_set(api, of("lead")) - {acme["id"]}
    assert id_set(api, of("contact", related("contact", "lead", node))) == set(acme["contact_ids"])
    wrapper = _view(api, of("lead", node))
    assert id_set(api, of("lead", {"type": "saved_search", "saved_search_id": wrapper["id"]})) == {acme["id"]}
    # A view's query changes what it matches, everywhere it is used.
    api.ok("PUT", f"saved_search/{view['id']}/", json={"s_query": {"query": of("lead", _named("bolt"))}})
    assert id_set(api, of("lead", node)) != {acme["id"]}


def test_views_that_refer_to_each_other_in_a_loop_are_a_400(api: Api) -> None:
    first = _view(api, of("lead"))
    second = _view(api, of("lead", {"type": "saved_search", "saved_search_id": first["id"]}))
    loop = {"s_query": {"query": of("lead", {"type": "saved_search", "saved_search_id": second["id"]})}}
    errors = validation_errors(api.put(f"saved_search/{first['id']}/", json=loop))
    assert any("loop" in message for message in errors.values()), errors


def test_opportunities_of_a_lead_view(api: Api) -> None:
    acme = api.ok("POST", "lead/", json={"name": "Acme"})
    bolt = api.ok("POST", "lead/", json={"name": "Bolt"})
    deal = api.ok("POST", "opportunity/", json={"lead_id": acme["id"], "value": 100})
    api.ok("POST", "opportunity/", json={"lead_id": bolt["id"], "value": 200})
    view = _view(api, of("lead", _named("acme")))
    found = api.ok("GET", "opportunity/", params={"lead_saved_search_id": view["id"]})["data"]
    assert [o["id"] for o in found] == [deal["id"]]
    error_of(api.get("opportunity/", params={"lead_saved_search_id": "save_nope"}), 404)


def test_private_views_belong_to_their_owner(api: Api, make_api: Callable[..., Api]) -> None:
    colleague = member_of(api, make_api)
    private = _view(api, of("lead"))
    shared = _view(api, of("lead"), is_shared=True)
    with_them = _view(api, of("lead"), shared_with=[colleague.org.user_id])
    assert {v["id"] for v in colleague.ok("GET", "saved_search/")["data"]} == {shared["id"], with_them["id"]}
    error_of(colleague.get(f"saved_search/{private['id']}/"), 404)
    error_of(
        colleague.post(
            "data/search/", json={"query": {"type": "saved_search", "saved_search_id": private["id"]}}
        ),
        404,
    )
    assert colleague.ok("GET", f"saved_search/{shared['id']}/")["id"] == shared["id"]
    # Others use a shared view; only its owner (or an admin) changes it.
    error_of(colleague.put(f"saved_search/{shared['id']}/", json={"name": "Mine now"}), 403)
    error_of(colleague.delete(f"saved_search/{shared['id']}/"), 403)
    theirs = _view(colleague, of("lead"), is_shared=True)
    assert api.ok("PUT", f"saved_search/{theirs['id']}/", json={"name": "Admin fix"})["name"] == "Admin fix"


def test_another_organizations_view_is_a_404(api: Api, make_api: Callable[..., Api]) -> None:
    other = make_api()
    theirs = _view(other, of("lead"), is_shared=True)
    error_of(api.get(f"saved_search/{theirs['id']}/"), 404)
    error_of(api.put(f"saved_search/{theirs['id']}/", json={"name": "x"}), 404)
    error_of(api.delete(f"saved_search/{theirs['id']}/"), 404)
    error_of(
        api.post(
            "data/search/", json={"query": and_({"type": "saved_search", "saved_search_id": theirs["id"]})}
        ),
        404,
    )
    error_of(api.get("opportunity/", params={"lead_saved_search_id": theirs["id"]}), 404)
    assert api.ok("GET", "saved_search/")["data"] == []
