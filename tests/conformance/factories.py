"""How to make a valid object of every registered resource: the one table the conformance
tests read. A resource with list or create verbs that is missing here fails
test_every_listable_or_creatable_resource_has_a_factory, so add its entry with the resource.

`body(world, n)` is the POST body of the n-th object (objects made for one test must differ
in every declared filter, so that each filter has something to exclude). Resources that are
not created through their own collection give `make(world, n)` instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import insert

from leadbase.core import clock
from leadbase.core.ids import new_id
from leadbase.db.models import activity
from leadbase.db.resource import ResourceSpec
from tests.support import Api

Obj = dict[str, Any]


@dataclass
class World:
    """One organization seen through its admin's API key."""

    api: Api
    make_api: Callable[..., Api]
    # Objects that several factory calls of one test share (a lead to hang things on...).
    shared: dict[str, Any] = field(default_factory=dict)

    def organization_name(self) -> str:
        name: str = self.api.ok("GET", f"organization/{self.api.org.organization_id}/")["name"]
        return name

    def member(self, role: str = "user") -> Api:
        """A client for a new user of this same organization."""
        return self.make_api(organization_name=self.organization_name(), role=role)

    def statuses(self) -> list[Obj]:
        data: list[Obj] = self.api.ok("GET", "status/lead/")["data"]
        return data


@dataclass(frozen=True)
class Factory:
    body: Callable[[World, int], Obj] | None = None
    make: Callable[[World, int], Obj] | None = None
    # A PUT body that changes something about `obj`.
    update: Callable[[World, Obj], Obj] | None = None
    # A create (update) body that is invalid, and the key it must produce in field-errors.
    invalid_create: tuple[Obj, str] | None = None
    invalid_update: tuple[Obj, str] | None = None
    # How to read a filter's value off an object, when it is not the key of the same name.
    filter_values: dict[str, Callable[[Obj], Any]] = field(default_factory=dict)
    # Query parameters every list request needs (GET /custom_object/ requires lead_id).
    list_params: Callable[[World], dict[str, str]] | None = None
    # The key that tells objects of a list apart: `id`, or what Close shows instead
    # (an unsubscribed email is its address).
    identity: str = "id"

    def value_for(self, filter_name: str, obj: Obj) -> Any:
        reader = self.filter_values.get(filter_name)
        if reader is not None:
            return reader(obj)
        assert filter_name in obj, f"add filter_values[{filter_name!r}] to the factory"
        return obj[filter_name]


def _lead_body(world: World, n: int) -> Obj:
    statuses = world.statuses()
    return {
        "name": f"Lead {n}",
        "status_id": statuses[n % len(statuses)]["id"],
        "url": f"https://lead{n}.example",
        "description": f"Lead number {n}",
        "addresses": [{"label": "business", "address_1": f"{n} Main St", "city": "Austin", "country": "US"}],
    }


def _contact_body(world: World, n: int) -> Obj:
    lead = world.api.ok("POST", "lead/", json={"name": f"Lead of contact {n}"})
    return {
        "lead_id": lead["id"],
        "name": f"Contact {n}",
        "title": "CTO",
        "emails": [{"email": f"contact{n}@example.com", "type": "office"}],
        "phones": [{"phone": f"+1 415 555 {n:04d}", "type": "mobile"}],
        "urls": [{"url": f"https://contact{n}.example", "type": "url"}],
    }


def _make_user(world: World, _n: int) -> Obj:
    member = world.member()
    user: Obj = world.api.ok("GET", f"user/{member.org.user_id}/")
    return user


def _make_organization(world: World, _n: int) -> Obj:
    organization: Obj = world.api.ok("GET", f"organization/{world.api.org.organization_id}/")
    return organization


def _make_event(world: World, n: int) -> Obj:
    lead = world.api.ok("POST", "lead/", json={"name": f"Event source {n}"})
    (created,) = world.api.events(object_id=lead["id"])
    return created


def _make_file_upload(world: World, n: int) -> Obj:
    """An upload is never shown by the API as such (POST /files/upload/ answers a form): this is
    its row as its own service renders it, which is what its declaration describes."""
    from sqlalchemy import select

    from leadbase.db.context import Actor, Context
    from leadbase.db.models import file_upload
    from leadbase.resources.files.spec import FILE_UPLOAD

    form = world.api.ok(
        "POST", "files/upload/", json={"filename": f"file {n}.txt", "content_type": "text/plain"}
    )
    token = form["upload"]["fields"]["key"].split("/")[1]
    org = world.api.org
    with world.api.engine.connect() as conn:
        row = conn.execute(select(file_upload).where(file_upload.c.token == token)).mappings().one()
        ctx = Context(conn=conn, actor=Actor(org.organization_id, org.user_id, None, "admin"))
        rendered: Obj = FILE_UPLOAD.service(ctx, FILE_UPLOAD).render([dict(row)])[0]
    return rendered


