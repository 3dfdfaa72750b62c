"""Notes (/activity/note/): rich text in step, sanitized; pins, titles, attachments, events, the feed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select

from leadbase.db.models import activity
from tests.custom_data import contact, events_of, lead
from tests.support import Api, error_of, validation_errors

MENTION = '<span data-type="mention" data-id="{id}" data-label="Me" class="mention">@Me</span>'


def _note(api: Api, **body: Any) -> dict[str, Any]:
    created: dict[str, Any] = api.ok("POST", "activity/note/", json=body)
    return created


def _count(api: Api) -> int:
    """Activities other than the Created ones that each new lead gets."""
    with api.engine.connect() as conn:
        stmt = select(func.count()).select_from(activity).where(activity.c.type != "Created")
        return int(conn.execute(stmt).scalar_one())


def test_create_from_html_sanitizes_and_fills_the_text(api: Api) -> None:
    holder = lead(api)
    mention = MENTION.format(id=api.org.user_id)
    created = _note(
        api,
        lead_id=holder["id"],
        note_html=f'<body><p onclick="x()">Call {mention} <a href="javascript:alert(1)">now</a></p>'
        "<script>alert(1)</script></body>",
    )
    assert created["id"].startswith("acti_") and created["_type"] == "Note"
    assert created["note_html"] == f"<body><p>Call {mention} <a>now</a></p></body>"
    assert created["note"] == "Call @Me now"
    assert created["note_mentions"] == [{"id": api.org.user_id, "label": "Me"}]
    assert (created["pinned"], created["pinned_at"], created["source"]) == (False, None, "api")
    assert (created["title"], created["attachments"], created["comment_summary"]) == (None, [], None)
    assert created["user_id"] == api.org.user_id and created["user_name"]
    assert created["activity_at"] == created["date_created"]
    assert api.ok("GET", f"activity/note/{created['id']}/") == created
    event = events_of(api, created["id"])[0]
    assert (event["object_type"], event["action"], event["lead_id"]) == (
        "activity.note",
        "created",
        holder["id"],
    )


def test_writing_the_text_fills_the_html_and_the_last_write_wins(api: Api) -> None:
    created = _note(api, lead_id=lead(api)["id"], note="a < b\nnext", title="Plan")
    assert created["note_html"] == "<body>a &lt; b<br />next</body>" and created["title"] == "Plan"
    url = f"activity/note/{created['id']}/"
    updated = api.ok("PUT", url, json={"note_html": "<body><b>Bold</b></body>"})
    assert (updated["note"], updated["note_html"]) == ("Bold", "<body><b>Bold</b></body>")
    both = api.ok("PUT", url, json={"note": "ignored", "note_html": "<i>html wins</i>"})
    assert (both["note"], both["note_html"]) == ("html wins", "<body><i>html wins</i></body>")
    assert [e["action"] for e in events_of(api, created["id"])] == ["created", "updated", "updated"]


def test_pinning(api: Api) -> None:
    created = _note(api, lead_id=lead(api)["id"], note="x", pinned=True)
    assert created["pinned"] is True and created["pinned_at"] is not None
    url = f"activity/note/{created['id']}/"
    unpinned = api.ok("PUT", url, json={"pinned": False})
    assert (unpinned["pinned"], unpinned["pinned_at"]) == (False, None)
    assert validation_errors(api.put(url, json={"pinned": "yes"})) == {"pinned": "Must be true or false."}


def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api: Api, make_api: Any) -> None:
    before = _count(api)
    assert validation_errors(api.post("activity/note/", json={"note": "x"})) == {
        "lead": "This field is required."
    }
    assert validation_errors(api.post("activity/note/", json={"lead_id": "lead_nope", "note": "x"})) == {
        "lead": "Object does not exist."
    }
    other = make_api()
    foreign = lead(other)
    assert validation_errors(api.post("activity/note/", json={"lead_id": foreign["id"], "note": "x"})) == {
        "lead": "Object does not exist."
    }
    holder = lead(api)
    elsewhere = contact(api, lead(api, "Other")["id"])
    body = {"lead_id": holder["id"], "contact_id": elsewhere["id"]}
    assert "contact" in validation_errors(api.post("activity/note/", json=body))
    assert "note_html" in validation_errors(
        api.post("activity/note/", json={"lead_id": holder["id"], "note_html": 5})
    )
    assert _count(api) == before
    # Another organization's note is not found.
    theirs = _note(other, lead_id=foreign["id"], note="secret")
    error_of(api.get(f"activity/note/{theirs['id']}/"), 404)
    error_of(api.put(f"activity/note/{theirs['id']}/", json={"note": "mine"}), 404)


def test_lead_cannot_change(api: Api) -> None:
    created = _note(api, lead_id=lead(api)["id"], note="x")
    assert validation_errors(
        api.put(f"activity/note/{created['id']}/", json={"lead_id": lead(api)["id"]})
    ) == {"lead": "This cannot be changed."}


def test_attachments_are_uploaded_files(api: Api) -> None:
    form = api.ok("POST", "files/upload/", json={"filename": "plan.txt", "content_type": "text/plain"})
    url = form["download"]["url"]
    holder = lead(api)
    # Not uploaded yet.
    errors = validation_errors(
        api.post("activity/note/", json={"lead_id": holder["id"], "attachments": [{"url": url}]})
    )
    assert errors == {"attachments": {"errors": {"0": {"url": "The file's upload has not completed."}}}}
    fields = form["upload"]["fields"]
    stored = api.client.post(
        urlsplit(form["upload"]["url"]).path,
        data=fields,
        files={"file": ("plan.txt", b"hello", "text/plain")},
    )
    assert stored.status_code == 201
    created = _note(api, lead_id=holder["id"], note="see file", attachments=[{"url": url}])
    assert created["attachments"] == [
        {"url": url, "filename": "plan.txt", "content_type": "text/plain", "size": 5, "thumbnail_url": None}
    ]
    errors = validation_errors(
        api.post(
            "activity/note/", json={"lead_id": holder["id"], "attachments": [{"url": "https://evil.test/x"}]}
        )
    )
    assert errors == {
        "attachments": {
            "errors": {"0": {"url": "Not a download URL of a file uploaded through /files/upload/."}}
        }
    }


def test_list_filters_feed_delete_and_comment_summary(api: Api) -> None:
    first, second = lead(api, "First"), lead(api, "Second")
    one = _note(api, lead_id=first["id"], note="one")
    two = _note(api, lead_id=second["id"], note="two")
    listed = api.ok("GET", "activity/note/", params={"lead_id": first["id"]})
    assert [n["id"] for n in listed["data"]] == [one["id"]]
    everything = api.ok("GET", "activity/", params={"lead_id": second["id"]})
    notes_of_second = [a for a in everything["data"] if a["_type"] != "Created"]
    assert [(a["id"], a["_type"], a["note"]) for a in notes_of_second] == [(two["id"], "Note", "two")]
    notes = api.ok("GET", "activity/", params={"_type": "Note"})["data"]
    assert {n["id"] for n in notes} == {one["id"], two["id"]}
    api.ok("POST", "comment/", 201, json={"object_id": one["id"], "body": "<body>Nice</body>"})
    summary = api.ok("GET", f"activity/note/{one['id']}/")["comment_summary"]
    assert summary["comment_count"] == 1 and summary["thread_id"].startswith("comthr_")
    assert api.ok("DELETE", f"activity/note/{two['id']}/") == {}
    error_of(api.get(f"activity/note/{two['id']}/"), 404)
    assert events_of(api, two["id"])[-1]["action"] == "deleted"


def test_a_deleted_note_takes_its_comment_thread(api: Api) -> None:
    note = _note(api, lead_id=lead(api)["id"], note="x")
    comment = api.ok("POST", "comment/", 201, json={"object_id": note["id"], "body": "<body>Hi</body>"})
    api.ok("DELETE", f"activity/note/{note['id']}/")
    error_of(api.get(f"comment_thread/{comment['thread_id']}/"), 404)
    error_of(api.get(f"comment/{comment['id']}/"), 404)
