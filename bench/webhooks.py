"""Webhook figures: commit-to-delivery latency on an idle server, deliveries per second.

    python -m bench.webhooks                          # a temporary SQLite file
    python -m bench.webhooks --database-url postgresql://postgres@127.0.0.1:5432/DB

Latency: one subscription, leads created one at a time through the API with the server's own
(embedded) worker running. Commit-to-delivery runs from the request's commit (the moment its
after-commit callbacks run, db/signals.py) to the receiver's arrival; request-to-delivery runs
from just before the POST, so it bounds the first from above. Throughput: 10 subscriptions, a backlog
of events, one worker draining it against a local receiver that answers at once.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from starlette.testclient import TestClient

from leadbase.app import create_app, start_embedded_worker, worker_settings
from leadbase.config import Settings
from leadbase.db import signals
from leadbase.db.engine import build_engine
from leadbase.db.migrate import upgrade
from leadbase.jobs.worker import Worker
from leadbase.resources.organization.provision import provision


class Arrivals:
    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self.count = 0
        self.changed = threading.Condition()

    def wait_for(self, object_id: str, timeout: float = 30) -> float:
        with self.changed:
            self.changed.wait_for(lambda: object_id in self.times, timeout)
        return self.times[object_id]


class Commits(threading.Event):
    """A listener of db/signals.py that notes when the last commit with events took place."""

    def __init__(self) -> None:
        super().__init__()
        self.last = 0.0

    def set(self) -> None:
        self.last = time.monotonic()
        super().set()


def receiver(arrivals: Arrivals) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["content-length"]))
            now = time.monotonic()
            with arrivals.changed:
                arrivals.times.setdefault(orjson.loads(raw)["event"]["object_id"], now)
                arrivals.count += 1
                arrivals.changed.notify_all()
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def run(database_url: str, latency_samples: int, backlog_leads: int) -> dict[str, float]:
    engine = build_engine(database_url, pool_size=4)
    upgrade(engine)
    with engine.connect() as conn:
        conn.execution_options(writes=True)
        with conn.begin():
            made = provision(conn, organization_name=f"Bench hooks {time.time()}", email="bench@example.com")
    arrivals = Arrivals()
    server = receiver(arrivals)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    settings = Settings(database_url=database_url, rate_limit="off")
    app = create_app(settings)
    auth = (made.api_key, "")
    figures: dict[str, float] = {}
    with TestClient(app) as client:
        hook = {"url": url, "events": [{"object_type": "lead", "action": "created"}]}
        first = client.post("/api/v1/webhook/", json=hook, auth=auth).json()["id"]
        worker = start_embedded_worker(app)
        commits = Commits()
        signals.listen(commits)
        latencies, requests = [], []
        for n in range(latency_samples):
            started = time.monotonic()
            lead = client.post("/api/v1/lead/", json={"name": f"Latency {n}"}, auth=auth).json()
            arrived = arrivals.wait_for(lead["id"])
            latencies.append((arrived - commits.last) * 1000)
            requests.append((arrived - started) * 1000)
        signals.unlisten(commits)
        worker.stop()
        for name, values in (("latency", latencies), ("request_latency", requests)):
            values.sort()
            figures[f"{name}_p50_ms"] = statistics.median(values)
            figures[f"{name}_p95_ms"] = values[int(len(values) * 0.95) - 1]
        client.delete(f"/api/v1/webhook/{first}/", auth=auth)
        for _ in range(10):
            client.post("/api/v1/webhook/", json=hook, auth=auth)
        for n in range(backlog_leads):
            client.post("/api/v1/lead/", json={"name": f"Backlog {n}"}, auth=auth)
        before = arrivals.count
        draining = Worker(app.state.engine, worker_settings(settings))
        started = time.monotonic()
        draining.run_until_idle(limit=100_000)
        elapsed = time.monotonic() - started
        draining.sender.close()
        figures["deliveries"] = arrivals.count - before
        figures["deliveries_per_second"] = (arrivals.count - before) / elapsed
    server.shutdown()
    server.server_close()
    app.state.engine.dispose()
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--database-url", default=None, help="Default: a temporary SQLite file.")
    parser.add_argument("--samples", type=int, default=200, help="Leads timed one by one.")
    parser.add_argument("--backlog", type=int, default=200, help="Leads (x 10 subscriptions) to drain.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/hooks.db"
        figures = run(url, args.samples, args.backlog)
    for name, value in figures.items():
        print(f"{name:24} {value:10.1f}")


if __name__ == "__main__":
    main()


def webhooks(ctx: Any) -> Any:
    """The `webhooks` scenario of `python -m bench`: the figures above, with the load average."""
    from bench.stats import Figure, Result

    res = Result("webhooks", ctx.db.kind)
    samples, backlog = (40, 40) if ctx.cfg.quick else (200, 200)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    figures = run(ctx.db.url, samples, backlog)
    p95 = figures["latency_p95_ms"]
    res.add(Figure("commit-to-delivery p50 (idle server, 1 subscription)", "ms", [figures["latency_p50_ms"]]))
    res.add(
        Figure("commit-to-delivery p95 (idle server, 1 subscription)", "ms", [p95], "< 100 ms", p95 < 100)
    )
    res.add(
        Figure(
            "request-to-delivery p95 (from before the POST: an upper bound)",
            "ms",
            [figures["request_latency_p95_ms"]],
        )
    )
    res.add(
        Figure(
            "deliveries per second (10 subscriptions, one worker)",
            "deliveries/s",
            [figures["deliveries_per_second"]],
        )
    )
    res.notes.append(
        f"load average at the start: {load} ({samples} latency samples, {backlog * 10} deliveries)"
    )
    return res
