"""bench/search_table.py: the search scenario's figures as the table RESULTS.md shows."""

from __future__ import annotations

from typing import Any

from bench.search_table import table


def _figure(name: str, values: list[float], met: bool | None = None, note: str = "") -> dict[str, Any]:
    return {"name": name, "unit": "ms", "values": values, "target": "", "met": met, "note": note}


def test_a_row_per_query_size_and_form_with_its_marks() -> None:
    form = "name prefix (name:Ac) @ 1000000 leads via GET /lead/"
    figures = [
        _figure(f"{form}: API p50", [30.0, 34.0]),
        _figure(f"{form}: API p95", [40.0, 60.0], met=True),
        _figure(f"{form}: raw SQL p50", [100.0, 120.0], note="with the total count; 100 rows; load 1.5, 1.7"),
        _figure(f"{form}: raw SQL p95", [150.0, 170.0]),
        _figure(f"{form}: API p95 / raw p95", [0.25, 0.35], met=True),
        _figure("name prefix (name:Ac) @ 100000 leads: raw SQL p50 (no API form to compare yet)", [9.0]),
    ]
    results = {"results": {"sqlite/search": {"figures": figures, "notes": ["each query: a page"]}}}
    lines = table(results).splitlines()
    assert lines[2] == (
        "| name prefix (name:Ac) @ 1,000,000, GET /lead/ (+ count) | 32.0 | 50.0 ✓ | 110 | 160 "
        "| 0.30x ✓ | 2 | 1.5, 1.7 |"
    )
    assert lines[3:] == ["- each query: a page"]
