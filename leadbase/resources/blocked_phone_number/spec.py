from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, TEXT, Field, Fields, audit, shown
from leadbase.db.models import blocked_phone_number, blocked_phone_setting
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.blocked_phone_number.service import (
    BlockedPhoneNumberService,
    BlockedPhoneSettingService,
)
from leadbase.resources.outreach import e164

BLOCKED_PHONE_NUMBER = register(
    ResourceSpec(
        path="blocked_phone_number",
        table=blocked_phone_number,
        id_prefix="blkph",
        model_name="BlockedPhoneNumber",
        service=BlockedPhoneNumberService,
        object_type="blocked_phone_number",
        fields=Fields(
            (
                shown("id"),
                Field("phone", TEXT, required=True, nullable=False, cleaner=e164, description="E.164"),
                Field("reason", TEXT, required=True, nullable=False, strip=True, max_length=1000),
                *audit(),
            )
        ),
    )
)
BLOCKED_PHONE_NUMBER_ENDPOINT = expose(
    BLOCKED_PHONE_NUMBER,
    create_status=201,
    delete_status=204,
    summary_name="Blocked Phone Number",
    tag="blocked_phone_numbers",
)

# GET|PUT /blocked_phone_number/settings/ (endpoints.py): one row per organization, no routes of its own.
BLOCKED_PHONE_SETTINGS = register(
    ResourceSpec(
        path="blocked_phone_number/settings",
        table=blocked_phone_setting,
        id_prefix="blkset",
        model_name="BlockedPhoneNumberSettings",
        service=BlockedPhoneSettingService,
        object_type="blocked_phone_number_settings",
        fields=Fields(
            (Field("reject_anonymous_inbound_calls", BOOL, nullable=False, default=False),),
        ),
    )
)
BLOCKED_PHONE_SETTINGS_ENDPOINT = expose(
    BLOCKED_PHONE_SETTINGS, verbs=frozenset(), tag="blocked_phone_numbers"
)
