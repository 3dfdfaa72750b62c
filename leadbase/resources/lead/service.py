"""Leads: the container of contacts, opportunities, tasks and activities."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from leadbase.core import clock
from leadbase.core.clock import iso
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.core.names import name_key
from leadbase.core.timezones import address_zones, agreed_zone, local_time
from leadbase.core.urls import console_lead_path
from leadbase.custom_fields.definitions import org_definitions
from leadbase.custom_fields.values import CustomValues, custom_values
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter
from leadbase.db.kept import keeper
from leadbase.db.orgcache import lead_statuses as ordered_statuses
from leadbase.db.permissions import DELETE_LEADS, require
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.activities import record_status_change
from leadbase.resources.common import forget_recent_calls, recent_calls, record_activity, user_names
from leadbase.resources.links import links_wanted, render_links
from leadbase.resources.query_strings import string_query

# The lead's activity smart fields: per activity `_type`, its count and the latest activity_at,
# read from `lead_activity_count` (kept by triggers on `activity`: never counted on a read).
SMART_FIELDS = {
    "Call": ("num_calls", "last_call_date"),
    "Email": ("num_emails", "last_email_date"),
    "SMS": ("num_sms", "last_sms_date"),
    "Meeting": ("num_meetings", "last_meeting_date"),
    "Note": ("num_notes", "last_note_date"),
}
SMART_NAMES = frozenset(name for pair in SMART_FIELDS.values() for name in pair)

ADDRESS_FIELDS = ("label", "address_1", "address_2", "city", "state", "zipcode", "country")


def clean_addresses(value: Any) -> list[dict[str, Any]]:
    """A lead's addresses (a field cleaner): a list of objects of text fields."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Expected a list.")
    cleaned, nested = [], {}
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            nested[str(index)] = {"errors": ["Expected an object."], "field-errors": {}}
            continue
        bad = {
            k: "Not a valid string."
            for k in ADDRESS_FIELDS
            if entry.get(k) is not None and not isinstance(entry.get(k), str)
        }
        if bad:
            nested[str(index)] = {"errors": [], "field-errors": bad}
            continue
        cleaned.append({k: entry.get(k) for k in ADDRESS_FIELDS})
    if nested:
        raise Problem({"errors": nested})
    return cleaned


def render_addresses(stored: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**a, "tz_ids": address_zones(a.get("country"), a.get("state"))} for a in stored]


def address_summary(address: dict[str, Any]) -> str:
    """One line: street, city, "state zipcode", country, leaving out what is empty."""
    get = address.get
    parts = (get("address_1"), get("address_2"), get("city"), get("state"), get("zipcode"), get("country"))
    try:
        return _summary(*parts)
    except TypeError:  # an unhashable part (written by hand in SQL): worked out, not kept
        return _summary.__wrapped__(*parts)


# A page of leads shows each lead's first address in one line, and addresses repeat (the same
# office on many leads, the same lead read again): a line is worked out once per distinct
# address, in about a third of the time it takes to build it (bench/RESULTS.md, 2026-12-05).
@lru_cache(maxsize=4096)
def _summary(
    street_1: str | None,
    street_2: str | None,
    city: str | None,
    state: str | None,
    zipcode: str | None,
    country: str | None,
) -> str:
    region = " ".join(p for p in (state, zipcode) if p)
    return ", ".join(p.strip() for p in (street_1, street_2, city, region, country) if p and p.strip())


# Contacts named in `contacts_summary` before it counts the rest.
SUMMARY_CONTACTS = 3


def contacts_summary(contacts: list[dict[str, Any]]) -> str:
    """ "Ann, Bob, Cy and 2 more": the first contacts' display names, then how many are left."""
    names = [c["display_name"] for c in contacts[:SUMMARY_CONTACTS] if c.get("display_name")]
    summary = ", ".join(names)
    rest = len(contacts) - SUMMARY_CONTACTS
    return f"{summary} and {rest} more" if rest > 0 else summary


def local_time_of(addresses: list[dict[str, Any]], phones: list[dict[str, Any]], now: datetime) -> str | None:
    """The lead's local time: its addresses' zone, else its contacts' phones', when they agree."""
    candidates = [a["tz_ids"] for a in addresses] + [p.get("tz_ids") or [] for p in phones]
    return _wall_clock(agreed_zone(candidates, now), now)


# A page's leads are rendered at one moment and share few zones: a zone's wall clock is worked
# out once a page, not once a lead.
@lru_cache(maxsize=256)
def _wall_clock(zone: str | None, now: datetime) -> str | None:
    moment = local_time(zone, now)
    return moment.isoformat(timespec="seconds") if moment is not None else None


def status_gone() -> Invalid:
    return Invalid.field(
        "status", "Not a valid choice. Use the id of one of the organization's lead statuses."
    )


# The computed fields a lead shows that are not its row's alone (see `LeadService.render`); the
# relations embedded besides contacts (opportunities, tasks) are too.
_PER_REQUEST = (
    "display_name",
    "status_label",
    "contacts",
    "contact_ids",
    "integration_links",
    "primary_email",
    "primary_phone",
    "html_url",
    "recent_calls",
    "contacts_summary",
    "localtime",
    "created_by_name",
    "updated_by_name",
)


