"""Build a benchmark database once and reuse it: organizations, custom fields, bulk-loaded data.

Three organizations share the database, as tenants do: `big` (the full lead count), `small`
(the 100k-lead search size) and `writes` (where the write scenarios add rows). Leads go in
through leadbase's bulk path (`leadbase.resources.bulk`), whose timing is the bulk-load
figure at full size. A JSON file next to the results remembers what was built.
"""

from __future__ import annotations

import json
import random
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from bench import dataset, replicate
from bench.databases import Database
from bench.dataset import Schema
from leadbase.api.auth import KeyResolver
from leadbase.config import Settings
from leadbase.db.context import Actor
from leadbase.db.models import lead, opportunity_status
from leadbase.db.resource import resources
from leadbase.db.text_upkeep import FTS_TABLES
from leadbase.resources import load_all
from leadbase.resources.bulk import load
from leadbase.resources.organization.provision import provision

# 2: the tenth lead field is `hidden` (Close has `textarea` only on custom activities).
# 3: opportunities and tasks on the leads (issue 9).
# 4: a 10k-lead seed through the bulk path, replicated in SQL (bench/replicate.py); calls, won
#    opportunities and notes dated after their lead.
DATASET_VERSION = 4
# Leads per organization that go in through leadbase's bulk path; the rest are SQL copies.
SEED_LEADS = 10_000
WRITES_ORG_LEADS = 200
ORG_SEEDS = {"big": 0, "small": 1, "writes": 2}


