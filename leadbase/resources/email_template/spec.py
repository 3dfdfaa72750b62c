from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, IDS, OBJECTS, TEXT, Field, Fields, audit, filterable, shown
from leadbase.db.models import email_template
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.email_template.service import EmailTemplateService
from leadbase.resources.outreach import email_list, template_text

EMAIL_TEMPLATE = register(
    ResourceSpec(
        path="email_template",
        table=email_template,
        id_prefix="tmpl",
        model_name="EmailTemplate",
        service=EmailTemplateService,
        object_type="email_template",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field(
                    "subject",
                    TEXT,
                    default="",
                    cleaner=template_text,
                    description="Text with template tags: {{ contact.first_name }}...",
                ),
                Field("body", TEXT, default="", cleaner=template_text, description="HTML with template tags"),
                Field("is_shared", BOOL, nullable=False, default=False, filter_operators=filterable("eq")),
                Field("is_archived", BOOL, nullable=False, default=False, filter_operators=filterable("eq")),
                Field("attachments", OBJECTS, default=list),
                Field("cc", IDS, default=list, cleaner=email_list, description="Email addresses"),
                Field("bcc", IDS, default=list, cleaner=email_list, description="Email addresses"),
                shown("used_by_sequences", OBJECTS, computed=True),
                shown("last_used_at", DATETIME, nullable=True, computed=True),
                shown("last_used_by", nullable=True, computed=True),
                shown("last_used_type", TEXT, nullable=True, computed=True),
                *audit(),
            )
        ),
    )
)
EMAIL_TEMPLATE_ENDPOINT = expose(EMAIL_TEMPLATE, summary_name="Email Template", tag="email_templates")