def _bulk_email_body(world: World, n: int) -> Obj:
    template = world.api.ok(
        "POST", "email_template/", json={"name": f"T{n}", "subject": "Hi", "body": "Hello"}
    )
    return {"template_id": template["id"], "s_query": _LEADS, "contact_preference": "contact"}


_LEADS: Obj = {"type": "object_type", "object_type": "lead"}


def _shared_lead(world: World) -> str:
    """One lead per test for objects whose lists are per lead."""
    if "lead" not in world.shared:
        world.shared["lead"] = world.api.ok("POST", "lead/", json={"name": "Shared lead"})["id"]
    lead_id: str = world.shared["lead"]
    return lead_id


def _custom_type(world: World, path: str, n: int) -> str:
    """The n-th custom object type or custom activity type of the test (one per n, so filters vary)."""
    key = f"{path}:{n}"
    if key not in world.shared:
        body: Obj = {"name": f"Type {n}"}
        if path == "custom_object_type":
            body["name_plural"] = f"Types {n}"
        world.shared[key] = world.api.ok("POST", f"{path}/", expected=201, json=body)["id"]
    type_id: str = world.shared[key]
    return type_id


def _field_factory(type_path: str | None = None, type_key: str = "") -> Factory:
    def body(world: World, n: int) -> Obj:
        obj: Obj = {"name": f"Field {n}", "type": "text", "description": f"Field number {n}"}
        if type_path is not None:
            obj[type_key] = _custom_type(world, type_path, n)
        return obj

    return Factory(
        body=body,
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "description": "changed"},
        invalid_create=({"name": "Bad type", "type": "no_such_type"}, "type"),
        invalid_update=({"name": ""}, "name"),
    )


def _custom_object_body(world: World, n: int) -> Obj:
    return {
        "custom_object_type_id": _custom_type(world, "custom_object_type", n),
        "lead_id": _shared_lead(world),
        "name": f"Object {n}",
    }


def _custom_activity_body(world: World, n: int) -> Obj:
    # Each object differs in every declared filter: lead, contact and user.
    lead = world.api.ok("POST", "lead/", json={"name": f"Lead of activity {n}"})
    contact = world.api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": f"Contact {n}"})
    return {
        "custom_activity_type_id": _custom_type(world, "custom_activity", n),
        "lead_id": lead["id"],
        "contact_id": contact["id"],
        "user_id": world.member().org.user_id if n else world.api.org.user_id,
        "status": "draft" if n % 2 else "published",
    }


def _make_activity(world: World, n: int) -> Obj:
    # GET /activity/ lists every type: a custom activity is the one type that exists today.
    created: Obj = world.api.ok("POST", "activity/custom/", json=_custom_activity_body(world, n))
    return created


def _activity_objects(world: World, n: int) -> Obj:
    """A lead, contact and user of the n-th activity: each differs in every declared filter."""
    lead = world.api.ok("POST", "lead/", json={"name": f"Lead of activity {n}"})
    contact = world.api.ok("POST", "contact/", json={"lead_id": lead["id"], "name": f"Contact {n}"})
    return {
        "lead_id": lead["id"],
        "contact_id": contact["id"],
        "user_id": world.member().org.user_id if n else world.api.org.user_id,
    }


def _note_body(world: World, n: int) -> Obj:
    return {**_activity_objects(world, n), "note_html": f"<body><p>Note {n}</p></body>", "title": f"Note {n}"}


def _call_body(world: World, n: int) -> Obj:
    return {
        **_activity_objects(world, n),
        "direction": "outbound" if n % 2 else "inbound",
        "duration": 30 + n,
        "phone": f"+1415555010{n % 10}",
        "note": f"Call {n}",
    }


def _make_meeting(world: World, n: int) -> Obj:
    """Meetings come from calendar sync: here through the import path (`leadbase load`)."""
    from datetime import timedelta

    from leadbase.core import clock
    from leadbase.db.context import Actor
    from leadbase.resources.bulk import load

    # A meeting happens when it starts: now, so that activity_at follows the test's clock.
    starts = clock.now()
    body = {
        **_activity_objects(world, n),
        "title": f"Meeting {n}",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
    }
    org = world.api.org
    load(world.api.engine, Actor(org.organization_id, org.user_id, None, "admin"), "activity/meeting", [body])
    found: Obj = world.api.ok("GET", "activity/meeting/", params={"lead_id": body["lead_id"]})["data"][0]
    return found


