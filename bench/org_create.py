"""Organization create through the admin API: one call making an organization with its default
configuration, members (users, roles) and an API key each, timed from the client.

    python -m bench.org_create --database-url URL [--count N] [--users U]

A leadbase server is started for the run (one worker, rate limits off, the admin API on); the
organizations are made one after another on an otherwise idle server, after a few unmeasured
warm-up calls. Prints the median and p95 in milliseconds, as JSON.
"""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.servers import leadbase_command, request, running
from bench.stats import median, percentile

ADMIN = "/api/leadbase/admin/organizations/"
WARM_UP = 5


def create_body(number: int, users: int) -> bytes:
    roles = ("admin", "user", "restricteduser")
    members = [
        {"email": f"member{i}.org{number}.{secrets.token_hex(3)}@example.com", "role": roles[i % len(roles)]}
        for i in range(users)
    ]
    return json.dumps({"name": f"Bench {number}", "users": members}).encode()


def measure(database_url: str, count: int, users: int, log: Path) -> dict[str, Any]:
    token = secrets.token_urlsafe(16)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    env = {"LEADBASE_ADMIN_TOKEN": token, "LEADBASE_EMBEDDED_WORKER": "false"}
    command = lambda port: leadbase_command(database_url, port, 1)  # noqa: E731
    samples: list[float] = []
    with running(command, log, "/api/v1/me/", env) as server:
        for number in range(WARM_UP + count):
            body = create_body(number, users)
            started = time.perf_counter()
            status, answer = request(server.port, "POST", ADMIN, headers=headers, body=body)
            elapsed = (time.perf_counter() - started) * 1000
            if status != 201:
                raise RuntimeError(f"create answered {status}: {answer[:300]!r}")
            if number >= WARM_UP:
                samples.append(elapsed)
    return {
        "count": count,
        "users": users,
        "median_ms": round(median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--users", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-org-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        print(json.dumps(measure(url, args.count, args.users, Path(tmp) / "server.log")))


if __name__ == "__main__":
    main()
