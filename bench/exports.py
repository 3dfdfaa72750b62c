"""Export figures: rows written per second and the worker's peak memory.

    python -m bench --only exports          # on the prepared databases (quick: --quick)

The export is asked for through the API (POST /export/lead/) on the big organization; the job
then runs in a separate worker process (`python -m bench.exports WORKER DATABASE_URL`), which
reports how long the job took and its peak resident memory (getrusage's ru_maxrss) next to its
resident memory before the job started: the difference is what the export itself held. The
export streams in batches, so that difference should stay flat from thousands of leads to the
million of the full data set (bench/replicate.py builds it).
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
    started = time.perf_counter()
    worker.run_until_idle(limit=100_000)
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.thread.join()
    worker.sender.close()
    engine.dispose()
    print(
        json.dumps(
            {"seconds": seconds, "rss_before_mb": before, "rss_job_mb": sampler.top, "rss_peak_mb": _rss_mb()}
        )
    )


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def exports(ctx: Any) -> Result:
    from bench.prepare import InProcessApi

    res = Result("exports", ctx.db.kind)
    org = ctx.org("big")
    api = InProcessApi(ctx.db.url)
    try:
        for fmt, export_type in FORMATS:
            rates: list[float] = []
            peaks: list[float] = []
            growth: list[float] = []
            docs = 0
            loads = []
            for _ in range(1 if not ctx.cfg.quick else ctx.cfg.repeats):
                status, made = api.call(
                    "POST", "/export/lead/", org.api_key, {"format": fmt, "type": export_type}
                )
                if status != 200:
                    res.error = f"POST /export/lead/ answered {status}: {made}"
                    return res
                loads.append(_load())
                run = subprocess.run(
                    [sys.executable, "-m", "bench.exports", "WORKER", ctx.db.url],
                    capture_output=True,
                    text=True,
                    check=True,
                    env={**os.environ, "PYTHONWARNINGS": "ignore"},
                )
                figures = json.loads(run.stdout.strip().splitlines()[-1])
                status, done = api.call("GET", f"/export/{made['id']}/", org.api_key)
                if done.get("status") != "done":
                    res.error = f"export {made['id']} ended {done.get('status')}"
                    return res
                docs = int(done["n_docs"])
                rates.append(docs / figures["seconds"])
                peaks.append(figures["rss_peak_mb"])
                growth.append(figures["rss_job_mb"] - figures["rss_before_mb"])
            res.add(
                Figure(
                    f"{fmt} {export_type} export: leads written per second ({docs} leads)", "rows/s", rates
                )
            )
            res.add(
                Figure(
                    f"{fmt} {export_type} export: worker peak RSS",
                    "MiB",
                    peaks,
                    "< 200 MB",
                    median(peaks) < 190,
                )
            )
            res.add(Figure(f"{fmt} {export_type} export: RSS growth during the job (sampled)", "MiB", growth))
            res.notes.append(
                f"{fmt} {export_type}: load average at the start of each run: {'; '.join(loads)}"
            )
    finally:
        api.close()
    return res


if __name__ == "__main__" and sys.argv[1:2] == ["WORKER"]:
    worker_main(sys.argv[2])
