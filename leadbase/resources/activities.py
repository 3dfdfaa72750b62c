"""The base every activity type builds on: notes, calls and meetings, the message kinds, custom
activities and the activities leadbase records by itself.

Each type is a `ResourceSpec` on the `activity` table with `discriminator=("type", "<_type>")`
and a service subclassing `ActivityBase`, which holds what they all do alike:

- storage: a declared field whose column is not one of the table's lives in the row's `payload`
  document under its name. `split` moves cleaned values there (datetimes as ISO text) and
  `merged` lays the document out beside the columns before rendering, so the declarations clean
  and render those fields like any column and the shared table gains no column per type;
- rendering: `_type` (the spec's model name), the names of the users, `users`, `comment_summary`
  for a page in one query, `pinned`, and fields Close shows only when `_fields` names them
  (`ON_REQUEST`: a call's transcripts);
- the request-bound cleaners of the common fields (the lead, a contact of that lead, a member, a
  moment in the caller's offset), what an import says of its own creation (`date_created`,
  `created_by_id`), pins, and who may change or delete an activity.

A type declares its own fields and writes only its own rules. The value cleaners it picks from
live in `resources/activity_values.py`, the rich text in `resources/richtext.py`.
`ActivityService` below is the write template of the types with rich-text notes (notes, calls,
meetings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

from sqlalchemy import and_, func, select

from leadbase.core import clock
from leadbase.core.dates import parse_datetime
from leadbase.core.errors import FieldErrors, Invalid, LeadbaseError
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.db.context import Context
from leadbase.db.fields import (
    DATETIME,
    EQUAL,
    IDS,
    OBJECT,
    RANGE,
    REQUIRED,
    TEXT,
    Field,
    Fields,
    Problem,
    shown,
)
from leadbase.db.models import activity, comment, comment_thread
from leadbase.db.permissions import DELETE_OWN_ACTIVITIES, MANAGE_OTHERS_ACTIVITIES, require_for_object
from leadbase.db.query import FilterSpec
from leadbase.db.repository import Row
from leadbase.db.resource import Parent, ResourceSpec, resources
from leadbase.db.service import Service
from leadbase.resources.activity_values import DOES_NOT_EXIST, Cleaner, unchanged
from leadbase.resources.common import record_activity, user_names
from leadbase.resources.richtext import NotProse, mention_spans, paired

# The filters every activity list takes (comma lists of ids, as Close's clients send them).
BY_OBJECT = {
    "lead_id": FilterSpec("lead_id", "id", splits=True),
    "contact_id": FilterSpec("contact_id", "id", splits=True),
    "user_id": FilterSpec("user_id", "id", splits=True),
}
# Close lists activities newest first (crm-core.md §7.2), every type and the family alike.
NEWEST_FIRST = ("-date_created", "id")


def activity_spec(
    *,
    path: str,
    model_name: str,
    service: type[ActivityBase],
    object_type: str,
    fields: Fields,
    parents: tuple[Parent, ...] = (),
    filters: Mapping[str, FilterSpec] | None = None,
    **options: Any,
) -> ResourceSpec:
    """The declaration of one activity type: a row of `activity` whose `type` is its model name,
    on a lead, listed newest first with the common filters; `parents` and `filters` add the
    type's own."""
    return ResourceSpec(
        path=path,
        table=activity,
        id_prefix="acti",
        model_name=model_name,
        service=service,
        object_type=object_type,
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id"), *parents),
        discriminator=("type", model_name),
        default_order=NEWEST_FIRST,
        filters={**BY_OBJECT, **(filters or {})},
        fields=fields,
        **options,
    )


def base_fields(*, strict: bool = False, summary: bool = True) -> tuple[Field, ...]:
    """ActivityBase, the fields every activity shows first (crm-core.md §7.3). `strict`: the
    contact and the moment are required (WhatsApp); `summary`: it shows `comment_summary`."""
    return (
        shown("id", filter_operators=EQUAL),
        shown("_type", TEXT, computed=True),
        Field("lead_id", required=True, error_name="lead"),
        Field("contact_id", nullable=True, error_name="contact", required=strict),
        Field("user_id", nullable=True, error_name="user"),
        shown("user_name", TEXT, computed=True, nullable=True),
        shown("created_by", nullable=True),
        shown("created_by_name", TEXT, computed=True, nullable=True),
        shown("updated_by", nullable=True),
        shown("updated_by_name", TEXT, computed=True, nullable=True),
        shown("organization_id"),
        shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
        shown("date_updated", DATETIME, sortable=True),
        Field("activity_at", DATETIME, filter_operators=RANGE, sortable=True, required=strict),
        shown("users", IDS, computed=True),
        *((shown("comment_summary", OBJECT, computed=True, nullable=True),) if summary else ()),
    )