def _email_body(world: World, n: int) -> Obj:
    return {
        **_activity_objects(world, n),
        "status": ("sent", "draft", "inbox")[n % 3],
        "sender": f"sender{n}@acme.test",
        "to": [f"to{n}@acme.test"],
        "subject": f"Subject {n}",
        "body_text": f"Hello {n}",
    }


def _make_email_thread(world: World, n: int) -> Obj:
    email = world.api.ok("POST", "activity/email/", json=_email_body(world, n))
    thread: Obj = world.api.ok("GET", f"activity/emailthread/{email['thread_id']}/")
    return thread


def _sms_body(world: World, n: int) -> Obj:
    return {
        **_activity_objects(world, n),
        "status": ("sent", "draft", "inbox")[n % 3],
        "direction": ("outbound", "outbound", "inbound")[n % 3],
        "text": f"Hi {n}",
        "remote_phone": f"+1415555010{n}",
    }


def _whatsapp_body(world: World, n: int) -> Obj:
    return {
        **_activity_objects(world, n),
        "direction": ("outgoing", "outgoing", "incoming")[n % 3],
        "external_whatsapp_message_id": f"wamid.{uuid.uuid4().hex}",
        "activity_at": clock.now().isoformat(),
        "message_markdown": f"*Hello* {n}",
        "local_phone": "+14155550100",
        "remote_phone": f"+1415555020{n}",
    }


def _lead_status_change_body(world: World, n: int) -> Obj:
    statuses = world.statuses()
    return {
        **_activity_objects(world, n),
        "old_status_id": statuses[0]["id"],
        "new_status_id": statuses[(n + 1) % len(statuses)]["id"],
    }


def _opportunity_status_change_body(world: World, n: int) -> Obj:
    holders = _activity_objects(world, n)
    statuses = world.api.ok("GET", "pipeline/")["data"][0]["statuses"]
    deal = world.api.ok("POST", "opportunity/", json={"lead_id": holders["lead_id"], "value": 100 * n})
    return {
        **holders,
        "opportunity_id": deal["id"],
        "old_status_id": statuses[0]["id"],
        "new_status_id": statuses[(n + 1) % len(statuses)]["id"],
    }


def _system_activity(type_name: str, path: str, **payload: Any) -> Callable[[World, int], Obj]:
    """Activities only leadbase makes (or Close Forms, a merge): written as the loader would."""

    def make(world: World, n: int) -> Obj:
        holders = _activity_objects(world, n)
        now = clock.now()
        row = {
            **holders,
            "organization_id": world.api.org.organization_id,
            "id": new_id("acti"),
            "type": type_name,
            "activity_at": now,
            "date_created": now,
            "date_updated": now,
            "created_by": holders["user_id"],
            "updated_by": holders["user_id"],
            "source": "api",
            "payload": {k: (f"{v}{n}" if isinstance(v, str) else v) for k, v in payload.items()},
            "custom": {},
            **({"form_id": f"form_{n}"} if type_name == "FormSubmission" else {}),
        }
        with world.api.engine.begin() as conn:
            conn.execute(insert(activity), row)
        made: Obj = world.api.ok("GET", f"{path}/{row['id']}/")
        return made

    return make


def _make_membership(world: World, n: int) -> Obj:
    email = f"member-{n}-{uuid.uuid4().hex[:8]}@acme.test"
    member: Obj = world.api.ok("POST", "membership/", json={"email": email, "role_id": "user"})
    return member


def _make_group_member(world: World, n: int) -> Obj:
    group = world.api.ok("POST", "group/", 201, json={"name": f"Members {n}"})
    member: Obj = world.api.ok(
        "POST", f"group/{group['id']}/member/", 201, json={"user_id": world.api.org.user_id}
    )
    return member


def _task_body(world: World, n: int) -> Obj:
    # Each task differs in every declared filter: lead, contact, assignee and completion.
    lead = world.api.ok("POST", "lead/", json={"name": f"Lead of task {n}", "contacts": [{"name": f"C{n}"}]})
    return {
        "lead_id": lead["id"],
        "contact_id": lead["contacts"][0]["id"],
        "text": f"Task {n}",
        "assigned_to": world.member().org.user_id if n else world.api.org.user_id,
        "date": f"2024-05-{n + 1:02d}",
        "is_complete": bool(n % 2),
    }


