"""Phone numbers: internal numbers rented through POST /phone_number/request/internal/ (from the
fictional range of allocation.py), and their settings.

Group numbers are managed by roles with `manage_group_numbers`; a personal number only by its
owner. Participants and forwarding apply as Close documents them; leadbase places no calls.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import phonenumbers
from sqlalchemy import select

from leadbase.core.errors import FieldErrors, Forbidden, Invalid
from leadbase.db.fields import Problem
from leadbase.db.permissions import require
from leadbase.db.repository import Row
from leadbase.db.service import Service
from leadbase.resources.outreach import clean_member, e164
from leadbase.resources.phone_number import allocation

MANAGE_GROUP_NUMBERS = "manage_group_numbers"
GROUP_ONLY = "Your role may not manage group phone numbers (it needs manage_group_numbers)."
NOT_YOURS = "Only its owner may change or delete a personal phone number."
SHARING = ("personal", "group")
CARRIER_TYPES = ("local", "national", "mobile", "tollfree")
REQUEST_KEYS = frozenset(
    {"country", "sharing", "prefix", "with_sms", "with_mms", "carrier_type", "bundle_id"}
)


@lru_cache(maxsize=4096)
def formatted(number: str | None) -> str | None:
    if not number:
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def forward_to(value: Any) -> Any:
    return None if value is None else e164(value)


def greeting_url(value: Any) -> Any:
    """Close plays an https MP3 as the voicemail greeting."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("https://") or not value.lower().endswith(".mp3"):
        raise Problem("Must be an https URL of an MP3 file.")
    return value


def phone_list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Problem("Must be a list of phone numbers in E.164 format.")
    return list(dict.fromkeys(e164(v) for v in value))


class PhoneNumberService(Service):
    def render(self, rows: list[Row]) -> list[dict[str, Any]]:
        fields = self._fields()
        computed: dict[str, Callable[[Row], Any]] = {
            "number_formatted": lambda r: formatted(r["number"]),
            "phone_numbers_formatted": lambda r: [formatted(p) for p in r["phone_numbers"]],
            "forward_to_formatted": lambda r: formatted(r["forward_to"]),
            "supports_sms_to_countries": lambda r: [r["country"]] if r["sms_enabled"] else [],
            "supports_mms_to_countries": lambda r: [r["country"]] if r["mms_enabled"] else [],
            "is_verified": lambda r: True,
            "is_premium": lambda r: False,
            "was_ported": lambda r: False,
            "carrier": lambda r: None,
            "address_id": lambda r: None,
            "bundle_id": lambda r: None,
            "last_billed_price": lambda r: None,
            "next_billing_on": lambda r: None,
        }
        return [fields.render(r, computed) for r in rows]

    def authorize(self, action: str, row: Row | None) -> None:
        if row is None:
            return  # a request: validate_create checks the sharing asked for
        if row["is_group_number"]:
            require(self.ctx, MANAGE_GROUP_NUMBERS, GROUP_ONLY)
        elif row["user_id"] != self.ctx.actor.user_id:
            raise Forbidden(NOT_YOURS)

    def _participants(self, value: Any) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise Problem("Must be a list of user ids.")
        return list(dict.fromkeys(clean_member(self.ctx, v) for v in value))

    def validate_update(self, row: Row, body: dict[str, Any]) -> Row:
        errors = FieldErrors()
        values = self._fields().clean(
            body, creating=False, errors=errors, cleaners={"participants": self._participants}
        )
        if not row["is_group_number"]:
            for key in ("participants", "phone_numbers"):
                if values.get(key):
                    errors.add(key, "Only a group number has participants and phone numbers.")
        errors.raise_if_any()
        return values

    # ---- renting ----------------------------------------------------------------------------

    def validate_create(self, body: dict[str, Any]) -> Row:
        """A request for an internal number: the number allocated, or Invalid."""
        errors = FieldErrors()
        for key in body:
            if key not in REQUEST_KEYS:
                errors.add(key, "Unknown field.")
        country = body.get("country")
        if country is None:
            errors.add("country", "This field is required.")
        elif not isinstance(country, str) or len(country) != 2:
            errors.add("country", "Must be an ISO 3166 country code of two letters (US).")
        sharing = body.get("sharing")
        if sharing is None:
            errors.add("sharing", "This field is required.")
        elif sharing not in SHARING:
            errors.add("sharing", "Not a valid choice: use personal or group.")
        prefix = body.get("prefix", "")
        if not isinstance(prefix, str):
            errors.add("prefix", "Not a valid string.")
        carrier_type = body.get("carrier_type", "local")
        if carrier_type not in CARRIER_TYPES:
            errors.add("carrier_type", "Not a valid choice: use local, national, mobile or tollfree.")
        for key in ("with_sms", "with_mms"):
            if not isinstance(body.get(key, False), bool):
                errors.add(key, "Must be true or false.")
        errors.raise_if_any()
        if sharing == "group":
            require(self.ctx, MANAGE_GROUP_NUMBERS, GROUP_ONLY)
        country = str(country).upper()
        if country not in allocation.COUNTRIES:
            raise Invalid(
                field_errors={
                    "country": "leadbase gives out fictional numbers of the US and Canada only (555-01xx)."
                }
            )
        if carrier_type == "tollfree":
            raise Invalid(field_errors={"carrier_type": "leadbase gives out no toll-free numbers."})
        try:
            code = allocation.area_code(country, prefix)
            number = allocation.first_free(code, self._held(code))
        except allocation.NoNumber as exc:
            raise Invalid(field_errors={"prefix": str(exc)}) from exc
        with_mms = bool(body.get("with_mms", False))
        return {
            "number": number,
            "label": None,
            "type": "internal",
            "is_group_number": sharing == "group",
            "user_id": self.ctx.actor.user_id if sharing == "personal" else None,
            "participants": [],
            "phone_numbers": [],
            "forward_to": None,
            "forward_to_enabled": False,
            "voicemail_greeting_url": None,
            "press_1_to_accept": False,
            "country": country,
            # MMS implies SMS.
            "sms_enabled": bool(body.get("with_sms", False)) or with_mms,
            "mms_enabled": with_mms,
            "carrier_type": carrier_type,
        }

    def _held(self, code: str) -> list[str]:
        table = self.spec.table
        rows = self.ctx.conn.execute(
            select(table.c.number).where(
                table.c.organization_id == self.ctx.organization_id,
                table.c.number.in_(allocation.candidates(code)),
            )
        )
        return [r.number for r in rows]

    violations = {
        # Two requests racing for the same free number: the loser asks again.
        "uq_phone_number_organization_id_number": lambda: Invalid(
            errors=["Another request took this number at the same moment: request again."]
        )
    }
