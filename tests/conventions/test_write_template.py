"""No service overrides the write template: resources vary through hooks, events come from the unit."""

from __future__ import annotations

from leadbase.db.resource import resources
from leadbase.db.service import Service
from leadbase.resources import load_all

load_all()
TEMPLATE = ("create", "insert", "update", "change", "delete", "remove", "list_page")


def test_every_service_uses_the_write_template() -> None:
    overriding = {
        f"{spec.path}: {spec.service.__name__}.{name}"
        for spec in resources
        for name in TEMPLATE
        if getattr(spec.service, name) is not getattr(Service, name)
    }
    assert not overriding


def test_no_service_keeps_the_old_mechanisms() -> None:
    for old in ("touch", "record_change"):
        assert not hasattr(Service, old)
        assert not any(hasattr(spec.service, old) for spec in resources), old
