"""`python -m bench soak`: concurrent clients mixing reads and writes for a while, then a reckoning.

Clients share a few leads and write them at the same moments: each client sets its own custom
field on the shared leads, adds its own values to one multi-value field of theirs, adds contacts
to them, creates leads of its own, and reads leads, lists and the event log in between. Every
write a 2xx acknowledged is remembered; at the end the data must hold every one of them (the
last value each client set, every value it added, every contact and lead it created) and each
shared lead's event chain must be unbroken. Reported: requests, 5xx (and other failures),
acknowledged writes lost, broken event links, and the server's resident memory.

    python -m bench soak --seconds 300 --databases sqlite,postgres
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.databases import DEFAULT_PG, Database, for_kind
from bench.servers import Server, serve_leadbase
from leadbase.resources.organization.provision import provision

BENCH_DIR = Path(__file__).resolve().parent
TAGS_PER_CLIENT = 60
START, END = "<!-- soak:start -->", "<!-- soak:end -->"


@dataclass
class Figures:
    database: str
    seconds: float
    clients: int
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    acknowledged_writes: int = 0
    lost_writes: int = 0
    broken_event_links: int = 0
    rss_start_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rss_end_mb: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.by_status.items() if status >= 500)

    @property
    def other_failures(self) -> int:
        """4xx answers and transport errors (status 0): none is expected from this workload."""
        return sum(n for status, n in self.by_status.items() if status < 200 or 400 <= status < 500)


@dataclass
class Client:
    """One client's requests and what it was told had been written."""

    number: int
    http: httpx.Client
    field_key: str
    tags_key: str
    shared: list[str]
    by_status: Counter[int] = field(default_factory=Counter)
    last_set: dict[str, str] = field(default_factory=dict)
    added: dict[str, set[str]] = field(default_factory=dict)
    contacts: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    counter: int = 0
    acknowledged: int = 0

    def call(self, method: str, path: str, body: Any = None) -> httpx.Response | None:
        try:
            response = self.http.request(method, path, json=body)
        except httpx.HTTPError:
            self.by_status[0] += 1
            return None
        self.by_status[response.status_code] += 1
        if not response.is_success:
            return None
        if method != "GET":
            self.acknowledged += 1
        return response

    def step(self, rng: random.Random) -> None:
        lead_id = rng.choice(self.shared)
        roll = rng.random()
        if roll < 0.30:
            self.counter += 1
            value = f"c{self.number}-{self.counter}"
            if self.call("PUT", f"lead/{lead_id}/", {self.field_key: value}) is not None:
                self.last_set[lead_id] = value
        elif roll < 0.45:
            tag = f"t{self.number}-{rng.randrange(TAGS_PER_CLIENT)}"
            if self.call("PUT", f"lead/{lead_id}/", {f"{self.tags_key}.add": tag}) is not None:
                self.added.setdefault(lead_id, set()).add(tag)
        elif roll < 0.52:
            made = self.call("POST", "contact/", {"lead_id": lead_id, "name": f"Soak {self.number}"})
            if made is not None:
                self.contacts.append(made.json()["id"])
        elif roll < 0.58:
            made = self.call("POST", "lead/", {"name": f"Own {self.number}", self.field_key: "mine"})
            if made is not None:
                self.leads.append(made.json()["id"])
        elif roll < 0.75:
            self.call("GET", f"lead/{lead_id}/")
        elif roll < 0.88:
            self.call("GET", "lead/?_limit=20&_fields=id,display_name,contacts")
        elif roll < 0.95:
            self.call("GET", f"contact/?lead_id={lead_id}&_limit=10")
        else:
            self.call("GET", "event/?_limit=20")


def _provision(db: Database) -> str:
    engine = db.engine(pool_size=1)
    try:
        with engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                return provision(
                    conn, organization_name="Soak", email="soak@example.com", role="admin"
                ).api_key
    finally:
        engine.dispose()


def _broken_links(http: httpx.Client, lead_id: str) -> int:
    """Events whose previous_data differs from what the event before left (see tests/races)."""
    events: list[dict[str, Any]] = []
    params = {"object_id": lead_id}
    while True:
        page = http.get("event/", params=params).raise_for_status().json()
        events.extend(page["data"])
        if not page["cursor_next"]:
            break
        params = {"object_id": lead_id, "_cursor": page["cursor_next"]}
    events.reverse()
    state: dict[str, Any] = events[0]["data"] if events else {}
    broken = 0
    for event in events[1:]:
        if event["action"] == "updated":
            broken += sum(1 for k, v in event["previous_data"].items() if state.get(k) != v)
            state = event["data"]
    return broken


def _reckon(http: httpx.Client, clients: list[Client], shared: list[str]) -> tuple[int, int]:
    """(acknowledged writes the data no longer holds, broken event links on the shared leads)."""
    lost = 0
    finals = {lead_id: http.get(f"lead/{lead_id}/").raise_for_status().json() for lead_id in shared}
    for client in clients:
        for lead_id, value in client.last_set.items():
            lost += finals[lead_id].get(client.field_key) != value
        for lead_id, tags in client.added.items():
            lost += len(tags - set(finals[lead_id].get(client.tags_key) or []))
        for object_id in client.contacts:
            lost += http.get(f"contact/{object_id}/").status_code != 200
        for object_id in client.leads:
            lost += http.get(f"lead/{object_id}/").status_code != 200
    return lost, sum(_broken_links(http, lead_id) for lead_id in shared)


