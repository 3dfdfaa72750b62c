"""The search scenario's figures as one Markdown table per database, for bench/RESULTS.md.

    python -m bench.search_table OUT/results-postgres.json

A row per query, size and API form: API p50 and p95, the raw SQL's p50 and p95 (with the count
for `GET /lead/`, which answers `total_results`), the ratio, the runs and the 1-minute load at
each raw run. Reads the results file `python -m bench --only search` writes; measures nothing.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
from pathlib import Path
from typing import Any

_NAME = re.compile(r"(.*) @ (\d+) leads via (\S+ \S+): (.*)$")


def _value(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else (f"{x:.1f}" if x >= 10 else f"{x:.2f}")


def _median(figure: dict[str, Any]) -> float:
    return float(statistics.median(figure["values"]))


def _mark(figure: dict[str, Any]) -> str:
    return "✓" if figure.get("met") else "✗"


def table(results: dict[str, Any]) -> str:
    (search,) = [r for key, r in results["results"].items() if key.endswith("/search")]
    rows: dict[tuple[int, str, str], dict[str, dict[str, Any]]] = {}
    for figure in search["figures"]:
        match = _NAME.match(figure["name"])
        if match:
            query, size, form, what = match.groups()
            rows.setdefault((int(size), query, form), {})[what] = figure
    lines = [
        "| query @ leads, form | API p50 | API p95 (< 50 ms) | raw p50 | raw p95 "
        "| API p95 / raw p95 (<= 3x) | runs | load (1 min) |",
        "|---|--:|--:|--:|--:|--:|--:|---|",
    ]
    for size, query, form in sorted(rows, key=lambda k: (-k[0], k[1], k[2])):
        row = rows[(size, query, form)]
        if "API p95" not in row:
            continue
        api50, api95, raw50, raw95 = (row[k] for k in ("API p50", "API p95", "raw SQL p50", "raw SQL p95"))
        ratio = row["API p95 / raw p95"]
        counted = " (+ count)" if form.startswith("GET") else ""
        load = str(raw50.get("note") or "").split("load ")[-1]
        lines.append(
            f"| {query} @ {size:,}, {form}{counted} | {_value(_median(api50))} "
            f"| {_value(_median(api95))} {_mark(api95)} | {_value(_median(raw50))} "
            f"| {_value(_median(raw95))} | {_median(ratio):.2f}x {_mark(ratio)} "
            f"| {len(api95['values'])} | {load} |"
        )
    lines += [f"- {line}" for line in [*search.get("unavailable", []), *search.get("notes", [])]]
    if search.get("error"):
        lines.append(f"- ERROR {search['error']}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(json.loads(Path(sys.argv[1]).read_text())))
