"""A real `leadbase serve` process for client tests, and `leadbase bootstrap` to get keys for it.

Importable by any test module: `running_server` starts a server on a free port and stops it
afterwards; `bootstrap` makes an organization, a user and an API key through the CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

# The source tree these tests belong to: the server runs the same code.
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0


def leadbase_command() -> list[str]:
    """The `leadbase` console script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("leadbase")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("leadbase")
    return [found] if found else [sys.executable, "-m", "leadbase.cli"]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # Settings come from the command line only.
    for name in list(env):
        if name.startswith("LEADBASE_") and name != "LEADBASE_TEST_DATABASE_URL":
            del env[name]
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    url: str
    database_url: str
    log: Path
    pid: int

    @property
    def api_url(self) -> str:
        return self.url + "/api/v1/"


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"leadbase serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"leadbase serve did not answer within {START_TIMEOUT}s:\n{log.read_text()}")


@contextmanager
def running_server(
    database_url: str, log_dir: Path, *options: str, worker: bool = False
) -> Iterator[LiveServer]:
    """`leadbase serve` on a free port of 127.0.0.1 against `database_url`, until the block ends.

    Without `worker`, the server runs no background worker: the session's servers outlive the
    tests that use them, and a worker of theirs would race the webhook tests' own workers.
    """
    port = free_port()
    log = log_dir / f"leadbase-{port}.log"
    command = [
        *leadbase_command(),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database-url",
        database_url,
        "--no-demo",
        "--no-access-log",
        *options,
    ]
    env = _environment()
    # Uploaded files of this server go beside its log, not into the working directory.
    env["LEADBASE_FILES_DIR"] = str(log_dir / f"files-{port}")
    env["LEADBASE_EMBEDDED_WORKER"] = "true" if worker else "false"
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, process, log)
            yield LiveServer(url, database_url, log, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def bootstrap(
    database_url: str,
    organization: str | None = None,
    email: str | None = None,
    role: str = "admin",
) -> dict[str, Any]:
    """Run `leadbase bootstrap --json`; its JSON (organization_id, user_id, api_key, ...)."""
    suffix = uuid.uuid4().hex[:12]
    command = [
        *leadbase_command(),
        "bootstrap",
        "--database-url",
        database_url,
        "--organization",
        organization or f"Live {suffix}",
        "--email",
        email or f"live-{suffix}@example.com",
        "--role",
        role,
        "--json",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=_environment(), check=False
    )
    assert done.returncode == 0, done.stderr
    made: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    for name, prefix in (("organization_id", "orga_"), ("user_id", "user_"), ("api_key", "api_")):
        assert isinstance(made.get(name), str) and made[name].startswith(prefix), (name, made)
    return made
