"""The command line says what is wrong, in one line, instead of a traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from leadbase.cli import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_unusable_database_url() -> None:
    code, output = run("migrate", "--database-url", "not a url")
    assert code == 2
    assert "is not a database URL leadbase can use" in output and "Traceback" not in output


def test_unreachable_database() -> None:
    code, output = run("migrate", "--database-url", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1
    assert "cannot use the database postgresql://nobody@127.0.0.1:1/none" in output


def test_bad_rate_limit() -> None:
    code, output = run("serve", "--rate-limit", "banana", "--database-url", "sqlite:///unused.db")
    assert code == 2
    assert "'banana' is not 'off' or a rate" in output


def test_bootstrap_checks_the_email(tmp_path: Path) -> None:
    code, output = run(
        "bootstrap", "--database-url", f"sqlite:///{tmp_path}/x.db", "--organization", "A", "--email", "nope"
    )
    assert code == 2
    assert "--email" in output


def test_bootstrap_json_then_again_for_the_same_names(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/x.db"
    args = (
        "bootstrap",
        "--database-url",
        url,
        "--organization",
        "Acme",
        "--email",
        "a@acme.example",
        "--json",
    )
    code, first_output = run(*args)
    assert code == 0, first_output
    first = json.loads(first_output)
    assert first["created_organization"] and first["created_user"]
    code, second_output = run(*args)
    second = json.loads(second_output)
    assert (second["organization_id"], second["user_id"]) == (first["organization_id"], first["user_id"])
    assert not second["created_organization"] and second["api_key"] != first["api_key"]


def test_load_rejects_an_unknown_key(tmp_path: Path) -> None:
    source = tmp_path / "leads.jsonl"
    source.write_text('{"name": "x"}\n')
    code, output = run(
        "load",
        "lead",
        str(source),
        "--database-url",
        f"sqlite:///{tmp_path}/x.db",
        "--api-key",
        "api_unknown",
    )
    assert code == 2
    assert "no active API key matches" in output
