"""Every table of leadbase, on one MetaData (Alembic reads it)."""

from leadbase.db.models.activity import activity, lead_activity_count
from leadbase.db.models.background import job, webhook_cursor, webhook_delivery, webhook_subscription
from leadbase.db.models.base import metadata
from leadbase.db.models.bulk import bulk_action, bulk_action_lead
from leadbase.db.models.configuration import playbook, scheduling_link, scheduling_link_map
from leadbase.db.models.counts import COUNTED_TABLES, lead_day_count, object_count
from leadbase.db.models.crm import contact, lead, lead_status
from leadbase.db.models.custom import (
    custom_activity_type,
    custom_field,
    custom_field_association,
    custom_object,
    custom_object_type,
)
from leadbase.db.models.deals import opportunity, opportunity_status, pipeline
from leadbase.db.models.events import event
from leadbase.db.models.exports import export
from leadbase.db.models.files import file_upload
from leadbase.db.models.identity import api_key, membership, organization, user
from leadbase.db.models.outcomes import outcome
from leadbase.db.models.outreach import (
    blocked_phone_number,
    blocked_phone_setting,
    connected_account,
    dialer_session,
    email_template,
    outbox_message,
    phone_number,
    send_as,
    sms_template,
    unsubscribed_email,
)
from leadbase.db.models.people import group_member, role, user_group
from leadbase.db.models.secrets import server_secret
from leadbase.db.models.sequences import sequence, sequence_subscription
from leadbase.db.models.snapshots import org_snapshot
from leadbase.db.models.views import saved_search, text_index
from leadbase.db.models.work import comment, comment_thread, integration_link, task

__all__ = [
    "COUNTED_TABLES",
    "activity",
    "api_key",
    "blocked_phone_number",
    "blocked_phone_setting",
    "bulk_action",
    "bulk_action_lead",
    "comment",
    "comment_thread",
    "connected_account",
    "contact",
    "custom_activity_type",
    "custom_field",
    "custom_field_association",
    "custom_object",
    "custom_object_type",
    "dialer_session",
    "email_template",
    "event",
    "export",
    "file_upload",
    "group_member",
    "integration_link",
    "job",
    "lead",
    "lead_activity_count",
    "lead_day_count",
    "lead_status",
    "membership",
    "metadata",
    "object_count",
    "opportunity",
    "opportunity_status",
    "org_snapshot",
    "organization",
    "outbox_message",
    "outcome",
    "phone_number",
    "pipeline",
    "playbook",
    "role",
    "saved_search",
    "scheduling_link",
    "scheduling_link_map",
    "send_as",
    "sequence",
    "sequence_subscription",
    "server_secret",
    "sms_template",
    "task",
    "text_index",
    "unsubscribed_email",
    "user",
    "user_group",
    "webhook_cursor",
    "webhook_delivery",
    "webhook_subscription",
]
