from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, IDS, TEXT, Field, Fields, Structured, filterable, shown
from leadbase.db.models import phone_number
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.phone_number.service import (
    PhoneNumberService,
    forward_to,
    greeting_url,
    phone_list,
)

NUMBER = Structured({"type": "number"})
EQ = filterable("eq")

PHONE_NUMBER = register(
    ResourceSpec(
        path="phone_number",
        table=phone_number,
        id_prefix="phon",
        model_name="PhoneNumber",
        service=PhoneNumberService,
        object_type="phone_number",
        fields=Fields(
            (
                shown("id"),
                shown("number", TEXT, filter_operators=EQ, description="E.164, from 555-0100..555-0199"),
                shown("number_formatted", TEXT, computed=True),
                Field("label", TEXT, strip=True, max_length=255),
                shown("type", TEXT, description="internal (leadbase gives out internal numbers only)"),
                shown("is_group_number", BOOL, filter_operators=EQ),
                shown("user_id", nullable=True, filter_operators=EQ),
                Field("participants", IDS, default=list, description="User ids (group numbers)"),
                Field(
                    "phone_numbers",
                    IDS,
                    default=list,
                    cleaner=phone_list,
                    description="E.164 (group numbers)",
                ),
                shown("phone_numbers_formatted", IDS, computed=True),
                Field("forward_to", TEXT, cleaner=forward_to, description="E.164"),
                shown("forward_to_formatted", TEXT, nullable=True, computed=True),
                Field("forward_to_enabled", BOOL, nullable=False, default=False),
                Field("voicemail_greeting_url", TEXT, cleaner=greeting_url, description="An https MP3"),
                Field("press_1_to_accept", BOOL, nullable=False, default=False),
                shown("country", TEXT),
                shown("sms_enabled", BOOL),
                shown("mms_enabled", BOOL),
                shown("supports_sms_to_countries", IDS, computed=True),
                shown("supports_mms_to_countries", IDS, computed=True),
                shown("is_verified", BOOL, computed=True),
                shown("is_premium", BOOL, computed=True),
                shown("was_ported", BOOL, computed=True),
                shown("carrier", TEXT, nullable=True, computed=True),
                shown("carrier_type", TEXT),
                shown("address_id", nullable=True, computed=True),
                shown("bundle_id", nullable=True, computed=True),
                shown("last_billed_price", NUMBER, nullable=True, computed=True),
                shown("next_billing_on", TEXT, nullable=True, computed=True),
                shown("organization_id"),
                shown("date_created", DATETIME),
                shown("date_updated", DATETIME),
            )
        ),
    )
)
# Numbers are rented through POST /phone_number/request/internal/ (endpoints.py).
PHONE_NUMBER_ENDPOINT = expose(
    PHONE_NUMBER,
    verbs=frozenset({"list", "get", "update", "delete"}),
    summary_name="Phone Number",
    tag="phone_numbers",
)
