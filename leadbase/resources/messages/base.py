"""What every message activity shares: its lead, contact and user, payload-held fields, attachments.

Each message kind (Email, EmailThread, SMS, WhatsAppMessage) is a row of the `activity` table
with its `type`. Fields its lists filter on are real columns (status, direction, the scheduled and
sent dates, an email's thread, a lookup key); every other field of the kind lives in the row's
`payload` JSON, under the field's name. A service here splits cleaned values between the two
and merges them back before rendering, so the declarations in `spec.py` read like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from leadbase.core import clock
from leadbase.core.errors import FieldErrors, Invalid
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.db.fields import REQUIRED, Field, Problem
from leadbase.db.models import file_upload
from leadbase.db.permissions import DELETE_OWN_ACTIVITIES, MANAGE_OTHERS_ACTIVITIES, require_for_object
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.activities import clean_member, clean_moment
from leadbase.resources.common import user_names

DOES_NOT_EXIST = "Object does not exist."
NOT_CHANGEABLE = "This cannot be changed."
# Close's download URLs: /go/file/temporary/<user id>/<token>/<file name>/ (files/endpoints.py).
DOWNLOAD_PREFIX = "/go/file/temporary/"


def choice(*allowed: str) -> Callable[[Any], Any]:
    """A cleaner taking one of `allowed` (null passes: the service decides what it means)."""

    def clean(value: Any) -> Any:
        if value is not None and value not in allowed:
            raise Problem(f"Not a valid choice: use one of {', '.join(allowed)}.")
        return value

    return clean


def text_or_null(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise Problem("Not a valid string.")
    return value


class MessageService(Service):
    """The write and render rules every message kind shares; subclasses add their own."""

    # Close's `_type` of the kind.
    type_name = ""
    # The lead deleted between this request's check and its write.
    violations = {"fk_activity_lead_id_lead": lambda: Invalid.field("lead", DOES_NOT_EXIST)}

    # ---- storage: columns and payload ---------------------------------------------------

    def _columns(self) -> frozenset[str]:
        return frozenset(self.spec.table.c.keys())

    def _payload_fields(self) -> list[Field]:
        columns = self._columns()
        return [f for f in self._fields() if not f.computed and f.source not in columns]

    def split(self, values: Row, before: Row | None = None) -> Row:
        """Column values with the payload-held ones moved into `payload` (merged into `before`'s)."""
        columns = self._columns()
        out = {k: v for k, v in values.items() if k in columns}
        extra = {k: v for k, v in values.items() if k not in columns}
        if extra or before is None:
            payload = dict(before["payload"] or {}) if before is not None else {}
            payload.update(extra)
            out["payload"] = payload
        if before is None:
            out.setdefault("custom", {})
        return out

    def merged(self, row: Row) -> Row:
        """A row with its payload's fields beside its columns, as the declarations read them."""
        payload = row.get("payload") or {}
        # A row just inserted holds only the columns it was given.
        out = dict.fromkeys(self._columns())
        out.update((f.source, None) for f in self._payload_fields())
        out.update(payload)
        out.update(row)
        return out

    # ---- rendering ----------------------------------------------------------------------

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        """The kind's own computed fields, worked out once for a page (merged rows)."""
        return {}

    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        merged = [self.merged(r) for r in rows]
        names = user_names(self.ctx, [r[k] for r in rows for k in ("user_id", "created_by", "updated_by")])

        def name_of(column: str) -> Callable[[Row], Any]:
            return lambda row: names.get(row[column]) if row[column] else None

        computed: dict[str, Callable[[Row], Any]] = {
            "_type": lambda _row: self.type_name,
            "user_name": name_of("user_id"),
            "created_by_name": name_of("created_by"),
            "updated_by_name": name_of("updated_by"),
            "users": lambda _row: [],
            **self.computed(merged),
        }
        fields = self._fields()
        return [fields.render(r, computed) for r in merged]

    # ---- cleaning -----------------------------------------------------------------------

    def moment(self, value: Any) -> Any:
        return clean_moment(self.ctx, value)

    def member(self, value: Any) -> Any:
        return clean_member(self.ctx, value)

    def lead_of(self, found: dict[str, Any]) -> Callable[[Any], Any]:
        def clean(value: Any) -> Any:
            if value is None:
                raise Problem(REQUIRED)
            if not isinstance(value, str) or self.repo.find(self.spec.parent("lead_id"), value) is None:
                raise Problem(DOES_NOT_EXIST)
            found["lead_id"] = value
            return value

        return clean

    def contact_of(self, lead_id: Callable[[], Any], *, required: bool = False) -> Callable[[Any], Any]:
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

    def common_cleaners(
        self, found: dict[str, Any], row: Row | None = None
    ) -> dict[str, Callable[[Any], Any]]:
        """Cleaners of the fields every message has (a create when `row` is None)."""
        lead_id: Callable[[], Any] = (
            (lambda: row["lead_id"]) if row is not None else (lambda: found.get("lead_id"))
        )
        return {
            "lead_id": self.lead_of(found) if row is None else _unchanged(row["lead_id"]),
            "contact_id": self.contact_of(lead_id),
            "user_id": self.member,
            "activity_at": self.moment,
        }

    def imported(self, body: dict[str, Any], errors: FieldErrors) -> Row:
        """What an imported message says of its own creation: `date_created`, `created_by_id`."""
        out: Row = {}
        try:
            out["date_created"] = self.moment(body.get("date_created")) or clock.now()
        except Problem as problem:
            errors.add("date_created", problem.message)
            out["date_created"] = clock.now()
        for key in ("created_by_id", "created_by"):
            if body.get(key) is not None:
                try:
                    out["created_by"] = self.member(body[key])
                except Problem as problem:
                    errors.add("created_by", problem.message)
                break
        return out

    def attachments(
        self,
        value: Any,
        *,
        with_size: bool,
        extra: tuple[str, ...] = (),
        content_types: frozenset[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Attachments naming this organization's uploads by their download URL (POST /files/upload/).

        Each entry is `{url, filename, content_type}` (and `size` for emails); the URL must be the
        download URL of an upload of this organization whose bytes arrived and whose URL has not
        expired. A missing content type or size is the upload's own.
        """
        if value is None:
            return []
        if not isinstance(value, list):
            raise Problem("Not a valid list.")
        nested: dict[str, Any] = {}
        tokens: dict[int, str] = {}
        for index, entry in enumerate(value):
            if not isinstance(entry, dict):
                nested[str(index)] = {"non_field_errors": "Invalid data. Expected a dictionary."}
                continue
            token = _download_token(entry.get("url"))
            if token is None:
                nested[str(index)] = {"url": "Not a download URL of a file uploaded through /files/upload/."}
                continue
            if not isinstance(entry.get("filename"), str) or not entry["filename"].strip():
                nested[str(index)] = {"filename": REQUIRED}
                continue
            tokens[index] = token
        uploads = self._uploads(list(tokens.values()))
        now = clock.now()
        cleaned: list[dict[str, Any]] = []
        for index, token in tokens.items():
            entry = value[index]
            upload = uploads.get(token)
            if upload is None:
                nested[str(index)] = {"url": "Not a file uploaded to this organization."}
                continue
            if upload["date_uploaded"] is None:
                nested[str(index)] = {"url": "The file's upload has not completed."}
                continue
            if upload["download_expires"] <= now:
                nested[str(index)] = {"url": "The file's download URL has expired: upload it again."}
                continue
            content_type = entry.get("content_type") or upload["content_type"]
            if not isinstance(content_type, str):
                nested[str(index)] = {"content_type": "Not a valid string."}
                continue
            if content_types is not None and content_type.split(";")[0].strip().lower() not in content_types:
                nested[str(index)] = {"content_type": "This content type cannot be attached here."}
                continue
            item: dict[str, Any] = {
                "url": entry["url"],
                "filename": entry["filename"],
                "content_type": content_type,
            }
            if with_size:
                size = entry.get("size", upload["size"])
                if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                    nested[str(index)] = {"size": "A valid integer is required."}
                    continue
                item["size"] = size
            for key in extra:
                if key in entry:
                    item[key] = entry[key]
            cleaned.append(item)
        if nested:
            raise Problem(nested)
        return cleaned

    def _uploads(self, tokens: list[str]) -> dict[str, Row]:
        if not tokens:
            return {}
        rows = self.ctx.conn.execute(
            select(
                file_upload.c.token,
                file_upload.c.content_type,
                file_upload.c.size,
                file_upload.c.date_uploaded,
                file_upload.c.download_expires,
            ).where(
                file_upload.c.organization_id == self.ctx.organization_id, file_upload.c.token.in_(tokens)
            )
        ).mappings()
        return {r["token"]: dict(r) for r in rows}

    # ---- sending ------------------------------------------------------------------------

    # Whether the kind is ever sent (emails and SMS; WhatsApp messages are only synced in).
    SENDS = False
    # The statuses a message leaves when it goes out (a draft is sent through outbox first).
    SENDABLE = frozenset({"outbox", "sending", "scheduled"})

    def mark_sent(self, row: Row, when: datetime | None = None) -> Row:
        """A message left: status `sent`, `date_sent` and `activity_at` at `when` (now), and
        Close's `sent` event after its `updated`. No mail leaves leadbase yet: this is what the
        sender (a later issue) calls, in its own unit of work, once the provider accepted the
        message. A message that is not waiting to go out is refused."""
        if not self.SENDS or row["status"] not in self.SENDABLE:
            raise Invalid({"status": f"A {self.type_name} with status {row['status']} is not sent."})
        moment = when or clock.now()
        with self.unit.operation():
            row = self.unit.changing(self.spec, row)
            new_row = self.change(row, {"status": "sent", "date_sent": moment, "activity_at": moment})
            self.unit.announce(self.spec, new_row, "sent", first=False)
        return new_row

    # ---- permissions --------------------------------------------------------------------

    def authorize(self, action: str, row: Row | None) -> None:
        if row is not None:
            require_for_object(
                self.ctx, row["user_id"], action, own=DELETE_OWN_ACTIVITIES, others=MANAGE_OTHERS_ACTIVITIES
            )


def _unchanged(current: Any) -> Callable[[Any], Any]:
    def clean(value: Any) -> Any:
        if value != current:
            raise Problem(NOT_CHANGEABLE)
        return value

    return clean


def _download_token(url: Any) -> str | None:
    """The upload token of a leadbase download URL, or None for anything else."""
    if not isinstance(url, str):
        return None
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    if not path.startswith(DOWNLOAD_PREFIX):
        return None
    parts = [unquote(p) for p in path[len(DOWNLOAD_PREFIX) :].strip("/").split("/")]
    if len(parts) != 3 or not all(parts):
        return None
    return parts[1]


def later(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None
