from leadbase.api.endpoint import expose
from leadbase.db.fields import EQUAL, OBJECTS, RANGE, TEXT, Field, Fields, audit, list_of, obj, shown
from leadbase.db.models import contact
from leadbase.db.resource import Parent, ResourceSpec, register
from leadbase.resources.contact.service import ContactService

STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
PHONE = obj(phone=STRING, phone_formatted=STRING, country=STRING, type=STRING)

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
                Field("name", TEXT, sortable=True),
                Field("title", TEXT),
                shown("display_name", TEXT, computed=True),
                Field("emails", list_of(obj(email=STRING, type=STRING, is_unsubscribed={"type": "boolean"}))),
                Field(
                    "phones", list_of(obj(phone=STRING, phone_formatted=STRING, country=STRING, type=STRING))
                ),
                Field("urls", list_of(obj(url=STRING, type=STRING))),
                *audit(dates=RANGE, sortable=True),
                shown("created_by_name", TEXT, computed=True, nullable=True),
                shown("updated_by_name", TEXT, computed=True, nullable=True),
                shown("integration_links", OBJECTS, computed=True),
            ),
            custom=True,
        ),
    )
)
CONTACT_ENDPOINT = expose(CONTACT, tag="contacts")