def basic_auth(key: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


class InProcessApi:
    """The leadbase app in this process (no server): for setup calls and statement counts."""

    def __init__(self, database_url: str) -> None:
        from starlette.testclient import TestClient

        from leadbase.app import create_app

        self.app = create_app(Settings(database_url=database_url, rate_limit="off"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.client = TestClient(self.app)

    def has(self, method: str, path: str) -> bool:
        """Whether a route answers METHOD /api/v1<path> (path like /custom_object/)."""
        from starlette.routing import Match

        scope = {"type": "http", "path": "/api/v1" + path, "method": method, "root_path": ""}
        for route in self.app.routes:
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return True
        return False

    def call(self, method: str, path: str, key: str, body: Any = None) -> tuple[int, Any]:
        response = self.client.request(
            method, "/api/v1" + path, headers={"Authorization": basic_auth(key)}, json=body
        )
        try:
            data = response.json()
        except ValueError:
            data = None
        return response.status_code, data

    def close(self) -> None:
        self.client.close()
        self.app.state.engine.dispose()


@dataclass
class Org:
    organization_id: str
    api_key: str
    user_id: str
    schema: Schema = field(default_factory=Schema)

    def to_json(self) -> dict[str, Any]:
        return {
            "organization_id": self.organization_id,
            "api_key": self.api_key,
            "user_id": self.user_id,
            "schema": self.schema.to_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Org:
        return cls(
            data["organization_id"], data["api_key"], data["user_id"], Schema(**data.get("schema", {}))
        )

    @property
    def auth(self) -> str:
        return basic_auth(self.api_key)


@dataclass
class State:
    """What a prepared database holds."""

    leads: int
    small: int
    capabilities: list[str]
    orgs: dict[str, Org] = field(default_factory=dict)
    # seconds per loaded resource per organization: {"big": {"lead": 123.4, ...}}
    timings: dict[str, dict[str, float]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    unavailable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    version: int = DATASET_VERSION
    # Leads per organization written by leadbase's bulk path before the SQL copies.
    seed: int = SEED_LEADS

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "leads": self.leads,
            "small": self.small,
            "capabilities": self.capabilities,
            "orgs": {k: v.to_json() for k, v in self.orgs.items()},
            "timings": self.timings,
            "counts": self.counts,
            "unavailable": self.unavailable,
            "notes": self.notes,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> State:
        orgs = {k: Org.from_json(v) for k, v in data.pop("orgs").items()}
        return cls(orgs=orgs, **data)


# Endpoints the data set uses when they exist; a database built without one is rebuilt once it appears.
CAPABILITIES = {
    "custom_fields": ("POST", "/custom_field/lead/"),
    "custom_objects": ("POST", "/custom_object/"),
    "custom_object_fields": ("POST", "/custom_field/custom_object_type/"),
    "opportunities": ("POST", "/opportunity/"),
    "notes": ("POST", "/activity/note/"),
}


def capabilities(api: InProcessApi) -> list[str]:
    return sorted(name for name, (method, path) in CAPABILITIES.items() if api.has(method, path))


def new_org(engine: Engine, name: str) -> Org:
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            made = provision(conn, organization_name=name, email=f"bench-{name}@leadbase.example")
    return Org(made.organization_id, made.api_key, made.user_id)


def create_schema(api: InProcessApi, org: Org, state: State) -> None:
    """The ten lead fields and the custom object type with its fields, where leadbase has them."""
    schema = org.schema
    if "custom_fields" not in state.capabilities:
        _unavailable(state, "POST /custom_field/lead/ (the data set has no custom values)")
    else:
        for name, kind, extra in dataset.LEAD_FIELDS:
            status, data = api.call(
                "POST", "/custom_field/lead/", org.api_key, {"name": name, "type": kind, **extra}
            )
            if status in (200, 201) and isinstance(data, dict) and "id" in data:
                schema.lead_fields[name] = data["id"]
            else:
                _note(state, f"creating the lead custom field {name!r} ({kind}) answered {status}: {data}")
    if "custom_objects" not in state.capabilities:
        _unavailable(state, "POST /custom_object_type/ and POST /custom_object/ (no custom objects)")
        return
    status, data = api.call("POST", "/custom_object_type/", org.api_key, dataset.OBJECT_TYPE)
    if status not in (200, 201) or not isinstance(data, dict):
        state.notes.append(f"creating the custom object type answered {status}: {data}")
        return
    schema.object_type_id = data["id"]
    if "custom_object_fields" not in state.capabilities:
        _unavailable(state, "POST /custom_field/custom_object_type/ (custom objects carry no values)")
        return
    for name, kind, extra in dataset.OBJECT_FIELDS:
        body = {"custom_object_type_id": schema.object_type_id, "name": name, "type": kind, **extra}
        status, data = api.call("POST", "/custom_field/custom_object_type/", org.api_key, body)
        if status in (200, 201) and isinstance(data, dict) and "id" in data:
            schema.object_fields[name] = data["id"]
        else:
            state.notes.append(f"creating the custom object field {name!r} answered {status}: {data}")


def _note(state: State, line: str) -> None:
    if line not in state.notes:
        state.notes.append(line)


def _unavailable(state: State, what: str) -> None:
    line = f"not available yet: {what}"
    if line not in state.unavailable:
        state.unavailable.append(line)


def lead_ids(engine: Engine, organization_id: str, chunk: int = 10_000) -> Iterator[str]:
    """Every lead id of an organization, oldest first, read in chunks."""
    for lead_id, _ in lead_rows(engine, organization_id, chunk):
        yield lead_id


def lead_rows(engine: Engine, organization_id: str, chunk: int = 10_000) -> Iterator[tuple[str, datetime]]:
    """Every lead of an organization as (id, date_created), oldest first, read in chunks."""
    last: tuple[Any, str] | None = None
    while True:
        stmt = select(lead.c.date_created, lead.c.id).where(lead.c.organization_id == organization_id)
        if last is not None:
            stmt = stmt.where(
                (lead.c.date_created > last[0]) | ((lead.c.date_created == last[0]) & (lead.c.id > last[1]))
            )
        stmt = stmt.order_by(lead.c.date_created, lead.c.id).limit(chunk)
        with engine.connect() as conn:
            rows = conn.execute(stmt).all()
        if not rows:
            return
        for row in rows:
            yield row.id, row.date_created
        last = (rows[-1].date_created, rows[-1].id)


def won_status(engine: Engine, organization_id: str) -> str | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(opportunity_status.c.id)
            .where(
                opportunity_status.c.organization_id == organization_id, opportunity_status.c.type == "won"
            )
            .order_by(opportunity_status.c.position)
            .limit(1)
        ).first()
    return row.id if row else None


def _load_timed(
    state: State,
    org_key: str,
    resource: str,
    engine: Engine,
    actor: Actor,
    bodies: Iterator[dict[str, Any]],
    log: Callable[[str], None],
    keep_dates: bool = False,
) -> None:
    started = time.perf_counter()
    last_print = [started]

    def progress(report: Any) -> None:
        now = time.perf_counter()
        if now - last_print[0] > 30:
            last_print[0] = now
            log(f"    {resource}: {report.created} loaded ({report.created / (now - started):.0f}/s)")

    try:
        report = load(engine, actor, resource, bodies, keep_dates=keep_dates, progress=progress)
    except Exception as exc:  # a resource that is new may not load yet: say so, keep going
        state.notes.append(f"bulk-loading {resource} failed: {type(exc).__name__}: {exc}")
        log(f"    {resource}: FAILED {exc}")
        return
    seconds = time.perf_counter() - started
    state.timings.setdefault(org_key, {})[resource] = seconds
    state.counts.setdefault(org_key, {})[resource] = report.created
    log(f"    {resource}: {report.created} in {seconds:.1f}s ({report.created / seconds:.0f}/s)")


def _later(when: datetime, days: int) -> str:
    return (when + timedelta(days=days, minutes=days * 7)).isoformat()


def populate(
    db: Database,
    org_key: str,
    org: Org,
    count: int,
    state: State,
    log: Callable[[str], None],
    seed_leads: int = SEED_LEADS,
) -> None:
    """`count` leads with contacts, custom values and custom objects, opportunities (a quarter of
    them won), tasks, notes and calls where leadbase has them.

    The first `seed_leads` go in through leadbase's bulk path (every row one leadbase wrote;
    its timing is the bulk figure at full size); `replicate` copies them in SQL up to `count`.
    """
    engine = db.engine(pool_size=2)
    seed = min(count, seed_leads)
    try:
        actor = KeyResolver(engine, 0).resolve(org.api_key)
        bodies = dataset.lead_bodies(seed, org.schema, seed=dataset.SEED + ORG_SEEDS[org_key])
        _load_timed(state, org_key, "lead", engine, actor, bodies, log, keep_dates=True)
        if org.schema.object_type_id:
            rng = random.Random(dataset.SEED + 7)
            objects = (
                dataset.object_body(lead_id, i, org.schema, rng)
                for i, lead_id in enumerate(lead_ids(engine, org.organization_id))
                if dataset.wants_object(i, rng)
            )
            _load_timed(state, org_key, "custom_object", engine, actor, objects, log)
        if "opportunity" in resources:
            won = won_status(engine, org.organization_id)

            def opportunity(i: int, lead_id: str, when: datetime) -> dict[str, Any]:
                body: dict[str, Any] = {
                    "lead_id": lead_id,
                    "value": 1000 * (i % 97 + 1),
                    "confidence": i % 100,
                    "note": "bench",
                }
                if won and i % 4 == 0:
                    # Won 0-330 days after the lead came in: 2023 to late 2026.
                    body.update(status_id=won, date_won=(when + timedelta(days=i % 331)).date().isoformat())
                return body

            opportunities = (
                opportunity(i, lead_id, when)
                for i, (lead_id, when) in enumerate(lead_rows(engine, org.organization_id))
                if i % 2 == 0
            )
            _load_timed(state, org_key, "opportunity", engine, actor, opportunities, log)
        else:
            _unavailable(state, "POST /opportunity/ (the data set has no opportunities)")
        if "task" in resources:
            tasks = (
                {"lead_id": lead_id, "text": f"Follow up {i % 5}", "date": f"2026-12-{i % 28 + 1:02d}"}
                for i, lead_id in enumerate(lead_ids(engine, org.organization_id))
                if i % 4 == 0
            )
            _load_timed(state, org_key, "task", engine, actor, tasks, log)
        else:
            _unavailable(state, "POST /task/ (the data set has no tasks)")
        if "activity/note" in resources:
            # Dated after their lead, as an import of history would: a lead's feed mixes them
            # with its Created activity and calls in date order.
            notes = (
                {
                    "lead_id": lead_id,
                    "note": f"Called about plan {i % 7}: {dataset.NOTE_WORDS[i % len(dataset.NOTE_WORDS)]}.",
                    "date_created": _later(when, 1 + i % 60),
                }
                for i, (lead_id, when) in enumerate(lead_rows(engine, org.organization_id))
                if i % 3 == 0
            )
            _load_timed(state, org_key, "activity/note", engine, actor, notes, log)
        else:
            _unavailable(state, "POST /activity/note/ (the data set has no notes)")
        if "activity/call" in resources:
            calls = (
                {
                    "lead_id": lead_id,
                    "direction": "outbound" if i % 3 else "inbound",
                    "duration": 30 + i % 900,
                    "note": f"Call {i % 11}",
                    "date_created": _later(when, 2 + i % 90),
                }
                for i, (lead_id, when) in enumerate(lead_rows(engine, org.organization_id))
                if i % 4 == 1
            )
            _load_timed(state, org_key, "activity/call", engine, actor, calls, log)
        else:
            _unavailable(state, "POST /activity/call/ (the data set has no calls)")
    finally:
        engine.dispose()
    if count > seed:
        log(f"  replicating {seed} seed leads of {org_key} to {count} in SQL")
        grown = replicate.replicate(db, org.organization_id, count, org.schema.lead_fields, log)
        state.timings.setdefault(org_key, {})["replicate"] = grown["seconds"]
        state.counts.setdefault(org_key, {})["replicate"] = count - seed
        state.notes.append(
            f"{org_key}: {seed} leads through the bulk path, then {grown['copies']} SQL copies to {count} "
            f"in {grown['seconds']:.0f} s; rows added: "
            + ", ".join(f"{n} {t}" for t, n in grown["rows"].items())
        )


def state_file(db: Database, workdir: Path) -> Path:
    name = db.path.stem if db.kind == "sqlite" else db.dbname
    return workdir / f"{db.kind}-{name}.dataset.json"


def prepare(
    db: Database,
    leads: int,
    small: int,
    workdir: Path,
    log: Callable[[str], None],
    *,
    rebuild: bool = False,
    seed_leads: int = SEED_LEADS,
) -> State:
    """The prepared database: reused when it matches, built (and bulk-loaded) otherwise."""
    load_all()
    path = state_file(db, workdir)
    api = InProcessApi(db.url) if db.exists() else None
    if api is not None and path.exists() and not rebuild:
        state = State.from_json(json.loads(path.read_text()))
        caps = capabilities(api)
        sizes = (state.version, state.leads, state.small, state.seed)
        if sizes == (DATASET_VERSION, leads, small, seed_leads) and _holds_organizations(db, state):
            api.close()
            _migrate_only(db)
            log(f"  reusing {db.label} data set ({leads} + {small} leads)")
            if caps != state.capabilities:
                # Rebuilding a million leads takes long: say what the data set lacks instead.
                missing = sorted(set(caps) - set(state.capabilities))
                line = f"built before leadbase had {', '.join(missing)} (rebuild with --rebuild)"
                log(f"  note: {line}")
                if missing and line not in state.notes:
                    state.notes.append(line)
            return state
        log(f"  {db.label} data set was built for other sizes, or its database was emptied: rebuilding")
    if api is not None:
        api.close()
    log(f"  building the {db.label} data set: {leads} + {small} leads (this takes a while at full size)")
    build_started = time.perf_counter()
    db.create()
    api = InProcessApi(db.url)
    try:
        state = State(leads=leads, small=small, capabilities=capabilities(api), seed=seed_leads)
        engine = db.engine(pool_size=1)
        try:
            for key in ("big", "small", "writes"):
                state.orgs[key] = new_org(engine, f"bench-{key}")
        finally:
            engine.dispose()
        for org in state.orgs.values():
            create_schema(api, org, state)
    finally:
        api.close()
    for key, count in (("big", leads), ("small", small), ("writes", WRITES_ORG_LEADS)):
        log(f"  loading {count} leads into {key}")
        populate(db, key, state.orgs[key], count, state, log, seed_leads)
    analyze(db)
    total = leads + small + WRITES_ORG_LEADS
    state.timings["all"] = {
        "leads built (whole data set, statistics included)": time.perf_counter() - build_started
    }
    state.counts["all"] = {"leads built (whole data set, statistics included)": total}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state.to_json(), indent=2))
    return state


def _holds_organizations(db: Database, state: State) -> bool:
    """Whether the database still holds the data set's organizations: a run with another
    `--out` rebuilds the database of the same name, which this state file then no longer
    describes."""
    ids = [org.organization_id for org in state.orgs.values()]
    if not ids:
        return False
    conn = db.connect()
    try:
        marks = ", ".join([db.param] * len(ids))
        found = conn.execute(f"SELECT count(*) FROM organization WHERE id IN ({marks})", ids).fetchone()
    except Exception:  # an empty database: no organization table yet
        return False
    finally:
        conn.close()
    return int(found[0]) == len(ids)


def _migrate_only(db: Database) -> None:
    from leadbase.db.migrate import upgrade

    engine = db.engine(pool_size=1)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def analyze(db: Database) -> None:
    """Fresh planner statistics after a bulk load, and on PostgreSQL a visibility map for
    index-only scans (what an operator runs after an import; autovacuum may be off). On SQLite
    the full-text indexes merged into one segment each: the SQL copies leave a few dozen, which a
    server's worker merges in bounded steps over hours (db/text_upkeep.py), and a search
    measured before that pays about a microsecond a segment for each document it checks."""
    conn = db.connect()
    try:
        conn.execute("ANALYZE" if db.kind == "sqlite" else "VACUUM ANALYZE")
        if db.kind == "sqlite":
            for name in FTS_TABLES:
                conn.execute(f"INSERT INTO {name} ({name}) VALUES ('optimize')")
    finally:
        conn.close()
