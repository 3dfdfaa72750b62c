from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, IDS, OBJECT, OBJECTS, TEXT, Field, Fields, filterable, shown
from leadbase.db.models import connected_account
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.connected_account.service import ConnectedAccountService, account_type, server

STATUS = "ok, error..."

CONNECTED_ACCOUNT = register(
    ResourceSpec(
        path="connected_account",
        table=connected_account,
        id_prefix="emailacct",
        model_name="ConnectedAccount",
        service=ConnectedAccountService,
        object_type="connected_account",
        fields=Fields(
            (
                Field(
                    "_type",
                    TEXT,
                    column="type",
                    required=True,
                    nullable=False,
                    cleaner=account_type,
                    description="google, custom_email, zoom, microsoft or calendly",
                ),
                shown("id"),
                Field("user_id", required=True, nullable=False, filter_operators=filterable("eq")),
                shown("organization_id"),
                Field("email", TEXT, max_length=500),
                Field("identities", OBJECTS, default=list, description="[{email, name}]"),
                Field("default_identity", OBJECT),
                Field("smtp", OBJECT, cleaner=server, description="{host, port, use_ssl, username}"),
                Field("imap", OBJECT, cleaner=server, description="{host, port, use_ssl, username}"),
                Field("synced_calendars", OBJECTS, default=list),
                Field("available_calendars", OBJECTS, default=list),
                Field("sync_all_calendars", BOOL, nullable=False, default=False),
                Field("available_features", IDS, default=list),
                Field("enabled_features", IDS, default=list),
                Field("send_status", TEXT, description=STATUS),
                Field("receive_status", TEXT, description=STATUS),
                Field("email_receive_status", TEXT, description=STATUS),
                Field("calendar_receive_status", TEXT, description=STATUS),
                Field("latest_send_error", TEXT),
                Field("latest_receive_error", TEXT),
                Field("is_imap_archive_sync_enabled", BOOL, nullable=False, default=False),
                Field("has_meeting_creation_scopes", BOOL, nullable=False, default=False),
                Field("lead_suggestions_updated_at", TEXT),
                Field("calendly", OBJECT),
                Field("zoom_account_plan", TEXT),
                shown("date_created", DATETIME),
            )
        ),
    )
)
# Read-only through the API (accounts are connected through OAuth in Close; see the service).
CONNECTED_ACCOUNT_ENDPOINT = expose(
    CONNECTED_ACCOUNT,
    verbs=frozenset({"list", "get"}),
    summary_name="Connected Account",
    tag="connected_accounts",
)
