"""WhatsApp messages (/activity/whatsapp_message/): logged by integrations, markdown and files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from leadbase.core.errors import FieldErrors
from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.resources.activities import NO_SEQUENCE
from leadbase.resources.activity_values import DOES_NOT_EXIST, Attachments, phone_details, phone_number
from leadbase.resources.messages.base import MessageService
from leadbase.resources.richtext import markdown_to_html, markdown_to_text

WHATSAPP = "WhatsAppMessage"
DIRECTIONS = ("incoming", "outgoing")
# Files of 25 MB together at the most.
ATTACHMENTS = Attachments(with_size=True, max_total=25 * 1024 * 1024)


def link_value(value: Any) -> Any:
    """A URL back to the message in the integration (http or https)."""
    if value is None or value == "":
        return None
    if (
        not isinstance(value, str)
        or urlsplit(value).scheme not in ("http", "https")
        or not urlsplit(value).netloc
    ):
        raise Problem("Enter a valid URL.")
    return value


def required_phone(value: Any) -> Any:
    cleaned = phone_number(None)(value)
    if cleaned is None:
        raise Problem("This field is required.")
    return cleaned


class WhatsAppService(MessageService):
    EMPTY = NO_SEQUENCE

    def computed(self, rows: list[Row]) -> dict[str, Callable[[Row], Any]]:
        return {
            "message_html": lambda row: markdown_to_html(row["message_markdown"] or ""),
            "text": lambda row: markdown_to_text(row["message_markdown"] or ""),
            "integration_name": lambda row: _integration_name(row["integration_link"]),
            "local_phone_formatted": lambda row: phone_details(row["local_phone"])[0],
            "remote_phone_formatted": lambda row: phone_details(row["remote_phone"])[0],
        }

    def _cleaners(self, found: dict[str, Any], row: Row | None = None) -> dict[str, Callable[[Any], Any]]:
        lead_id: Callable[[], Any] = (
            (lambda: row["lead_id"]) if row is not None else (lambda: found.get("lead_id"))
        )
        return {
            **self.common_cleaners(found, row),
            "contact_id": self.contact_of(lead_id, required=True),
            "activity_at": self._required_moment,
            "local_phone": required_phone,
            "remote_phone": required_phone,
            "integration_link": link_value,
            "response_to_id": self._response_to,
            "attachments": ATTACHMENTS.cleaner(self.ctx),
            "external_whatsapp_message_id": self._external_id(row),
        }

    def _required_moment(self, value: Any) -> Any:
        moment = self.moment(value)
        if moment is None:
            raise Problem("This field is required.")
        return moment

    def _response_to(self, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, str) or self.repo.find(self.spec, value) is None:
            raise Problem(DOES_NOT_EXIST)
        return value

    def _external_id(self, row: Row | None) -> Callable[[Any], Any]:
        def clean(value: Any) -> Any:
            if row is not None:
                if value != row["lookup_key"]:
                    raise Problem("This cannot be changed.")
                return value
            if not isinstance(value, str) or not value.strip():
                raise Problem("This field is required.")
            if len(value) > 255:
                raise Problem("Longer than the maximum of 255 characters.")
            taken = self.repo.children(self.spec, "lookup_key", [value])
            if taken:
                raise Problem("A WhatsApp message with this external id already exists.")
            return value

        return clean

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        found: dict[str, Any] = {}
        values = self._fields().clean(body, creating=True, errors=errors, cleaners=self._cleaners(found))
        values.update(self.imported(body, errors))
        errors.raise_if_any()
        values["user_id"] = values.get("user_id") or self.ctx.actor.user_id
        values["source"] = "api"
        return self.split(values)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        row = self.merged(row)
        values = self._fields().clean(body, creating=False, cleaners=self._cleaners({}, row))
        if "user_id" in values and values["user_id"] is None:
            del values["user_id"]
        return self.split(values, row)


def _integration_name(link: Any) -> str | None:
    if not isinstance(link, str):
        return None
    host = urlsplit(link).hostname or ""
    return host.removeprefix("www.") or None
