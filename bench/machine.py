"""Facts about the machine and software a run measured on."""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from pathlib import Path


def _first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def _run(*args: str) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "unknown"


def facts(postgres_version: str | None) -> dict[str, str]:
    import fastapi
    import psycopg
    import sqlalchemy
    import starlette
    import uvicorn

    mem_kb = _first("/proc/meminfo", "MemTotal").split()[0]
    load = os.getloadavg()
    wrk = shutil.which("wrk")
    return {
        "CPU": _first("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "memory": f"{int(mem_kb) / 1024 / 1024:.1f} GiB" if mem_kb.isdigit() else "unknown",
        "kernel": platform.release(),
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in load),
        "Python": platform.python_version(),
        "uvicorn / starlette / fastapi": " / ".join(
            (uvicorn.__version__, starlette.__version__, fastapi.__version__)
        ),
        "SQLAlchemy / psycopg": f"{sqlalchemy.__version__} / {psycopg.__version__}",
        "SQLite": sqlite3.sqlite_version,
        "PostgreSQL": postgres_version or "not measured",
        "wrk": _run(wrk, "-v") if wrk else "missing",
        "leadbase commit": _run("git", "rev-parse", "--short", "HEAD"),
    }


def load_1min() -> float:
    """The 1-minute load average: noted with figures, the machine being shared."""
    return os.getloadavg()[0]
