"""Resident memory of a `leadbase serve` process before and after large request bodies.

    python -m bench.memory [--bodies 20] [--megabytes 8]

Starts a server on a scratch SQLite database, sends large bodies (an 8 MB description, refused
by validation after parsing; a lead with 1,000 contacts, created), and prints the server's RSS
(VmRSS) at start, at its high-water mark (VmHWM) and after the bodies, idle.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def rss_kib(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bodies", type=int, default=20)
    parser.add_argument("--megabytes", type=int, default=8)
    parser.add_argument("--port", type=int, default=8731)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADBASE_")}
    leadbase = [sys.executable, "-m", "leadbase.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/memory.db"
        bootstrap = ["bootstrap", "--database-url", url, "--organization", "M", "--email", "m@x.co", "--json"]
        made = subprocess.run([*leadbase, *bootstrap], capture_output=True, text=True, check=True, env=env)
        key = json.loads(made.stdout.strip().splitlines()[-1])["api_key"]
        serve = ["serve", "--port", str(args.port), "--database-url", url, "--no-demo", "--no-access-log"]
        quiet = subprocess.DEVNULL
        server = subprocess.Popen([*leadbase, *serve], stdout=quiet, stderr=quiet, env=env)
        try:
            base = f"http://127.0.0.1:{args.port}/api/v1/"
            with httpx.Client(base_url=base, auth=(key, ""), timeout=120) as client:
                for _ in range(200):
                    try:
                        client.get("me/")
                        break
                    except httpx.TransportError:
                        time.sleep(0.05)
                for _ in range(20):  # warm: imports, caches, pools
                    client.post("lead/", json={"name": "warm"})
                start = rss_kib(server.pid)
                big = b'{"name": "x", "description": "' + b"d" * (args.megabytes << 20) + b'"}'
                contacts = {
                    "name": "wide",
                    "contacts": [
                        {"name": f"c{i}", "emails": [{"email": f"c{i}@example.com"}]} for i in range(1000)
                    ],
                }
                statuses = []
                for _ in range(args.bodies):
                    statuses.append(
                        client.post(
                            "lead/", content=big, headers={"content-type": "application/json"}
                        ).status_code
                    )
                    statuses.append(client.post("lead/", json=contacts).status_code)
                time.sleep(2)
                after = rss_kib(server.pid)
                peak = rss_kib(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"answers: {sorted(set(statuses))}")
    mib = {
        name: f"{value / 1024:.0f} MiB"
        for name, value in (("start", start), ("peak", peak), ("after", after))
    }
    print(f"RSS at start {mib['start']}, high-water {mib['peak']}, after (idle 2 s) {mib['after']}")


if __name__ == "__main__":
    main()
