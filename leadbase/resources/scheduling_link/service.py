"""Scheduling links: a member's own links, the organization's shared links, and each member's mapping.

A user link (`type: USER`) belongs to the member who made it and is theirs alone: other members,
admins included, neither list nor read it (404), as Close's settings page shows each member only
their own links. An integration manages its links by `source_id` (`POST /scheduling_link/
integration/`, an upsert); leadbase has no OAuth applications, so the API key calling stands for
the application, as it does for meeting integrations.

A shared link (`type: SHARED`) is a name the whole organization uses (its `template_tag` in
templates); managing shared links is a customization. Each member maps it to one of their own
user links or to a URL (`POST /shared_scheduling_link_association/`); a member maps for
themselves, and whoever manages customizations maps for anyone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from leadbase.core.errors import FieldErrors, Forbidden, Invalid, NotFound
from leadbase.db.fields import BLANK, INT, NULL, TEXT, Field, Fields, Problem
from leadbase.db.filters import Filter, Term
from leadbase.db.models import membership, scheduling_link
from leadbase.db.permissions import MANAGE_CUSTOMIZATIONS, has, require
from leadbase.db.query import ListQuery
from leadbase.db.repository import Row
from leadbase.db.service import Service

USER, SHARED = "USER", "SHARED"
MANUAL, THIRD_PARTY = "MANUAL", "THIRD_PARTY"
URL_LENGTH = 2048
TAG_LENGTH = 240
# What a new link holds until something sets it (a row is rendered as inserted).
UNSET: dict[str, Any] = {
    "user_id": None,
    "description": None,
    "url": None,
    "source_id": None,
    "source_type": None,
    "duration_in_minutes": None,
    "oauth_client_id": None,
    "template_tag": None,
}


def link_url(value: Any) -> str:
    """A booking page's address: http(s) only; `example.com/x` gets `https://` as Close adds it."""
    if value is None:
        raise Problem(NULL)
    if not isinstance(value, str):
        raise Problem("Not a valid string.")
    text = value.strip()
    if not text:
        raise Problem(BLANK)
    if "://" not in text:
        text = "https://" + text
    if len(text) > URL_LENGTH:
        raise Problem(f"Longer than the maximum of {URL_LENGTH} characters.")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError as exc:
        raise Problem("Not a valid URL.") from exc
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in text):
        raise Problem("Not a valid URL: use an http:// or https:// address.")
    if "@" in parts.netloc:
        # A user name in a link (`https://trusted.example@other.example/`) only serves to mislead.
        raise Problem("Not a valid URL: a link may not carry a user name or password.")
    return text


def duration(value: Any) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 24 * 60:
        raise Problem("Must be a whole number of minutes, from 1 to 1440.")
    return value


