"""The load generator: wrk (Debian's package), driven by wrk.lua, parsed into numbers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).with_name("wrk.lua")
INSTALL_HINT = "wrk is missing: install it with `apt-get update && apt-get install -y wrk` (Debian/Ubuntu)."


class WrkMissing(RuntimeError):
    pass


def find_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise WrkMissing(INSTALL_HINT)
    return path


def install_wrk() -> str:
    """apt-get install wrk when running as root on Debian (CI's machines); else say how."""
    if shutil.which("wrk"):
        return find_wrk()
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise WrkMissing(INSTALL_HINT)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env, stdout=subprocess.DEVNULL)
    return find_wrk()


@dataclass
class WrkResult:
    requests: int
    seconds: float
    status_errors: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bytes: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(
    base_url: str,
    paths: list[str],
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    method: str = "GET",
    bodies: list[str] | None = None,
    authorization: str = "",
) -> WrkResult:
    """Keep-alive load for `seconds` from `connections` connections, rotating over paths/bodies."""
    wrk = find_wrk()
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        paths_file = Path(tmp, "paths")
        paths_file.write_text("\n".join(paths) + "\n")
        env = {
            **os.environ,
            "BENCH_PATHS": str(paths_file),
            "BENCH_METHOD": method,
            "BENCH_AUTH": authorization,
        }
        if bodies:
            bodies_file = Path(tmp, "bodies")
            bodies_file.write_text("\n".join(bodies) + "\n")
            env["BENCH_BODIES"] = str(bodies_file)
        command = [
            wrk,
            f"-t{threads}",
            f"-c{max(connections, threads)}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(SCRIPT),
            base_url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=seconds + 120)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON ") :])
            return WrkResult(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                status_errors=data["status_errors"],
                socket_errors=data["socket_errors"],
                p50_ms=data["p50_us"] / 1000,
                p95_ms=data["p95_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                max_ms=data["max_us"] / 1000,
                bytes=data["bytes"],
            )
    raise RuntimeError(f"wrk printed no result: {done.stdout[-2000:]} {done.stderr[-2000:]}")
