"""The field machinery serves any resource that declares a custom-field kind, such as
opportunities and activities, without code of its own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from leadbase.core.errors import FieldErrors
from leadbase.core.registry import Registry
from leadbase.custom_fields import rewrite
from leadbase.custom_fields.definitions import Placement
from leadbase.custom_fields.values import CustomValues
from leadbase.db.context import Actor, Context
from leadbase.db.models import lead
from leadbase.db.resource import ResourceSpec
from leadbase.db.service import Service
from tests.custom_data import field
from tests.support import Api


def test_opportunity_values_validate_and_render_through_custom_values(api: Api, engine: Engine) -> None:
    amount = field(api, "opportunity", "Amount", "number")
    stage = field(
        api, "opportunity", "Stage", "choices", choices=["New", "Won"], accepts_multiple_values=True
    )
    with engine.connect() as conn:
        ctx = Context(conn=conn, actor=Actor(api.org.organization_id, api.org.user_id, None, "admin"))
        values = CustomValues(ctx, "opportunity")
        errors = FieldErrors()
        stored = values.apply(
            {}, {f"custom.{amount['id']}": "12", f"custom.{stage['id']}.add": "Won", "custom.Nope": 1}, errors
        )
        assert stored == {amount["id"]: 12, stage["id"]: ["Won"]}
        assert list(errors.errors) == ["custom.Nope"]
        assert values.render(stored) == {f"custom.{amount['id']}": 12, f"custom.{stage['id']}": ["Won"]}
        assert values.render(stored, legacy_dict=True)["custom"] == {"Amount": 12, "Stage": ["Won"]}


def test_a_resource_declaring_a_kind_holds_that_kinds_values(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[ResourceSpec] = Registry("resource")
    opportunity = registry.add(
        "opportunity",
        ResourceSpec(
            path="opportunity",
            table=lead,
            id_prefix="oppo",
            model_name="Opportunity",
            service=Service,
            custom_field_kind="opportunity",
        ),
    )
    registry.add(
        "note",
        ResourceSpec(path="note", table=lead, id_prefix="acti", model_name="Note", service=Service),
    )
    monkeypatch.setattr(rewrite, "resources", registry)
    assert rewrite.holders(Placement("opportunity")) == [opportunity]
    assert rewrite.holders(Placement("lead")) == []
