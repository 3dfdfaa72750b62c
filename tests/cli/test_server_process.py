"""What the module `leadbase serve` loads sets up in its process besides the app: the collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_the_server_module_freezes_start_up_and_raises_the_young_generation_threshold(
    tmp_path: Path,
) -> None:
    # In a process of its own: the settings are the process's, and the module builds an app.
    code = "import gc, leadbase.asgi; print(*gc.get_threshold(), gc.get_freeze_count())"
    env = {
        **os.environ,
        "LEADBASE_DATABASE_URL": f"sqlite:///{tmp_path / 'server.db'}",
        "LEADBASE_EMBEDDED_WORKER": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    young, middle, old, frozen = map(int, done.stdout.split())
    # A page of whole leads no longer sets off young-generation collections (bench/RESULTS.md).
    assert (young, middle, old) == (10_000, 10, 10)
    # What start-up made (modules, the app, its routes and schemas) is out of the collector's reach.
    assert frozen > 50_000
