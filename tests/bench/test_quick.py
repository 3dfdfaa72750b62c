"""The benchmark's quick mode as a smoke check: every scenario runs and reports, no thresholds.

Runs on the database under test (SQLite, or PostgreSQL when LEADBASE_TEST_DATABASE_URL
points at one). Needs wrk: CI installs it (apt-get, as root); elsewhere the test is skipped
when wrk is missing. Nothing here depends on how fast anything is.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from bench import cli, wrk
from bench.report import TITLES


def _wrk_or_skip() -> None:
    try:
        if os.environ.get("CI") == "true":
            wrk.install_wrk()
        else:
            wrk.find_wrk()
    except wrk.WrkMissing as exc:
        pytest.skip(str(exc))


def test_quick_mode_runs_every_scenario(tmp_path: Path) -> None:
    _wrk_or_skip()
    pg_url = os.environ.get("LEADBASE_TEST_DATABASE_URL")
    kind = "postgres" if pg_url else "sqlite"
    args = ["--quick", "--databases", kind, "--out", str(tmp_path), "--results", str(tmp_path / "RESULTS.md")]
    args += ["--db-name", f"leadbase_bench_ci_{uuid.uuid4().hex[:8]}", "--drop"]
    if pg_url:
        args += ["--pg-url", pg_url]

    status = cli.main(args)

    stored = json.loads((tmp_path / f"results-{kind}.json").read_text())["results"]
    errors = {key: r["error"] for key, r in stored.items() if r["error"]}
    assert errors == {}
    assert status == 0
    assert {key.split("/")[1] for key in stored} == set(TITLES)
    for key, result in stored.items():
        assert result["figures"], f"{key} measured nothing"
        for figure in result["figures"]:
            assert figure["values"], f"{key}: {figure['name']} has no value"
    text = (tmp_path / "RESULTS.md").read_text()
    for title in TITLES.values():
        assert title in text
