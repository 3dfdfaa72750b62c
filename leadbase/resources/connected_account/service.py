"""Connected accounts: the email, calendar and meeting accounts members connected (Google, SMTP/IMAP,
Microsoft, Zoom, Calendly). Close makes them through OAuth flows; leadbase has no such flow, so the
API only reads them and they are recorded with `leadbase load connected_account FILE` (bodies in the
shape the API shows), validated here like any create.

Besides `_type`, `user_id` and `email`, what Close shows lives in the row's `details` document;
the service lays it out as columns before rendering, so the declared fields render it.
"""

from __future__ import annotations

from typing import Any

from leadbase.core.errors import FieldErrors
from leadbase.db.fields import Problem
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.outreach import clean_member

TYPES = ("google", "custom_email", "zoom", "microsoft", "calendly")
COLUMNS = frozenset({"type", "user_id", "email"})
# A server's settings as Close shows them: never a password.
SERVER_KEYS = ("host", "port", "use_ssl", "username")


def account_type(value: Any) -> Any:
    if value not in TYPES:
        raise Problem(f"Not a valid choice: use {', '.join(TYPES)}.")
    return value


def server(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Problem("Must be an object: {host, port, use_ssl, username}.")
    return {key: value.get(key) for key in SERVER_KEYS}


class ConnectedAccountService(Service):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        return [fields.render({**row["details"], **row}) for row in rows]

    def validate_create(self, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(
            body, creating=True, errors=errors, cleaners={"user_id": lambda v: clean_member(self.ctx, v)}
        )
        errors.raise_if_any()
        details = {k: v for k, v in values.items() if k not in COLUMNS}
        return {**{k: v for k, v in values.items() if k in COLUMNS}, "details": details}
