"""Custom types show their fields: a change of fields is an `updated` event of the types it shows in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from leadbase.db.context import Context
from leadbase.db.repository import Repository
from leadbase.db.resource import ResourceSpec, resources


def custom_types() -> list[ResourceSpec]:
    """The resources whose representation lists custom fields (`fields`, `back_reference_fields`):
    the custom types, which their instances' resources name through `custom_type_column`."""
    found: dict[str, ResourceSpec] = {}
    for spec in resources:
        if spec.custom_type_column is not None:
            custom_type = spec.parent(spec.custom_type_column)
            found[custom_type.path] = custom_type
    return list(found.values())


def watch_types(ctx: Context) -> None:
    """Register every custom type with the unit of work, which records those that change.

    Organizations have few types, so rendering all of them is cheaper than working out
    which ones a field change touches.
    """
    repo = Repository(ctx)
    for spec in custom_types():
        rows = [dict(r) for r in ctx.conn.execute(repo.scoped(spec)).mappings()]
        ctx.unit.watch(spec, rows)


@contextmanager
def watching_types(ctx: Context) -> Iterator[None]:
    """One write to fields: the types that show them are recorded once it has succeeded."""
    with ctx.unit.operation():
        watch_types(ctx)
        yield
