from leadbase.api.endpoint import expose
from leadbase.db.fields import BOOL, DATETIME, ID, IDS, OBJECT, OBJECTS, TEXT, Field, Fields, shown
from leadbase.db.models import saved_search
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.deals import Choice
from leadbase.resources.saved_search.service import TYPES, SavedSearchService

SAVED_SEARCH = register(
    ResourceSpec(
        path="saved_search",
        table=saved_search,
        id_prefix="save",
        model_name="SavedSearch",
        service=SavedSearchService,
        object_type="saved_search",
        fields=Fields(
            (
                shown("id"),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field("description", TEXT, max_length=10_000),
                Field("type", Choice(TYPES), nullable=False, default="lead"),
                Field(
                    "s_query",
                    OBJECT,
                    description='{"query": <Advanced Filtering query>, "sort": [...], "results_limit": n}',
                ),
                Field("query", TEXT, description="A legacy query string, instead of s_query."),
                Field("is_shared", BOOL, nullable=False, default=False),
                Field("shared_with", IDS, description="Users the view is shared with besides its owner."),
                shown("sharing_settings", OBJECT, computed=True, nullable=True),
                Field("selected_fields", OBJECTS),
                shown("is_user_dependent", BOOL),
                shown("user_id", ID, nullable=True),
                shown("organization_id"),
                shown("date_created", DATETIME, sortable=True),
                shown("date_updated", DATETIME),
            )
        ),
        default_order=("date_created", "id"),
    )
)
SAVED_SEARCH_ENDPOINT = expose(
    SAVED_SEARCH, summary_name="Smart View", delete_status=200, tag="smart views", max_limit=200
)
