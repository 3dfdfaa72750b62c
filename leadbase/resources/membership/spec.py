from __future__ import annotations

from typing import Any

from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, IDS, TEXT, Field, Fields, Problem, shown
from leadbase.db.models import membership
from leadbase.db.query import Kind
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.membership.service import MembershipService


class OneOf:
    """A string among a few values (Close's enums)."""

    filter_kind: Kind = "text"

    def __init__(self, *choices: str) -> None:
        self.choices = choices

    def clean(self, value: Any) -> Any:
        if value not in self.choices:
            raise Problem(f"Must be one of: {', '.join(self.choices)}.")
        return value

    def render(self, stored: Any) -> Any:
        return stored

    def schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


MEMBERSHIP = register(
    ResourceSpec(
        path="membership",
        table=membership,
        id_prefix="memb",
        model_name="Membership",
        service=MembershipService,
        object_type="membership",
        parents=(Parent("user", "user_id", cascade=False),),
        fields=Fields(
            (
                shown("id"),
                shown("organization_id"),
                shown("user_id"),
                # Create only: the member's address (a new user when no user has it).
                Field(
                    "email", TEXT, required=True, write_only=True, nullable=False, strip=True, max_length=320
                ),
                Field("role_id", TEXT, required=True, nullable=False),
                shown("role", TEXT, computed=True, description="Legacy: the role_id."),
                shown("permissions_granted", IDS, computed=True),
                shown("is_active", BOOL),
                Field(
                    "auto_record_calls",
                    OneOf("unset", "enabled", "disabled"),
                    nullable=False,
                    default="unset",
                ),
                Field("track_email_opens", BOOL, nullable=False, default=True),
                Field("default_caller_id", TEXT, max_length=64),
                Field("default_caller_id_mode", OneOf("fixed", "auto"), nullable=False, default="auto"),
                Field("hangup_recording_url", TEXT, max_length=1024),
                Field("may_workflows_impersonate", BOOL, nullable=False, default=False),
                shown("primary_personal_number", TEXT, nullable=True, computed=True),
                shown("is_free", BOOL, computed=True),
                shown("onboarding_status", TEXT, nullable=True, computed=True),
                shown("user_email", TEXT, computed=True),
                shown("user_first_name", TEXT, nullable=True, computed=True),
                shown("user_last_name", TEXT, nullable=True, computed=True),
                shown("user_full_name", TEXT, computed=True),
                shown("user_image", TEXT, nullable=True, computed=True),
                shown("user_phone", TEXT, nullable=True, computed=True),
                shown("user_phone_formatted", TEXT, nullable=True, computed=True),
                shown("date_created", DATETIME),
                shown("date_updated", DATETIME),
            )
        ),
    )
)
# POST /membership/ (add or reactivate), the bulk PUT and pinned views live in endpoints.py.
MEMBERSHIP_ENDPOINT = expose(MEMBERSHIP, verbs=frozenset({"update"}), tag="memberships")