def slug(name: str) -> str:
    """A template tag from a name: ASCII letters and digits joined by underscores."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "_".join(words)[:TAG_LENGTH].strip("_") or "scheduling_link"


def link_fields(*, url_required: bool) -> tuple[Field, ...]:
    """name, url and description as a request writes them."""
    return (
        Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
        Field(
            "url",
            TEXT,
            required=url_required,
            nullable=False,
            cleaner=link_url,
            description="The booking page; https:// is added when no scheme is given.",
        ),
        Field("description", TEXT),
    )


# What an integration's upsert writes: the link's own fields and the third-party ones.
INTEGRATION_FIELDS = Fields(
    (
        *link_fields(url_required=True),
        Field("source_type", TEXT, strip=True, max_length=255),
        Field("duration_in_minutes", INT, cleaner=duration),
    )
)
SOURCE_ID = Field("source_id", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255)


def application(ctx: Any) -> str:
    """The application an integration call comes from: the API key standing for it."""
    return str(ctx.actor.api_key_id or ctx.actor.user_id or "api")


def source_taken() -> Invalid:
    return Invalid.field("source_id", "A link with this source_id was made at the same time: try again.")


class UserLinkService(Service):
    # Two upserts of one new source_id at once: the second to insert loses on the unique key.
    violations = {"uq_scheduling_link_organization_id_oauth_client_id_source_id": source_taken}

    def get(self, object_id: str, *, lock: bool = False) -> Row:
        row = super().get(object_id, lock=lock)
        if row["user_id"] != self.ctx.actor.user_id:
            # Another member's link is private to them: it does not exist for the caller.
            raise NotFound.for_model(self.spec.model_name)
        return row

    def list_filter(self, query: ListQuery, params: Mapping[str, str]) -> Filter | None:
        return Term("user_id", "eq", self.ctx.actor.user_id)

    def authorize(self, action: str, row: Row | None) -> None:
        if self.ctx.actor.user_id is None:
            raise Forbidden("Scheduling links belong to users: this API key has no user.")

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = super().validate_create(body)
        return {**UNSET, **values, "user_id": self.ctx.actor.user_id, "source": MANUAL}

    # ---- the integration's upsert, keyed by its source_id ----------------------------------

    def _by_source(self, source_id: str) -> Row | None:
        table = self.spec.table
        found = (
            self.ctx.conn.execute(
                self.repo.scoped(self.spec).where(
                    table.c.oauth_client_id == application(self.ctx), table.c.source_id == source_id
                )
            )
            .mappings()
            .first()
        )
        return dict(found) if found is not None else None

    def upsert_integration(self, body: dict[str, Any]) -> dict[str, Any]:
        errors = FieldErrors()
        try:
            source_id = SOURCE_ID.clean(body.get("source_id"))
        except Problem as problem:
            errors.add("source_id", "This field is required." if "source_id" not in body else problem.message)
            source_id = None
        with self.unit.operation():
            self.authorize("update", None)
            existing = self._by_source(source_id) if isinstance(source_id, str) else None
            values = INTEGRATION_FIELDS.clean(body, creating=existing is None, errors=errors)
            errors.raise_if_any()
            if existing is None:
                row = self.insert(
                    {
                        **UNSET,
                        **values,
                        "user_id": self.ctx.actor.user_id,
                        "source": THIRD_PARTY,
                        "source_id": source_id,
                        "oauth_client_id": application(self.ctx),
                    }
                )
            else:
                row = self.unit.changing(self.spec, existing)
                changed = {k: v for k, v in values.items() if row.get(k) != v}
                if changed:
                    row = self.change(row, changed)
        return self.unit.result(self.spec, row)

    def delete_integration(self, source_id: str) -> None:
        row = self._by_source(source_id)
        if row is None:
            raise NotFound.for_model(self.spec.model_name)
        self.delete(row)


def tag_taken() -> Invalid:
    return Invalid.field("name", "A shared scheduling link with this template tag was just made: try again.")


class SharedLinkService(Service):
    # Two links named alike at the same time: the second to write gets the next free tag on retry.
    violations = {"uq_scheduling_link_organization_id_template_tag": tag_taken}

    def authorize(self, action: str, row: Row | None) -> None:
        require(self.ctx, MANAGE_CUSTOMIZATIONS)

    def validate_create(self, body: dict[str, Any]) -> Row:
        values = super().validate_create(body)
        return {**UNSET, **values, "source": MANUAL, "template_tag": self._free_tag(slug(values["name"]))}

    def _free_tag(self, wanted: str) -> str:
        """`wanted`, or `wanted_2`, `wanted_3`... when another shared link has it."""
        table = scheduling_link
        taken = set(
            self.ctx.conn.execute(
                select(table.c.template_tag).where(
                    table.c.organization_id == self.ctx.organization_id, table.c.template_tag.is_not(None)
                )
            ).scalars()
        )
        tag, n = wanted, 1
        while tag in taken:
            n += 1
            tag = f"{wanted}_{n}"
        return tag


NO_SHARED_LINK = "No shared scheduling link has this id."
NO_USER_LINK = "No scheduling link of this user has this id."


class LinkMapService(Service):
    """A member's mapping of a shared link (no routes of its own: map and unmap below)."""

    # A link deleted while it was being mapped (maps of one shared link queue on its row lock).
    violations = {
        "fk_scheduling_link_map_shared_link_id_scheduling_link": lambda: Invalid.field(
            "shared_scheduling_link_id", NO_SHARED_LINK
        ),
        "fk_scheduling_link_map_user_link_id_scheduling_link": lambda: Invalid.field(
            "user_scheduling_link_id", NO_USER_LINK
        ),
        "uq_scheduling_link_map_organization_id_shared_link_id_user_id": lambda: Invalid.field(
            "user_id", "This member's link was mapped at the same time: try again."
        ),
    }

    @property
    def _shared(self) -> Any:
        return self.spec.parent("shared_link_id")

    @property
    def _users(self) -> Any:
        return self.spec.parent("user_link_id")

    def _find(self, shared_link_id: str, user_id: str) -> Row | None:
        table = self.spec.table
        found = (
            self.ctx.conn.execute(
                self.repo.scoped(self.spec).where(
                    table.c.shared_link_id == shared_link_id, table.c.user_id == user_id
                )
            )
            .mappings()
            .first()
        )
        return dict(found) if found is not None else None

    def _target(self, body: dict[str, Any], errors: FieldErrors) -> tuple[str | None, str | None]:
        """The shared link and the member a map or unmap body names, checked."""
        if "organization_id" in body and body["organization_id"] != self.ctx.organization_id:
            raise NotFound.for_model("Organization")
        shared_id, user_id = body.get("shared_scheduling_link_id"), body.get("user_id")
        if not isinstance(shared_id, str) or not shared_id:
            errors.add(
                "shared_scheduling_link_id",
                "This field is required." if not shared_id else "Not a valid string.",
            )
            shared_id = None
        # Locked (PostgreSQL): two maps of one shared link queue, so the second finds the first's row.
        elif self.repo.find(self._shared, shared_id, lock=True) is None:
            errors.add("shared_scheduling_link_id", NO_SHARED_LINK)
        if not isinstance(user_id, str) or not user_id:
            errors.add("user_id", "This field is required." if not user_id else "Not a valid string.")
            user_id = None
        elif not self._is_member(user_id):
            errors.add("user_id", "Not an active member of the organization.")
        return shared_id, user_id

    def _is_member(self, user_id: str) -> bool:
        found = self.ctx.conn.execute(
            select(membership.c.id).where(
                membership.c.organization_id == self.ctx.organization_id,
                membership.c.user_id == user_id,
                membership.c.is_active.is_(True),
            )
        ).first()
        return found is not None

    def _may_map_for(self, user_id: str | None) -> None:
        if (
            user_id is not None
            and user_id != self.ctx.actor.user_id
            and not has(self.ctx, MANAGE_CUSTOMIZATIONS)
        ):
            raise Forbidden(
                "You may map shared scheduling links for yourself only (others need manage_customizations)."
            )

    def _destination(self, body: dict[str, Any], user_id: str | None, errors: FieldErrors) -> Row:
        """user_link_id or url: exactly one, the link being one of the member's own."""
        link_id, url = body.get("user_scheduling_link_id"), body.get("url")
        if link_id is None and url is None:
            errors.add("user_scheduling_link_id", "Give user_scheduling_link_id or url.")
            return {}
        if link_id is not None and url is not None:
            errors.add("url", "Give user_scheduling_link_id or url, not both.")
            return {}
        if url is not None:
            try:
                return {"user_link_id": None, "url": link_url(url)}
            except Problem as problem:
                errors.add("url", problem.message)
                return {}
        link = self.repo.find(self._users, link_id) if isinstance(link_id, str) else None
        if link is None or (user_id is not None and link["user_id"] != user_id):
            errors.add("user_scheduling_link_id", NO_USER_LINK)
            return {}
        return {"user_link_id": link["id"], "url": None}

    def map(self, body: dict[str, Any]) -> dict[str, Any]:
        """Map (or map again) a shared link for one member: the mapping as Close echoes it."""
        errors = FieldErrors()
        with self.unit.operation():
            shared_id, user_id = self._target(body, errors)
            self._may_map_for(user_id)
            destination = self._destination(body, user_id, errors)
            errors.raise_if_any()
            assert shared_id is not None and user_id is not None
            existing = self._find(shared_id, user_id)
            if existing is None:
                row = self.insert({"shared_link_id": shared_id, "user_id": user_id, **destination})
            else:
                row = self.unit.changing(self.spec, existing)
                changed = {k: v for k, v in destination.items() if row.get(k) != v}
                if changed:
                    row = self.change(row, changed)
        return self.unit.result(self.spec, row)

    def unmap(self, body: dict[str, Any]) -> None:
        """Remove a member's mapping; nothing to do when there is none."""
        errors = FieldErrors()
        with self.unit.operation():
            shared_id, user_id = self._target(body, errors)
            self._may_map_for(user_id)
            errors.raise_if_any()
            assert shared_id is not None and user_id is not None
            existing = self._find(shared_id, user_id)
            if existing is not None:
                self.remove(existing)
