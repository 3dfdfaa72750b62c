"""`leadbase bootstrap` takes any syntactically valid address, special-use domains included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadbase.cli import main


@pytest.mark.parametrize("email", ["ann@acme.test", "x@example.local", "ops@crm.invalid"])
def test_bootstrap_accepts_special_use_domains(tmp_path: Path, email: str) -> None:
    args = ["bootstrap", "--database-url", f"sqlite:///{tmp_path}/x.db", "--organization", "Acme"]
    result = CliRunner().invoke(main, [*args, "--email", email, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created_user"] is True


@pytest.mark.parametrize("email", ["ann@", "ann", "ann@acme..test", "a b@acme.test"])
def test_bootstrap_still_refuses_what_is_not_an_address(tmp_path: Path, email: str) -> None:
    args = ["bootstrap", "--database-url", f"sqlite:///{tmp_path}/x.db", "--organization", "Acme"]
    result = CliRunner().invoke(main, [*args, "--email", email])
    assert result.exit_code == 2
    assert "--email" in result.output
