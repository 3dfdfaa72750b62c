"""Issue 11's query set: each query by hand in SQL, and the forms leadbase may answer it in.

Each Query holds the hand-written WHERE and ORDER BY of the first page of 100 leads (run by
`rawsql.page`, which also fetches their contacts) and the API forms of the same question:
`GET /lead/` with filters where the list endpoint has them, and Close's Advanced Filtering JSON
for `POST /data/search/`. The scenario (bench/search.py) measures every form that answers the
same rows as the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

from bench import dataset, rawsql
from bench.prepare import Org

SEARCH = "/api/v1/data/search/"


@dataclass
class Query:
    name: str
    raw_where: str
    raw_params: list[Any]
    raw_order: str
    # (method, path, body) forms of the same query leadbase might answer, tried in order.
    api_forms: list[tuple[str, str, dict[str, Any] | None]]
    missing: str = ""
    # Compare sort keys rather than ids (ties in a custom sort may order differently).
    sort_key: str | None = None


def _search_body(
    condition: dict[str, Any] | None,
    sort: list[dict[str, Any]] | None = None,
    fields: list[str] | None = None,
) -> dict[str, Any]:
    queries: list[dict[str, Any]] = [{"type": "object_type", "object_type": "lead"}]
    if condition is not None:
        queries.append(condition)
    body: dict[str, Any] = {
        "query": {"type": "and", "queries": queries},
        "_limit": 100,
        "sort": sort
        or [
            {
                "direction": "asc",
                "field": {"type": "regular_field", "object_type": "lead", "field_name": "date_created"},
            }
        ],
    }
    if fields:
        body["_fields"] = {"lead": fields}
    return body


def _custom_condition(field_id: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "field_condition",
        "field": {"type": "custom_field", "custom_field_id": field_id},
        "condition": condition,
    }


def last_quarter(today: date) -> tuple[date, date]:
    """[start, end) of the calendar quarter before the one `today` is in."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = date(today.year, first_month, 1)
    start = date(end.year - 1, 10, 1) if first_month == 1 else date(end.year, first_month - 3, 1)
    return start, end


def queries(ctx: Any, org: Org, statuses: dict[str, str]) -> list[Query]:
    db = ctx.db
    p = db.param
    fields = org.schema.lead_fields
    qualified = statuses.get("Qualified", "")
    out: list[Query] = []
    like = "LIKE" if db.kind == "sqlite" else "ILIKE"
    out.append(
        Query(
            "name prefix (name:Ac)",
            f"AND l.name {like} {p}",
            ["Ac%"],
            "l.date_created, l.id",
            [
                # Unquoted: words starting so (a quoted value is a phrase, found inside words too:
                # "Macast" has "ac"). No dataset name has a later word starting with "Ac".
                ("GET", "/api/v1/lead/?_limit=100&query=" + quote("name:Ac"), None),
                (
                    "POST",
                    SEARCH,
                    _search_body(
                        {
                            "type": "field_condition",
                            "field": {"type": "regular_field", "object_type": "lead", "field_name": "name"},
                            "condition": {"type": "text", "mode": "beginning_of_words", "value": "Ac"},
                        }
                    ),
                ),
            ],
        )
    )
    start, end = "2024-01-01T00:00:00+00:00", "2024-04-01T00:00:00+00:00"
    start_value: Any = start if db.kind == "postgres" else "2024-01-01 00:00:00.000000"
    end_value: Any = end if db.kind == "postgres" else "2024-04-01 00:00:00.000000"
    if db.kind == "postgres":
        start_value, end_value = datetime.fromisoformat(start), datetime.fromisoformat(end)
    out.append(
        Query(
            "status + date range",
            f"AND l.status_id = {p} AND l.date_created >= {p} AND l.date_created < {p}",
            [qualified, start_value, end_value],
            "l.date_created, l.id",
            [
                (
                    "GET",
                    f"/api/v1/lead/?_limit=100&status_id={qualified}&date_created__gte={quote(start)}"
                    f"&date_created__lt={quote(end)}",
                    None,
                ),
                (
                    "POST",
                    SEARCH,
                    _search_body(
                        {
                            "type": "and",
                            "queries": [
                                {
                                    "type": "field_condition",
                                    "field": {
                                        "type": "regular_field",
                                        "object_type": "lead",
                                        "field_name": "status_id",
                                    },
                                    "condition": {
                                        "type": "reference",
                                        "reference_type": "status.lead",
                                        "object_ids": [qualified],
                                    },
                                },
                                {
                                    "type": "field_condition",
                                    "field": {
                                        "type": "regular_field",
                                        "object_type": "lead",
                                        "field_name": "date_created",
                                    },
                                    "condition": {
                                        "type": "moment_range",
                                        "on_or_after": {"type": "fixed_utc", "value": start},
                                        "before": {"type": "fixed_utc", "value": end},
                                    },
                                },
                            ],
                        }
                    ),
                ),
            ],
        )
    )
    revenue, industry, founded = fields.get("Revenue"), fields.get("Industry"), fields.get("Founded")
    if revenue:
        out.append(
            Query(
                "custom number range (Revenue in [1M, 1.1M))",
                f"AND {rawsql.json_number(db, 'l.custom', revenue)} >= {p} "
                f"AND {rawsql.json_number(db, 'l.custom', revenue)} < {p}",
                [1_000_000, 1_100_000],
                "l.date_created, l.id",
                [
                    # GET /lead/ filters by the query string only (as Close's): other
                    # parameters are not filters.
                    (
                        "GET",
                        "/api/v1/lead/?_limit=100&query="
                        + quote(f"custom.{revenue} >= 1000000 custom.{revenue} < 1100000"),
                        None,
                    ),
                    (
                        "POST",
                        SEARCH,
                        _search_body(
                            _custom_condition(
                                revenue, {"type": "number_range", "gte": 1_000_000, "lt": 1_100_000}
                            )
                        ),
                    ),
                ],
            )
        )
    else:
        out.append(
            Query("custom number range", "", [], "", [], missing="custom fields (POST /custom_field/lead/)")
        )
    if industry:
        out.append(
            Query(
                "choices term (Industry = Fintech)",
                f"AND {rawsql.json_field(db, 'l.custom', industry)} = {p}",
                ["Fintech"],
                "l.date_created, l.id",
                [
                    ("GET", "/api/v1/lead/?_limit=100&query=" + quote(f"custom.{industry}:Fintech"), None),
                    (
                        "POST",
                        SEARCH,
                        _search_body(_custom_condition(industry, {"type": "term", "values": ["Fintech"]})),
                    ),
                ],
            )
        )
    else:
        out.append(Query("choices term", "", [], "", [], missing="custom fields (POST /custom_field/lead/)"))
    domain = dataset.SHARED_DOMAINS[7]
    out.append(
        Query(
            f"has a contact with an email @{domain}",
            f"AND l.id IN (SELECT c.lead_id FROM contact c WHERE c.organization_id = {p} "
            f"AND {rawsql.json_text(db, 'c.emails')} LIKE {p})",
            [org.organization_id, f'%@{domain}"%'],
            "l.date_created, l.id",
            [
                (
                    "POST",
                    SEARCH,
                    _search_body(
                        {
                            "type": "has_related",
                            "this_object_type": "lead",
                            "related_object_type": "contact",
                            "related_query": {
                                "type": "has_related",
                                "this_object_type": "contact",
                                "related_object_type": "contact_email",
                                "related_query": {
                                    "type": "field_condition",
                                    "field": {
                                        "type": "regular_field",
                                        "object_type": "contact_email",
                                        "field_name": "email",
                                    },
                                    "condition": {"type": "text", "mode": "phrase", "value": f"@{domain}"},
                                },
                            },
                        }
                    ),
                )
            ],
        )
    )
    if founded:
        out.append(
            Query(
                "sort by a custom date (Founded)",
                "",
                [],
                f"{rawsql.json_field(db, 'l.custom', founded)}, l.id",
                [
                    (
                        "GET",
                        f"/api/v1/lead/?_limit=100&_fields=id,custom.{founded}&query="
                        + quote(f"sort:custom.{founded}"),
                        None,
                    ),
                    (
                        "POST",
                        SEARCH,
                        _search_body(
                            None,
                            [
                                {
                                    "direction": "asc",
                                    "field": {"type": "custom_field", "custom_field_id": founded},
                                }
                            ],
                            fields=["id", f"custom.{founded}"],
                        ),
                    ),
                ],
                sort_key=founded,
            )
        )
    else:
        out.append(
            Query("sort by a custom date", "", [], "", [], missing="custom fields (POST /custom_field/lead/)")
        )
    out.append(_full_text(db, org))
    out.append(_won_last_quarter(db, org))
    return out


