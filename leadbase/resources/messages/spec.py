"""Message activities: Email, EmailThread, SMS and WhatsAppMessage, rows of the `activity` table.

Each joins the activity family (`GET /activity/`) by its `discriminator` line. Fields held in the
row's `payload` are declared like the others: the services move them in and out (base.py).
"""

from leadbase.api.endpoint import expose
from leadbase.db.fields import (
    BOOL,
    DATETIME,
    EQUAL,
    IDS,
    INT,
    OBJECT,
    OBJECTS,
    TEXT,
    Field,
    Fields,
    shown,
)
from leadbase.db.resource import Parent, register
from leadbase.resources.activities import activity_spec, base_fields
from leadbase.resources.activity_values import choice, text_or_null
from leadbase.resources.messages.email import (
    EMAIL_PATH,
    STATUSES,
    THREAD_PATH,
    EmailService,
    ThreadService,
    addresses,
    clean_opens,
    sender_value,
)
from leadbase.resources.messages.sending import SEND  # noqa: F401  (registers the sending job)
from leadbase.resources.messages.sms import DIRECTIONS as SMS_DIRECTIONS
from leadbase.resources.messages.sms import SOURCES, SmsService
from leadbase.resources.messages.whatsapp import DIRECTIONS, WhatsAppService


def _head(*extra: Field, strict: bool = False) -> tuple[Field, ...]:
    """ActivityBase (no comment summary on messages), then the kind's fields."""
    return (*base_fields(strict=strict, summary=False), *extra)


def _sequence() -> tuple[Field, ...]:
    return tuple(
        shown(name, TEXT, computed=True, nullable=True)
        for name in ("sequence_id", "sequence_name", "sequence_subscription_id")
    )


def _text(name: str, **options: object) -> Field:
    return Field(name, TEXT, cleaner=text_or_null, **options)  # type: ignore[arg-type]


EMAIL_THREAD = register(
    activity_spec(
        path=THREAD_PATH,
        model_name="EmailThread",
        service=ThreadService,
        object_type="activity.email_thread",
        fields=Fields(
            _head(
                shown("latest_normalized_subject", TEXT, column="lookup_key", nullable=True),
                shown("n_emails", INT, computed=True),
                shown("participants", OBJECTS, computed=True),
                shown("emails", OBJECTS, computed=True),
            )
        ),
    )
)
EMAIL_THREAD_ENDPOINT = expose(
    EMAIL_THREAD, verbs=frozenset({"list", "get", "delete"}), summary_name="Email Thread", tag="activities"
)

EMAIL_ACTIVITY = register(
    activity_spec(
        path=EMAIL_PATH,
        model_name="Email",
        service=EmailService,
        object_type="activity.email",
        # Deleting a thread deletes its emails; an email joining or leaving it changes the thread.
        parents=(Parent(THREAD_PATH, "thread_id", touches=True, label="thread"),),
        fields=Fields(
            _head(
                Field("status", TEXT, required=True, cleaner=choice(*STATUSES), filter_operators=EQUAL),
                shown("direction", TEXT, nullable=True),
                _text("subject"),
                Field("sender", TEXT, cleaner=sender_value, description='"Name" <address> or an address'),
                Field("to", IDS, cleaner=addresses, default=list),
                Field("cc", IDS, cleaner=addresses, default=list),
                Field("bcc", IDS, cleaner=addresses, default=list),
                _text("body_text"),
                _text("body_html", description="sanitized; fills body_text when written alone"),
                shown("body_preview", TEXT, computed=True),
                Field("attachments", OBJECTS, default=list),
                Field("date_scheduled", DATETIME, nullable=True),
                shown("date_sent", DATETIME, nullable=True),
                shown("thread_id", nullable=True),
                Field("in_reply_to_id", nullable=True),
                shown("message_ids", IDS, computed=True),
                shown("references", IDS, computed=True),
                shown("envelope", OBJECT, computed=True),
                shown("email_account_id", TEXT, computed=True, nullable=True),
                _text("template_id"),
                shown("template_name", TEXT, computed=True, nullable=True),
                Field("opens", OBJECTS, cleaner=clean_opens, default=list),
                shown("opens_summary", TEXT, computed=True, nullable=True),
                shown("has_reply", BOOL, computed=True),
                shown("need_smtp_credentials", BOOL, computed=True),
                shown("send_as_id", TEXT, computed=True, nullable=True),
                shown("send_attempts", OBJECTS, computed=True),
                shown("bulk_email_action_id", TEXT, computed=True, nullable=True),
                _text("followup_sequence_id"),
                Field("followup_sequence_delay", INT, nullable=True),
                Field("followup_sequence_add_cc_bcc", BOOL, default=False),
                *_sequence(),
                shown("agent_config_id", TEXT, computed=True, nullable=True),
                shown("agent_action_reason", TEXT, computed=True, nullable=True),
                # Accepted on writes, not shown.
                _text("account_id", write_only=True),
                Field("followup_date", DATETIME, write_only=True, nullable=True),
                Field(
                    "send_in",
                    INT,
                    write_only=True,
                    nullable=True,
                    description="seconds (< 60) before an outbox email leaves",
                ),
            )
        ),
    )
)
EMAIL_ENDPOINT = expose(EMAIL_ACTIVITY, summary_name="Email", tag="activities")

