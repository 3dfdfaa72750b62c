"""The pytest plugin's example suite (examples/pytest_suite/) runs green, in a pytest of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_example_suite_passes(database_url: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADBASE_")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(ROOT / "examples" / "pytest_suite"),
            "--leadbase-database-url",
            database_url,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout, result.stdout
