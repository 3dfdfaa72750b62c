"""Constraint violations, told apart by constraint name on both databases.

The database holds the invariants that concurrent requests could break between a check in
Python and the write (a label taken twice, a contact on a lead being deleted). A request that
loses such a race fails on a constraint; `violations_as` turns that into the error the same
request gets when it comes second, so the client cannot tell a lost race from a late request.
The whole transaction rolls back with it: nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from leadbase.core.errors import LeadbaseError
from leadbase.db.models import metadata

# SQLite names the columns, not the constraint: "UNIQUE constraint failed: t.a, t.b".
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def _unique_names() -> dict[tuple[str, tuple[str, ...]], str]:
    names: dict[tuple[str, tuple[str, ...]], str] = {}
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and isinstance(constraint.name, str):
                names[(table.name, tuple(c.name for c in constraint.columns))] = constraint.name
        for index in table.indexes:
            if index.unique and isinstance(index.name, str):
                names[(table.name, tuple(c.name for c in index.columns))] = index.name
    return names


_UNIQUE_BY_COLUMNS = _unique_names()


def constraint_name(exc: IntegrityError) -> str | None:
    """The name of the violated constraint, where the database tells it.

    SQLite does not say which foreign key failed; there, writers are serialized and the checks
    in Python hold, so only a bug reaches one.
    """
    diag = getattr(exc.orig, "diag", None)
    if diag is not None:
        name = getattr(diag, "constraint_name", None)
        return str(name) if name else None
    match = _SQLITE_UNIQUE.search(str(exc.orig))
    if match is None:
        return None
    qualified = [part.strip() for part in match.group(1).split(",")]
    table = qualified[0].split(".", 1)[0]
    columns = tuple(part.split(".", 1)[-1] for part in qualified)
    return _UNIQUE_BY_COLUMNS.get((table, columns))


@contextmanager
def violations_as(errors: Mapping[str, Callable[[], LeadbaseError]]) -> Iterator[None]:
    """Inside the block, a violation of a named constraint raises that constraint's error."""
    try:
        yield
    except IntegrityError as exc:
        make = errors.get(constraint_name(exc) or "")
        if make is None:
            raise
        raise make() from exc


def constraint_names() -> set[str]:
    """Every named unique constraint and foreign key (for tests that a mapping names real ones)."""
    names = set(_UNIQUE_BY_COLUMNS.values())
    for table in metadata.tables.values():
        names.update(fk.name for fk in table.foreign_key_constraints if isinstance(fk.name, str))
    return names
