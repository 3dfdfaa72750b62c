"""The import contracts cover the whole code: every resource package, and config at the edge."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return {c["type"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_every_resource_package_is_in_the_independence_contract() -> None:
    packages = {
        f"leadbase.resources.{p.name}"
        for p in (ROOT / "leadbase" / "resources").iterdir()
        if (p / "__init__.py").exists()
    }
    assert set(_contracts()["independence"]["modules"]) == packages


def test_config_is_read_only_at_the_edge() -> None:
    layers = _contracts()["layers"]["layers"]
    assert layers.index("leadbase.config") == 1  # right under app, cli and asgi


def test_the_contracts_are_kept() -> None:
    linter = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.count(" KEPT") == 2
