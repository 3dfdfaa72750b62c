from leadbase.api.endpoint import expose
from leadbase.db.fields import ID, TEXT, Field, Fields, list_of, obj, shown
from leadbase.db.models import pipeline
from leadbase.db.resource import ResourceSpec, register
from leadbase.resources.deals import NAIVE_DATETIME
from leadbase.resources.pipeline.service import PipelineService

STRING = {"type": "string"}

PIPELINE = register(
    ResourceSpec(
        path="pipeline",
        table=pipeline,
        id_prefix="pipe",
        id_length=22,
        model_name="Pipeline",
        service=PipelineService,
        object_type="pipeline",
        fields=Fields(
            (
                Field("id", ID, read_only=True),
                Field("name", TEXT, required=True, nullable=False, blank=False, strip=True, max_length=255),
                Field("organization_id", ID, read_only=True),
                shown(
                    "statuses",
                    list_of(obj(id=STRING, label=STRING, type=STRING)),
                    computed=True,
                    description='In order. A PUT with [{"id": ...}, ...] reorders them and moves statuses '
                    "of other pipelines here.",
                ),
                shown("created_by", nullable=True),
                shown("updated_by", nullable=True),
                shown("date_created", NAIVE_DATETIME),
                shown("date_updated", NAIVE_DATETIME),
            )
        ),
    )
)
PIPELINE_ENDPOINT = expose(PIPELINE, create_status=201, delete_status=204, tag="pipelines")
