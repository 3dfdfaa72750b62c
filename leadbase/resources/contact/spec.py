from leadbase.api.endpoint import expose
from leadbase.db.fields import (
    EQUAL,
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
from leadbase.db.models import contact
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.contact.channels import (
    clean_emails,
    clean_phones,
    clean_urls,
    render_emails,
    render_phones,
)
from leadbase.resources.contact.service import ContactService

STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
PHONE = obj(
    phone=STRING,
    phone_formatted=STRING,
    country=STRING,
    type=STRING,
    outbound_sms_blocked=BOOLEAN,
    tz_ids={"type": "array", "items": STRING},
)

CONTACT = register(
    ResourceSpec(
        path="contact",
        table=contact,
        id_prefix="cont",
        model_name="Contact",
        service=ContactService,
        object_type="contact",
        lead_column="lead_id",
        parents=(Parent("lead", "lead_id", touches=True),),
        custom_field_kind="contact",
        fields=Fields(
            (
                shown("id", filter_operators=EQUAL),
                Field(
                    "lead_id", filter_operators=EQUAL, description="Created with a new lead when left out."
                ),
                Field("name", TEXT, max_length=1000, sortable=True),
                Field("title", TEXT, max_length=1000, shows=blank_if_null),
                shown("display_name", TEXT, computed=True),
                Field(
                    "emails",
                    list_of(obj(email=STRING, type=STRING, is_unsubscribed=BOOLEAN)),
                    default=list,
                    cleaner=clean_emails,
                    shows=render_emails,
                ),
                Field(
                    "phones",
                    list_of(PHONE),
                    default=list,
                    # Numbers without a country code are read in the organization's region (the
                    # service passes it); this one is for callers without an organization.
                    cleaner=lambda value: clean_phones(value, "US"),
                    shows=render_phones,
                ),
                Field("urls", list_of(obj(url=STRING, type=STRING)), default=list, cleaner=clean_urls),
                *audit(dates=RANGE, sortable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
                shown("integration_links", OBJECTS, computed=True),
                shown("recent_calls", OBJECTS, computed=True, description="Calls of the last 24 hours."),
                shown(
                    "timezone", TEXT, computed=True, nullable=True, description="From the contact's phones."
                ),
                shown(
                    "timezone_source", TEXT, computed=True, nullable=True, description="phone, when known."
                ),
            ),
            custom=True,
        ),
    )
)
CONTACT_ENDPOINT = expose(CONTACT, tag="contacts")