def _thread_of(world: World, n: int) -> str:
    lead = world.api.ok("POST", "lead/", json={"name": f"Commented lead {n}"})
    return str(lead["id"])


def _make_comment_thread(world: World, n: int) -> Obj:
    comment = world.api.ok(
        "POST", "comment/", expected=201, json={"object_id": _thread_of(world, n), "body": f"Thread {n}"}
    )
    thread: Obj = world.api.ok("GET", f"comment_thread/{comment['thread_id']}/")
    return thread


STATUS_TYPES = ("active", "won", "lost")


def _opportunity_body(world: World, n: int) -> Obj:
    # Each object differs in every declared filter: lead, owner, status (and so its type and
    # label), value period and date won.
    statuses = world.api.ok("GET", "status/opportunity/")["data"]
    status = next(s for s in statuses if s["type"] == STATUS_TYPES[n % 3])
    lead = world.api.ok("POST", "lead/", json={"name": f"Lead of opportunity {n}"})
    return {
        "lead_id": lead["id"],
        "user_id": world.member().org.user_id if n else world.api.org.user_id,
        "status_id": status["id"],
        "value": 1000 * (n + 1),
        "value_period": ("one_time", "monthly", "annual")[n % 3],
        "confidence": 10 * n,
        "date_won": f"2024-0{n % 9 + 1}-15",
        "note": f"Opportunity {n}",
    }


def _make_unsubscribed_email(world: World, n: int) -> Obj:
    made: Obj = world.api.ok(
        "POST", "unsubscribe/email/", 201, json={"email": f"gone-{n}-{uuid.uuid4().hex[:6]}@acme.test"}
    )
    return made


def _make_phone_number(world: World, n: int) -> Obj:
    """Personal numbers of the admin, and a group number for n == 1 (so `user_id` varies)."""
    body = {"country": "US", "sharing": "group" if n == 1 else "personal", "with_sms": n == 2}
    made: Obj = world.api.ok("POST", "phone_number/request/internal/", 201, json=body)
    return made


def _send_as_body(world: World, n: int) -> Obj:
    member = world.member()
    return {"allowing_user_id": world.api.org.user_id, "allowed_user_id": member.org.user_id}


def _loaded(path: str, body: Callable[[World, int], Obj]) -> Callable[[World, int], Obj]:
    """Objects the API only reads (connected accounts, dialer sessions): recorded through
    `leadbase load`, as a sync would, then read back."""

    def make_one(world: World, n: int) -> Obj:
        from leadbase.db.context import Actor
        from leadbase.resources.bulk import load

        org = world.api.org
        before = {o["id"] for o in world.api.ok("GET", f"{path}/", params={"_limit": 200})["data"]}
        load(world.api.engine, Actor(org.organization_id, org.user_id, None, "admin"), path, [body(world, n)])
        after = world.api.ok("GET", f"{path}/", params={"_limit": 200})["data"]
        (made,) = [o for o in after if o["id"] not in before]
        return made

    return make_one


def _connected_account_body(world: World, n: int) -> Obj:
    user_id = world.api.org.user_id if n == 0 else world.member().org.user_id
    return {
        "_type": ("google", "custom_email", "microsoft")[n % 3],
        "user_id": user_id,
        "email": f"account{n}@acme.test",
        "identities": [{"email": f"account{n}@acme.test", "name": f"Account {n}"}],
        "smtp": {
            "host": "smtp.acme.test",
            "port": 587,
            "use_ssl": True,
            "username": "u",
            "password": "secret",
        },
        "send_status": "ok",
    }


def _dialer_body(world: World, n: int) -> Obj:
    return {
        "type": ("power", "predictive")[n % 2],
        "status": ("active", "inactive", "paused")[n % 3],
        "source_type": ("saved-search", "shared-entry")[n % 2],
        "source_value": f"save_{n}",
        "user_id": world.api.org.user_id if n != 1 else None,
        "users": [{"user_id": world.api.org.user_id, "is_active": True, "state": "ready"}],
        "ring_mode": "more-voicemails",
    }


def _playbook_body(world: World, n: int) -> Obj:
    outcome = world.api.ok("POST", "outcome/", expected=201, json={"name": f"Outcome of playbook {n}"})
    return {
        "name": f"Playbook {n}",
        "description": f"Playbook number {n}",
        "summary_guidance": "Summarize the next steps.",
        "outcome_ids": [outcome["id"]],
    }


