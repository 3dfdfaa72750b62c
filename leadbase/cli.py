"""The `leadbase` command: serve, worker, bootstrap, migrate, org, webhooks listen."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from pydantic import ValidationError
from sqlalchemy import Engine

from leadbase import __version__
from leadbase.cli_org import DATABASE_HELP, org
from leadbase.config import Settings


def _settings(database_url: str | None, **overrides: object) -> Settings:
    values = {k: v for k, v in overrides.items() if v is not None}
    if database_url:
        values["database_url"] = database_url
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.UsageError(problems.replace("Value error, ", "")) from exc


@contextmanager
def _database(settings: Settings) -> Iterator[Engine]:
    """An engine for the command's database; unusable URLs and unreachable servers say so plainly."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    from leadbase.db.engine import build_engine

    shown = make_url_safe(settings.database_url)
    try:
        engine = build_engine(settings.database_url, pool_size=1)
    except (ArgumentError, ModuleNotFoundError, ValueError) as exc:
        raise click.UsageError(
            f"{shown!r} is not a database URL leadbase can use: give sqlite:///FILE or "
            "postgresql://USER@HOST:PORT/DB"
        ) from exc
    try:
        yield engine
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise click.ClickException(f"cannot use the database {shown}: {reason}") from exc
    finally:
        engine.dispose()


def make_url_safe(url: str) -> str:
    """The URL with any password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _migrate(settings: Settings) -> None:
    from leadbase.db.migrate import upgrade

    with _database(settings) as engine:
        upgrade(engine)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leadbase")
def main() -> None:
    """leadbase: a self-hosted server for Close's REST API (v1).

    Point code written for Close at http://HOST:PORT/api/v1/ and it works unchanged.
    Start with `leadbase serve`; it prints a ready API key on a new database.
    """


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option(
    "--rate-limit",
    default=None,
    help="'off' or a per-API-key rate like '5/second' or '100/minute'; an organization "
    "gets three times that. Default: $LEADBASE_RATE_LIMIT, else off.",
)
@click.option("--redis-url", default=None, help="Share rate-limit counters across processes through Redis.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="On an empty database, create a 'Demo' organization and print its API key.",
)
def serve(
    host: str,
    port: int,
    database_url: str | None,
    rate_limit: str | None,
    redis_url: str | None,
    workers: int,
    log_level: str,
    access_log: bool,
    demo: bool,
) -> None:
    """Serve the API at http://HOST:PORT/api/v1/, creating or migrating the database first."""
    import os

    import uvicorn

    from leadbase.api.logs import RedactSecrets, uvicorn_log_config
    from leadbase.api.ratelimit import parse_rate

    settings = _settings(database_url, rate_limit=rate_limit, redis_url=redis_url)
    if workers < 1:
        raise click.BadParameter("give at least one worker", param_hint="--workers")
    if workers > 1 and parse_rate(settings.rate_limit) is not None and not settings.redis_url:
        # Each process would count on its own: N workers would allow N times the rate.
        raise click.UsageError(
            f"--workers {workers} with a rate limit needs shared counters: "
            "pass --redis-url, or use one worker."
        )
    if workers > 1 and settings.id_seed:
        # Every process would draw the same ids from the same seed (see core/ids.py).
        raise click.UsageError(f"--workers {workers} with LEADBASE_ID_SEED: seeded ids need one worker.")
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets())
    started = time.monotonic()
    _migrate(settings)
    if demo:
        _print_demo_key(settings, host, port)
    click.echo(f"  Console: http://{host}:{port}/console/  (sign in with an API key)")
    # Workers (and the reloader-free single process) read their settings from the environment.
    os.environ["LEADBASE_DATABASE_URL"] = settings.database_url
    os.environ["LEADBASE_RATE_LIMIT"] = settings.rate_limit
    if settings.redis_url:
        os.environ["LEADBASE_REDIS_URL"] = settings.redis_url
    logging.getLogger("leadbase").info("database ready in %.2fs", time.monotonic() - started)
    uvicorn.run(
        "leadbase.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=access_log,
        log_config=uvicorn_log_config(),
        lifespan="off",
        # An idle keep-alive connection is closed after this long; a half-sent body is bounded by
        # the middleware's body read timeout (LEADBASE_BODY_READ_TIMEOUT_SECONDS).
        timeout_keep_alive=settings.keep_alive_seconds,
    )