def soak(db: Database, seconds: float, clients: int, shared_leads: int, out: Path, log: Any) -> Figures:
    """Run the soak against a fresh database of `db`'s kind; the figures."""
    db.create(migrate=True)
    key = _provision(db)
    figures = Figures(db.label, seconds, clients)
    with serve_leadbase(db.url, 1, out / f"soak-{db.kind}.log") as server:
        base = httpx.Client(base_url=f"{server.base_url}/api/v1/", auth=(key, ""), timeout=60)
        try:
            fields = []
            for number in range(clients):
                made = base.post("custom_field/lead/", json={"name": f"Client {number}", "type": "text"})
                fields.append("custom." + made.raise_for_status().json()["id"])
            choices = [f"t{n}-{i}" for n in range(clients) for i in range(TAGS_PER_CLIENT)]
            tags = base.post(
                "custom_field/lead/",
                json={"name": "Tags", "type": "choices", "choices": choices, "accepts_multiple_values": True},
            )
            tags_key = "custom." + tags.raise_for_status().json()["id"]
            shared = [
                base.post("lead/", json={"name": f"Shared {i}"}).raise_for_status().json()["id"]
                for i in range(shared_leads)
            ]
            workers = [
                Client(
                    n,
                    httpx.Client(base_url=base.base_url, auth=(key, ""), timeout=60),
                    fields[n],
                    tags_key,
                    shared,
                )
                for n in range(clients)
            ]
            figures.rss_start_mb = server.rss_mb()
            _drive(workers, seconds, server, figures, log)
            figures.rss_end_mb = server.rss_mb()
            for client in workers:
                figures.by_status.update(client.by_status)
                figures.acknowledged_writes += client.acknowledged
                client.http.close()
            figures.requests = sum(figures.by_status.values())
            figures.lost_writes, figures.broken_event_links = _reckon(base, workers, shared)
        finally:
            base.close()
    return figures


def _drive(workers: list[Client], seconds: float, server: Server, figures: Figures, log: Any) -> None:
    deadline = time.monotonic() + seconds
    start = threading.Barrier(len(workers) + 1)

    def run(client: Client) -> None:
        rng = random.Random(client.number)
        start.wait()
        while time.monotonic() < deadline:
            client.step(rng)

    threads = [threading.Thread(target=run, args=(c,), daemon=True) for c in workers]
    for thread in threads:
        thread.start()
    start.wait()
    next_log = time.monotonic() + 60
    while any(t.is_alive() for t in threads):
        figures.rss_peak_mb = max(figures.rss_peak_mb, server.rss_mb())
        next(t for t in threads if t.is_alive()).join(timeout=1.0)
        if time.monotonic() >= next_log:
            next_log += 60
            log(f"    {max(0.0, deadline - time.monotonic()):.0f} s left")


def render(figures: list[Figures], when: str) -> str:
    lines = [
        START,
        "## Soak (`python -m bench soak`)",
        "",
        f"Run {when}. Concurrent clients on one organization, 1 worker; each client sets its own custom "
        "field on shared leads, adds to a shared multi-value field, adds contacts, creates leads and reads "
        "in between. At the end, *lost* counts what the data no longer holds of what was acknowledged (each "
        "client's last value on each lead, every value it added, every contact and lead it created), and "
        "*broken event links* the events whose `previous_data` differs from what the event before left.",
        "",
        "| database | seconds | clients | requests | 5xx | other failures | acknowledged writes | lost "
        "| broken event links | RSS start / peak / end (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.database} | {f.seconds:g} | {f.clients} | {f.requests:,} | {f.server_errors} "
            f"| {f.other_failures} | {f.acknowledged_writes:,} | {f.lost_writes} | {f.broken_event_links} "
            f"| {f.rss_start_mb:.0f} / {f.rss_peak_mb:.0f} / {f.rss_end_mb:.0f} |"
        )
    lines += ["", END]
    return "\n".join(lines)


def section_of(text: str) -> str | None:
    """The soak's section of a RESULTS.md text, if it has one (a full run keeps it)."""
    if START not in text or END not in text:
        return None
    return START + text.split(START, 1)[1].split(END, 1)[0] + END


def write_section(results_md: Path, section: str) -> None:
    """Put the soak's section into RESULTS.md, replacing the one there."""
    text = results_md.read_text() if results_md.exists() else ""
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results_md.write_text(text)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__)
    parser.add_argument("--databases", default="sqlite,postgres", help="Comma-separated: sqlite, postgres.")
    parser.add_argument("--seconds", type=float, default=300.0, help="How long the clients run (300).")
    parser.add_argument("--clients", type=int, default=16, help="Concurrent clients (16).")
    parser.add_argument("--shared-leads", type=int, default=4, help="Leads every client writes (4).")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="A PostgreSQL server: a database is made on it.")
    parser.add_argument("--out", default=str(BENCH_DIR / "out" / "soak"), help="Logs and the SQLite file.")
    parser.add_argument("--db-name", default="leadbase_soak", help="Database (file) name.")
    parser.add_argument("--results", default=str(BENCH_DIR / "RESULTS.md"), help="Markdown file to update.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    figures = []
    for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
        db = for_kind(kind, out, args.pg_url, args.db_name)
        log(f"{db.label}: soaking for {args.seconds:g} s with {args.clients} clients")
        try:
            result = soak(db, args.seconds, args.clients, args.shared_leads, out, log)
        finally:
            db.drop()
        log(
            f"    {result.requests:,} requests, {result.server_errors} 5xx, {result.other_failures} other "
            f"failures, {result.lost_writes} of {result.acknowledged_writes:,} acknowledged writes lost, "
            f"{result.broken_event_links} broken event links, RSS peak {result.rss_peak_mb:.0f} MiB"
        )
        figures.append(result)
    write_section(Path(args.results), render(figures, time.strftime("%Y-%m-%d")))
    log(f"wrote {args.results}")
    bad = any(f.server_errors or f.other_failures or f.lost_writes or f.broken_event_links for f in figures)
    return 1 if bad else 0
