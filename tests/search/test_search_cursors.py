"""Keyset cursors of POST /data/search/: stable under writes between pages, any sort, tamper-proof."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from starlette.testclient import TestClient

from leadbase.app import create_app
from leadbase.config import Settings
from tests.custom_data import field as make_field
from tests.custom_data import key
from tests.search.helpers import ids, of, search
from tests.support import Api, Clock, new_organization, validation_errors

Obj = dict[str, Any]


def _by(name: str, direction: str = "asc") -> list[Obj]:
    return [
        {
            "direction": direction,
            "field": {"type": "regular_field", "object_type": "lead", "field_name": name},
        }
    ]


def _lead(api: Api, name: str, **values: Any) -> str:
    made: str = api.ok("POST", "lead/", json={"name": name, **values})["id"]
    return made


def _follow(api: Api, query: Obj, cursor: str | None, **body: Any) -> list[str]:
    out: list[str] = []
    while cursor is not None:
        page = search(api, query, cursor=cursor, **body)
        out.extend(hit["id"] for hit in page["data"])
        cursor = page["cursor"]
    return out


def test_newest_first_pages_survive_inserts_between_them(api: Api, clock: Clock) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made = []
    for i in range(5):
        clock.set(start + timedelta(hours=i))
        made.append(_lead(api, f"L{i}"))
    first = search(api, of("lead"), _limit=2)
    assert [h["id"] for h in first["data"]] == [made[4], made[3]]
    # A new lead is newest: with an offset the next page would repeat L3; from the cursor it does not.
    clock.set(start + timedelta(days=1))
    newest = _lead(api, "New")
    rest = _follow(api, of("lead"), first["cursor"], _limit=2)
    assert rest == [made[2], made[1], made[0]]
    assert newest not in rest


def test_sorted_pages_see_each_row_once_across_inserts_and_deletes(api: Api) -> None:
    names = ["bravo", "delta", "foxtrot", "hotel", "juliet"]
    made = {name: _lead(api, name) for name in names}
    first = search(api, of("lead"), sort=_by("name"), _limit=2)
    assert [h["id"] for h in first["data"]] == [made["bravo"], made["delta"]]
    before = _lead(api, "alpha")  # sorts before the cursor: not seen
    later = _lead(api, "golf")  # sorts after it: seen in its place
    api.ok("DELETE", f"lead/{made['delta']}/")  # the cursor's own row may go
    rest = _follow(api, of("lead"), first["cursor"], sort=_by("name"), _limit=2)
    assert rest == [made["foxtrot"], later, made["hotel"], made["juliet"]]
    assert before not in rest


def test_custom_sorts_with_ties_and_missing_values_page_one_row_at_a_time(api: Api) -> None:
    size = make_field(api, "lead", "Size", "number")
    renewal = make_field(api, "lead", "Renewal", "date")
    rows = [
        ("A", 5, "2024-02-01"),
        ("B", None, None),
        ("C", 5.5, "2024-01-01"),
        ("D", 5, None),
        ("E", None, "2024-02-01"),
    ]
    made = {}
    for name, number, day in rows:
        values = {key(size): number} if number is not None else {}
        if day:
            values[key(renewal)] = day
        made[name] = _lead(api, name, **values)

    def by(field_id: str, direction: str) -> list[Obj]:
        return [{"direction": direction, "field": {"type": "custom_field", "custom_field_id": field_id}}]

    def ranked(names: list[str], tied: list[list[str]]) -> list[str]:
        # Ties (and rows without a value) are ordered by id.
        out: list[str] = []
        for group in tied:
            out.extend(sorted(made[n] for n in group))
        assert sorted(out) == sorted(made[n] for n in names)
        return out

    everything = list(made)
    assert ids(api, of("lead"), sort=by(size["id"], "asc"), _limit=1) == ranked(
        everything, [["A", "D"], ["C"], ["B", "E"]]
    )
    assert ids(api, of("lead"), sort=by(size["id"], "desc"), _limit=2) == ranked(
        everything, [["C"], ["A", "D"], ["B", "E"]]
    )
    two_keys = by(renewal["id"], "desc") + by(size["id"], "asc")
    assert ids(api, of("lead"), sort=two_keys, _limit=1) == ranked(
        everything, [["A"], ["E"], ["C"], ["D"], ["B"]]
    )


def test_date_and_computed_sorts_page_by_their_values(api: Api, clock: Clock) -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    made = []
    for i in range(4):
        clock.set(start + timedelta(minutes=i))
        made.append(_lead(api, f"L{i}", contacts=[{"name": f"C{j}"} for j in range(i % 2)]))
    assert ids(api, of("lead"), sort=_by("date_updated", "desc"), _limit=1) == list(reversed(made))
    by_contacts = ids(api, of("lead"), sort=_by("contacts_count", "desc"), _limit=1)
    assert by_contacts == sorted([made[1], made[3]]) + sorted([made[0], made[2]])


def _edit(cursor: str, change: Callable[[dict[str, Any]], None], *, fix_checksum: bool = False) -> str:
    outer = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    body = orjson.loads(outer["b"])
    change(body)
    outer["b"] = orjson.dumps(body).decode()
    if fix_checksum:
        from leadbase.search.cursors import _checksum

        outer["s"] = _checksum(outer["b"].encode())
    return base64.urlsafe_b64encode(orjson.dumps(outer)).decode().rstrip("=")


def test_edited_or_foreign_cursors_are_refused(api: Api, make_api: Callable[..., Api]) -> None:
    for name in ("a", "b", "c"):
        _lead(api, name)
    cursor = search(api, of("lead"), sort=_by("name"), _limit=1)["cursor"]
    assert isinstance(cursor, str)

    def skip_ahead(body: dict[str, Any]) -> None:
        body["v"][0] = "b"

    def refused(response: Any) -> str:
        message: str = validation_errors(response)["cursor"]
        assert "Invalid cursor" in message
        return message

    body = {"query": of("lead"), "sort": _by("name"), "_limit": 1}
    refused(api.post("data/search/", json={**body, "cursor": _edit(cursor, skip_ahead)}))
    # A well-formed cursor naming another sort's values, or one of another organization.
    wrong_shape = _edit(cursor, lambda b: b["v"].append("x"), fix_checksum=True)
    refused(api.post("data/search/", json={**body, "cursor": wrong_shape}))
    refused(api.post("data/search/", json={**body, "sort": _by("name", "desc"), "cursor": cursor}))
    other = make_api()
    _lead(other, "z")
    refused(other.post("data/search/", json={**body, "cursor": cursor}))
    for junk in ("", "x" * 20_000, "bm90IGpzb24", 12):
        response = api.post("data/search/", json={**body, "cursor": junk})
        if junk == "":
            assert response.status_code == 200  # an empty cursor is the first page
        else:
            refused(response)
    # The untouched cursor still works, and nothing changed.
    assert len(search(api, of("lead"), sort=_by("name"), _limit=1, cursor=cursor)["data"]) == 1


@pytest.fixture
def strict_api(database_url: str, engine: Any) -> Iterator[Api]:
    app = create_app(Settings(database_url=database_url, rate_limit="off", search_close_limits=True))
    with TestClient(app) as client:
        yield Api(client, new_organization(engine))
    app.state.engine.dispose()


def test_the_strict_setting_caps_the_fields_selected(strict_api: Api, api: Api) -> None:
    _lead(strict_api, "a")
    many = {"lead": [f"custom.cf_{i}" for i in range(90)], "contact": [f"x{i}" for i in range(11)]}
    response = strict_api.post("data/search/", json={"query": of("lead"), "_fields": many})
    assert "at most 100" in validation_errors(response)["_fields"]
    many["contact"].pop()
    assert len(search(strict_api, of("lead"), _fields=many)["data"]) == 1
    # Without the setting there is no ceiling.
    _lead(api, "b")
    many["contact"].append("x10")
    assert len(search(api, of("lead"), _fields=many)["data"]) == 1