def _print_demo_key(settings: Settings, host: str, port: int) -> None:
    from sqlalchemy import func, select

    from leadbase.db.models import organization
    from leadbase.resources.organization.provision import provision

    with _database(settings) as engine, engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            if conn.execute(select(func.count()).select_from(organization)).scalar_one():
                return
            made = provision(conn, organization_name="Demo", email="demo@leadbase.local")
    base = f"http://{host}:{port}/api/v1"
    click.echo("")
    click.echo("  A new database: created the organization 'Demo' and an admin API key for it.")
    click.echo(f"  organization_id: {made.organization_id}")
    click.echo(f"  API key:         {made.api_key}   (shown once; make more with `leadbase bootstrap`)")
    click.echo(f"  Try it:          curl -u {made.api_key}: {base}/me/")
    click.echo("")


@main.command()
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option(
    "--organization",
    "organization_name",
    required=True,
    help="Organization name; created (with default lead statuses) if none has it.",
)
@click.option("--email", required=True, help="User email; the user is created if new.")
@click.option(
    "--role",
    default="admin",
    show_default=True,
    type=click.Choice(["admin", "superuser", "user", "restricteduser"]),
    help="Role of the user's membership in the organization.",
)
@click.option("--first-name", default=None, help="First name for a new user.")
@click.option("--last-name", default=None, help="Last name for a new user.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def bootstrap(
    database_url: str | None,
    organization_name: str,
    email: str,
    role: str,
    first_name: str | None,
    last_name: str | None,
    as_json: bool,
) -> None:
    """Create an organization, a user and a fresh API key (safe while a server runs)."""
    from leadbase.core.emails import EmailNotValidError, normalized_email
    from leadbase.resources.organization.provision import provision

    try:
        normalized_email(email)
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from exc
    if not organization_name.strip():
        raise click.BadParameter("give the organization a name", param_hint="--organization")
    settings = _settings(database_url)
    _migrate(settings)
    with _database(settings) as engine, engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            made = provision(
                conn,
                organization_name=organization_name.strip(),
                email=email,
                role=role,
                first_name=first_name,
                last_name=last_name,
            )
    if as_json:
        click.echo(json.dumps(made.as_dict()))
        return
    click.echo(f"organization_id: {made.organization_id}{' (new)' if made.created_organization else ''}")
    click.echo(f"user_id:         {made.user_id}{' (new)' if made.created_user else ''}")
    click.echo(f"api_key:         {made.api_key}   (shown once)")


