"""The /report/ routes. Reports only read: each runs in one read transaction."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from leadbase.api.responses import json_response
from leadbase.api.schemas import answer, object_schema, request_body
from leadbase.api.unit import body_of, run
from leadbase.db.context import Context
from leadbase.resources.report.activity import ActivityReport
from leadbase.resources.report.csv import activity_csv, funnel_csv, wants_csv
from leadbase.resources.report.custom import CustomReport
from leadbase.resources.report.funnel import FunnelReport
from leadbase.resources.report.metrics import catalogue
from leadbase.resources.report.scope import own_organization
from leadbase.resources.report.sent_emails import sent_emails
from leadbase.resources.report.statuses import LEAD_STATUSES, OPPORTUNITY_STATUSES, StatusReport

router = APIRouter()
TAGS: list[str | Enum] = ["reporting"]
ANY_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": True}
LIST = {"type": "array", "items": ANY_OBJECT}
RANGE = object_schema(
    "start inclusive, end exclusive (a date alone as end includes that day)",
    start={"type": "string", "format": "date-time"},
    end={"type": "string", "format": "date-time"},
)
USERS = {"type": "array", "items": {"type": "string"}}
SMART_VIEW = object_schema(
    'Only {"type": "saved_search", "saved_search_id": "save_..."}',
    type={"type": "string", "enum": ["saved_search"]},
    saved_search_id={"type": "string"},
)
ACTIVITY_BODY = {
    **object_schema(
        "Which metrics, over which range, split by time (overview) or by user (comparison).",
        type={"type": "string", "enum": ["overview", "comparison"]},
        metrics={"type": "array", "items": {"type": "string"}},
        datetime_range=RANGE,
        relative_range={"type": "string"},
        query=SMART_VIEW,
        users=USERS,
    ),
    "required": ["type", "metrics"],
}
FUNNEL_BODY = {
    **object_schema(
        "The pipeline, the cohort or reporting range, and an optional comparison range.",
        pipeline={"type": "string"},
        type={"type": "string", "enum": ["created-cohort", "active-stage-cohort"]},
        report_relative_range={"type": "string"},
        report_datetime_range=RANGE,
        cohort_relative_range={"type": "string"},
        cohort_datetime_range=RANGE,
        compared_relative_range={"type": "string"},
        compared_datetime_range={"type": "string"},
        compared_custom_range=RANGE,
        query=SMART_VIEW,
        users=USERS,
    ),
    "required": ["pipeline", "type"],
}


def _query(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "schema": {"type": "string"}} for n in names]


ORG = {"name": "org_id", "in": "path", "required": True, "schema": {"type": "string"}}


def _read(request: Request, work: Callable[[Context], Any]) -> Response:
    return json_response(run(request, work, writes=False))


@router.get(
    "/report/activity/metrics/",
    summary="List the predefined metrics used in activity reports",
    operation_id="report_activity_metrics",
    tags=TAGS,
    openapi_extra={"responses": answer(object_schema("The metric catalogue", metrics=LIST))},
)
def activity_metrics(request: Request) -> Response:
    return json_response({"metrics": catalogue()})


@router.post(
    "/report/activity/",
    summary="Get an activity report",
    operation_id="report_activity",
    tags=TAGS,
    openapi_extra={
        "requestBody": request_body(ACTIVITY_BODY),
        "responses": answer(
            object_schema("Totals, and rows per time bucket or user", aggregations=ANY_OBJECT, data=LIST)
        ),
    },
)
def activity_report(request: Request) -> Response:
    body = body_of(request)

    def work(ctx: Context) -> tuple[dict[str, Any], list[str]]:
        report = ActivityReport(ctx, body)
        return report.answer(), report.metrics

    answer, metrics = run(request, work, writes=False)
    return activity_csv(answer, metrics) if wants_csv(request) else json_response(answer)


def _funnel(kind: str) -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        body = body_of(request)
        answer = run(request, lambda ctx: FunnelReport(ctx, body).answer(kind), writes=False)
        return funnel_csv(answer, kind) if wants_csv(request) else json_response(answer)

    return handler


for _kind, _summary in (
    ("stages", "Get a funnel report (stages)"),
    ("totals", "Get a funnel report (totals)"),
):
    router.add_api_route(
        f"/report/funnel/opportunity/{_kind}/",
        _funnel(_kind),
        methods=["POST"],
        summary=_summary,
        operation_id=f"report_funnel_{_kind}",
        tags=TAGS,
        openapi_extra={
            "requestBody": request_body(FUNNEL_BODY),
            "responses": answer(
                object_schema("Aggregated and per-user figures", aggregations=ANY_OBJECT, data=LIST)
            ),
        },
    )


@router.get(
    "/report/sent_emails/{org_id}/",
    summary="Get sent emails report",
    operation_id="report_sent_emails",
    tags=TAGS,
    openapi_extra={
        "parameters": [ORG, *_query("date_start", "date_end", "user_id")],
        "responses": answer(object_schema("All emails first, then each template", sent_email_stats=LIST)),
    },
)
def sent_emails_report(request: Request, org_id: str) -> Response:
    params = request.query_params

    def work(ctx: Context) -> Any:
        own_organization(ctx, org_id)
        return sent_emails(ctx, params)

    return _read(request, work)


STATUS_ANSWER = answer(
    object_schema(
        "Statuses, transitions and their summary",
        status_overview=LIST,
        status_transitions=LIST,
        status_transitions_summary=LIST,
    )
)


@router.get(
    "/report/statuses/lead/{org_id}/",
    summary="Get lead status change report",
    operation_id="report_lead_statuses",
    tags=TAGS,
    openapi_extra={
        "parameters": [ORG, *_query("date_start", "date_end", "query", "smart_view_id")],
        "responses": STATUS_ANSWER,
    },
)
def lead_statuses_report(request: Request, org_id: str) -> Response:
    params = request.query_params

    def work(ctx: Context) -> Any:
        own_organization(ctx, org_id)
        return StatusReport(ctx, LEAD_STATUSES, params).answer()

    return _read(request, work)


@router.get(
    "/report/statuses/opportunity/{org_id}/",
    summary="Get opportunity status change report",
    operation_id="report_opportunity_statuses",
    tags=TAGS,
    openapi_extra={
        "parameters": [ORG, *_query("date_start", "date_end", "query", "smart_view_id", "user_id")],
        "responses": STATUS_ANSWER,
    },
)
def opportunity_statuses_report(request: Request, org_id: str) -> Response:
    params = request.query_params

    def work(ctx: Context) -> Any:
        own_organization(ctx, org_id)
        return StatusReport(ctx, OPPORTUNITY_STATUSES, params).answer()

    return _read(request, work)


@router.get(
    "/report/custom/{org_id}/",
    summary="Get custom report (Explorer)",
    operation_id="report_custom",
    tags=TAGS,
    openapi_extra={
        "parameters": [
            ORG,
            *_query("query", "x", "y", "interval", "group_by", "transform_y", "start", "end"),
        ],
        "responses": answer(object_schema("One series per group", series=LIST)),
    },
)
def custom_report(request: Request, org_id: str) -> Response:
    params = request.query_params

    def work(ctx: Context) -> Any:
        own_organization(ctx, org_id)
        return CustomReport(ctx, params).answer()

    return _read(request, work)
