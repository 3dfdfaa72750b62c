"""Custom activity types: user-defined kinds of activity, whose instances live under /activity/custom/."""

from __future__ import annotations

from leadbase.custom_fields.definitions import ACTIVITY_TYPE
from leadbase.resources.custom_types import CustomTypeService


class CustomActivityTypeService(CustomTypeService):
    placement_type = ACTIVITY_TYPE
    reorders_fields = True
