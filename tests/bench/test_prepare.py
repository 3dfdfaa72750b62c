"""The benchmark's data set is reused only while its database still holds it."""

from __future__ import annotations

from pathlib import Path

from bench.databases import Database
from bench.prepare import Org, State, _holds_organizations
from tests.support import Api


def _state(*organization_ids: str) -> State:
    orgs = {f"org{i}": Org(org_id, "key", "user") for i, org_id in enumerate(organization_ids)}
    return State(leads=1, small=1, capabilities=[], orgs=orgs)


def test_a_state_file_describes_its_database_only_while_it_holds_the_organizations(
    api: Api, database_url: str, tmp_path: Path
) -> None:
    kind = "sqlite" if database_url.startswith("sqlite") else "postgres"
    db = Database(kind, database_url)
    assert _holds_organizations(db, _state(api.org.organization_id))
    # Another run rebuilt the database under this name: the organization is gone.
    assert not _holds_organizations(db, _state(api.org.organization_id, "orga_gone"))
    assert not _holds_organizations(db, _state())
    # A database with no tables at all.
    empty = Database("sqlite", f"sqlite:///{tmp_path / 'empty.db'}")
    (tmp_path / "empty.db").touch()
    assert not _holds_organizations(empty, _state(api.org.organization_id))
