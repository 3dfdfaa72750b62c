"""Custom activity types: user-defined kinds of activity, whose instances live under /activity/custom/."""

from __future__ import annotations

from leadbase.custom_fields.definitions import ACTIVITY_TYPE
from leadbase.resources.custom_types import CustomTypeService


class CustomActivityTypeService(CustomTypeService):
    placement_type = ACTIVITY_TYPE
    instances_path = "activity/custom"
    instance_type_column = "custom_activity_type_id"
    field_kind = "activity"
    reorders_fields = True
