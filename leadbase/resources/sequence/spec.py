"""Sequences (`/sequence/`) and the contacts subscribed to them (`/sequence_subscription/`).

One package serves both: a subscription runs its sequence's steps, and a sequence counts and
re-arms its subscriptions. Importing `runner` and `triggers` registers the job kinds and the
reactions to replies, unsubscribes and bounces.
"""

from leadbase.api.endpoint import expose
from leadbase.core.ids import SHORT
from leadbase.db.fields import BOOL, IDS, OBJECT, TEXT, Field, Fields, Structured, list_of, obj, shown
from leadbase.db.models import sequence, sequence_subscription
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.activity_values import choice
from leadbase.resources.deals import NAIVE_DATETIME
from leadbase.resources.sequence import runner, triggers  # noqa: F401  (job kinds and observers)
from leadbase.resources.sequence.schedule import clean_schedule, clean_timezone
from leadbase.resources.sequence.service import STATUSES, SequenceService
from leadbase.resources.sequence.subscriptions import SubscriptionService

STRING = {"type": "string"}
NULLABLE_STRING = {"type": "string", "nullable": True}
INTEGER = {"type": "integer"}
STEP = obj(
    id=STRING,
    step_type={"type": "string", "enum": ["email", "sms", "call"]},
    delay={"type": "integer", "description": "seconds after the previous step (the start, for the first)"},
    email_template_id=NULLABLE_STRING,
    sms_template_id=NULLABLE_STRING,
    threading={"type": "string", "nullable": True, "enum": ["new_thread", "old_thread", None]},
    required={"type": "boolean"},
    step_allowed_delay={"type": "integer", "nullable": True},
    created_by_id=NULLABLE_STRING,
    updated_by_id=NULLABLE_STRING,
    date_created=STRING,
    date_updated=STRING,
)
COUNTS = Structured(obj(**{status: INTEGER for status in ("active", "paused", "finished", "goal", "error")}))


def _audit() -> tuple[Field, ...]:
    return (
        shown("organization_id"),
        shown("created_by_id", nullable=True, column="created_by"),
        shown("updated_by_id", nullable=True, column="updated_by"),
        shown("date_created", NAIVE_DATETIME),
        shown("date_updated", NAIVE_DATETIME),
    )


SEQUENCE = register(
    ResourceSpec(
        path="sequence",
        table=sequence,
        id_prefix="seq",
        id_length=SHORT,
        model_name="Sequence",
        service=SequenceService,
        object_type="sequence",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field(
                    "status",
                    TEXT,
                    default="active",
                    cleaner=choice(*STATUSES),
                    description="active, or paused: no step of a paused sequence runs",
                ),
                Field("timezone", TEXT, required=True, cleaner=clean_timezone, description="an IANA name"),
                Field(
                    "schedule",
                    OBJECT,
                    cleaner=clean_schedule,
                    description='null (any time) or {"ranges": [{"weekday": 1-7, "start": "HH:MM", '
                    '"end": "HH:MM"}]}',
                ),
                shown("schedule_id", nullable=True, computed=True),
                shown("trigger_query", OBJECT, nullable=True, computed=True),
                Field("allow_manual_enrollment", BOOL, default=True),
                Field(
                    "steps",
                    list_of(STEP),
                    required=True,
                    description="In order. A PUT keeps the steps it names by id and removes the others.",
                ),
                shown("subscription_counts_by_status", COUNTS, computed=True),
                shown("owner_id", nullable=True, computed=True),
                *_audit(),
            )
        ),
    )
)
SEQUENCE_ENDPOINT = expose(SEQUENCE, summary_name="Sequence", tag="sequences")

SEQUENCE_SUBSCRIPTION = register(
    ResourceSpec(
        path="sequence_subscription",
        table=sequence_subscription,
        id_prefix="sub",
        id_length=SHORT,
        model_name="SequenceSubscription",
        service=SubscriptionService,
        object_type="sequence_subscription",
        lead_column="lead_id",
        # Deleting the sequence, the contact or the lead deletes its subscriptions, each with its event.
        parents=(
            Parent("sequence", "sequence_id"),
            Parent("contact", "contact_id"),
            Parent("lead", "lead_id"),
        ),
        fields=Fields(
            (
                shown("id"),
                Field("sequence_id", required=True),
                Field("contact_id", required=True),
                shown("lead_id"),
                Field("contact_email", TEXT, description="one of the contact's emails; its first by default"),
                Field("sender_account_id", nullable=True, description="a connected account's id"),
                Field("sender_name", TEXT),
                Field("sender_email", TEXT),
                Field(
                    "calls_assigned_to", IDS, default=list, description="users who get the call steps' tasks"
                ),
                Field("from_phone_number_id", nullable=True, description="the number SMS steps go from"),
                Field(
                    "status",
                    TEXT,
                    description="active, paused, finished, goal or error; a PUT pauses, resumes or finishes",
                ),
                shown("status_reason", TEXT, nullable=True),
                shown("pause_reason", TEXT, nullable=True, computed=True),
                shown("start_date", NAIVE_DATETIME),
                *_audit(),
            )
        ),
    )
)
SEQUENCE_SUBSCRIPTION_ENDPOINT = expose(
    SEQUENCE_SUBSCRIPTION,
    verbs=frozenset({"list", "create", "get", "update"}),
    create_status=201,
    summary_name="Sequence Subscription",
    # Read by SubscriptionService.list_filter: at least one of the first three is required.
    list_parameters=tuple(
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
        for name, text in (
            ("sequence_id", "The subscriptions of this sequence."),
            ("contact_id", "The subscriptions of this contact."),
            ("lead_id", "The subscriptions of this lead's contacts."),
            ("status", "Only those in this status (active, paused, finished, goal, error)."),
        )
    ),
    tag="sequences",
)
