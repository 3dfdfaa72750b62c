"""`comment_summary` on activities: `{comment_count, thread_id}` once commented, null before."""

from __future__ import annotations

from tests.custom_data import activity_type, lead
from tests.support import Api, count_statements


def test_comment_summary_on_calls_and_custom_activities(api: Api) -> None:
    holder = lead(api)["id"]
    call = api.ok("POST", "activity/call/", json={"lead_id": holder})
    visit = activity_type(api)
    custom = api.ok(
        "POST", "activity/custom/", json={"lead_id": holder, "custom_activity_type_id": visit["id"]}
    )
    assert call["comment_summary"] is None and custom["comment_summary"] is None
    first = api.ok("POST", "comment/", 201, json={"object_id": call["id"], "body": "<body>One</body>"})
    api.ok("POST", "comment/", 201, json={"object_id": call["id"], "body": "<body>Two</body>"})
    api.ok("POST", "comment/", 201, json={"object_id": custom["id"], "body": "<body>Three</body>"})
    feed = {
        a["id"]: a["comment_summary"]
        for a in api.ok("GET", "activity/", params={"lead_id": holder})["data"]
        if a["_type"] != "Created"
    }
    assert feed[call["id"]] == {"comment_count": 2, "thread_id": first["thread_id"]}
    assert feed[custom["id"]]["comment_count"] == 1
    # A removed comment is not counted.
    api.ok("DELETE", f"comment/{first['id']}/", 204)
    assert api.ok("GET", f"activity/call/{call['id']}/")["comment_summary"]["comment_count"] == 1


def test_one_query_for_the_summaries_of_a_page(api: Api) -> None:
    holder = lead(api)["id"]
    for n in range(3):
        call = api.ok("POST", "activity/call/", json={"lead_id": holder})
        api.ok("POST", "comment/", 201, json={"object_id": call["id"], "body": f"<body>{n}</body>"})
    with count_statements(api.engine) as few:
        assert len(api.ok("GET", "activity/call/", params={"lead_id": holder})["data"]) == 3
    for _ in range(3):
        call = api.ok("POST", "activity/call/", json={"lead_id": holder})
        api.ok("POST", "comment/", 201, json={"object_id": call["id"], "body": "<body>more</body>"})
    with count_statements(api.engine) as many:
        assert len(api.ok("GET", "activity/call/", params={"lead_id": holder})["data"]) == 6
    assert len(many) == len(few)
    assert sum("FROM comment_thread" in s for s in many.statements) == 1