SMS_ACTIVITY = register(
    activity_spec(
        path="activity/sms",
        model_name="SMS",
        service=SmsService,
        object_type="activity.sms",
        fields=Fields(
            _head(
                Field("status", TEXT, required=True, cleaner=choice(*STATUSES), filter_operators=EQUAL),
                Field("direction", TEXT, cleaner=choice(*SMS_DIRECTIONS)),
                _text("text"),
                Field("local_phone", TEXT, nullable=True),
                shown("local_phone_formatted", TEXT, computed=True, nullable=True),
                shown("local_country_iso", TEXT, computed=True, nullable=True),
                Field("remote_phone", TEXT, nullable=True),
                shown("remote_phone_formatted", TEXT, computed=True, nullable=True),
                shown("remote_country_iso", TEXT, computed=True, nullable=True),
                shown("cost", TEXT, computed=True, nullable=True),
                Field("date_scheduled", DATETIME, nullable=True),
                shown("date_sent", DATETIME, nullable=True),
                shown("error_message", TEXT, computed=True, nullable=True),
                _text("template_id"),
                Field("source", TEXT, cleaner=choice(*SOURCES)),
                Field("attachments", OBJECTS, default=list),
                *_sequence(),
                shown("agent_config_id", TEXT, computed=True, nullable=True),
                shown("agent_action_reason", TEXT, computed=True, nullable=True),
                Field(
                    "send_in",
                    INT,
                    write_only=True,
                    nullable=True,
                    description="seconds (< 60) before an outbox SMS leaves",
                ),
            )
        ),
    )
)
SMS_ENDPOINT = expose(SMS_ACTIVITY, summary_name="SMS", tag="activities")

WHATSAPP_ACTIVITY = register(
    activity_spec(
        path="activity/whatsapp_message",
        model_name="WhatsAppMessage",
        service=WhatsAppService,
        object_type="activity.whatsapp_message",
        fields=Fields(
            _head(
                Field("direction", TEXT, required=True, cleaner=choice(*DIRECTIONS)),
                Field(
                    "external_whatsapp_message_id",
                    TEXT,
                    required=True,
                    column="lookup_key",
                    filter_operators=EQUAL,
                ),
                Field("message_markdown", TEXT, required=True, nullable=False),
                shown("message_html", TEXT, computed=True),
                shown("text", TEXT, computed=True),
                Field("local_phone", TEXT, required=True),
                shown("local_phone_formatted", TEXT, computed=True, nullable=True),
                Field("remote_phone", TEXT, required=True),
                shown("remote_phone_formatted", TEXT, computed=True, nullable=True),
                Field("attachments", OBJECTS, default=list),
                Field("integration_link", TEXT, nullable=True),
                shown("integration_name", TEXT, computed=True, nullable=True),
                Field("response_to_id", nullable=True),
                shown("source", TEXT),
                *_sequence(),
                strict=True,
            )
        ),
    )
)
WHATSAPP_ENDPOINT = expose(WHATSAPP_ACTIVITY, summary_name="WhatsApp Message", tag="activities")