def _as_table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    if not rows:
        return "(none)"
    cells = [[str(row.get(c) if row.get(c) is not None else "") for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(line.rstrip() for line in lines)


@contextmanager
def _credentials(database_url: str | None, *, writes: bool) -> Iterator[Any]:
    """A connection in one transaction for the keys/members commands; lookups fail in one line."""
    from leadbase.resources.api_key.admin import NotFoundError

    settings = _settings(database_url)
    _migrate(settings)
    with _database(settings) as engine, engine.connect() as conn:
        conn.execution_options(writes=writes)
        try:
            with conn.begin():
                yield conn
        except NotFoundError as exc:
            raise click.ClickException(str(exc)) from exc


def _organization_option(conn: Any, organization: str | None) -> str | None:
    from leadbase.resources.api_key.admin import find_organization

    return find_organization(conn, organization) if organization is not None else None


ORGANIZATION_HELP = "Only this organization (its id, or its name)."
JSON_HELP = "Print JSON instead of text."


@main.group()
def keys() -> None:
    """List and revoke API keys (a revoked key is refused at once by every server process)."""


@keys.command("list")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--organization", default=None, help=ORGANIZATION_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def keys_list(database_url: str | None, organization: str | None, as_json: bool) -> None:
    """List API keys: id, organization, user, role; never the secrets (they are not stored)."""
    from leadbase.resources.api_key.admin import list_keys

    with _credentials(database_url, writes=False) as conn:
        rows = list_keys(conn, _organization_option(conn, organization))
    columns = ("id", "organization_id", "email", "role", "active", "date_created")
    click.echo(json.dumps(rows) if as_json else _as_table(rows, columns))


@keys.command("revoke")
@click.argument("key_id")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def keys_revoke(key_id: str, database_url: str | None, as_json: bool) -> None:
    """Delete the API key KEY_ID (api_...); requests with it get 401 from now on."""
    from leadbase.resources.api_key.admin import revoke_key

    with _credentials(database_url, writes=True) as conn:
        revoked = revoke_key(conn, key_id)
    click.echo(json.dumps(revoked) if as_json else f"revoked {revoked['id']}")


@main.group()
def members() -> None:
    """List and deactivate memberships (a deactivated member's keys stop working at once)."""


@members.command("list")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--organization", default=None, help=ORGANIZATION_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def members_list(database_url: str | None, organization: str | None, as_json: bool) -> None:
    """List memberships: organization, user email, role, whether active."""
    from leadbase.resources.api_key.admin import list_members

    with _credentials(database_url, writes=False) as conn:
        rows = list_members(conn, _organization_option(conn, organization))
    columns = ("id", "organization_id", "email", "role", "active")
    click.echo(json.dumps(rows) if as_json else _as_table(rows, columns))


@members.command("deactivate")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option("--organization", required=True, help="The organization (its id, or its name).")
@click.option("--email", required=True, help="The member's email.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def members_deactivate(database_url: str | None, organization: str, email: str, as_json: bool) -> None:
    """Deactivate a member: their API keys for this organization are refused from now on."""
    from leadbase.resources.api_key.admin import deactivate_member

    with _credentials(database_url, writes=True) as conn:
        done = deactivate_member(conn, _organization_option(conn, organization) or "", email)
    click.echo(json.dumps(done) if as_json else f"deactivated {done['email']} in {done['organization_id']}")


@main.command()
@click.option("--database-url", default=None, help=DATABASE_HELP)
def migrate(database_url: str | None) -> None:
    """Create the database schema, or upgrade it to this version of leadbase."""
    settings = _settings(database_url)
    started = time.monotonic()
    _migrate(settings)
    click.echo(f"database is at the current schema ({time.monotonic() - started:.2f}s)", err=True)


@main.command("load")
@click.argument("resource", metavar="RESOURCE")
@click.argument("source", type=click.File("rb"), default="-", metavar="FILE")
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option(
    "--api-key", required=True, envvar="LEADBASE_API_KEY", help="Whose organization, and who made it."
)
@click.option("--batch-size", default=500, show_default=True, type=int, help="Bodies per transaction.")
@click.option(
    "--keep-dates", is_flag=True, help="Keep each body's date_created (an import of historical data)."
)
@click.option(
    "--skip",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    metavar="N",
    help="Start after line N of FILE: resume a load that stopped (it says which N).",
)
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
def load(
    resource: str,
    source: Any,
    database_url: str | None,
    api_key: str,
    batch_size: int,
    keep_dates: bool,
    skip: int,
    progress: bool | None,
) -> None:
    """Create many objects fast: FILE (default stdin) holds one POST /RESOURCE/ body per line.

    RESOURCE is a URL segment such as `lead` (with nested contacts) or `custom_object`. Rows
    and events are those the API would write; each batch is one transaction. On a bad line the
    load stops, says which line and why, and how to resume once it is fixed (--skip N).
    """
    from leadbase.api.auth import KeyResolver
    from leadbase.core.errors import LeadbaseError
    from leadbase.db.resource import resources
    from leadbase.resources import load_all
    from leadbase.resources.bulk import BulkInvalid
    from leadbase.resources.bulk import load as bulk_load
    from leadbase.transfer.lines import BadLine, LineReader, count_lines

    settings = _settings(database_url)
    _migrate(settings)
    load_all()
    if resource.strip("/") not in resources:
        raise click.UsageError(f"Unknown resource {resource!r}.")
    started = time.monotonic()
    from leadbase.cli_transfer import progress_bar

    reader = LineReader(source, skip, batch_size)
    total = count_lines(source, skip)
    shown = [0]

    def advance(tick: Any, created: int) -> None:
        tick(created - shown[0])
        shown[0] = created

    with _database(settings) as engine:
        try:
            actor = KeyResolver(engine, 0).resolve(api_key)
        except LeadbaseError as exc:
            raise click.BadParameter("no active API key matches", param_hint="--api-key") from exc
        with progress_bar(total, resource.strip("/"), progress) as tick:
            try:
                report = bulk_load(
                    engine,
                    actor,
                    resource.strip("/"),
                    reader.bodies(),
                    batch_size=batch_size,
                    keep_dates=keep_dates,
                    settings=settings,
                    progress=lambda report: advance(tick, report.created),
                )
            except BadLine as exc:
                raise click.ClickException(reader.stopped(exc.line, exc.reason)) from exc
            except BulkInvalid as exc:
                line = reader.line_of(exc.index)
                reason = exc.message.removeprefix(f"item {exc.index}: ")
                raise click.ClickException(reader.stopped(line, reason, exc.index)) from exc
            except LeadbaseError as exc:
                raise click.ClickException(exc.message) from exc
    elapsed = time.monotonic() - started
    rate = report.created / elapsed if elapsed else 0.0
    click.echo(f"created {report.created} {resource} in {elapsed:.1f}s ({rate:.0f}/s)", err=True)


@main.command()
@click.option("--database-url", default=None, help=DATABASE_HELP)
@click.option(
    "--poll-seconds",
    default=None,
    type=float,
    help="Idle wait between looks for work. Default: $LEADBASE_WORKER_POLL_SECONDS, else 0.2.",
)
@click.option("--once", is_flag=True, help="Work until nothing is due, then exit (cron, tests).")
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def worker(database_url: str | None, poll_seconds: float | None, once: bool, log_level: str) -> None:
    """Run background work: jobs, and webhook dispatch and delivery.

    `leadbase serve` already runs a worker thread in each server process; start `leadbase worker`
    processes (and set LEADBASE_EMBEDDED_WORKER=false on the servers) to run it apart, on as many
    machines as you like: workers on one PostgreSQL database share the work (claims are locked
    rows with leases), and a worker stopped or killed mid-job loses nothing: its leases expire and
    another worker takes its work up. Stop with Ctrl-C or SIGTERM.
    """
    import signal

    from leadbase.app import worker_settings
    from leadbase.jobs.worker import Worker
    from leadbase.resources import load_all

    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    settings = _settings(database_url, worker_poll_seconds=poll_seconds)
    _migrate(settings)
    load_all()  # job kinds are declared next to the resources that enqueue them
    # One connection is enough: a worker holds at most one at a time.
    with _database(settings) as engine:
        running = Worker(engine, worker_settings(settings))
        try:
            if once:
                done = running.run_until_idle()
                click.echo(f"worked through {done} item(s)", err=True)
                return
            signal.signal(signal.SIGTERM, lambda *_: running.stopping.set())
            click.echo("worker running (Ctrl-C to stop)", err=True)
            try:
                running.run()
            except KeyboardInterrupt:
                running.stopping.set()
        finally:
            running.sender.close()


@main.group()
def webhooks() -> None:
    """Webhook helpers for development."""


DEFAULT_EVENTS = tuple(
    f"{kind}:{action}"
    for kind in ("lead", "contact", "opportunity")
    for action in ("created", "updated", "deleted")
)


@webhooks.command("listen")
@click.option(
    "--forward-to", default=None, help="Forward every delivery (body and signature headers) to this URL."
)
@click.option(
    "--api-url",
    default="http://127.0.0.1:8000/api/v1/",
    show_default=True,
    help="The leadbase server's API (whose worker delivers to this listener).",
)
@click.option("--api-key", required=True, envvar="LEADBASE_API_KEY", help="Whose organization to listen to.")
@click.option(
    "--event",
    "events",
    multiple=True,
    metavar="OBJECT_TYPE:ACTION",
    help="An event to subscribe to (repeat the option); default: leads, contacts and opportunities "
    "created, updated and deleted.",
)
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Where the listener receives deliveries."
)
@click.option("--port", default=0, type=int, help="Port of the listener (default: any free port).")
def webhooks_listen(
    forward_to: str | None, api_url: str, api_key: str, events: tuple[str, ...], host: str, port: int
) -> None:
    """Subscribe a local receiver, print each delivery as it arrives and forward it.

    Like `stripe listen`: the subscription lasts while the command runs (Ctrl-C deletes it).
    Signatures are checked with the subscription's key and shown as ok or BAD; the forward's
    answer is passed back, so leadbase retries what your app refuses.

    Example: leadbase webhooks listen --api-key KEY --forward-to http://localhost:3000/hooks/close
    """
    from leadbase.events.listen import Listener

    pairs = []
    for item in events or DEFAULT_EVENTS:
        object_type, _, action = item.partition(":")
        if not object_type or not action:
            raise click.BadParameter(
                f"{item!r}: write OBJECT_TYPE:ACTION, as lead:created", param_hint="--event"
            )
        pairs.append((object_type, action))
    listener = Listener(
        api_url=api_url, api_key=api_key, events=pairs, forward_to=forward_to, host=host, port=port
    )
    try:
        made = listener.subscribe()
    except (RuntimeError, OSError) as exc:
        listener.close()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"listening at {listener.url} as {made['id']} for {', '.join(f'{o}:{a}' for o, a in pairs)}")
    click.echo(f"signature key {made['signature_key']}  (Ctrl-C to stop and unsubscribe)")
    try:
        listener.serve()
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()


main.add_command(org)


def _register_transfer() -> None:
    from leadbase.cli_transfer import register

    register(main, _settings, _migrate)


_register_transfer()

if __name__ == "__main__":
    sys.exit(main())
