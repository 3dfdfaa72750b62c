"""What the activity types served from their own packages share (notes, calls, meetings...).

Each type is a `ResourceSpec` on the `activity` table with `discriminator=("type", "<_type>")` and
a service subclassing `ActivityService`. Type-specific attributes live in the row's `payload`
document: the type declares them as ordinary fields and names them in `PAYLOAD`; the service
packs them into `payload` when writing and lays them out as columns before rendering, so the
declared fields clean and render them like any column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar

import phonenumbers
from sqlalchemy import and_, func, select

from leadbase.core import clock
from leadbase.core.dates import parse_datetime
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.db.context import Context
from leadbase.db.fields import DATETIME, EQUAL, OBJECT, OBJECTS, RANGE, TEXT, Field, Problem, shown
from leadbase.db.models import comment, comment_thread, file_upload, outcome
from leadbase.db.permissions import DELETE_OWN_ACTIVITIES, MANAGE_OTHERS_ACTIVITIES, require_for_object
from leadbase.db.query import FilterSpec
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.common import user_names
from leadbase.resources.richtext import NotProse, mention_spans, paired

DOES_NOT_EXIST = "Object does not exist."
CANNOT_CHANGE = "This cannot be changed."

# The filters every activity list takes (comma lists of ids, as Close's clients send them).
BY_OBJECT = {
    "lead_id": FilterSpec("lead_id", "id", splits=True),
    "contact_id": FilterSpec("contact_id", "id", splits=True),
    "user_id": FilterSpec("user_id", "id", splits=True),
}
# Close lists activities newest first (crm-core.md §7.2), every type and the family alike.
NEWEST_FIRST = ("-date_created", "id")


def clean_moment(ctx: Context, value: Any) -> Any:
    """An activity's datetime: ISO 8601 or a date, naive ones in the caller's x-tz-offset."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Problem("Not a valid datetime.")
    try:
        return parse_datetime(value, ctx.tz_offset, naive_in_offset=True)
    except ValueError as exc:
        raise Problem("Not a valid datetime.") from exc


def clean_member(ctx: Context, value: Any) -> Any:
    """A user id that must name a member of the caller's organization (null passes)."""
    if value is None:
        return None
    found = DatabaseLookups(ctx).user_ids([value]) if isinstance(value, str) else {}
    if not isinstance(value, str) or found.get(value) != value:
        raise Problem("Not a user of this organization.")
    return value


def base_fields() -> tuple[Field, ...]:
    """The fields every activity shows first (crm-core.md §7.3)."""
    return (
        shown("id", filter_operators=EQUAL),
        shown("_type", TEXT, computed=True),
        Field("lead_id", required=True, error_name="lead"),
        Field("contact_id", nullable=True, error_name="contact"),
        Field("user_id", nullable=True, error_name="user"),
        shown("user_name", TEXT, computed=True, nullable=True),
        shown("created_by", nullable=True),
        shown("created_by_name", TEXT, computed=True, nullable=True),
        shown("updated_by", nullable=True),
        shown("updated_by_name", TEXT, computed=True, nullable=True),
        shown("organization_id"),
        shown("date_created", DATETIME, filter_operators=RANGE, sortable=True),
        shown("date_updated", DATETIME, sortable=True),
        Field("activity_at", DATETIME, filter_operators=RANGE, sortable=True),
        shown("users", OBJECTS, computed=True),
        shown("comment_summary", OBJECT, computed=True, nullable=True),
    )


