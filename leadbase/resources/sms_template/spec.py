from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, OBJECTS, TEXT, Field, Fields, audit, filterable, shown
from leadbase.db.models import sms_template
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.outreach import template_text
from leadbase.resources.sms_template.service import SmsTemplateService, sms_status

SMS_TEMPLATE = register(
    ResourceSpec(
        path="sms_template",
        table=sms_template,
        id_prefix="smstmpl",
        model_name="SMSTemplate",
        service=SmsTemplateService,
        object_type="sms_template",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field("text", TEXT, default="", cleaner=template_text, description="Text with template tags"),
                Field("is_shared", BOOL, nullable=False, default=False, filter_operators=filterable("eq")),
                Field(
                    "status",
                    TEXT,
                    default="active",
                    cleaner=sms_status,
                    filter_operators=filterable("eq"),
                    description="active or archived",
                ),
                Field("attachments", OBJECTS, default=list),
                shown("owned_by", column="created_by", nullable=True),
                shown("last_used_at", DATETIME, nullable=True, computed=True),
                shown("last_used_by", nullable=True, computed=True),
                shown("last_used_type", TEXT, nullable=True, computed=True),
                *audit(),
            )
        ),
    )
)
SMS_TEMPLATE_ENDPOINT = expose(
    SMS_TEMPLATE, create_status=201, delete_status=204, summary_name="SMS Template", tag="sms_templates"
)