def _make_link_map(world: World, n: int) -> Obj:
    """A member's mapping of a shared link: POST /shared_scheduling_link_association/ echoes it."""
    shared = world.api.ok("POST", "shared_scheduling_link/", expected=201, json={"name": f"Demo {n}"})
    mine = world.api.ok(
        "POST", "scheduling_link/", expected=201, json={"name": f"Mine {n}", "url": "cal.example"}
    )
    mapping: Obj = world.api.ok(
        "POST",
        "shared_scheduling_link_association/",
        expected=201,
        json={
            "shared_scheduling_link_id": shared["id"],
            "user_id": world.api.org.user_id,
            "user_scheduling_link_id": mine["id"],
        },
    )
    return mapping


def _sequence_body(_world: World, n: int) -> Obj:
    return {"name": f"Sequence {n}", "timezone": "UTC", "steps": [{"step_type": "call", "delay": 60 * n}]}


def _subscribed_lead(world: World) -> str:
    """The lead whose contacts the subscriptions of a test belong to (lists need a lead_id)."""
    if "subscribed_lead" not in world.shared:
        world.shared["subscribed_lead"] = world.api.ok("POST", "lead/", json={"name": "Subscribed"})["id"]
    lead_id: str = world.shared["subscribed_lead"]
    return lead_id


def _subscription_body(world: World, n: int) -> Obj:
    sequence = world.api.ok("POST", "sequence/", json=_sequence_body(world, n))
    contact = world.api.ok(
        "POST",
        "contact/",
        json={
            "lead_id": _subscribed_lead(world),
            "name": f"Contact {n}",
            "emails": [{"email": f"c{n}@example.com"}],
        },
    )
    return {"sequence_id": sequence["id"], "contact_id": contact["id"], "sender_name": f"Sender {n}"}