def moment(ctx_offset: Any) -> Callable[[Any], Any]:
    """A datetime field's cleaner: ISO 8601 or a date, naive ones in the caller's x-tz-offset."""

    def clean(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise Problem("Not a valid datetime.")
        try:
            return parse_datetime(value, ctx_offset, naive_in_offset=True)
        except ValueError as exc:
            raise Problem("Not a valid datetime.") from exc

    return clean


def choice(*allowed: str, nullable: bool = True) -> Callable[[Any], Any]:
    """A cleaner accepting one of `allowed` (or null when `nullable`)."""

    def clean(value: Any) -> Any:
        if value is None and nullable:
            return None
        if value not in allowed:
            raise Problem(f"Not a valid choice: use one of {', '.join(allowed)}.")
        return value

    return clean


def seconds(value: Any) -> Any:
    """A duration in whole seconds, not negative (null for unknown)."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Problem("Must be a whole number of seconds, 0 or more.")
    return value


def https_url(value: Any) -> Any:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.startswith("https://") or len(value) <= len("https://"):
        raise Problem("Must be an https:// URL.")
    return value


class ActivityService(Service):
    """Writes and renders one activity `_type`; subclasses name what is theirs."""

    TYPE: ClassVar[str] = ""
    # Columns of the declared fields that live in the row's `payload` document.
    PAYLOAD: ClassVar[tuple[str, ...]] = ()
    # Of those, the ones holding datetimes (kept as ISO text in the document).
    PAYLOAD_DATES: ClassVar[tuple[str, ...]] = ()
    # The (text, html) pairs of rich text the type keeps in step.
    RICH_TEXT: ClassVar[tuple[tuple[str, str], ...]] = ()
    # The source of activities the API creates.
    API_SOURCE: ClassVar[str | None] = "api"

    violations = {
        "fk_activity_lead_id_lead": lambda: Invalid.field("lead", DOES_NOT_EXIST),
    }

    # ---- rendering -----------------------------------------------------------------------

    def laid_out(self, row: Row) -> Row:
        """The row with its payload's attributes as columns (absent ones null)."""
        payload = row.get("payload") or {}
        out = dict(row)
        for key in self.PAYLOAD:
            value = payload.get(key)
            if key in self.PAYLOAD_DATES and isinstance(value, str):
                value = datetime.fromisoformat(value)
            out[key] = value
        return out

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        """The type's own computed fields, built once for a page."""
        return {}

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        names = user_names(self.ctx, [r[k] for r in rows for k in ("user_id", "created_by", "updated_by")])
        summaries = comment_summaries(self.ctx, [r["id"] for r in rows])

        def name_of(column: str) -> Callable[[Row], Any]:
            return lambda row: names.get(row[column]) if row[column] else None

        computed: dict[str, Callable[[Row], Any]] = {
            "_type": lambda _row: self.TYPE,
            "user_name": name_of("user_id"),
            "created_by_name": name_of("created_by"),
            "updated_by_name": name_of("updated_by"),
            "users": lambda _row: [],
            "comment_summary": lambda row: summaries.get(row["id"]),
            "pinned": lambda row: row.get("pinned_at") is not None,
            **self.computed(rows),
        }
        fields = self._fields()
        return [fields.render(self.laid_out(r), computed) for r in rows]

    # ---- writing -------------------------------------------------------------------------

    def _member(self, value: Any) -> Any:
        return clean_member(self.ctx, value)

    def _lead(self, found: dict[str, Any]) -> Callable[[Any], Any]:
        def clean(value: Any) -> Any:
            if value is None:
                raise Problem("This field is required.")
            if not isinstance(value, str) or self.repo.find(self.spec.parent("lead_id"), value) is None:
                raise Problem(DOES_NOT_EXIST)
            found["lead_id"] = value
            return value

        return clean

    def _contact(self, lead_id: Callable[[], Any]) -> Callable[[Any], Any]:
        def clean(contact_id: Any) -> Any:
            if contact_id is None:
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

    def cleaners(self, row: Row | None, found: dict[str, Any]) -> dict[str, Callable[[Any], Any]]:
        """Cleaners of the type's fields that need the request (row is None on create)."""
        return {}

    def create_rules(self, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        """The type's own checks and defaults of a create, on cleaned values."""

    def update_rules(self, row: Row, body: dict[str, Any], values: Row, errors: FieldErrors) -> None:
        """The type's own checks of an update: `row` laid out, `values` the changed columns."""

    def _rich_text(
        self, body: dict[str, Any], values: Row, errors: FieldErrors, current: Row | None = None
    ) -> None:
        for text_key, html_key in self.RICH_TEXT:
            if current is not None and html_key not in body and body.get(text_key) == current.get(text_key):
                # The text it already has: its formatting stays.
                values.pop(text_key, None)
                continue
            try:
                pair = paired(body, text_key, html_key)
            except NotProse as problem:
                errors.add(str(problem), "Not a valid string.")
                continue
            if pair is not None:
                values.update(pair)

    def _written_by(self, body: dict[str, Any], errors: FieldErrors) -> Any:
        """Who an imported activity says created it (`created_by_id`, or `created_by`)."""
        for key in ("created_by_id", "created_by"):
            if body.get(key) is not None:
                try:
                    return self._member(body[key])
                except Problem as problem:
                    errors.add("created_by", problem.message)
                    return None
        return None

    def _pinned(self, body: dict[str, Any], errors: FieldErrors, was: Any) -> Any:
        """The new pinned_at when `pinned` changes it, else `was`."""
        pinned = body.get("pinned")
        if pinned is not None and not isinstance(pinned, bool):
            errors.add("pinned", "Must be true or false.")
            return was
        if bool(pinned) == (was is not None):
            return was
        return clock.now() if pinned else None

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        found: dict[str, Any] = {}
        values = self._fields().clean(
            body,
            creating=True,
            errors=errors,
            cleaners={
                "lead_id": self._lead(found),
                "contact_id": self._contact(lambda: found.get("lead_id")),
                "user_id": self._member,
                "activity_at": moment(self.ctx.tz_offset),
                **self.cleaners(None, found),
            },
        )
        self._rich_text(body, values, errors)
        created_by = self._written_by(body, errors)
        now = clock.now()
        try:
            date_created = moment(self.ctx.tz_offset)(body.get("date_created")) or now
        except Problem as problem:
            errors.add("date_created", problem.message)
            date_created = now
        if "pinned" in {f.name for f in self._fields().shown()}:
            values["pinned_at"] = self._pinned(body, errors, None)
        self.create_rules(body, values, errors)
        errors.raise_if_any()
        values.update(
            user_id=values.get("user_id") or self.ctx.actor.user_id,
            activity_at=values.get("activity_at") or date_created,
            date_created=date_created,
            custom={},
        )
        if self.API_SOURCE is not None:
            values["source"] = values.get("source") or self.API_SOURCE
        if created_by is not None:
            values["created_by"] = created_by
        return self._packed(values, {})

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        if "lead_id" in body and body["lead_id"] != row["lead_id"]:
            errors.add("lead", CANNOT_CHANGE)
        laid = self.laid_out(row)
        values = self._fields().clean(
            body,
            creating=False,
            errors=errors,
            cleaners={
                "lead_id": lambda _value: row["lead_id"],
                "contact_id": self._contact(lambda: row["lead_id"]),
                "user_id": self._member,
                "activity_at": moment(self.ctx.tz_offset),
                **self.cleaners(laid, {"lead_id": row["lead_id"]}),
            },
        )
        values.pop("lead_id", None)
        for text_key, html_key in self.RICH_TEXT:
            values.pop(text_key, None)
            values.pop(html_key, None)
        if "activity_at" in values and values["activity_at"] is None:
            del values["activity_at"]  # a null leaves it as it was
        if "user_id" in values and values["user_id"] is None:
            del values["user_id"]
        self._rich_text(body, values, errors, laid)
        if "pinned" in body and "pinned" in {f.name for f in self._fields().shown()}:
            pinned_at = self._pinned(body, errors, row["pinned_at"])
            if pinned_at != row["pinned_at"]:
                values["pinned_at"] = pinned_at
        self.update_rules(laid, body, values, errors)
        errors.raise_if_any()
        values = {k: v for k, v in values.items() if laid.get(k, None) != v or k not in laid}
        return self._packed(values, row.get("payload") or {})

    def _packed(self, values: Row, payload: Mapping[str, Any]) -> Row:
        """`values` with the payload's attributes moved into the `payload` document."""
        mine = {k: values.pop(k) for k in list(values) if k in self.PAYLOAD}
        if not mine and payload:
            return values
        stored = dict(payload)
        for key, value in mine.items():
            stored[key] = value.isoformat() if isinstance(value, datetime) else value
        values["payload"] = stored
        return values

    def authorize(self, action: str, row: Row | None) -> None:
        if row is not None:
            require_for_object(
                self.ctx, row["user_id"], action, own=DELETE_OWN_ACTIVITIES, others=MANAGE_OTHERS_ACTIVITIES
            )


def mentions_of(html_key: str) -> Callable[[Row], Any]:
    """A computed `*_mentions` field: the mention spans of a rich-text field."""
    return lambda row: mention_spans(row.get(html_key) or "")


def comment_summaries(ctx: Any, object_ids: list[str]) -> dict[str, dict[str, Any]]:
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


_DOWNLOAD = re.compile(r"/go/file/temporary/(?P<user>[^/]+)/(?P<token>[^/]+)/")


def attachments(ctx: Any) -> Callable[[Any], Any]:
    """A cleaner of `attachments`: `[{url, filename?, content_type?}]` where each url is a
    leadbase download URL of a file uploaded through POST /files/upload/ in this organization.
    Stored as `{url, filename, content_type, size, thumbnail_url}` (Close's response adds the last two)."""

    def clean(value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            raise Problem("Must be a list of attachments.")
        wanted: list[tuple[dict[str, Any], str]] = []
        problems: dict[str, Any] = {}
        for i, item in enumerate(value):
            url = item.get("url") if isinstance(item, dict) else None
            found = _DOWNLOAD.search(url) if isinstance(url, str) else None
            if not isinstance(item, dict) or found is None:
                problems[str(i)] = {"url": "Must be a download URL from POST /files/upload/."}
                continue
            wanted.append((item, found.group("token")))
        uploads = {}
        if wanted:
            rows = ctx.conn.execute(
                select(file_upload).where(
                    file_upload.c.organization_id == ctx.organization_id,
                    file_upload.c.token.in_([t for _, t in wanted]),
                )
            )
            uploads = {r.token: r for r in rows}
        out = []
        for i, (item, token) in enumerate(wanted):
            upload = uploads.get(token)
            if upload is None or upload.date_uploaded is None:
                problems[str(i)] = {"url": "No uploaded file has this URL."}
                continue
            filename = item.get("filename") or upload.filename
            content_type = item.get("content_type") or upload.content_type
            if not isinstance(filename, str) or not isinstance(content_type, str):
                problems[str(i)] = {"filename": "Not a valid string."}
                continue
            out.append(
                {
                    "url": item["url"],
                    "filename": filename,
                    "content_type": content_type,
                    "size": upload.size,
                    "thumbnail_url": None,
                }
            )
        if problems:
            raise Problem({"errors": problems})
        return out

    return clean


def phone_number(ctx: Any) -> Callable[[Any], Any]:
    """A cleaner of one phone number: E.164, read in the organization's region without a country code
    (as contact phones are)."""

    def clean(value: Any) -> Any:
        if value is None or value == "":
            return None
        settings = ctx.memo.get("settings")
        region = settings.default_phone_region if settings is not None else "US"
        if not isinstance(value, str):
            raise Problem("Enter a valid phone number.")
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException as exc:
            raise Problem("Enter a valid phone number.") from exc
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    return clean


def phone_details(phone: str | None) -> tuple[str | None, str | None]:
    """The international format and country of a stored E.164 number."""
    if not phone:
        return None, None
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone, None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formatted, phonenumbers.region_code_for_number(number)


def outcome_reference(ctx: Any, applies: str) -> Callable[[Any], Any]:
    """A cleaner of `outcome_id`: a live outcome of the organization that applies to `applies`."""

    def clean(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise Problem(DOES_NOT_EXIST)
        row = ctx.conn.execute(
            select(outcome.c.type).where(
                outcome.c.organization_id == ctx.organization_id, outcome.c.id == value
            )
        ).first()
        if row is None:
            raise Problem(DOES_NOT_EXIST)
        if applies == "meetings" and row.type != "custom":
            raise Problem("This outcome does not apply to meetings.")
        return value

    return clean
