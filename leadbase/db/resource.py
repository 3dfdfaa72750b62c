"""A resource declared as data: the generic layers turn it into storage and routes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Table

from leadbase.core.ids import LONG
from leadbase.core.registry import Registry
from leadbase.db.fields import Fields
from leadbase.db.query import FilterSpec

if TYPE_CHECKING:
    from leadbase.db.service import Service


@dataclass(frozen=True)
class Parent:
    """A relation to the object this one belongs to (a contact's lead, an object's type) or
    points at without belonging to it (a lead's status: `cascade=False`).

    `cascade`: deleted with the parent, each child with its own event, before the parent
    goes. `touches`: joining or leaving the parent (create, delete, moving to another one)
    changes the parent's representation (a lead's `contact_ids`), so the parent is
    recorded as updated too.
    """

    path: str
    column: str
    cascade: bool = True
    touches: bool = False
    # The relation's name in filter paths (`lead.name`); the parent's last path segment by default.
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.path.rsplit("/", 1)[-1]

    @property
    def spec(self) -> ResourceSpec:
        return resources.get(self.path)


@dataclass(frozen=True)
class Embedded:
    """Children shown inside their parent's representation (a lead's `contacts`).

    `name` is the key in the parent's representation, `path` the child resource and `column`
    the child's column naming the parent. A page of parents loads each embedded relation's
    children in one query and renders them with the child's own service.
    """

    name: str
    path: str
    column: str
    # Other keys of the parent's representation computed from these children.
    shows: frozenset[str] = frozenset()
    # Only the children whose columns hold these values (a lead's open tasks: is_complete false).
    only: tuple[tuple[str, object], ...] = ()

    @property
    def spec(self) -> ResourceSpec:
        return resources.get(self.path)

    def needed(self, shown: frozenset[str] | None) -> bool:
        """Whether a representation limited to `shown` (None: everything) needs these children."""
        return shown is None or bool(shown & (self.shows | {self.name}))


@dataclass(frozen=True)
class Family:
    """Resources sharing one table, listed together (every activity type at `GET /activity/`).

    The family is a resource of its own (its spec declares the fields every member has); its
    members are the registered specs on the same table whose `discriminator` names `column`, so
    a new member joins by its `discriminator=(column, "Note")` line alone. `aliases` are the
    extra names a `_type` filter accepts for a member (Close's `Custom`: every custom activity).
    """

    column: str
    aliases: Mapping[str, str] = field(default_factory=dict)


@dataclass
class ResourceSpec:
    """What one Close resource stores, its fields and relations: the storage declaration.

    `path` is Close's URL segment under /api/v1/ (``lead``, ``status/lead``) and the
    resource's name; how it is served over HTTP is its `api.endpoint.Endpoint`.
    """

    path: str
    table: Table
    id_prefix: str
    model_name: str
    service: type[Service]
    id_length: int = LONG
    # Event object_type (``lead``, ``status.lead``); None when changes are not logged.
    object_type: str | None = None
    # A column whose value names the event's object type within the family of `object_type`
    # (tasks: `task.lead`, `task.missed_call`, from the `type` column); None: `object_type` as is.
    object_type_column: str | None = None
    # The column naming the owning lead, for the event's lead_id (``id`` for leads).
    lead_column: str | None = None
    filters: dict[str, FilterSpec] = field(default_factory=dict)
    orderings: dict[str, str] = field(default_factory=dict)
    # The order of a list without `_order_by`: field names, `-` first for descending.
    default_order: tuple[str, ...] = ("date_created", "id")
    # Custom-field kind whose values this resource carries (``lead``, ``contact``...).
    custom_field_kind: str | None = None
    # For kinds whose fields belong to a custom type (activity, custom_object): the column
    # naming the row's type, which picks the fields that apply to it.
    custom_type_column: str | None = None
    # Several resources may share one table (activities): (column, value) picks this one's rows.
    discriminator: tuple[str, str] | None = None
    # The column naming the row's organization (`id` for the organization itself).
    tenant_column: str = "organization_id"
    # The objects this one belongs to.
    parents: tuple[Parent, ...] = ()
    # Children shown inside this resource's representation.
    embeds: tuple[Embedded, ...] = ()
    # The built-in fields; their filters and orderings join `filters` and `orderings`.
    fields: Fields | None = None
    # A spec that lists the resources sharing its table (see Family); None for others.
    family: Family | None = None

    def __post_init__(self) -> None:
        if self.fields is not None:
            self.filters = {**self.fields.filters(), **self.filters}
            self.orderings = {**self.fields.orderings(), **self.orderings}

    @property
    def name(self) -> str:
        return self.path.replace("/", "_")

    def event_object_type(self, row: dict[str, object]) -> str | None:
        """The event object_type of one row (see `object_type_column`)."""
        if self.object_type is None or self.object_type_column is None:
            return self.object_type
        family = self.object_type.partition(".")[0]
        return f"{family}.{row[self.object_type_column]}"

    def filter_specs(self) -> dict[str, FilterSpec]:
        return self.filters

    def parent(self, column: str) -> ResourceSpec:
        """The resource a declared relation's column points at (a contact's `lead_id` -> leads)."""
        for relation in self.parents:
            if relation.column == column:
                return relation.spec
        raise LookupError(f"{self.path} declares no relation through {column!r}")

    def embedded(self, name: str) -> ResourceSpec:
        """The resource of a declared embedded relation (a lead's `contacts` -> contacts)."""
        for embed in self.embeds:
            if embed.name == name:
                return embed.spec
        raise LookupError(f"{self.path} embeds no {name!r}")

    def members(self) -> dict[str, ResourceSpec]:
        """A family's members by their discriminator value (`CustomActivity` -> activity/custom)."""
        if self.family is None:
            return {}
        column = self.family.column
        return {
            spec.discriminator[1]: spec
            for spec in resources
            if spec.table is self.table and spec.discriminator is not None and spec.discriminator[0] == column
        }

    def children(self) -> list[tuple[ResourceSpec, Parent]]:
        """Resources that declare this one as a parent, with the relation; a family's member also has
        the children declared on its family (a comment thread is declared on `activity` once and goes
        with every kind of activity)."""
        paths = {self.path, *(family.path for family in self.families())}
        return [(spec, p) for spec in resources for p in spec.parents if p.path in paths]

    def families(self) -> list[ResourceSpec]:
        """The family specs listing this one as a member (none for a resource without discriminator)."""
        if self.discriminator is None:
            return []
        column = self.discriminator[0]
        return [
            spec
            for spec in resources
            if spec.family is not None and spec.table is self.table and spec.family.column == column
        ]


resources: Registry[ResourceSpec] = Registry("resource")


def register(spec: ResourceSpec) -> ResourceSpec:
    return resources.add(spec.path, spec)
