"""`leadbase load`: progress, and on a bad line which line, why, what was written, how to resume."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select

from leadbase.cli import main
from leadbase.db.models import lead
from tests.support import new_organization


def _leads(engine: Engine, organization_id: str) -> list[str]:
    with engine.connect() as conn:
        stmt = select(lead.c.name).where(lead.c.organization_id == organization_id).order_by(lead.c.name)
        return [row[0] for row in conn.execute(stmt)]


def _load(database_url: str, key: str, path: Path, *extra: str) -> tuple[int, str]:
    args = ["load", "lead", str(path), "--database-url", database_url, "--api-key", key, "--batch-size", "2"]
    result = CliRunner().invoke(main, [*args, *extra], catch_exceptions=False)
    return result.exit_code, result.output


def test_a_bad_line_says_where_and_the_load_resumes_from_there(
    database_url: str, engine: Engine, tmp_path: Path
) -> None:
    org = new_organization(engine)
    lines = [json.dumps({"name": f"Lead {n}"}) for n in range(1, 8)]
    lines.insert(2, "")  # blank lines count as lines but are no body
    lines[5] = '{"name": "Lead 5"'  # line 6 is cut short
    path = tmp_path / "leads.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, output = _load(database_url, org.api_key, path)
    assert code == 1
    assert "line 6 of" in output and "not JSON" in output
    # Batches of two: lines 1, 2, 4, 5 were two whole batches; line 6 stopped the third.
    assert "4 object(s) were written by this run (lines 1-5)" in output
    assert "resume with --skip 5" in output
    assert _leads(engine, org.organization_id) == ["Lead 1", "Lead 2", "Lead 3", "Lead 4"]

    lines[5] = '{"name": "Lead 5"}'
    path.write_text("\n".join(lines) + "\n")
    code, output = _load(database_url, org.api_key, path, "--skip", "5", "--progress")
    assert code == 0, output
    assert "created 3 lead" in output
    assert _leads(engine, org.organization_id) == [f"Lead {n}" for n in range(1, 8)]


def test_an_invalid_body_names_its_line_and_why(database_url: str, engine: Engine, tmp_path: Path) -> None:
    org = new_organization(engine)
    path = tmp_path / "leads.jsonl"
    bodies = [
        {"name": "Acme"},
        {"name": "Globex"},
        {"name": "Initech"},
        {"name": "Bad", "status_id": "stat_nope"},
    ]
    path.write_text("\n".join(json.dumps(b) for b in bodies) + "\n")
    code, output = _load(database_url, org.api_key, path)
    assert code == 1
    assert "line 4 of" in output and "status: Not a valid" in output and "item 3" not in output
    assert "2 object(s) were written by this run (lines 1-2)" in output and "--skip 2" in output
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(lead).where(lead.c.organization_id == org.organization_id)
        ).scalar_one()
    assert count == 2


def test_progress_shows_count_and_rate(database_url: str, engine: Engine, tmp_path: Path) -> None:
    org = new_organization(engine)
    path = tmp_path / "leads.jsonl"
    path.write_text("\n".join(json.dumps({"name": f"Lead {n}"}) for n in range(5)) + "\n")
    code, output = _load(database_url, org.api_key, path, "--progress")
    assert code == 0, output
    assert "5/5" in output and "lead/s" in output.replace(" ", "")
