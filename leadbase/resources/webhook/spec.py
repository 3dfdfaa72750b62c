from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, INT, OBJECT, TEXT, Field, Fields, audit, list_of, obj, shown
from leadbase.db.models import webhook_subscription
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.webhook.service import WebhookService, clean_events, clean_status, clean_url

STRING = {"type": "string"}

WEBHOOK = register(
    ResourceSpec(
        path="webhook",
        table=webhook_subscription,
        id_prefix="whsub",
        id_length=22,
        model_name="WebhookSubscription",
        service=WebhookService,
        # Close's event log lists no webhook events.
        object_type=None,
        fields=Fields(
            (
                shown("id"),
                Field("url", TEXT, required=True, nullable=False, cleaner=clean_url, max_length=2048),
                Field(
                    "events",
                    list_of(obj(object_type=STRING, action=STRING, extra_filter={"type": "object"})),
                    required=True,
                    nullable=False,
                    cleaner=clean_events,
                    description="The (object_type, action) pairs delivered, each with an optional "
                    "extra_filter in Close's webhook filter language.",
                ),
                Field("verify_ssl", BOOL, nullable=False, default=True),
                Field(
                    "status",
                    TEXT,
                    nullable=False,
                    default="active",
                    cleaner=clean_status,
                    description="active or paused; setting active resumes a paused subscription.",
                ),
                shown("pause_reason", TEXT, nullable=True, description="api, failing or backlog"),
                shown("health_status", TEXT, computed=True, description="healthy or unhealthy"),
                shown(
                    "signature_key",
                    TEXT,
                    description="64 hex characters; the HMAC-SHA256 key (hex-decoded) of close-sig-hash.",
                ),
                shown("latest_error", OBJECT, nullable=True),
                shown("recent_consecutive_fail_buckets_cnt", INT, computed=True),
                shown("counters", OBJECT, computed=True),
                *audit(),
            )
        ),
    )
)
WEBHOOK_ENDPOINT = expose(
    WEBHOOK,
    create_status=201,
    summary_name="Webhook subscription",
    tag="webhooks",
)
