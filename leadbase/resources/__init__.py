"""One package per Close URL segment; importing them registers their specs."""

from importlib import import_module

PACKAGES = [
    "status",
    "lead",
    "contact",
    "event",
    "me",
    "user",
    "organization",
    "api_key",
    "custom_field",
    "custom_field_schema",
    "custom_object_type",
    "custom_activity",
    "custom_object",
    "activity",
    "messages",
    "pipeline",
    "opportunity_status",
    "opportunity",
    "task",
    "integration_link",
    "comment_thread",
    "comment",
    "role",
    "membership",
    "group",
    "files",
    "outcome",
    "activity_note",
    "activity_call",
    "activity_meeting",
    "email_template",
    "sms_template",
    "unsubscribe",
    "blocked_phone_number",
    "send_as",
    "phone_number",
    "connected_account",
    "dialer",
    "data",
    "saved_search",
    "report",
    "scheduling_link",
    "playbook",
    "sequence",
    "enrich_field",
    "export",
    "webhook",
    "bulk_action",
]


def load_all() -> None:
    """Import every resource package so its spec and endpoints register."""
    for name in PACKAGES:
        import_module(f"leadbase.resources.{name}.spec")
