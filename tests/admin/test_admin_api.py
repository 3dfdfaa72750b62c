"""The admin API: its credential, creating organizations, isolation, the clock and the journal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine, update
from starlette.testclient import TestClient

from leadbase.admin import operations
from leadbase.api.journal import BODY_LIMIT
from leadbase.cli import main
from leadbase.core import clock
from leadbase.db.models import organization
from tests.admin.conftest import ADMIN, TOKEN, Admin
from tests.support import count_statements, error_of, validation_errors


def test_the_admin_api_is_a_404_without_a_token(client: TestClient) -> None:
    body = error_of(client.get(f"{ADMIN}/organizations/", headers={"Authorization": f"Bearer {TOKEN}"}), 404)
    assert "LEADBASE_ADMIN_TOKEN" in body["error"]


def test_a_missing_or_wrong_token_is_a_401(admin: Admin) -> None:
    client = admin.client
    assert "Bearer" in error_of(client.get(f"{ADMIN}/organizations/"), 401)["error"]
    for header in (f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer "):
        error_of(client.get(f"{ADMIN}/organizations/", headers={"Authorization": header}), 401)
    error_of(
        client.post(f"{ADMIN}/organizations/", json={"name": "X", "users": [{"email": "x@example.com"}]}), 401
    )


def test_an_organization_key_is_no_admin_token_and_the_token_no_key(admin: Admin) -> None:
    made = admin.create("ann@acme.test", name="Keys apart")
    key = made["users"][0]["api_key"]
    error_of(admin.client.get(f"{ADMIN}/organizations/", headers={"Authorization": f"Bearer {key}"}), 401)
    error_of(admin.client.get("/api/v1/me/", headers={"Authorization": f"Bearer {TOKEN}"}), 401)


def test_create_makes_members_with_roles_and_working_keys(admin: Admin) -> None:
    made = admin.ok(
        "POST",
        "organizations/",
        201,
        json={
            "name": "Acme",
            "users": [
                {"email": "ann@acme.test", "first_name": "Ann"},
                {"email": "bob@acme.test", "role": "restricteduser"},
            ],
        },
    )
    assert [(u["email"], u["role"]) for u in made["users"]] == [
        ("ann@acme.test", "admin"),
        ("bob@acme.test", "restricteduser"),
    ]
    ann, bob = admin.api(made, 0), admin.api(made, 1)
    assert ann.ok("GET", "me/")["first_name"] == "Ann"
    assert bob.ok("GET", "me/")["organizations"][0]["id"] == made["id"]
    shown = admin.ok("GET", f"organizations/{made['id']}/")
    assert shown["members"] == 2 and shown["name"] == "Acme"
    assert made["id"] in {o["id"] for o in admin.ok("GET", "organizations/")["data"]}


def test_create_is_a_handful_of_statements(admin: Admin) -> None:
    engine = admin.client.app.state.engine  # type: ignore[attr-defined]
    first = admin.create("ann@acme.test", name="First")
    with count_statements(engine) as counted:
        made = admin.create("ann@acme.test", "bob@acme.test", "cy@acme.test", name="Counted")
    # One user lookup; one insert each for the new users, the organization, its statuses, its
    # pipeline and that pipeline's statuses, the memberships and the keys: as many for three
    # members as for one, and none per status.
    assert len(counted) <= 9, counted.statements
    # Ann existed (a member of First): she is the same user, a member of both.
    assert made["users"][0]["user_id"] == first["users"][0]["user_id"]
    assert (
        admin.ok("GET", f"organizations/{first['id']}/")["users"][0]["user_id"] == made["users"][0]["user_id"]
    )
    assert admin.api(made, 0).ok("GET", "me/")["email"] == "ann@acme.test"
    assert admin.ok("GET", f"organizations/{made['id']}/")["members"] == 3


def every_organization(admin: Admin) -> list[dict[str, Any]]:
    """The whole list, a full page at a time (the order every page is a window of)."""
    listed: list[dict[str, Any]] = []
    while True:
        page = admin.ok("GET", "organizations/", params={"_skip": len(listed), "_limit": 100})
        listed.extend(page["data"])
        if not page["has_more"]:
            return listed
        assert len(page["data"]) == 100


def test_organizations_are_listed_a_page_at_a_time(admin: Admin) -> None:
    engine = admin.client.app.state.engine  # type: ignore[attr-defined]
    # More than a default page, whatever ran before on the session's database.
    shortfall = 101 - len(every_organization(admin))
    if shortfall > 0:
        with engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                for n in range(shortfall):
                    operations.create(conn, f"Filler {n}", [operations.NewMember("filler@acme.test")])
    one = admin.create("ann@acme.test", name="Paged one")
    two = admin.create("ann@acme.test", "bob@acme.test", name="Paged two")
    three = admin.create("ann@acme.test", "bob@acme.test", "cy@acme.test", name="Paged three")
    everything = every_organization(admin)
    ids = [o["id"] for o in everything]
    assert len(ids) == len(set(ids)) > 100
    assert everything == sorted(everything, key=lambda o: (o["date_created"], o["id"]))

    first = admin.ok("GET", "organizations/")
    assert first == {"data": everything[:100], "has_more": True}
    where = ids.index(two["id"])
    assert ids[where - 1 : where + 2] == [one["id"], two["id"], three["id"]]
    window = admin.ok("GET", "organizations/", params={"_skip": where - 1, "_limit": 3})
    assert window == {"data": everything[where - 1 : where + 2], "has_more": where + 2 < len(ids)}
    assert [o["members"] for o in window["data"]] == [1, 2, 3]
    assert [o["name"] for o in window["data"]] == ["Paged one", "Paged two", "Paged three"]

    last = len(ids) - 1
    assert admin.ok("GET", "organizations/", params={"_skip": last - 1, "_limit": 1}) == {
        "data": [everything[last - 1]],
        "has_more": True,
    }
    assert admin.ok("GET", "organizations/", params={"_skip": last, "_limit": 1}) == {
        "data": [everything[last]],
        "has_more": False,
    }
    assert admin.ok("GET", "organizations/", params={"_skip": len(ids)}) == {"data": [], "has_more": False}


def test_a_page_counts_the_members_of_its_own_organizations_alone(admin: Admin) -> None:
    engine = admin.client.app.state.engine  # type: ignore[attr-defined]
    one = admin.create("ann@acme.test", name="Counted one")
    two = admin.create("ann@acme.test", "bob@acme.test", name="Counted two")
    three = admin.create("ann@acme.test", name="Counted three")
    ids = [o["id"] for o in every_organization(admin)]
    where = ids.index(two["id"])
    assert ids[where - 1 : where + 2] == [one["id"], two["id"], three["id"]]
    with count_statements(engine) as counted:
        page = admin.ok("GET", "organizations/", params={"_skip": where, "_limit": 2})
    assert [(o["id"], o["members"]) for o in page["data"]] == [(two["id"], 2), (three["id"], 1)]
    # The page (one row more than asked) and one grouped count of the page's organizations
    # (besides SQLite's BEGIN): the only ids bound are the page's.
    selects = [s for s in counted.statements if not s.startswith("BEGIN")]
    assert len(selects) == 2 and "IN" in selects[1], counted.statements
    assert sorted(counted.string_parameters) == sorted([two["id"], three["id"]]), counted.statements


def test_bad_paging_parameters_are_close_style_400s(admin: Admin) -> None:
    for params, message in (
        ({"_limit": "0"}, "Must be at least 1."),
        ({"_limit": "101"}, "The maximum _limit for this resource is 100."),
        ({"_limit": "ten"}, "Must be an integer."),
        ({"_skip": "-1"}, "Must be at least 0."),
        ({"_skip": "first"}, "Must be an integer."),
    ):
        (name,) = params
        errors = validation_errors(admin.request("GET", "organizations/", params=params))
        assert errors == {name: message}, (params, errors)
    # The token is checked first: without it, a bad parameter is still a 401.
    error_of(admin.client.get(f"{ADMIN}/organizations/", params={"_limit": "0"}), 401)


def test_members_join_an_existing_organization(admin: Admin) -> None:
    made = admin.create("ann@acme.test", name="Acme")
    other = admin.create("bob@acme.test", name="Elsewhere")
    added = admin.ok(
        "POST",
        f"organizations/{made['id']}/members/",
        201,
        json={
            "users": [
                {"email": "Bob@acme.test", "role": "user"},
                {"email": "new.member@members.test", "first_name": "Cy"},
            ]
        },
    )["users"]
    # Bob exists (in another organization): the same user; Cy is new.
    assert [(u["email"], u["role"], u["created_user"]) for u in added] == [
        ("bob@acme.test", "user", False),
        ("new.member@members.test", "admin", True),
    ]
    assert added[0]["user_id"] == other["users"][0]["user_id"]
    shown = admin.ok("GET", f"organizations/{made['id']}/")
    assert shown["members"] == 3
    names = {u["email"]: u["first_name"] for u in admin.api(made).ok("GET", "user/")["data"]}
    assert names == {"ann@acme.test": "Ann", "bob@acme.test": "Bob", "new.member@members.test": "Cy"}
    admin.ok("POST", "organizations/orga_nothing/members/", 404, json={"users": [{"email": "d@acme.test"}]})


def test_bad_create_bodies_are_close_style_400s(admin: Admin) -> None:
    for body, key in (
        ({"users": [{"email": "ann@acme.test"}]}, "name"),
        ({"name": "X"}, "users"),
        ({"name": "X", "users": [{"email": "not an email"}]}, "users.0.email"),
        ({"name": "X", "users": [{"email": "ann@acme.test", "role": "king"}]}, "users.0.role"),
    ):
        body_out = error_of(admin.request("POST", "organizations/", json=body), 400)
        assert key in body_out["field-errors"], body_out
    error_of(
        admin.request("POST", "organizations/", content=b"{", headers={"Content-Type": "application/json"}),
        400,
    )


def test_another_organizations_snapshot_is_a_404(admin: Admin) -> None:
    one, two = admin.create(name="One"), admin.create(name="Two")
    snap = admin.ok("POST", f"organizations/{one['id']}/snapshots/", 201)
    error_of(
        admin.request("POST", f"organizations/{two['id']}/restore/", json={"snapshot_id": snap["id"]}), 404
    )
    error_of(admin.request("POST", "organizations/orga_nothing/reset/"), 404)
    error_of(admin.request("POST", f"organizations/{one['id']}/restore/", json={}), 400)


def test_the_journal_keeps_each_organizations_last_requests(admin: Admin) -> None:
    one, two = admin.create(name="Journal one"), admin.create(name="Journal two")
    api_one, api_two = admin.api(one), admin.api(two)
    for n in range(7):
        api_one.ok("POST", "lead/", json={"name": f"Lead {n}"})
    api_two.ok("GET", "lead/", params={"_limit": 1})
    error_of(api_two.post("lead/", json={"name": 5}), 400)

    entries = admin.ok("GET", f"organizations/{one['id']}/journal/")["data"]
    assert len(entries) == 5  # the app keeps 5 per organization
    assert [json.loads(e["request_body"])["name"] for e in entries] == [f"Lead {n}" for n in range(2, 7)]
    assert {(e["method"], e["path"], e["status"]) for e in entries} == {("POST", "/api/v1/lead/", 200)}
    assert json.loads(entries[-1]["response_body"])["name"] == "Lead 6"

    theirs = admin.ok("GET", f"organizations/{two['id']}/journal/")["data"]
    assert [(e["method"], e["query"], e["status"]) for e in theirs] == [
        ("GET", "_limit=1", 200),
        ("POST", "", 400),
    ]

    big = "x" * (BODY_LIMIT + 100)
    error_of(api_two.post("lead/", json={"name": "Big", "description": big}), 400)
    last = admin.ok("GET", f"organizations/{two['id']}/journal/")["data"][-1]
    assert last["request_body"].endswith("...(truncated)") and len(last["request_body"]) < BODY_LIMIT + 20

    admin.ok("POST", f"organizations/{two['id']}/reset/")
    assert admin.ok("GET", f"organizations/{two['id']}/journal/")["data"] == []
    assert len(admin.ok("GET", f"organizations/{one['id']}/journal/")["data"]) == 5


def test_the_clock_drives_a_tasks_due_date(admin: Admin) -> None:
    api = admin.api(admin.create(name="Clocked"))
    state = admin.ok("PUT", "clock/", json={"now": "2030-01-10T12:00:00+00:00"})
    assert state == {
        "now": "2030-01-10T12:00:00.000000+00:00",
        "frozen": True,
        "offset_seconds": state["offset_seconds"],
    }
    lead = api.ok("POST", "lead/", json={"name": "Due"})
    assert lead["date_created"] == "2030-01-10T12:00:00.000000+00:00"
    task = api.ok("POST", "task/", json={"lead_id": lead["id"], "text": "Call", "date": "2030-01-15"})

    def in_view(view: str) -> bool:
        return task["id"] in {t["id"] for t in api.ok("GET", "task/", params={"view": view})["data"]}

    assert in_view("future") and not in_view("inbox")
    advanced = admin.ok("POST", "clock/advance/", json={"days": 5})
    assert advanced["now"] == "2030-01-15T12:00:00.000000+00:00"
    assert in_view("inbox") and not in_view("future")

    running = admin.ok("PUT", "clock/", json={"now": "2031-01-01T00:00:00+00:00", "frozen": False})
    assert running["frozen"] is False and clock.now() >= datetime(2031, 1, 1, tzinfo=UTC)
    assert admin.ok("DELETE", "clock/")["offset_seconds"] == 0
    error_of(admin.request("POST", "clock/advance/", json={"days": "two"}), 400)
    error_of(admin.request("PUT", "clock/", json={"now": "yesterday"}), 400)


def test_the_org_commands(database_url: str, engine: object) -> None:
    runner = CliRunner()
    base = ["--database-url", database_url]

    def run(*args: str) -> str:
        result = runner.invoke(main, [*args, *base], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    made = json.loads(
        run("org", "create", "CLI Co", "--user", "ann@acme.test", "--user", "bob@acme.test:user", "--json")
    )
    org_id = made["id"]
    assert [u["role"] for u in made["users"]] == ["admin", "user"]
    assert org_id in run("org", "list")
    snap = json.loads(run("org", "snapshot", org_id, "--name", "first", "--json"))
    assert snap["name"] == "first" and snap["id"] in run("org", "snapshots", org_id)
    assert "removed" in run("org", "reset", org_id, "--yes")
    assert "restored" in run("org", "restore", org_id, snap["id"])
    fork = json.loads(run("org", "fork", org_id, "--with-data", "--json"))
    assert fork["name"] == "CLI Co (fork)" and len(fork["users"]) == 2
    run("org", "delete", fork["id"], "--yes")
    run("org", "delete", org_id, "--yes")
    missing = runner.invoke(main, ["org", "reset", org_id, "--yes", *base])
    assert missing.exit_code == 1 and "No organization" in missing.output
    assert "ROLE" in runner.invoke(main, ["org", "create", "--help"]).output


def test_a_member_key_acts_as_the_first_admin_until_revoked(admin: Admin) -> None:
    made = admin.ok(
        "POST",
        "organizations/",
        201,
        json={
            "name": "Borrowed",
            "users": [
                {"email": "rae@acme.test", "role": "user"},
                {"email": "ann@acme.test", "first_name": "Ann"},
            ],
        },
    )
    other = admin.create("zed@acme.test", name="Other")
    key = admin.ok("POST", f"organizations/{made['id']}/keys/", 201)
    assert key["user_id"] == made["users"][1]["user_id"] and key["user_name"] == "Ann"
    me = admin.client.get("/api/v1/me/", auth=(key["api_key"], ""))
    assert me.status_code == 200 and me.json()["organizations"][0]["id"] == made["id"]
    # Another organization's key id is not this organization's to revoke.
    admin.ok("DELETE", f"organizations/{other['id']}/keys/{key['id']}/", 404)
    admin.ok("DELETE", f"organizations/{made['id']}/keys/{key['id']}/", 204)
    assert admin.client.get("/api/v1/me/", auth=(key["api_key"], "")).status_code == 401
    admin.ok("POST", "organizations/orga_missing/keys/", 404)


def test_admin_reads_neither_wait_for_nor_block_a_write(admin: Admin, engine: Engine) -> None:
    # A GET of the admin API reads in a plain transaction: on SQLite it would otherwise take the
    # write lock when it began (as writers do), and wait here for the open write to finish.
    made = admin.create("ann@acme.test", name="Read while written")
    with engine.connect() as writer:
        writer.execution_options(writes=True)
        with writer.begin():
            renamed = update(organization).where(organization.c.id == made["id"]).values(name="Renamed")
            writer.execute(renamed)
            # The write is open (on SQLite it holds the database's write lock): reads see before it.
            assert admin.ok("GET", f"organizations/{made['id']}/")["name"] == "Read while written"
            listed = admin.ok("GET", "organizations/", params={"_limit": 100})
            assert "Renamed" not in {o["name"] for o in listed["data"]}
            assert admin.ok("GET", f"organizations/{made['id']}/snapshots/") is not None
    assert admin.ok("GET", f"organizations/{made['id']}/")["name"] == "Renamed"
