"""Field cleaners the activity types share: choices, durations, URLs, phone numbers, outcome
references, attachments (the files flow) and transcripts.

Each is a function of the incoming value (null included) returning the stored form or raising
`Problem` with Close's message; those that need the request take the context first and return
the cleaner. The types' declarations and services pick among them, so a rule such as "an
attachment is a download URL of this organization's upload" is written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

import phonenumbers
from sqlalchemy import select

from leadbase.core import clock
from leadbase.db.context import Context
from leadbase.db.fields import REQUIRED, Problem
from leadbase.db.models import file_upload, outcome
from leadbase.db.repository import Row
from leadbase.resources.richtext import EMAIL, sanitize, to_text

DOES_NOT_EXIST = "Object does not exist."
CANNOT_CHANGE = "This cannot be changed."
Cleaner = Callable[[Any], Any]


def choice(*allowed: str, nullable: bool = True) -> Cleaner:
    """One of `allowed` (null passes when `nullable`: the service decides what it means)."""

    def clean(value: Any) -> Any:
        if value is None and nullable:
            return None
        if value not in allowed:
            raise Problem(f"Not a valid choice: use one of {', '.join(allowed)}.")
        return value

    return clean


def text_or_null(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise Problem("Not a valid string.")
    return value


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


def unchanged(current: Any) -> Cleaner:
    """A field an update may repeat but not change (a message's lead)."""

    def clean(value: Any) -> Any:
        if value != current:
            raise Problem(CANNOT_CHANGE)
        return value

    return clean


# ---- phone numbers ------------------------------------------------------------------------


def phone_region(ctx: Context) -> str:
    """The organization's region, in which a number without a country code is read."""
    settings = ctx.memo.get("settings")
    return settings.default_phone_region if settings is not None else "US"


def phone_number(region: str | None) -> Cleaner:
    """A phone number stored in E.164. With a region (a call's numbers, typed by people) a number
    without a country code is read in it, as contact phones are; without one (SMS, WhatsApp:
    numbers a carrier or an integration sends) the number must carry its `+` and country code."""
    problem = (
        "Enter a valid phone number."
        if region
        else "Enter a valid phone number in E.164 format (+14155550100)."
    )

    def clean(value: Any) -> Any:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise Problem(problem)
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException as exc:
            raise Problem(problem) from exc
        if region is None and not phonenumbers.is_possible_number(number):
            raise Problem(problem)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    return clean


@lru_cache(maxsize=65_536)
def phone_details(phone: str | None) -> tuple[str | None, str | None]:
    """The international format and the country of a stored E.164 number."""
    if not phone:
        return None, None
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone, None
    formatted = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return formatted, phonenumbers.region_code_for_number(number)


# ---- references -----------------------------------------------------------------------------


def outcome_reference(ctx: Context, applies: str) -> Cleaner:
    """`outcome_id`: a live outcome of the organization that applies to `applies`."""

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


# ---- attachments ----------------------------------------------------------------------------

# Close's download URLs: /go/file/temporary/<user id>/<token>/<file name>/ (files/endpoints.py).
DOWNLOAD_PREFIX = "/go/file/temporary/"


@dataclass(frozen=True)
class Attachments:
    """What one activity type takes as attachments: `[{url, filename, content_type}]` where each
    url is the download URL of a file uploaded through POST /files/upload/ to this organization,
    whose bytes arrived and whose URL has not expired. A missing filename or content type is the
    upload's own (unless the type requires the filename)."""

    # Whether a client must name the file (emails, SMS, WhatsApp) or may leave it to the upload.
    filename_required: bool = True
    # Whether the entry carries the file's `size` (the upload's unless given).
    with_size: bool = False
    # Keys of the entry kept as sent (an email's `content_id`, `inline_only`).
    extra: tuple[str, ...] = ()
    # Keys added with fixed values to what is stored (a note's `thumbnail_url`: null).
    added: tuple[tuple[str, Any], ...] = ()
    # The media types allowed (MMS), or None for any.
    content_types: frozenset[str] | None = None
    # The most bytes all of an activity's files may hold together.
    max_total: int | None = None

    def cleaner(self, ctx: Context) -> Cleaner:
        return lambda value: self.clean(ctx, value)

    def clean(self, ctx: Context, value: Any) -> list[dict[str, Any]]:
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
            filename = entry.get("filename")
            if (filename is not None or self.filename_required) and (
                not isinstance(filename, str) or not filename.strip()
            ):
                nested[str(index)] = {"filename": REQUIRED}
                continue
            tokens[index] = token
        uploads = _uploads(ctx, list(tokens.values()))
        cleaned = []
        for index, token in tokens.items():
            try:
                cleaned.append(self._entry(value[index], uploads.get(token)))
            except Problem as problem:
                nested[str(index)] = problem.message
        if nested:
            raise Problem({"errors": nested})
        if self.max_total is not None and sum(item.get("size") or 0 for item in cleaned) > self.max_total:
            raise Problem(f"The attachments together may not exceed {self.max_total // (1024 * 1024)} MB.")
        return cleaned

    def _entry(self, entry: dict[str, Any], upload: Row | None) -> dict[str, Any]:
        if upload is None:
            raise Problem({"url": "Not a file uploaded to this organization."})
        if upload["date_uploaded"] is None:
            raise Problem({"url": "The file's upload has not completed."})
        if upload["download_expires"] <= clock.now():
            raise Problem({"url": "The file's download URL has expired: upload it again."})
        content_type = entry.get("content_type") or upload["content_type"]
        if not isinstance(content_type, str):
            raise Problem({"content_type": "Not a valid string."})
        if (
            self.content_types is not None
            and content_type.split(";")[0].strip().lower() not in self.content_types
        ):
            raise Problem({"content_type": "This content type cannot be attached here."})
        item: dict[str, Any] = {
            "url": entry["url"],
            "filename": entry.get("filename") or upload["filename"],
            "content_type": content_type,
        }
        if self.with_size:
            size = entry.get("size", upload["size"])
            if not isinstance(size, int) or isinstance(size, bool) or size < 0:
                raise Problem({"size": "A valid integer is required."})
            item["size"] = size
        for key in self.extra:
            if key in entry:
                item[key] = entry[key]
        item.update(self.added)
        return item


def _uploads(ctx: Context, tokens: list[str]) -> dict[str, Row]:
    if not tokens:
        return {}
    rows = ctx.conn.execute(
        select(
            file_upload.c.token,
            file_upload.c.filename,
            file_upload.c.content_type,
            file_upload.c.size,
            file_upload.c.date_uploaded,
            file_upload.c.download_expires,
        ).where(file_upload.c.organization_id == ctx.organization_id, file_upload.c.token.in_(tokens))
    ).mappings()
    return {r["token"]: dict(r) for r in rows}


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


# ---- transcripts ------------------------------------------------------------------------------

SPEAKER_SIDES = ("contact", "close-user")


def transcript(value: Any) -> Any:
    """A call's `recording_transcript`/`voicemail_transcript` or one of a meeting's `transcripts`:
    `{utterances: [{speaker_label, speaker_side, start, end, text}], summary_text, summary_html}`
    (crm-core.md §8.2). The summary's HTML is sanitized, and fills the text when that is absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Problem("Must be an object.")
    utterances = value.get("utterances") or []
    if not isinstance(utterances, list):
        raise Problem({"utterances": "Not a valid list."})
    nested: dict[str, Any] = {}
    kept = []
    for index, said in enumerate(utterances):
        try:
            kept.append(_utterance(said))
        except Problem as problem:
            nested[str(index)] = problem.message
    if nested:
        raise Problem({"utterances": {"errors": nested}})
    summary_html, summary_text = value.get("summary_html"), value.get("summary_text")
    for key, text in (("summary_html", summary_html), ("summary_text", summary_text)):
        if text is not None and not isinstance(text, str):
            raise Problem({key: "Not a valid string."})
    if summary_html is not None:
        summary_html = sanitize(summary_html, EMAIL)
        if summary_text is None:
            summary_text = to_text(summary_html)
    return {"utterances": kept, "summary_text": summary_text, "summary_html": summary_html}


def _utterance(said: Any) -> dict[str, Any]:
    if not isinstance(said, dict):
        raise Problem({"non_field_errors": "Invalid data. Expected a dictionary."})
    side = said.get("speaker_side")
    if side not in SPEAKER_SIDES:
        raise Problem({"speaker_side": f"Not a valid choice: use one of {', '.join(SPEAKER_SIDES)}."})
    label, text = said.get("speaker_label"), said.get("text")
    if label is not None and not isinstance(label, str):
        raise Problem({"speaker_label": "Not a valid string."})
    if not isinstance(text, str):
        raise Problem({"text": REQUIRED if text is None else "Not a valid string."})
    moments = {}
    for key in ("start", "end"):
        moment = said.get(key)
        if not isinstance(moment, int | float) or isinstance(moment, bool) or moment < 0:
            raise Problem({key: "Seconds from the start of the recording, 0 or more."})
        moments[key] = moment
    if moments["end"] < moments["start"]:
        raise Problem({"end": "An utterance cannot end before it starts."})
    return {"speaker_label": label, "speaker_side": side, **moments, "text": text}


def transcripts(value: Any) -> Any:
    """A meeting's `transcripts`: a list of transcripts (null: none)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Not a valid list.")
    nested: dict[str, Any] = {}
    kept = []
    for index, item in enumerate(value):
        try:
            kept.append(transcript(item))
        except Problem as problem:
            nested[str(index)] = problem.message
    if nested:
        raise Problem({"errors": nested})
    return [t for t in kept if t is not None]
