"""Export figures: rows written per second and the worker's peak memory.

    python -m bench --only exports          # on the prepared databases (quick: --quick)

The export is asked for through the API (POST /export/lead/) on the big organization; the job
then runs in a separate worker process (`python -m bench.exports WORKER DATABASE_URL`), which
reports how long the job took and its peak resident memory (getrusage's ru_maxrss) next to its
resident memory before the job started: the difference is what the export itself held. The
export streams in batches, so that difference should stay flat from thousands of leads to the
million of the full data set (bench/replicate.py builds it).

    python -m bench.exports --database-url URL --dataset OUT/postgres-leadbase_bench.dataset.json

runs the exports alone on a data set another run built (and leaves it as it is, but for the
export rows), printing each run's figures as JSON.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from typing import Any

from bench.stats import Figure, Result, median

FORMATS = (("json", "leads"), ("csv", "leads"))


def _rss_mb() -> float:
    """The process's highest resident memory so far (getrusage)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Sampler:
    """The highest current RSS while a job runs (every 20 ms): what the job itself holds, apart
    from the imports' peak that getrusage also remembers."""

    def __init__(self) -> None:
        self.top = _current_rss_mb()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.top = max(self.top, _current_rss_mb())


def worker_main(database_url: str) -> None:
    """Run every due job (the export) in this process; print what it cost as JSON."""
    from leadbase.db.engine import build_engine
    from leadbase.jobs.worker import Worker
    from leadbase.resources import load_all

    load_all()
    engine = build_engine(database_url, pool_size=2)
    worker = Worker(engine)
    before = _current_rss_mb()
    sampler = Sampler()
    sampler.thread.start()
    started, cpu = time.perf_counter(), time.process_time()
    worker.run_until_idle(limit=100_000)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    sampler.stop.set()
    sampler.thread.join()
    worker.sender.close()
    engine.dispose()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "rss_before_mb": before,
                "rss_job_mb": sampler.top,
                "rss_peak_mb": _rss_mb(),
            }
        )
    )


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure(api: Any, api_key: str, database_url: str, fmt: str, export_type: str) -> dict[str, Any]:
    """One export asked for through the API and run by a worker subprocess: its figures, or an
    `error`."""
    status, made = api.call("POST", "/export/lead/", api_key, {"format": fmt, "type": export_type})
    if status != 200:
        return {"error": f"POST /export/lead/ answered {status}: {made}"}
    load = _load()
    run = subprocess.run(
        [sys.executable, "-m", "bench.exports", "WORKER", database_url],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if run.returncode != 0:
        return {"error": f"the export worker failed: {run.stderr.strip()[-2000:]}"}
    figures: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    status, done = api.call("GET", f"/export/{made['id']}/", api_key)
    if done.get("status") != "done":
        return {"error": f"export {made['id']} ended {done.get('status')}"}
    figures.update(load=load, docs=int(done["n_docs"]))
    figures["rows_per_second"] = figures["docs"] / figures["seconds"]
    # The worker's own CPU time: on a shared machine its wall time is mostly waiting for a core.
    figures["rows_per_cpu_second"] = figures["docs"] / figures["cpu_seconds"]
    return figures


def exports(ctx: Any) -> Result:
    from bench.prepare import InProcessApi

    res = Result("exports", ctx.db.kind)
    org = ctx.org("big")
    api = InProcessApi(ctx.db.url)
    try:
        for fmt, export_type in FORMATS:
            runs = []
            for _ in range(1 if not ctx.cfg.quick else ctx.cfg.repeats):
                figures = measure(api, org.api_key, ctx.db.url, fmt, export_type)
                if "error" in figures:
                    res.error = figures["error"]
                    return res
                runs.append(figures)
            add_figures(res, fmt, export_type, runs)
    finally:
        api.close()
    return res


def add_figures(res: Result, fmt: str, export_type: str, runs: list[dict[str, Any]]) -> None:
    docs = runs[-1]["docs"]
    peaks = [r["rss_peak_mb"] for r in runs]
    res.add(
        Figure(
            f"{fmt} {export_type} export: leads written per second ({docs} leads)",
            "rows/s",
            [r["rows_per_second"] for r in runs],
        )
    )
    res.add(
        Figure(
            f"{fmt} {export_type} export: leads per second of the worker's own CPU time",
            "rows/s",
            [r["rows_per_cpu_second"] for r in runs],
        )
    )
    res.add(
        Figure(f"{fmt} {export_type} export: worker peak RSS", "MiB", peaks, "< 200 MB", median(peaks) < 190)
    )
    res.add(
        Figure(
            f"{fmt} {export_type} export: RSS growth during the job (sampled)",
            "MiB",
            [r["rss_job_mb"] - r["rss_before_mb"] for r in runs],
        )
    )
    res.notes.append(
        f"{fmt} {export_type}: load average at the start of each run: {'; '.join(r['load'] for r in runs)}"
    )


def main(argv: list[str] | None = None) -> None:
    """Exports of the big organization of a data set `python -m bench` built, without touching the
    data set otherwise (no preparation, no check that it matches the bench's configuration)."""
    import argparse

    from bench.prepare import InProcessApi

    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=main.__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--dataset", required=True, help="The data set's state (OUT/<kind>-<name>.dataset.json)."
    )
    parser.add_argument("--formats", default="json,csv", help="Comma-separated: json, csv.")
    args = parser.parse_args(argv)
    with open(args.dataset) as f:
        api_key = json.load(f)["orgs"]["big"]["api_key"]
    api = InProcessApi(args.database_url)
    try:
        for fmt in args.formats.split(","):
            figures = measure(api, api_key, args.database_url, fmt, "leads")
            print(json.dumps({"format": fmt, **figures}), flush=True)
    finally:
        api.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["WORKER"]:
        worker_main(sys.argv[2])
    else:
        main()