class LeadService(Service):
    # A status deleted between this request's check and its write.
    violations = {"fk_lead_status_id_lead_status": status_gone}
    keeps_renderings = True

    # ---- reading -------------------------------------------------------------------------

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        statuses = {s["id"]: s["label"] for s in ordered_statuses(self.ctx)}
        shown = self.ctx.shown
        calls = {}
        if shown is None or "recent_calls" in shown or "contacts" in shown:
            # Read before the contacts are rendered, which take theirs from the same calls.
            calls = recent_calls(self.ctx, "lead_id", [r["id"] for r in rows])
        try:
            embedded = self.embedded(rows)
        finally:
            forget_recent_calls(self.ctx)
        contacts_by_lead = embedded["contacts"]
        links = links_wanted(self.ctx, "lead", rows)
        # With `_fields`, only the keys it keeps (and the id, which smart fields are found by).
        # Integration links are filled in from the whole representation, so they need it all.
        keys = None if shown is None or links else shown | {"id"}
        with_custom = keys is None or any(k == "custom" or k.startswith("custom.") for k in keys)
        names = user_names(self.ctx, [r["created_by"] for r in rows] + [r["updated_by"] for r in rows])
        custom = custom_values(self.ctx, "lead")
        base_url = self._html_base_url()
        now = clock.now()

        # Relations embedded besides contacts (opportunities, tasks) fill their own keys.
        others = {name: by_lead for name, by_lead in embedded.items() if name != "contacts"}
        render = self._fields().renderer_for(keys)
        # What a row alone decides is kept from one read to the next (db/kept.py); the rest of
        # `computed` is this request's, laid over a copy.
        kept = keeper(self.ctx, "lead", org_definitions(self.ctx))
        found = kept.lookup(rows) if kept is not None else [None] * len(rows)
        per_request = dict.fromkeys([*_PER_REQUEST, *others])

        def fresh(r: Row, computed: dict[str, Any]) -> dict[str, Any]:
            # `computed` completed with the fields of the row's own.
            addresses = r["addresses"]
            computed["primary_address_summary"] = address_summary(addresses[0]) if addresses else None
            computed["custom"] = None  # shown with the custom.cf_... keys below
            data = render(r, computed)
            if with_custom:
                custom.render_into(data, r["custom"], legacy_dict=True)
            return data

        out = []
        for r, lookup in zip(rows, found, strict=True):
            contacts = contacts_by_lead.get(r["id"], [])
            # One pass over the contacts: their ids, the first email, every phone (for localtime).
            contact_ids, phones, primary_email = [], [], None
            for c in contacts:
                contact_ids.append(c["id"])
                if primary_email is None and c["emails"]:
                    primary_email = c["emails"][0]
                if c["phones"]:
                    phones += c["phones"]
            computed = {
                "display_name": r["name"] or (contacts[0]["display_name"] if contacts else ""),
                "status_label": statuses.get(r["status_id"]),
                "contacts": contacts,
                "contact_ids": contact_ids,
                # Each embedded relation (opportunities, tasks) fills its own key below.
                "integration_links": [],
                "primary_email": primary_email,
                "primary_phone": phones[0] if phones else None,
                "html_url": base_url + console_lead_path(r["id"]),
                "recent_calls": calls.get(r["id"], []),
                "contacts_summary": contacts_summary(contacts),
                "localtime": None,
                "created_by_name": names.get(r["created_by"]) if r["created_by"] else None,
                "updated_by_name": names.get(r["updated_by"]) if r["updated_by"] else None,
            }
            for name, by_lead in others.items():
                computed[name] = by_lead.get(r["id"], [])
            if kept is None or lookup is None:
                data = fresh(r, computed)
            else:
                key, template = lookup
                if template is None:
                    # Kept with nothing of this request's in it.
                    template = fresh(r, dict(per_request))
                    kept.keep(key, template)
                data = {**template, **computed}
                if kept.checking:
                    kept.check(key, data, partial(fresh, r, dict(computed)))
            if "localtime" in data:
                # The addresses as shown (with their zones), whether `_fields` keeps them or not.
                addresses = (
                    data["addresses"] if "addresses" in data else render_addresses(r["addresses"] or [])
                )
                if addresses or phones:
                    data["localtime"] = local_time_of(addresses, phones, now)
            if links:
                # Integration links are rendered from the lead's own representation.
                data["integration_links"] = render_links(self.ctx, "lead", data)
            out.append(data)
        wanted = self._smart_fields()
        if wanted:
            self._add_smart_fields(out, wanted)
        return out

    def _smart_fields(self) -> frozenset[str]:
        """The smart fields a read asked for: by name in `_fields`, or all with `_fields=_all`."""
        raw = self.ctx.params.get("_fields") if self.ctx.params else None
        if not raw:
            return frozenset()
        names = {part.strip() for part in raw.split(",")}
        return SMART_NAMES if "_all" in names else SMART_NAMES & names

    def _add_smart_fields(self, out: list[dict[str, Any]], wanted: frozenset[str]) -> None:
        counts = self.repo.activity_counts([d["id"] for d in out], list(SMART_FIELDS))
        for data in out:
            mine = counts.get(data["id"], {})
            for type_name, (count_name, date_name) in SMART_FIELDS.items():
                n, last = mine.get(type_name, (0, None))
                if count_name in wanted:
                    data[count_name] = n
                if date_name in wanted:
                    data[date_name] = iso(last) if last is not None and n else None

    def _html_base_url(self) -> str:
        # The configured html_base_url, else the address this request reached leadbase at.
        configured = getattr(self.ctx.memo.get("settings"), "html_base_url", None)
        return str(configured or self.ctx.memo.get("base_url") or "").rstrip("/")

    def authorize(self, action: str, row: Row | None) -> None:
        if action == "delete":
            require(self.ctx, DELETE_LEADS)

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        text = params.get("query")
        if not text or not text.strip():
            return None
        parsed = string_query(self.ctx, text, "lead")
        if parsed.order_by and "_order_by" not in params:
            query.order_by = parsed.order_by
        return parsed.where

    # ---- writing -------------------------------------------------------------------------

    def _clean(self, body: dict[str, Any], current: Row | None) -> Row:
        errors = FieldErrors()
        statuses = ordered_statuses(self.ctx)

        def by_id(wanted: Any) -> Any:
            if wanted is None:
                return None
            if any(s["id"] == wanted for s in statuses):
                return wanted
            raise Problem(status_gone().field_errors["status"])

        def by_label(label: Any) -> Any:
            if label is None or body.get("status_id") is not None:
                return None  # status_id, when given, wins
            key = name_key(label) if isinstance(label, str) else None
            for s in statuses:
                if s["label_key"] == key:
                    return s["id"]
            raise Problem(f"Not a valid choice. {label!r} is not a lead status of this organization.")

        values = self._fields().clean(
            body, creating=current is None, errors=errors, cleaners={"status_id": by_id, "status": by_label}
        )
        # A null status (or status_id) leaves the status as it is, or to the default.
        label_status = values.pop("status", None)
        if values.get("status_id") is None:
            values.pop("status_id", None)
            if label_status is not None:
                values["status_id"] = label_status
        custom = CustomValues(self.ctx, "lead")
        lead_id = current["id"] if current else None
        new_custom = custom.apply((current or {}).get("custom") or {}, body, errors, lead_id=lead_id)
        if current is None or new_custom != current.get("custom"):
            values["custom"] = new_custom
        if current is None and "contacts" in body:
            self._check_contacts(body["contacts"], errors)
        errors.raise_if_any()
        return values

    def _contacts(self) -> Service:
        spec = self.spec.embedded("contacts")
        return spec.service(self.ctx, spec)

    def _check_contacts(self, contacts: Any, errors: FieldErrors) -> None:
        if contacts is None:
            return
        if not isinstance(contacts, list):
            errors.add("contacts", "Expected a list of contacts.")
            return
        nested: dict[str, Any] = {}
        service = self._contacts()
        for index, body in enumerate(contacts):
            try:
                service.validate_embedded(body, None)
            except Invalid as exc:
                nested[str(index)] = exc.body()
        if nested:
            errors.add("contacts", {"errors": nested})

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = self._clean(body, None)
        if "status_id" not in values:
            statuses = ordered_statuses(self.ctx)
            if not statuses:
                raise Invalid.field("status", "The organization has no lead statuses.")
            values["status_id"] = statuses[0]["id"]
        values.setdefault("custom", {})
        values["source"] = "api"
        return values

    def after_create(self, row: Row, body: dict[str, Any]) -> None:
        contacts = body.get("contacts") or []
        service = self._contacts()
        for number, contact_body in enumerate(contacts):
            values = service.validate_embedded(contact_body, row["id"])
            values["lead_id"] = row["id"]
            # Contacts list in creation order: a microsecond apart keeps the body's order
            # even when the clock does not move between them (a frozen test clock).
            moment = row["date_created"] + timedelta(microseconds=number + 1)
            values.update(date_created=moment, date_updated=moment)
            service.insert(values)
        # Close's Created activity: one per lead, with how it came to be.
        record_activity(
            self.ctx,
            "activity/created",
            {
                "lead_id": row["id"],
                "activity_at": row["date_created"],
                "date_created": row["date_created"],
                "date_updated": row["date_created"],
                "source": row.get("source") or "api",
                "payload": {"import_id": None},
            },
        )

    def after_update(self, before: Row, after: Row) -> None:
        if before["status_id"] != after["status_id"]:
            labels = {s["id"]: s["label"] for s in ordered_statuses(self.ctx)}
            record_status_change(
                self.ctx,
                "activity/status_change/lead",
                "lead_id",
                {
                    "lead_id": after["id"],
                    "source": "api",
                    "payload": {
                        "old_status_id": before["status_id"],
                        "old_status_label": labels.get(before["status_id"]),
                        "new_status_id": after["status_id"],
                        "new_status_label": labels.get(after["status_id"]),
                    },
                },
            )

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        return self._clean(body, row)
