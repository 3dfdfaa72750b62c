"""The `leadbase seed`, `export-org` and `import` commands (fixture files and import from Close)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from leadbase.config import Settings

API_KEY_HELP = "An API key of the organization (see `leadbase bootstrap`)."


@contextmanager
def local_api(settings: Settings, api_key: str) -> Iterator[Any]:
    """leadbase's API in this process, as a Close client sees it (no network, no server).

    The seed and export commands go through the same routes, services and event log a
    request does, so what they write is what the API would have written.
    """
    with local_organization(settings, api_key) as (api, _):
        yield api


@contextmanager
def local_organization(settings: Settings, api_key: str) -> Iterator[tuple[Any, Callable[..., Any]]]:
    """`local_api`, and a way to add members to the key's organization (which Close's API
    lacks): a fixture file's `users` are made members through the database."""
    import warnings

    with warnings.catch_warnings():
        # Starlette's nudge towards another httpx package; this client is the one it ships.
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from leadbase.app import create_app
    from leadbase.transfer.client import CloseApi

    app = create_app(settings)
    http = TestClient(app, base_url="http://leadbase.local/api/v1/")
    http.auth = (api_key, "")
    api = CloseApi(http)
    try:
        me = http.get("me/")
        if me.status_code == 401:
            raise click.BadParameter("no active API key matches", param_hint="--api-key")
        organization_id = me.json()["organizations"][0]["id"]

        def add_members(users: list[dict[str, Any]]) -> None:
            from leadbase.admin import operations

            members = operations.parse_members(users)
            with app.state.engine.begin() as conn:
                operations.add_members(conn, organization_id, members)

        yield api, add_members
    finally:
        http.close()
        app.state.engine.dispose()


@contextmanager
def progress_bar(total: int | None, unit: str, enabled: bool | None) -> Iterator[Callable[..., None]]:
    """A tqdm bar on stderr (count, rate and time left); on a terminal unless told otherwise.

    Yields `advance(n=1)`.
    """
    from tqdm import tqdm

    with tqdm(total=total, unit=f" {unit}", disable=None if enabled is None else not enabled) as bar:

        def advance(count: int = 1) -> None:
            bar.update(count)

        yield advance


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def register(
    main: click.Group, settings_of: Callable[..., Settings], migrate: Callable[[Settings], None]
) -> None:
    database = click.option("--database-url", default=None, help="The database (as for `leadbase serve`).")
    api_key = click.option("--api-key", required=True, envvar="LEADBASE_API_KEY", help=API_KEY_HELP)
    progress = click.option(
        "--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal)."
    )

    @main.command("seed")
    @click.argument("source", required=False, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--generate", type=int, default=None, metavar="N", help="Make N realistic leads instead.")
    @click.option("--random-seed", default=1, show_default=True, help="Seed of --generate's choices.")
    @database
    @api_key
    @progress
    def seed(
        source: Path | None,
        generate: int | None,
        random_seed: int,
        database_url: str | None,
        api_key: str,
        progress: bool | None,
    ) -> None:
        """Load a fixture file (YAML or JSON, see docs/architecture.md) into an organization.

        References are by name: a lead's `status: Qualified`, custom fields by name. With
        --generate N, N realistic leads (with contacts, opportunities, notes and tasks) instead.
        """
        from leadbase.transfer.document import DocumentError, load_document
        from leadbase.transfer.generate import generate_document
        from leadbase.transfer.writer import write_organization

        if (source is None) == (generate is None):
            raise click.UsageError("give a FILE or --generate N (one of them)")
        try:
            document = (
                load_document(source) if source is not None else generate_document(generate or 0, random_seed)
            )
        except (OSError, DocumentError) as exc:
            raise _fail(exc) from exc
        settings = settings_of(database_url)
        migrate(settings)
        leads = len(document.get("leads") or [])
        with (
            local_organization(settings, api_key) as (api, add),
            progress_bar(leads, "leads", progress) as tick,
        ):
            try:
                written = write_organization(api, document, each=tick, add_members=add)
            except Exception as exc:
                raise _fail(exc) from exc
        click.echo(f"seeded {len(written)} lead(s) and the configuration they use", err=True)

    @main.command("export-org")
    @click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Write here (.json for JSON, else YAML); default: standard output.",
    )
    @database
    @api_key
    @progress
    def export_org(
        output: Path | None, database_url: str | None, api_key: str, progress: bool | None
    ) -> None:
        """Write the API key's organization as a fixture file `leadbase seed` reads back."""
        from leadbase.transfer.document import dump_document
        from leadbase.transfer.importing import lead_count
        from leadbase.transfer.reader import read_organization

        settings = settings_of(database_url)
        migrate(settings)
        with local_api(settings, api_key) as api, progress_bar(lead_count(api), "leads", progress) as tick:
            document = read_organization(api, each=tick)
        text = dump_document(document, output)
        if output is None:
            click.echo(text, nl=False)

    @main.command("import")
    @click.option("--from", "source_url", required=True, help="The source API, e.g. https://api.close.com/")
    @click.option(
        "--source-api-key",
        "--api-key",
        "source_key",
        required=True,
        envvar="CLOSE_API_KEY",
        help="An API key of the source organization.",
    )
    @click.option(
        "--to-api-key",
        "--org-api-key",
        "target_key",
        required=True,
        envvar="LEADBASE_API_KEY",
        help="An API key of the leadbase organization to fill.",
    )
    @click.option(
        "--state",
        "state_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("leadbase-import.json"),
        show_default=True,
        help="Where progress is kept; run again with it to resume.",
    )
    @database
    @progress
    def import_(
        source_url: str,
        source_key: str,
        target_key: str,
        state_path: Path,
        database_url: str | None,
        progress: bool | None,
    ) -> None:
        """Copy an organization from Close (or another leadbase) through its public API.

        Configuration (statuses, pipelines, custom object types, custom fields) and data (leads
        with contacts, opportunities, custom objects, notes, tasks). 429s are waited out as
        Retry-After says; an interrupted import resumes from its --state file.
        """
        from leadbase.transfer.client import ApiError, CloseApi
        from leadbase.transfer.importing import ImportState, import_organization, lead_count

        settings = settings_of(database_url)
        migrate(settings)
        source = CloseApi.remote(source_url, source_key)
        try:
            state = ImportState.open(state_path, source_url)
            total = max(0, lead_count(source) - state.leads_done)
            if state.leads_done:
                click.echo(f"resuming after {state.leads_done} lead(s) ({state_path})", err=True)
            with (
                local_organization(settings, target_key) as (target, add),
                progress_bar(total, "leads", progress) as tick,
            ):
                import_organization(source, target, state, state_path, each=tick, add_members=add)
        except (ApiError, ValueError, OSError) as exc:
            raise click.ClickException(f"{exc} (progress kept in {state_path}; run again to resume)") from exc
        finally:
            source.close()
        waited = f"; waited {source.waited:.0f}s on rate limits" if source.waited else ""
        click.echo(f"imported {state.leads_done} lead(s) from {source_url}{waited}", err=True)
