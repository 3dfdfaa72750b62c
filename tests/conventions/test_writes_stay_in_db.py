"""Database writes live in leadbase/db/: the repository scopes them and the unit of work records them.

A write elsewhere (an INSERT, UPDATE or DELETE built with SQLAlchemy, or written as SQL
text) bypasses both. The few modules that still write on their own are listed with the
reason; the list may only shrink: a listed module that stops writing fails too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "leadbase"
WRITERS = {"insert", "update", "delete"}
SQL_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

# Modules that still write outside db/, and why (move them into db/ and drop them here).
KNOWN: dict[str, str] = {}


def writes_in(path: Path) -> list[str]:
    """`line: what` for each database write the module builds."""
    tree = ast.parse(path.read_text(), filename=str(path))
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
        for alias in node.names
        if alias.name in WRITERS
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id in imported:
            found.append(f"{node.lineno}: {node.func.id}()")
        elif isinstance(node.func, ast.Name) and node.func.id == "text" and node.args:
            first = node.args[0]
            if (
                isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and SQL_WRITE.match(first.value)
            ):
                found.append(f"{node.lineno}: text({first.value.split()[0]} ...)")
    return found


def _modules() -> dict[str, list[str]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(("db/", "migrations/")):
            continue
        writes = writes_in(path)
        if writes:
            out[relative] = writes
    return out


def test_no_database_writes_outside_db() -> None:
    unexpected = {m: w for m, w in _modules().items() if m not in KNOWN}
    assert not unexpected, f"write through leadbase/db (Repository, Service, the unit of work): {unexpected}"


def test_the_list_of_known_writers_only_shrinks() -> None:
    still_writing = _modules()
    stale = [m for m in KNOWN if m not in still_writing]
    assert not stale, f"no longer writes outside db/: remove from KNOWN: {stale}"


def test_the_lint_sees_a_write(tmp_path: Path) -> None:
    module = tmp_path / "sneaky.py"
    module.write_text(
        "from sqlalchemy import delete as remove, text\n"
        "def f(conn, t):\n"
        "    conn.execute(remove(t))\n"
        "    conn.execute(text('update lead set name = 1'))\n"
        "    conn.execute(text('SELECT 1'))\n"
    )
    assert writes_in(module) == ["3: remove()", "4: text(update ...)"]
