"""The worker: runs due jobs, dispatches committed events to webhooks and sends deliveries,
and on SQLite keeps the full-text indexes merged (db/text_upkeep.py).

It runs as a thread inside `leadbase serve` (one command for embedded use) and as `leadbase
worker` processes; any number of them can share one database. Everything it does starts from
the database (claims with leases, the dispatcher's cursor), so a worker that dies loses
nothing: its leases expire and another worker, or itself restarted, takes the work up.
It polls; a commit in the same process wakes it at once (db/signals.py). A worker inside a server
process polls less and less often while it stays idle (`idle_poll_max_seconds`): each round is a
few statements and their Python, run under the GIL the requests need: at five idle rounds a
second they held it 4.7% of the time a server spent answering pages of whole leads
(bench/RESULTS.md, "Search on 2026-12-03, night").
"""

from __future__ import annotations

import logging
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from leadbase.core import clock
from leadbase.db import jobs, signals
from leadbase.db.text_upkeep import TextUpkeep
from leadbase.events.delivery import DeliverySettings, Sender
from leadbase.events.dispatch import DispatchSettings, dispatch
from leadbase.jobs.registry import JobContext, JobLost, kinds

log = logging.getLogger("leadbase.worker")


@dataclass(frozen=True)
class WorkerSettings:
    # Idle wait between polls; a commit in this process wakes the worker sooner.
    poll_seconds: float = 0.2
    # When set, the idle wait doubles after each round that finds nothing, up to this (a wake-up
    # or a round with work starts again from `poll_seconds`). None: always `poll_seconds`.
    idle_poll_max_seconds: float | None = None
    dispatch: DispatchSettings = field(default_factory=DispatchSettings)
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    # Handed to every job handler as `JobContext.settings` (the server's Settings).
    job_settings: Any = None


class Worker:
    def __init__(self, engine: Engine, settings: WorkerSettings | None = None) -> None:
        self.engine = engine
        self.settings = settings or WorkerSettings()
        self.sender = Sender(engine, self.settings.delivery)
        self.text_upkeep = TextUpkeep(engine)
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- one round of everything ---------------------------------------------------------

    def run_once(self) -> int:
        """Dispatch new events, send due deliveries, run due jobs; how much work was done."""
        # The pass claims the first deliveries it makes for this worker: they go out now, with
        # no poll or claim between the commit and the POST.
        passed = dispatch(self.engine, self.settings.dispatch, self.sender.handoff)
        done = passed.matched + self.sender.send(passed.claimed)
        done += self.sender.run_once()
        done += self.run_jobs_once()
        # Timed, not counted as work done: an idle worker still waits between rounds.
        self.text_upkeep.run_once()
        return done

    def run_until_idle(self, limit: int = 1000) -> int:
        """Rounds until one finds nothing due (tests, `leadbase worker --once`)."""
        total = 0
        for _ in range(limit):
            done = self.run_once()
            total += done
            if not done:
                break
        return total

    def run_jobs_once(self) -> int:
        if not kinds:
            return 0
        lease = max(kind.lease for kind in kinds.values())
        with self.engine.connect() as conn:
            with conn.begin():
                if not jobs.any_due(conn, sorted(kinds)):
                    return 0
            conn.execution_options(writes=True)
            with conn.begin():
                claimed = jobs.claim(conn, sorted(kinds), lease=lease, limit=1)
        for row in claimed:
            self._run_job(row)
        return len(claimed)

    def _run_job(self, row: dict[str, Any]) -> None:
        kind = kinds[row["kind"]]
        token = row["claim"]
        outcome: tuple[str, Any]
        if row["attempts"] > kind.max_attempts:
            # Claimed again after its workers kept dying: give up rather than loop forever.
            outcome = ("fail", "the job's workers stopped before finishing it, every attempt")
        else:
            try:
                outcome = (
                    "ok",
                    kind.handler(JobContext(self.engine, row, kind.lease, self.settings.job_settings)),
                )
            except JobLost:
                return
            except Exception:
                log.exception("job %s (%s) failed", row["id"], row["kind"])
                outcome = ("retry", traceback.format_exc(limit=5))
        with self.engine.connect() as conn:
            conn.execution_options(writes=True)
            with conn.begin():
                if outcome[0] == "ok":
                    jobs.succeed(conn, row["id"], token, outcome[1])
                elif outcome[0] == "retry" and row["attempts"] < kind.max_attempts:
                    retry_at = clock.now() + kind.retry_delay(row["attempts"])
                    jobs.fail(conn, row["id"], token, outcome[1], retry_at=retry_at)
                else:
                    jobs.fail(conn, row["id"], token, str(outcome[1]), retry_at=None)

    # ---- the loop ------------------------------------------------------------------------

    def idle_wait(self, idle_rounds: int) -> float:
        """How long to wait for a wake-up after `idle_rounds` rounds in a row found nothing."""
        poll, ceiling = self.settings.poll_seconds, self.settings.idle_poll_max_seconds
        if ceiling is None or ceiling <= poll:
            return poll
        # Capped before it is multiplied out: a long idle spell keeps counting rounds.
        return min(ceiling, poll * 2.0 ** min(idle_rounds - 1, 30))

    def run(self) -> None:
        """Work until `stop()`; waits (`idle_wait`, or until woken) when nothing is due."""
        signals.listen(self.wake)
        failures = 0
        idle_rounds = 0
        try:
            while not self.stopping.is_set():
                self.wake.clear()
                try:
                    done = self.run_once()
                    failures = 0
                except Exception:
                    # The database may be down or restarting: say so, wait longer each time.
                    failures += 1
                    log.exception("worker round failed (%d in a row)", failures)
                    self.stopping.wait(min(30.0, self.settings.poll_seconds * 2**failures))
                    continue
                if done:
                    idle_rounds = 0
                    continue
                idle_rounds += 1
                if self.wake.wait(self.idle_wait(idle_rounds)):
                    idle_rounds = 0
        finally:
            signals.unlisten(self.wake)
            self.sender.close()

    def start(self) -> threading.Thread:
        """Run in a daemon thread (inside a server process)."""
        self._thread = threading.Thread(target=self.run, name="leadbase-worker", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 15.0) -> None:
        self.stopping.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