@dataclass(frozen=True)
class OnRequest:
    """A field Close shows only when `_fields` names it (a call's transcripts): written like
    the others through `clean`, kept in `payload`, and shown as `empty` while it holds nothing."""

    clean: Cleaner
    empty: Any = None


Layout = tuple[frozenset[str], tuple[str, ...], frozenset[str]]
_LAYOUTS: dict[str, Layout] = {}


def _layout(spec: ResourceSpec) -> Layout:
    """The table's columns, the declared fields kept in `payload`, and those holding datetimes
    (worked out once per type)."""
    found = _LAYOUTS.get(spec.path)
    if found is None:
        columns = frozenset(spec.table.c.keys())
        held = [f for f in spec.fields or () if not f.computed and f.source not in columns]
        dates = frozenset(f.source for f in held if f.type is DATETIME)
        found = _LAYOUTS[spec.path] = (columns, tuple(f.source for f in held), dates)
    return found


# A message or call that no sequence sent: Close's sequence fields, empty.
NO_SEQUENCE: Mapping[str, Any] = dict.fromkeys(("sequence_id", "sequence_name", "sequence_subscription_id"))


def _constant(name: str, value: Any) -> Callable[[Row], Any]:
    """The row's own value when it holds one (a sequence's email carries its sequence_id), else
    Close's empty value."""
    if isinstance(value, list):
        # A fresh list each time: a rendered object may be changed by whoever holds it.
        return lambda row: row.get(name) if row.get(name) is not None else list(value)
    return lambda row: row.get(name) if row.get(name) is not None else value


