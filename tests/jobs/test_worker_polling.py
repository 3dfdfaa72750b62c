"""How often an idle worker looks for work: a server's worker thread backs off, a process does not."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine

from leadbase.app import create_app, start_embedded_worker, worker_settings
from leadbase.config import Settings
from leadbase.jobs.worker import Worker, WorkerSettings


class ScriptedWake:
    """Stands in for the worker's wake-up event: records each wait and answers whether a commit
    woke the worker from a script, then stops the worker when the script runs out."""

    def __init__(self, worker: Worker, woken: list[bool]) -> None:
        self.worker = worker
        self.woken: Iterator[bool] = iter(woken)
        self.waits: list[float] = []

    def clear(self) -> None:
        pass

    def set(self) -> None:
        pass

    def wait(self, timeout: float) -> bool:
        self.waits.append(timeout)
        answer = next(self.woken, None)
        if answer is None:
            self.worker.stopping.set()
            return False
        return answer


def _run_scripted(worker: Worker, rounds: list[int], woken: list[bool]) -> list[float]:
    done = iter(rounds)
    worker.run_once = lambda: next(done, 0)  # type: ignore[method-assign]
    wake = ScriptedWake(worker, woken)
    worker.wake = wake  # type: ignore[assignment]
    worker.run()
    return wake.waits


def test_an_idle_worker_waits_twice_as_long_each_round_up_to_its_ceiling() -> None:
    worker = Worker.__new__(Worker)
    worker.settings = WorkerSettings(poll_seconds=0.2, idle_poll_max_seconds=1.0)
    assert [worker.idle_wait(n) for n in range(1, 7)] == [0.2, 0.4, 0.8, 1.0, 1.0, 1.0]
    # A server idle for days has counted millions of rounds: still the ceiling, no overflow.
    assert worker.idle_wait(10_000_000) == 1.0


def test_without_a_ceiling_or_with_one_below_the_poll_the_wait_is_the_poll() -> None:
    worker = Worker.__new__(Worker)
    worker.settings = WorkerSettings(poll_seconds=0.2)
    assert {worker.idle_wait(n) for n in (1, 2, 5, 50)} == {0.2}
    worker.settings = WorkerSettings(poll_seconds=0.5, idle_poll_max_seconds=0.1)
    assert {worker.idle_wait(n) for n in (1, 2, 5, 50)} == {0.5}


def test_a_wake_up_or_a_round_with_work_starts_the_waits_again_from_the_poll(engine: Engine) -> None:
    worker = Worker(engine, WorkerSettings(poll_seconds=0.2, idle_poll_max_seconds=1.0))
    # Rounds: four idle, woken by a commit during the fourth wait; idle; work; idle, then stop.
    waits = _run_scripted(worker, rounds=[0, 0, 0, 0, 0, 1, 0], woken=[False, False, False, True, False])
    assert waits == [0.2, 0.4, 0.8, 1.0, 0.2, 0.2]


def test_the_server_worker_backs_off_and_a_worker_process_keeps_its_poll(database_url: str) -> None:
    settings = Settings(database_url=database_url, worker_poll_seconds=0.2, worker_idle_poll_seconds=1.5)
    # `leadbase worker` builds its settings so: a fixed poll.
    assert worker_settings(settings).idle_poll_max_seconds is None
    app = create_app(settings)
    try:
        worker = start_embedded_worker(app)
        try:
            assert worker.settings.poll_seconds == 0.2
            assert worker.settings.idle_poll_max_seconds == 1.5
        finally:
            worker.stop()
    finally:
        app.state.engine.dispose()
