"""Servers in their own processes: `leadbase serve` and the ceiling; readiness and memory."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def leadbase_command_prefix() -> list[str]:
    """`leadbase` as installed, run from this checkout (python -m leadbase.cli is the same command)."""
    return [sys.executable, "-m", "leadbase.cli"]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The serving processes: the worker itself (1 worker) or the supervisor's children."""
        children = _children(self.process.pid)
        return children or [self.process.pid]

    def rss_mb(self) -> float:
        """Resident memory of the largest serving process, in MiB."""
        return max((rss_mb(pid) for pid in self.pids()), default=0.0)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30.0,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(server: Server, path: str, deadline_s: float = 60.0) -> float:
    """Seconds until `path` answers (any HTTP status), polling every few milliseconds."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_s:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited: {server.log.read_text()[-3000:]}")
        try:
            request(server.port, "GET", path, timeout=2)
            return time.monotonic() - started
        except OSError:
            time.sleep(0.005)
    raise RuntimeError(f"server not ready after {deadline_s}s: {server.log.read_text()[-3000:]}")


def spawn(command: list[str], log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            start_new_session=True,
        )


def leadbase_command(database_url: str, port: int, workers: int) -> list[str]:
    return [
        *leadbase_command_prefix(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--workers",
        str(workers),
        "--rate-limit",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
        "--no-demo",
    ]


def padded_command(port: int, workers: int) -> list[str]:
    """leadbase with 300 more routes (bench/padded.py), served with `leadbase serve`'s uvicorn settings."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.padded:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
        "--lifespan",
        "off",
    ]


def ceiling_command(port: int, workers: int, body_file: Path, framework: bool) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "bench.ceiling",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--body-file",
        str(body_file),
    ]
    return [*command, "--framework"] if framework else command


def stop(server: Server) -> None:
    if server.process.poll() is None:
        # The server runs in its own session (process group): end it and its workers.
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


@contextmanager
def running(
    command_for_port: Callable[[int], list[str]],
    log: Path,
    ready_path: str,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    port = free_port()
    server = Server(spawn(command_for_port(port), log, env), port, log)
    try:
        wait_ready(server, ready_path)
        yield server
    finally:
        stop(server)


def serve_leadbase(database_url: str, workers: int, log: Path) -> AbstractContextManager[Server]:
    return running(lambda port: leadbase_command(database_url, port, workers), log, "/api/v1/me/")


def serve_padded(database_url: str, workers: int, log: Path) -> AbstractContextManager[Server]:
    env = {**os.environ, "LEADBASE_DATABASE_URL": database_url, "LEADBASE_RATE_LIMIT": "off"}
    return running(lambda port: padded_command(port, workers), log, "/api/v1/me/", env)


def serve_ceiling(
    workers: int, body_file: Path, log: Path, framework: bool = False
) -> AbstractContextManager[Server]:
    return running(lambda port: ceiling_command(port, workers, body_file, framework), log, "/")
