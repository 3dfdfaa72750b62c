from leadbase.api.endpoint import expose
from leadbase.db.fields import TEXT, Field, Fields
from leadbase.db.models import unsubscribed_email
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.unsubscribe.service import UnsubscribedEmailService, email_address

UNSUBSCRIBED_EMAIL = register(
    ResourceSpec(
        path="unsubscribe/email",
        table=unsubscribed_email,
        id_prefix="unsub",
        model_name="UnsubscribedEmail",
        service=UnsubscribedEmailService,
        object_type="unsubscribed_email",
        # Close shows the address only: the row's id names its events, nothing else.
        fields=Fields((Field("email", TEXT, required=True, nullable=False, cleaner=email_address),)),
    )
)
# POST (201, idempotent) and DELETE by address are in endpoints.py.
UNSUBSCRIBED_EMAIL_ENDPOINT = expose(
    UNSUBSCRIBED_EMAIL,
    verbs=frozenset({"list"}),
    summary_name="Unsubscribed Email",
    tag="unsubscribed_emails",
)