class ActivityBase(Service):
    """Storage, rendering, common cleaners and permissions of every activity type."""

    ON_REQUEST: ClassVar[Mapping[str, OnRequest]] = {}
    # Computed fields of Close's that leadbase never fills (a sender's SMTP state, an email's
    # sequence), shown with Close's empty value.
    EMPTY: ClassVar[Mapping[str, Any]] = {}

    # The lead deleted between this request's check and its write.
    violations: Mapping[str, Callable[[], LeadbaseError]] = {
        "fk_activity_lead_id_lead": lambda: Invalid.field("lead", DOES_NOT_EXIST),
    }

    # ---- storage: columns and payload ---------------------------------------------------

    def split(self, values: Row, before: Row | None = None) -> Row:
        """Column values with the payload-held ones moved into `payload` (merged into `before`'s);
        on create (no `before`) the row also gets its documents."""
        columns, _, dates = _layout(self.spec)
        out = {k: v for k, v in values.items() if k in columns}
        extra = {
            k: v.isoformat() if k in dates and isinstance(v, datetime) else v
            for k, v in values.items()
            if k not in columns
        }
        if extra or before is None:
            payload = dict(before.get("payload") or {}) if before is not None else {}
            payload.update(extra)
            out["payload"] = payload
        if before is None:
            out.setdefault("custom", {})
        return out

    def merged(self, row: Row) -> Row:
        """A row with its payload's fields beside its columns (absent ones null), as the
        declarations read them."""
        columns, held, dates = _layout(self.spec)
        payload = row.get("payload") or {}
        # A row just inserted holds only the columns it was given.
        out: Row = dict.fromkeys(columns)
        out.update(dict.fromkeys(held))
        out.update(payload)
        for key in dates:
            if isinstance(out.get(key), str):
                out[key] = datetime.fromisoformat(out[key])
        out.update(row)
        return out

    # ---- rendering ----------------------------------------------------------------------

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        """The type's own computed fields, built once for a page (from merged rows)."""
        return {}

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        merged = [self.merged(r) for r in rows]
        fields = self._fields()
        names = user_names(self.ctx, [r[k] for r in rows for k in ("user_id", "created_by", "updated_by")])
        shown_names = {f.name for f in fields.shown()}
        summaries = (
            _summaries_of(self.ctx, [r["id"] for r in rows]) if "comment_summary" in shown_names else {}
        )
        model = self.spec.model_name

        def name_of(column: str) -> Callable[[Row], Any]:
            return lambda row: names.get(row[column]) if row[column] else None

        computed: dict[str, Callable[[Row], Any]] = {
            "_type": lambda _row: model,
            "user_name": name_of("user_id"),
            "created_by_name": name_of("created_by"),
            "updated_by_name": name_of("updated_by"),
            "users": lambda _row: [],
            "comment_summary": lambda row: summaries.get(row["id"]),
            "pinned": lambda row: row.get("pinned_at") is not None,
            **{name: _constant(name, value) for name, value in self.EMPTY.items()},
            **self.computed(merged),
        }
        out = [fields.render(r, computed) for r in merged]
        asked = [name for name in self.ON_REQUEST if self.ctx.shown and name in self.ctx.shown]
        for data, row in zip(out, merged, strict=True):
            for name in asked:
                value = row.get(name)
                data[name] = self.ON_REQUEST[name].empty if value is None else value
        return out

    # ---- cleaning -----------------------------------------------------------------------

    def moment(self, value: Any) -> Any:
        """An activity's datetime: ISO 8601 or a date, naive ones in the caller's x-tz-offset."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise Problem("Not a valid datetime.")
        try:
            return parse_datetime(value, self.ctx.tz_offset, naive_in_offset=True)
        except ValueError as exc:
            raise Problem("Not a valid datetime.") from exc

    def member(self, value: Any) -> Any:
        """A user id that must name a member of the caller's organization (null passes)."""
        if value is None:
            return None
        found = DatabaseLookups(self.ctx).user_ids([value]) if isinstance(value, str) else {}
        if not isinstance(value, str) or found.get(value) != value:
            raise Problem("Not a user of this organization.")
        return value

    def lead_of(self, found: dict[str, Any]) -> Cleaner:
        """The lead a new activity goes on (remembered in `found` for the contact's check)."""

        def clean(value: Any) -> Any:
            if value is None:
                raise Problem(REQUIRED)
            if not isinstance(value, str) or self.repo.find(self.spec.parent("lead_id"), value) is None:
                raise Problem(DOES_NOT_EXIST)
            found["lead_id"] = value
            return value

        return clean

    def contact_of(self, lead_id: Callable[[], Any], *, required: bool = False) -> Cleaner:
        """A contact of the activity's lead (`lead_id()`, once the lead is known)."""

        def clean(contact_id: Any) -> Any:
            if contact_id is None:
                if required:
                    raise Problem(REQUIRED)
                return None
            if not isinstance(contact_id, str):
                raise Problem(DOES_NOT_EXIST)
            leads = DatabaseLookups(self.ctx).contact_leads([contact_id])
            if contact_id not in leads:
                raise Problem(DOES_NOT_EXIST)
            if lead_id() is not None and leads[contact_id] != lead_id():
                raise Problem("The contact must be a contact of the activity's lead.")
            return contact_id

        return clean

    def common_cleaners(self, found: dict[str, Any], row: Row | None = None) -> dict[str, Cleaner]:
        """Cleaners of the fields every activity has (a create when `row` is None): the lead
        cannot change once set."""
        lead_id: Callable[[], Any] = (
            (lambda: row["lead_id"]) if row is not None else (lambda: found.get("lead_id"))
        )
        return {
            "lead_id": self.lead_of(found) if row is None else unchanged(row["lead_id"]),
            "contact_id": self.contact_of(lead_id),
            "user_id": self.member,
            "activity_at": self.moment,
        }

    def checked(self, errors: FieldErrors, name: str, clean: Cleaner, value: Any) -> Any:
        """`clean(value)`, its problem recorded under `name` (None then)."""
        try:
            return clean(value)
        except Problem as problem:
            errors.add(name, problem.message)
            return None

    def imported(self, body: dict[str, Any], errors: FieldErrors) -> Row:
        """What an imported activity says of its own creation: `date_created` (now when absent)
        and `created_by_id` (or `created_by`) when given."""
        out: Row = {
            "date_created": self.checked(errors, "date_created", self.moment, body.get("date_created"))
        }
        out["date_created"] = out["date_created"] or clock.now()
        for key in ("created_by_id", "created_by"):
            if body.get(key) is not None:
                created_by = self.checked(errors, "created_by", self.member, body[key])
                if created_by is not None:
                    out["created_by"] = created_by
                break
        return out

    def requested(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        """The `ON_REQUEST` fields a body writes, cleaned into `values`."""
        for name, field in self.ON_REQUEST.items():
            if name in body:
                values[name] = self.checked(errors, name, field.clean, body[name])

    def pinned_at(self, body: dict[str, Any], errors: FieldErrors, was: Any) -> Any:
        """The new `pinned_at` when the body's `pinned` changes it, else `was`."""
        if "pinned" not in body:
            return was
        pinned = body["pinned"]
        if pinned is not None and not isinstance(pinned, bool):
            errors.add("pinned", "Must be true or false.")
            return was
        if bool(pinned) == (was is not None):
            return was
        return clock.now() if pinned else None

    # ---- permissions --------------------------------------------------------------------

    def authorize(self, action: str, row: Row | None) -> None:
        if row is not None:
            require_for_object(
                self.ctx, row["user_id"], action, own=DELETE_OWN_ACTIVITIES, others=MANAGE_OTHERS_ACTIVITIES
            )


class ActivityService(ActivityBase):
    """The write template of the types with rich-text notes (notes, calls, meetings): the
    declared fields cleaned, the (text, html) pairs kept in step, then the type's own rules."""

    # The (text, html) pairs of rich text the type keeps in step.
    RICH_TEXT: ClassVar[tuple[tuple[str, str], ...]] = ()
    # The source of activities the API creates.
    API_SOURCE: ClassVar[str | None] = "api"

    def cleaners(self, row: Row | None, found: dict[str, Any]) -> dict[str, Cleaner]:
        """Cleaners of the type's fields that need the request (row is None on create)."""
        return {}

    def create_rules(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        """The type's own checks and defaults of a create, on cleaned values."""

    def update_rules(self, row: Row, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        """The type's own checks of an update: `row` merged, `values` the changed fields."""

    def _rich_text(
        self, body: dict[str, Any], values: Row, errors: FieldErrors, current: Row | None = None
    ) -> None:
        for text_key, html_key in self.RICH_TEXT:
            if current is not None:
                # An update writes the pair only as `paired` makes it.
                values.pop(text_key, None)
                values.pop(html_key, None)
                if html_key not in body and body.get(text_key) == current.get(text_key):
                    continue  # the text it already has: its formatting stays
            try:
                pair = paired(body, text_key, html_key)
            except NotProse as problem:
                errors.add(str(problem), "Not a valid string.")
                continue
            if pair is not None:
                values.update(pair)

    def _pins(self) -> bool:
        return any(f.name == "pinned" for f in self._fields().shown())

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        found: dict[str, Any] = {}
        values = self._fields().clean(
            body,
            creating=True,
            errors=errors,
            cleaners={**self.common_cleaners(found), **self.cleaners(None, found)},
        )
        self._rich_text(body, values, errors)
        self.requested(body, values, errors)
        values.update(self.imported(body, errors))
        if self._pins():
            values["pinned_at"] = self.pinned_at(body, errors, None)
        self.create_rules(body, values, errors)
        errors.raise_if_any()
        values["user_id"] = values.get("user_id") or self.ctx.actor.user_id
        values["activity_at"] = values.get("activity_at") or values["date_created"]
        if self.API_SOURCE is not None:
            values["source"] = values.get("source") or self.API_SOURCE
        return self.split(values)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        current = self.merged(row)
        values = self._fields().clean(
            body,
            creating=False,
            errors=errors,
            cleaners={
                **self.common_cleaners({}, current),
                **self.cleaners(current, {"lead_id": row["lead_id"]}),
            },
        )
        values.pop("lead_id", None)
        for key in ("activity_at", "user_id"):
            if key in values and values[key] is None:
                del values[key]  # a null leaves it as it was
        self._rich_text(body, values, errors, current)
        self.requested(body, values, errors)
        if self._pins() and "pinned" in body:
            values["pinned_at"] = self.pinned_at(body, errors, row["pinned_at"])
        self.update_rules(current, body, values, errors)
        errors.raise_if_any()
        return self.split({k: v for k, v in values.items() if current.get(k) != v}, current)


def mentions_of(html_key: str) -> Callable[[Row], Any]:
    """A computed `*_mentions` field: the mention spans of a rich-text field."""
    return lambda row: mention_spans(row.get(html_key) or "")


def comment_summaries(ctx: Context, object_ids: list[str]) -> dict[str, dict[str, Any]]:
    """`{comment_count, thread_id}` of the objects of a page that have a comment thread: one query."""
    if not object_ids:
        return {}
    kept = and_(comment.c.thread_id == comment_thread.c.id, comment.c.removed_at.is_(None))
    rows = ctx.conn.execute(
        select(comment_thread.c.object_id, comment_thread.c.id, func.count(comment.c.id))
        .select_from(comment_thread.outerjoin(comment, kept))
        .where(
            comment_thread.c.organization_id == ctx.organization_id,
            comment_thread.c.object_id.in_(object_ids),
        )
        .group_by(comment_thread.c.object_id, comment_thread.c.id)
    )
    return {r[0]: {"comment_count": int(r[2]), "thread_id": r[1]} for r in rows}


# The request memo's key for the summaries of a whole family page (see page_comment_summaries).
_PAGE_SUMMARIES = "activity_page_comment_summaries"


@contextmanager
def page_comment_summaries(ctx: Context, object_ids: list[str]) -> Iterator[None]:
    """Read the comment summaries of a whole page once, for each type's batch to reuse."""
    ctx.memo[_PAGE_SUMMARIES] = {"ids": set(object_ids), "summaries": comment_summaries(ctx, object_ids)}
    try:
        yield
    finally:
        ctx.memo.pop(_PAGE_SUMMARIES, None)


def _summaries_of(ctx: Context, object_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The page's summaries when the family read them, else one query for these rows."""
    page: dict[str, Any] | None = ctx.memo.get(_PAGE_SUMMARIES)
    if page is not None and set(object_ids) <= page["ids"]:
        found: dict[str, dict[str, Any]] = page["summaries"]
        return {i: found[i] for i in object_ids if i in found}
    return comment_summaries(ctx, object_ids)


# Close folds rapid successive status changes of one lead (or opportunity) into one activity.
# Its window is not documented: a change by the same user within this long of the last one
# is folded into it.
STATUS_CHANGE_FOLD_WINDOW = timedelta(seconds=60)


def record_status_change(
    ctx: Context, path: str, column: str, values: dict[str, Any]
) -> dict[str, Any] | None:
    """Record a status change of the lead or opportunity `values[column]` names, folded into the
    latest one when that was the same user's, within STATUS_CHANGE_FOLD_WINDOW, and ended in this
    change's old status: it moves to the new status (its `updated` event), or is deleted when this
    change reverts it (its `deleted` event). Otherwise a new activity is recorded."""
    spec = resources.get(path)
    assert spec.discriminator is not None
    kind_column, kind = spec.discriminator
    payload = values["payload"]
    now = clock.now()
    latest = ctx.conn.execute(
        select(activity.c.id, activity.c.user_id, activity.c.date_created, activity.c.payload)
        .where(
            activity.c.organization_id == ctx.organization_id,
            activity.c[kind_column] == kind,
            activity.c[column] == values[column],
        )
        .order_by(activity.c.date_created.desc(), activity.c.id.desc())
        .limit(1)
    ).first()
    if latest is not None:
        before = latest.payload or {}
        folds = (
            latest.user_id == ctx.actor.user_id
            and now - latest.date_created <= STATUS_CHANGE_FOLD_WINDOW
            and before.get("new_status_id") == payload.get("old_status_id")
        )
        if folds:
            service = spec.service(ctx, spec)
            with ctx.unit.operation():
                row = ctx.unit.changing(spec, service.get(latest.id, lock=True))
                if before.get("old_status_id") == payload.get("new_status_id"):
                    service.remove(row)
                    return None
                moved = {k: v for k, v in payload.items() if not k.startswith("old_")}
                assert isinstance(service, ActivityBase)
                return service.change(row, service.split({**moved, "date_updated": now}, row))
    return record_activity(ctx, path, values)