# A contact's last name: in contact names and email addresses only, never in a lead's own
# text, so "leads with a contact named ..." is the same answer whichever fields full text covers.
TERM = "Okafor"


def _full_text(db: Any, org: Org) -> Query:
    p = db.param
    like = "LIKE" if db.kind == "sqlite" else "ILIKE"
    return Query(
        f'full-text term ("{TERM}", a contact name)',
        f"AND l.id IN (SELECT c.lead_id FROM contact c WHERE c.organization_id = {p} AND c.name {like} {p})",
        [org.organization_id, f"%{TERM}%"],
        "l.date_created, l.id",
        [
            ("GET", "/api/v1/lead/?_limit=100&query=" + quote(TERM), None),
            (
                "POST",
                SEARCH,
                _search_body({"type": "text", "mode": "full_words", "value": TERM}),
            ),
        ],
    )


def _won_last_quarter(db: Any, org: Org) -> Query:
    p = db.param
    start, end = last_quarter(datetime.now(UTC).date())
    bounds: list[Any] = [start, end] if db.kind == "postgres" else [start.isoformat(), end.isoformat()]
    period = {"type": "start_end_of_predefined_relative_period", "range": "last-quarter"}
    return Query(
        f"an opportunity won last quarter ({start} to {end})",
        "AND l.id IN (SELECT o.lead_id FROM opportunity o JOIN opportunity_status s ON s.id = o.status_id "
        f"WHERE o.organization_id = {p} AND s.type = 'won' AND o.date_won >= {p} AND o.date_won < {p})",
        [org.organization_id, *bounds],
        "l.date_created, l.id",
        [
            (
                "POST",
                SEARCH,
                _search_body(
                    {
                        "type": "has_related",
                        "this_object_type": "lead",
                        "related_object_type": "opportunity",
                        "related_query": {
                            "type": "and",
                            "queries": [
                                {
                                    "type": "field_condition",
                                    "field": {
                                        "type": "regular_field",
                                        "object_type": "opportunity",
                                        "field_name": "status_type",
                                    },
                                    "condition": {"type": "term", "values": ["won"]},
                                },
                                {
                                    "type": "field_condition",
                                    "field": {
                                        "type": "regular_field",
                                        "object_type": "opportunity",
                                        "field_name": "date_won",
                                    },
                                    "condition": {
                                        "type": "moment_range",
                                        "on_or_after": {**period, "which": "start"},
                                        "before": {**period, "which": "end"},
                                    },
                                },
                            ],
                        },
                    }
                ),
            )
        ],
    )
