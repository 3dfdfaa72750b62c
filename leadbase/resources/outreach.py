"""What outreach shares: who sees and changes templates, their tag checks, and the questions
sending asks before anything goes out (`unsubscribed_among`, `blocked_among`).

Templates are private to their author unless shared. A private template is seen and changed by its
author only (another member gets 404, as for another organization's object); shared templates are
seen by everyone and created, changed or deleted by roles with `manage_team_email_templates` (Close's
permission for team templates; leadbase uses it for SMS templates too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import phonenumbers
from sqlalchemy import bindparam, select

from leadbase.core.emails import EmailNotValidError, normalized_email
from leadbase.core.errors import NotFound
from leadbase.custom_fields.lookups import DatabaseLookups
from leadbase.db.context import Context
from leadbase.db.fields import Problem
from leadbase.db.filters import Filter, Or, Term
from leadbase.db.models import blocked_phone_number, unsubscribed_email
from leadbase.db.permissions import require
from leadbase.db.prepared import Prepared, one_of
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.activity_values import Attachments
from leadbase.resources.merge_tags import TemplateProblem, check

MANAGE_TEAM_TEMPLATES = "manage_team_email_templates"
TEAM_ONLY = (
    "Your role may not create, edit or delete shared templates (it needs manage_team_email_templates)."
)


E164 = "Enter a valid phone number in E.164 format (+14155550100)."


def e164(value: Any) -> str:
    """A phone number written with its country code, in E.164 (blocked numbers, forwarding, group
    numbers' externals): `+1 (415) 555-0123` is `+14155550123`."""
    if not isinstance(value, str) or not value.strip():
        raise Problem(E164)
    try:
        number = phonenumbers.parse(value.strip(), None)
    except phonenumbers.NumberParseException as exc:
        raise Problem(E164) from exc
    if not phonenumbers.is_possible_number(number):
        raise Problem(E164)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email_list(value: Any) -> list[str]:
    """A template's `cc` or `bcc`: valid addresses, each once."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Must be a list of email addresses.")
    addresses: list[str] = []
    for item in value:
        try:
            address = normalized_email(item.strip()) if isinstance(item, str) else None
        except EmailNotValidError:
            address = None
        if address is None:
            raise Problem(f"Not a valid email address: {item!r}.")
        if address not in addresses:
            addresses.append(address)
    return addresses


def last_used(rows: list[Row]) -> dict[str, Any]:
    """`last_used_at`, `_by`, `_type` of templates: null until sending records a use."""
    return {"last_used_at": _none, "last_used_by": _none, "last_used_type": _none}


def _none(_row: Row) -> None:
    return None


def clean_member(ctx: Context, value: Any) -> Any:
    """A user id naming a member of the caller's organization (send-as, phone participants, the
    owners of connected accounts and dialer sessions); null passes."""
    if value is None:
        return None
    found = DatabaseLookups(ctx).user_ids([value]) if isinstance(value, str) else {}
    if not isinstance(value, str) or found.get(value) != value:
        raise Problem("Not a user of this organization.")
    return value


def template_text(value: Any) -> Any:
    """A cleaner of a template's text (subject, body, SMS text): text whose tags render."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Problem("Not a valid string.")
    try:
        check(value)
    except TemplateProblem as problem:
        raise Problem(problem.message) from problem
    return value


def visible(ctx: Context) -> Filter:
    """The templates the caller sees: shared ones and their own."""
    return Or((Term("is_shared", "eq", True), Term("created_by", "eq", ctx.actor.user_id)))


def hide_others_private(ctx: Context, row: Row, model_name: str) -> Row:
    if not row["is_shared"] and row["created_by"] != ctx.actor.user_id:
        raise NotFound.for_model(model_name)
    return row


def authorize(ctx: Context, row: Row | None, values: Mapping[str, Any] | None = None) -> None:
    """Shared templates, and a template being made shared, need the team permission; a private
    one is its author's, which `hide_others_private` already made sure of. Called from `authorize`
    with the row and from validation with the cleaned values (whether the write shares it)."""
    sharing = values is not None and values.get("is_shared") is True
    if sharing or (row is not None and row["is_shared"]):
        require(ctx, MANAGE_TEAM_TEMPLATES, TEAM_ONLY)


class TemplateService(Service):
    """The service of email and SMS templates (their packages subclass it)."""

    # What a template's `attachments` take: uploads of this organization (the files flow).
    ATTACHMENTS = Attachments()

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        return hide_others_private(self.ctx, super().get(object_id, lock=lock), self.spec.model_name)

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        return visible(self.ctx)

    def authorize(self, action: str, row: Row | None) -> None:
        authorize(self.ctx, row)

    def _clean(self, body: dict[str, Any], *, creating: bool) -> Row:
        values = self._fields().clean(
            body, creating=creating, cleaners={"attachments": self.ATTACHMENTS.cleaner(self.ctx)}
        )
        authorize(self.ctx, None, values)
        return values

    def validate_create(self, body: dict[str, Any]) -> Row:
        return self._clean(body, creating=True)

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        return self._clean(body, creating=False)


# ---- what sending asks ----------------------------------------------------------------------


# Built once with bound parameters: every page of contacts (and of whole leads) asks, and
# building the select cost ~0.3 ms a page, several times what SQLite takes to answer it.
_UNSUBSCRIBED_AMONG = Prepared(
    lambda dialect: select(unsubscribed_email.c.email).where(
        unsubscribed_email.c.organization_id == bindparam("organization_id"),
        one_of(unsubscribed_email.c.email, "emails", dialect),
    )
)
# Whether the organization has unsubscribed any address: most have none, and then a page's
# addresses (200 on a page of whole leads, ~0.3 ms to gather and bind) are not asked about.
_ANY_UNSUBSCRIBED = Prepared(
    lambda _: (
        select(unsubscribed_email.c.email)
        .where(unsubscribed_email.c.organization_id == bindparam("organization_id"))
        .limit(1)
    )
)


def unsubscribed_among(ctx: Context, addresses: Iterable[str]) -> set[str]:
    """The addresses among `addresses` that the caller's organization has unsubscribed (lower-cased,
    as `/unsubscribe/email/` stores them): bulk and sequence emails skip them. At most two
    queries: whether the organization has unsubscribed any, then which of these."""
    given = [a for a in addresses if isinstance(a, str)]
    if not given:
        return set()
    organization = {"organization_id": ctx.organization_id}
    if not _ANY_UNSUBSCRIBED.rows(ctx.conn, organization):
        return set()
    wanted = {a.strip().lower() for a in given if a.strip()}
    if not wanted:
        return set()
    params = {**organization, "emails": list(wanted)}
    return {row["email"] for row in _UNSUBSCRIBED_AMONG.rows(ctx.conn, params)}


def blocked_among(ctx: Context, phones: Iterable[str]) -> set[str]:
    """The E.164 numbers among `phones` that the organization has blocked: no call or text goes to
    them and none is taken from them. One query."""
    wanted = {p for p in phones if isinstance(p, str) and p}
    if not wanted:
        return set()
    table = blocked_phone_number
    rows = ctx.conn.execute(
        select(table.c.phone).where(table.c.organization_id == ctx.organization_id, table.c.phone.in_(wanted))
    )
    return {r.phone for r in rows}
