"""CSV forms of the reports Close serves as CSV when asked by the Accept header: the activity
report (its rows) and the funnel reports (their per-user rows only, as Close documents)."""

from __future__ import annotations

import csv
import io
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

CSV = "text/csv"


def wants_csv(request: Request) -> bool:
    return CSV in request.headers.get("accept", "").lower()


def _table(header: list[str], rows: list[dict[str, Any]]) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in header})
    return Response(out.getvalue(), media_type=f"{CSV}; charset=utf-8")


def activity_csv(report: dict[str, Any], metrics: list[str]) -> Response:
    first = "datetime" if report["data"] and "datetime" in report["data"][0] else "user_id"
    return _table([first, *metrics], report["data"])


def funnel_csv(report: dict[str, Any], kind: str) -> Response:
    if kind == "totals":
        rows = report["data"]
        header = ["user_id", *[k for k in report["aggregations"] if k != "user_id"]]
        return _table(header, rows)
    flat = []
    for entry in report["data"]:
        for stage in entry["stages"]:
            status = stage["status"]
            flat.append(
                {
                    "user_id": entry["user_id"],
                    "status_id": status["id"],
                    "status_label": status["label"],
                    **{k: v for k, v in stage.items() if k != "status"},
                }
            )
    stages = report["aggregations"]["stages"]
    keys = [k for k in stages[0] if k != "status"] if stages else []
    return _table(["user_id", "status_id", "status_label", *keys], flat)
