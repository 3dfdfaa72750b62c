"""`leadbase org`: organizations as a whole, the admin API's operations from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from leadbase.config import DEFAULT_DATABASE_URL

# leadbase.cli imports this module to register the group, so its helpers are imported when a
# command runs, not here.
DATABASE_HELP = (
    "sqlite:///FILE or postgresql://USER@HOST:PORT/DB. Defaults to $LEADBASE_DATABASE_URL, "
    f"else {DEFAULT_DATABASE_URL} in the working directory."
)
JSON_HELP = "Print JSON instead of text."


def _as_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    from leadbase.cli import _as_table as table

    return table(rows, columns)


@contextmanager
def _admin(database_url: str | None) -> Iterator[Any]:
    """A connection in one transaction for `leadbase org`; a refused operation fails in one line."""
    from leadbase.cli import _database, _migrate, _settings
    from leadbase.core.errors import Invalid, LeadbaseError

    settings = _settings(database_url)
    _migrate(settings)
    with _database(settings) as engine, engine.connect() as conn:
        conn.execution_options(writes=True)
        try:
            with conn.begin():
                yield conn
        except Invalid as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.field_errors.items()) or exc.message
            raise click.ClickException(details) from exc
        except LeadbaseError as exc:
            raise click.ClickException(exc.message) from exc


@click.group()
def org() -> None:
    """Organizations as a whole: create, list, reset, snapshot, restore, fork, delete.

    The same operations as the admin API (/api/leadbase/admin/, on when LEADBASE_ADMIN_TOKEN is
    set), run on the database directly: safe while a server uses it. An organization is named by
    its id (orga_...). Users are shared between organizations and are never deleted.
    """


@org.command("create")
@click.argument("name")
@click.option(
    "--user",
    "users",
    multiple=True,
    required=True,
    metavar="EMAIL[:ROLE]",
    help="A member (repeat for more); ROLE is admin (default), superuser, user or restricteduser. "
    "Each gets a fresh API key.",
)
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def org_create(name: str, users: tuple[str, ...], database_url: str | None, as_json: bool) -> None:
    """Create the organization NAME with default statuses and pipeline, its members and their keys."""
    from leadbase.admin import operations

    raw = [dict(zip(("email", "role"), u.rsplit(":", 1), strict=False)) for u in users]
    with _admin(database_url) as conn:
        made = operations.create(conn, operations.organization_name(name), operations.parse_members(raw))
    if as_json:
        click.echo(json.dumps(made))
        return
    click.echo(f"organization_id: {made['id']}")
    for user in made["users"]:
        click.echo(f"{user['email']} ({user['role']}): api_key {user['api_key']}   (shown once)")


@org.command("list")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def org_list(database_url: str | None, as_json: bool) -> None:
    """List organizations: id, name, active members, date created."""
    from leadbase.admin import operations

    with _admin(database_url) as conn:
        rows = operations.list_all(conn)
    columns = ("id", "name", "members", "date_created")
    click.echo(json.dumps(rows) if as_json else _as_table(rows, columns))


@org.command("reset")
@click.argument("organization_id")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def org_reset(organization_id: str, database_url: str | None, yes: bool) -> None:
    """Empty ORGANIZATION_ID: every record, setting, event and job goes; the organization, its
    members, custom roles and API keys stay, with the default statuses and pipeline of a new one.
    Its snapshots stay too, so `leadbase org restore` can bring it back."""
    from leadbase.admin import operations

    if not yes:
        click.confirm(f"Delete every record and setting of {organization_id}?", abort=True)
    with _admin(database_url) as conn:
        removed = operations.reset(conn, organization_id)
    click.echo(f"reset {organization_id}: {removed} row(s) removed")


@org.command("snapshot")
@click.argument("organization_id")
@click.option("--name", default=None, help="A label for the snapshot (default: the time).")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def org_snapshot(organization_id: str, name: str | None, database_url: str | None, as_json: bool) -> None:
    """Copy every row of ORGANIZATION_ID into a snapshot stored in the database; list them with
    `leadbase org snapshots`."""
    from leadbase.admin import operations

    with _admin(database_url) as conn:
        made = operations.snapshot(conn, organization_id, name)
    click.echo(json.dumps(made) if as_json else f"snapshot {made['id']}: {made['rows']} row(s)")


@org.command("snapshots")
@click.argument("organization_id")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def org_snapshots(organization_id: str, database_url: str | None, as_json: bool) -> None:
    """List the snapshots of ORGANIZATION_ID."""
    from leadbase.admin import operations

    with _admin(database_url) as conn:
        rows = operations.snapshots(conn, organization_id)
    columns = ("id", "name", "rows", "date_created")
    click.echo(json.dumps(rows) if as_json else _as_table(rows, columns))


@org.command("restore")
@click.argument("organization_id")
@click.argument("snapshot_id")
@click.option("--database-url", default=None, help=DATABASE_HELP)
def org_restore(organization_id: str, snapshot_id: str, database_url: str | None) -> None:
    """Make ORGANIZATION_ID exactly what SNAPSHOT_ID holds: records, settings, events, members and
    API keys as they were (keys made since then stop working)."""
    from leadbase.admin import operations

    with _admin(database_url) as conn:
        written = operations.restore(conn, organization_id, snapshot_id)
    click.echo(f"restored {organization_id} from {snapshot_id}: {written} row(s)")


@org.command("fork")
@click.argument("organization_id")
@click.option("--name", default=None, help="The new organization's name (default: '<name> (fork)').")
@click.option(
    "--with-data",
    is_flag=True,
    help="Copy records too (leads, contacts, opportunities, activities, tasks, custom objects); "
    "without it, only the configuration and the members.",
)
@click.option("--snapshot", "snapshot_id", default=None, help="Fork this snapshot instead of the present.")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def org_fork(
    organization_id: str,
    name: str | None,
    with_data: bool,
    snapshot_id: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Copy ORGANIZATION_ID into a new, independent organization: every id is new and every
    reference rewritten; the event log, jobs and webhook deliveries are not copied. Each active
    member gets a new API key."""
    from leadbase.admin import operations

    with _admin(database_url) as conn:
        made = operations.fork(conn, organization_id, name=name, with_data=with_data, snapshot_id=snapshot_id)
    if as_json:
        click.echo(json.dumps(made))
        return
    click.echo(f"organization_id: {made['id']} ({made['name']})")
    for user in made["users"]:
        click.echo(f"{user['email']} ({user['role']}): api_key {user['api_key']}   (shown once)")


@org.command("delete")
@click.argument("organization_id")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def org_delete(organization_id: str, database_url: str | None, yes: bool) -> None:
    """Delete ORGANIZATION_ID with all its rows, keys and snapshots (its users stay)."""
    from leadbase.admin import operations

    if not yes:
        click.confirm(f"Delete the organization {organization_id} and everything in it?", abort=True)
    with _admin(database_url) as conn:
        operations.delete(conn, organization_id)
    click.echo(f"deleted {organization_id}")