FACTORIES: dict[str, Factory] = {
    "pipeline": Factory(
        body=lambda _w, n: {"name": f"Pipeline {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed"},
        invalid_create=({"name": ""}, "name"),
        invalid_update=({"name": "   "}, "name"),
    ),
    "status/opportunity": Factory(
        body=lambda _w, n: {"label": f"Stage {n}", "type": STATUS_TYPES[n % 3]},
        update=lambda _w, obj: {"label": f"{obj['label']} renamed"},
        invalid_create=({"label": "Stage", "type": "maybe"}, "type"),
        # Every organization starts with an "Active" opportunity status: labels are unique.
        invalid_update=({"label": "Active"}, "label"),
    ),
    "opportunity": Factory(
        body=_opportunity_body,
        update=lambda _w, obj: {"note": "changed", "confidence": 75},
        invalid_create=({"value_period": "weekly"}, "value_period"),
        invalid_update=({"confidence": 101}, "confidence"),
        filter_values={"status": lambda obj: obj["status_label"]},
    ),
    "lead": Factory(
        body=_lead_body,
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "description": "changed"},
        invalid_create=({"name": "Bad status", "status": "No Such Status"}, "status"),
        invalid_update=({"status_id": "stat_doesnotexist"}, "status"),
    ),
    "contact": Factory(
        body=_contact_body,
        update=lambda _w, obj: {"title": "CEO", "name": f"{obj['name']} renamed"},
        invalid_create=({"lead_id": "lead_doesnotexist", "name": "Nobody"}, "lead"),
        invalid_update=({"emails": [{"email": "not an email address"}]}, "emails"),
    ),
    "status/lead": Factory(
        body=lambda _w, n: {"label": f"Status {n}"},
        update=lambda _w, obj: {"label": f"{obj['label']} renamed"},
        invalid_create=({"label": ""}, "label"),
        # Every organization starts with a "Potential" status: labels are unique.
        invalid_update=({"label": "Potential"}, "label"),
    ),
    "user": Factory(make=_make_user),
    "organization": Factory(
        make=_make_organization,
        update=lambda _w, _obj: {"name": f"Renamed {uuid.uuid4().hex[:12]}"},
        invalid_update=({"currency": "dollars"}, "currency"),
    ),
    "event": Factory(make=_make_event),
    "files/upload": Factory(make=_make_file_upload),
    "custom_field/lead": _field_factory(),
    "custom_field/contact": _field_factory(),
    "custom_field/opportunity": _field_factory(),
    "custom_field/activity": _field_factory("custom_activity", "custom_activity_type_id"),
    "custom_field/custom_object_type": _field_factory("custom_object_type", "custom_object_type_id"),
    "custom_field/shared": _field_factory(),
    "custom_object_type": Factory(
        body=lambda _w, n: {"name": f"Subscription {n}", "name_plural": f"Subscriptions {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "description": "changed"},
        invalid_create=({"name": "No plural"}, "name_plural"),
        invalid_update=({"name": ""}, "name"),
    ),
    "custom_activity": Factory(
        body=lambda _w, n: {"name": f"Site visit {n}", "description": f"Visit number {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "api_create_only": True},
        invalid_create=({"name": ""}, "name"),
        invalid_update=({"editable_with_roles": "admin"}, "editable_with_roles"),
    ),
    "custom_object": Factory(
        body=_custom_object_body,
        update=lambda _w, obj: {"name": f"{obj['name']} renamed"},
        invalid_create=({"name": "No type, no lead"}, "custom_object_type_id"),
        invalid_update=({"name": ""}, "name"),
        list_params=lambda world: {"lead_id": _shared_lead(world)},
    ),
    "activity": Factory(make=_make_activity),
    "role": Factory(
        body=lambda _w, n: {
            "name": f"Role {n}",
            "permissions": ["view_all_leads", "calling"] if n % 2 else ["view_all_leads"],
        },
        update=lambda _w, obj: {
            "name": f"{obj['name']} renamed",
            "permissions": ["view_all_leads", "export"],
        },
        invalid_create=({"name": "Bad", "permissions": ["fly"]}, "permissions"),
        invalid_update=({"name": ""}, "name"),
    ),
    "group": Factory(
        body=lambda _w, n: {"name": f"Group {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed"},
        invalid_create=({"name": ""}, "name"),
        invalid_update=({"name": None}, "name"),
    ),
    "group/member": Factory(make=_make_group_member),
    "membership": Factory(
        make=_make_membership,
        update=lambda _w, obj: {"role_id": "restricteduser", "auto_record_calls": "enabled"},
        invalid_update=({"role_id": "role_doesnotexist"}, "role_id"),
    ),
    "task": Factory(
        body=_task_body,
        update=lambda _w, obj: {"text": f"{obj['text']} again", "date": "2024-06-01"},
        invalid_create=({"lead_id": "lead_doesnotexist", "text": "Nothing"}, "lead"),
        invalid_update=({"is_complete": "maybe"}, "is_complete"),
    ),
    "integration_link": Factory(
        body=lambda _w, n: {
            "name": f"Link {n}",
            "url": f"https://tool{n}.example/{{{{ lead.id }}}}",
            "type": "lead",
        },
        update=lambda _w, obj: {"name": f"{obj['name']} renamed"},
        invalid_create=({"name": "No URL", "type": "lead"}, "url"),
        invalid_update=({"type": "account"}, "type"),
    ),
    "bulk_action/delete": Factory(
        body=lambda _w, n: {"s_query": _LEADS, "results_limit": n},
        invalid_create=({"s_query": {"type": "nope"}}, "s_query.type"),
    ),
    "bulk_action/edit": Factory(
        body=lambda world, n: {
            "type": "set_lead_status",
            "lead_status_id": world.statuses()[0]["id"],
            "s_query": _LEADS,
            "results_limit": n,
        },
        invalid_create=({"type": "nope", "s_query": _LEADS}, "type"),
    ),
    "bulk_action/email": Factory(
        body=_bulk_email_body,
        invalid_create=({"s_query": _LEADS}, "template_id"),
    ),
    "bulk_action/sequence_subscription": Factory(
        body=lambda _w, n: {"action_type": "pause", "s_query": _LEADS, "results_limit": n},
        invalid_create=({"action_type": "subscribe", "s_query": _LEADS}, "sequence_id"),
    ),
    "webhook": Factory(
        body=lambda _w, n: {
            "url": f"http://127.0.0.1:9/hook{n}",
            "events": [{"object_type": "lead", "action": "created"}],
        },
        update=lambda _w, obj: {"url": f"{obj['url']}/moved"},
        invalid_create=(
            {"url": "ftp://nowhere", "events": [{"object_type": "lead", "action": "created"}]},
            "url",
        ),
        invalid_update=({"status": "sleeping"}, "status"),
    ),
    "comment": Factory(
        body=lambda world, n: {"object_id": _shared_lead(world), "body": f"<body>Comment {n}</body>"},
        update=lambda _w, obj: {"body": "<body>Edited</body>"},
        invalid_create=({"object_id": "lead_doesnotexist", "body": "x"}, "object_id"),
        invalid_update=({"body": ""}, "body"),
        list_params=lambda world: {"object_id": _shared_lead(world)},
    ),
    "comment_thread": Factory(make=_make_comment_thread),
    "activity/note": Factory(
        body=_note_body,
        update=lambda _w, obj: {"note": f"{obj['note']} edited", "pinned": True},
        invalid_create=({"lead_id": "lead_doesnotexist", "note": "x"}, "lead"),
        invalid_update=({"note_html": 5}, "note_html"),
    ),
    "activity/call": Factory(
        body=_call_body,
        update=lambda _w, obj: {"note_html": "<body><b>Edited</b></body>", "duration": 99},
        invalid_create=({"lead_id": "lead_doesnotexist"}, "lead"),
        invalid_update=({"status": "ringing"}, "status"),
    ),
    "activity/meeting": Factory(
        make=_make_meeting,
        update=lambda _w, obj: {"user_note_html": "<body>Went well</body>", "status": "completed"},
        invalid_update=({"status": "postponed"}, "status"),
    ),
    "outcome": Factory(
        body=lambda _w, n: {"name": f"Outcome {n}", "description": f"Outcome number {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "type": "vm-dropped"},
        invalid_create=({"name": ""}, "name"),
        invalid_update=({"type": "automatic"}, "type"),
    ),
    "activity/created": Factory(make=_system_activity("Created", "activity/created", import_id=None)),
    "activity/status_change/lead": Factory(
        body=_lead_status_change_body, invalid_create=({"new_status_id": "stat_nope"}, "lead_id")
    ),
    "activity/status_change/opportunity": Factory(
        body=_opportunity_status_change_body,
        invalid_create=({"new_status_id": "stat_nope"}, "opportunity_id"),
    ),
    "activity/task_completed": Factory(
        make=_system_activity("TaskCompleted", "activity/task_completed", task_id="task_", task_text="Do ")
    ),
    "activity/lead_merge": Factory(
        make=_system_activity(
            "LeadMerge", "activity/lead_merge", source_lead_id="lead_gone", merge_status="completed"
        )
    ),
    "activity/form_submission": Factory(
        make=_system_activity("FormSubmission", "activity/form_submission", form_name="Form ", values={})
    ),
    "activity/custom": Factory(
        body=_custom_activity_body,
        update=lambda _w, _obj: {"pinned": True},
        invalid_create=({"lead_id": "lead_doesnotexist"}, "lead"),
        invalid_update=({"status": "finished"}, "status"),
    ),
    "activity/email": Factory(
        body=_email_body,
        update=lambda _w, _obj: {"contact_id": None},
        invalid_create=({"lead_id": "lead_doesnotexist", "status": "draft"}, "lead"),
        invalid_update=({"status": "archived"}, "status"),
    ),
    "activity/emailthread": Factory(make=_make_email_thread),
    "activity/sms": Factory(
        body=_sms_body,
        update=lambda _w, _obj: {"contact_id": None},
        invalid_create=({"status": "sent", "lead_id": "lead_doesnotexist"}, "lead"),
        invalid_update=({"status": "archived"}, "status"),
    ),
    "activity/whatsapp_message": Factory(
        body=_whatsapp_body,
        update=lambda _w, _obj: {"message_markdown": "_changed_"},
        invalid_create=({"direction": "sideways"}, "direction"),
        invalid_update=({"remote_phone": "not a phone"}, "remote_phone"),
    ),
    "email_template": Factory(
        body=lambda _w, n: {
            "name": f"Template {n}",
            "subject": f"Hello {{{{ contact.first_name }}}} {n}",
            "body": f"<p>{{{{ lead.display_name }}}} {n}</p>",
            "is_shared": n % 2 == 0,
        },
        update=lambda _w, obj: {"name": f"{obj['name']} renamed"},
        invalid_create=({"subject": "No name"}, "name"),
        invalid_update=({"body": "{{ nobody.name }}"}, "body"),
    ),
    "sms_template": Factory(
        body=lambda _w, n: {
            "name": f"SMS {n}",
            "text": f"Hi {{{{ contact.first_name }}}} {n}",
            "status": "archived" if n == 1 else "active",
        },
        update=lambda _w, obj: {"text": f"{obj['text']} again"},
        invalid_create=({"name": "Bad", "text": "{{ contact.first_name "}, "text"),
        invalid_update=({"status": "deleted"}, "status"),
    ),
    "unsubscribe/email": Factory(make=_make_unsubscribed_email, identity="email"),
    "blocked_phone_number": Factory(
        body=lambda _w, n: {"phone": f"+1415555{n:04d}", "reason": f"Spam {n}"},
        update=lambda _w, obj: {"reason": f"{obj['reason']} again"},
        invalid_create=({"phone": "not a number", "reason": "x"}, "phone"),
        invalid_update=({"reason": None}, "reason"),
    ),
    "blocked_phone_number/settings": Factory(
        make=lambda world, n: world.api.ok(
            "PUT", "blocked_phone_number/settings/", json={"reject_anonymous_inbound_calls": n % 2 == 0}
        )
    ),
    "send_as": Factory(
        body=_send_as_body, invalid_create=({"allowing_user_id": "user_nope"}, "allowed_user_id")
    ),
    "phone_number": Factory(
        make=_make_phone_number,
        update=lambda _w, obj: {"label": f"Line {obj['number']}"},
        invalid_update=({"forward_to": "nowhere"}, "forward_to"),
        filter_values={"user_id": lambda obj: obj["user_id"]},
    ),
    "connected_account": Factory(make=_loaded("connected_account", _connected_account_body)),
    "dialer": Factory(make=_loaded("dialer", _dialer_body)),
    "saved_search": Factory(
        body=lambda _w, n: {
            "name": f"View {n}",
            "is_shared": True,
            "s_query": {
                "query": {"type": "object_type", "object_type": "lead"},
                "sort": [],
                "results_limit": n,
            },
        },
        update=lambda _w, obj: {"name": f"{obj['name']} renamed"},
        invalid_create=({"name": "X", "s_query": {"query": {"type": "nope"}}}, "query.type"),
        invalid_update=({"name": ""}, "name"),
    ),
    "scheduling_link": Factory(
        body=lambda _w, n: {"name": f"Link {n}", "url": f"cal{n}.example/meet", "description": f"Link {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "url": "https://cal.example/new"},
        invalid_create=({"name": "No URL"}, "url"),
        invalid_update=({"url": "ftp://files.example/"}, "url"),
    ),
    "shared_scheduling_link": Factory(
        body=lambda _w, n: {"name": f"Shared link {n}", "description": f"Shared link number {n}"},
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "description": "changed"},
        invalid_create=({"name": ""}, "name"),
        invalid_update=({"name": None}, "name"),
    ),
    "shared_scheduling_link_association": Factory(make=_make_link_map),
    "sequence": Factory(
        body=_sequence_body,
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "status": "paused"},
        invalid_create=({"name": "No steps", "timezone": "UTC", "steps": []}, "steps"),
        invalid_update=({"timezone": "Nowhere/Special"}, "timezone"),
    ),
    "sequence_subscription": Factory(
        body=_subscription_body,
        update=lambda _w, obj: {"sender_name": f"{obj['sender_name']} again", "status": "paused"},
        invalid_create=({"sequence_id": "seq_doesnotexist", "contact_id": "cont_nope"}, "sequence_id"),
        invalid_update=({"status": "goal"}, "status"),
        list_params=lambda world: {"lead_id": _subscribed_lead(world)},
    ),
    "export": Factory(
        make=lambda w, n: w.api.ok(
            "POST", "export/lead/", json={"format": "csv" if n % 2 else "json", "type": "leads"}
        )
    ),
    "playbook": Factory(
        body=_playbook_body,
        update=lambda _w, obj: {"name": f"{obj['name']} renamed", "summary_guidance": "changed"},
        invalid_create=({"name": ""}, "name"),
        invalid_update=({"outcome_ids": ["outcome_doesnotexist"]}, "outcome_ids"),
    ),
}


def factory_for(spec: ResourceSpec) -> Factory:
    factory = FACTORIES.get(spec.path)
    if factory is None:
        pytest.fail(f"no factory for the resource {spec.path!r}: add one to tests/conformance/factories.py")
    return factory


def identity(spec: ResourceSpec) -> str:
    """The key naming an object of `spec` in a list (see Factory.identity)."""
    factory = FACTORIES.get(spec.path)
    return factory.identity if factory is not None else "id"


def list_params(world: World, spec: ResourceSpec) -> dict[str, str]:
    """Parameters that every list request of `spec` must carry."""
    factory = FACTORIES.get(spec.path)
    if factory is None or factory.list_params is None:
        return {}
    return factory.list_params(world)


def make(world: World, spec: ResourceSpec, n: int = 0) -> Obj:
    """Create the n-th object of `spec` in `world`; its public representation."""
    factory = factory_for(spec)
    if factory.body is not None:
        created: Obj = world.api.ok(
            "POST", f"{spec.path}/", expected=spec.create_status, json=factory.body(world, n)
        )
        return created
    assert factory.make is not None, f"the factory of {spec.path!r} needs body or make"
    return factory.make(world, n)
