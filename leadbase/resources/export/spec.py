from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, INT, OBJECT, TEXT, Field, Fields, audit, list_of, shown
from leadbase.db.models import export
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.export import job  # noqa: F401  (registers the job kinds)
from leadbase.resources.export.service import ExportService

EXPORT = register(
    ResourceSpec(
        path="export",
        table=export,
        id_prefix="expo",
        model_name="Export",
        service=ExportService,
        # export.lead / export.opportunity, as Close's event log names them.
        object_type="export",
        object_type_column="kind",
        default_order=("-date_created", "id"),
        fields=Fields(
            (
                shown("id"),
                shown("type", TEXT, description="leads, contacts, lead_opps or opps"),
                shown("format", TEXT, description="csv or json"),
                shown("date_format", TEXT, nullable=True, description="original, iso8601 or excel (CSV)"),
                shown("fields", list_of({"type": "string"}), nullable=True),
                shown("s_query", OBJECT, nullable=True, description="The search selecting the leads."),
                shown("results_limit", INT, nullable=True),
                shown("sort", list_of({"type": "object"}), nullable=True),
                shown("params", OBJECT, nullable=True, description="The /opportunity/ filters."),
                shown("send_done_email", BOOL),
                shown("include_activities", BOOL),
                shown("include_smart_fields", BOOL),
                shown("status", TEXT, description="created, started, in_progress, done or error"),
                shown("n_docs", INT, nullable=True),
                shown("n_docs_processed", INT),
                Field(
                    "download_url",
                    TEXT,
                    computed=True,
                    read_only=True,
                    nullable=True,
                    volatile=True,
                    description="Once done: a link to the gzip file, valid for export_link_seconds.",
                ),
                *audit(),
            )
        ),
    )
)
# Created by POST /export/lead/ and /export/opportunity/ (endpoints.py); listed and read here.
EXPORT_ENDPOINT = expose(EXPORT, verbs=frozenset({"list", "get"}), summary_name="Export", tag="exports")
