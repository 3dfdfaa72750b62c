from leadbase.api.endpoint import expose
from leadbase.db.fields import (
    DATETIME,
    EQUAL,
    IDS,
    OBJECT,
    OBJECTS,
    RANGE,
    TEXT,
    Field,
    Fields,
    audit,
    blank_if_null,
    list_of,
    obj,
    shown,
)
from leadbase.db.models import lead
from leadbase.db.resource import Embedded, Parent, ResourceSpec, register
from leadbase.resources.lead.service import ADDRESS_FIELDS, LeadService, clean_addresses, render_addresses

# Free text fields hold at most this much.
TEXT_LENGTH = 10_000

ADDRESSES = list_of(
    obj(**{k: {"type": "string", "nullable": True} for k in ADDRESS_FIELDS}, tz_ids={"type": "array"})
)

LEAD = register(
    ResourceSpec(
        path="lead",
        table=lead,
        id_prefix="lead",
        model_name="Lead",
        service=LeadService,
        object_type="lead",
        lead_column="id",
        # Not a parent: a relation for filter paths (`status.label`), never cascaded.
        parents=(Parent("status/lead", "status_id", cascade=False, label="status"),),
        embeds=(
            Embedded(
                "contacts",
                "contact",
                "lead_id",
                # Besides `contacts`, the keys made from them (the local time from their phones).
                shows=frozenset(
                    {
                        "contact_ids",
                        "primary_email",
                        "primary_phone",
                        "display_name",
                        "contacts_summary",
                        "localtime",
                    }
                ),
            ),
            Embedded("opportunities", "opportunity", "lead_id"),
            # Open tasks only, as Close shows them on the lead.
            Embedded("tasks", "task", "lead_id", only=(("is_complete", False),)),
        ),
        custom_field_kind="lead",
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                Field("name", TEXT, max_length=TEXT_LENGTH, sortable=True),
                shown("display_name", TEXT, computed=True),
                Field("description", TEXT, max_length=TEXT_LENGTH, default="", shows=blank_if_null),
                Field("url", TEXT, max_length=TEXT_LENGTH),
                # Checked against the organization's statuses by the service; problems under `status`.
                Field("status_id", filter_operators=EQUAL, error_name="status"),
                Field("status", TEXT, write_only=True, description="A status label, instead of status_id."),
                shown("status_label", TEXT, computed=True, nullable=True),
                Field("addresses", ADDRESSES, default=list, cleaner=clean_addresses, shows=render_addresses),
                Field(
                    "contacts",
                    OBJECTS,
                    computed=True,
                    description="Contacts to create with the lead (on create).",
                ),
                shown("contact_ids", IDS, computed=True),
                shown("opportunities", OBJECTS, computed=True),
                shown("tasks", OBJECTS, computed=True),
                shown("integration_links", OBJECTS, computed=True),
                shown("primary_email", OBJECT, computed=True, nullable=True),
                shown("primary_phone", OBJECT, computed=True, nullable=True),
                shown("html_url", TEXT, computed=True),
                shown("recent_calls", OBJECTS, computed=True, description="Calls of the last 24 hours."),
                shown("source", TEXT, nullable=True, description="How the lead came to be: api or import."),
                shown("contacts_summary", TEXT, computed=True),
                shown("primary_address_summary", TEXT, computed=True, nullable=True),
                shown(
                    "localtime",
                    DATETIME,
                    computed=True,
                    nullable=True,
                    volatile=True,
                    description="The time now where the lead is, when its addresses or phones tell.",
                ),
                *audit(dates=RANGE, sortable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
                shown("custom", OBJECT, computed=True, description="Values by field name (legacy)."),
            ),
            custom=True,
        ),
    )
)
LEAD_ENDPOINT = expose(LEAD, total_results=True, tag="leads")
