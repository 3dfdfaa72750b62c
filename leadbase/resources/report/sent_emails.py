"""GET /report/sent_emails/{org}/: sent emails, opened and replied to, for all emails (the
first row, `template_id` null) and then per email template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import case, func, select

from leadbase.core import clock
from leadbase.core.errors import Invalid
from leadbase.db.context import Context
from leadbase.db.models import activity
from leadbase.db.resource import resources
from leadbase.resources.report.metrics import opened, replied
from leadbase.resources.report.ranges import moment
from leadbase.resources.report.scope import member_ids

TEMPLATES = "email_template"


def _percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 2) if whole else 0.0


def sent_emails(ctx: Context, params: Mapping[str, str]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    bounds: dict[str, Any] = {}
    for key in ("date_start", "date_end"):
        if params.get(key):
            try:
                bounds[key] = moment(params[key], key, end=key == "date_end")
            except Invalid as exc:
                errors.update(exc.field_errors)
    user_id = params.get("user_id")
    if user_id and user_id not in member_ids(ctx):
        errors["user_id"] = f"Unknown user: {user_id}."
    if errors:
        raise Invalid(errors)
    template = activity.c.payload["template_id"].as_string()
    where = [
        activity.c.organization_id == ctx.organization_id,
        activity.c.type == "Email",
        activity.c.status == "sent",
    ]
    if "date_start" in bounds:
        where.append(activity.c.date_sent >= bounds["date_start"])
    if "date_end" in bounds:
        where.append(activity.c.date_sent < bounds["date_end"])
    if user_id:
        where.append(activity.c.user_id == user_id)
    stmt = (
        select(
            template,
            func.count(),
            func.sum(case((opened(), 1), else_=0)),
            func.sum(case((replied(), 1), else_=0)),
        )
        .where(*where)
        .group_by(template)
    )
    groups = [(t, int(n), int(o or 0), int(r or 0)) for t, n, o, r in ctx.conn.execute(stmt)]
    names = _template_names(ctx, [t for t, *_ in groups if t])
    dates = " ".join(
        f'date {op} "{clock.iso(bounds[k])}"'
        for k, op in (("date_start", ">="), ("date_end", "<"))
        if k in bounds
    )
    rows = [
        _row(
            None,
            "All Emails",
            False,
            sum(g[1] for g in groups),
            sum(g[2] for g in groups),
            sum(g[3] for g in groups),
            dates,
            user_id,
        )
    ]
    for t, n, o, r in sorted((g for g in groups if g[0]), key=lambda g: (-g[1], g[0])):
        name, shared = names.get(t, (t, False))
        rows.append(_row(t, name, shared, n, o, r, dates, user_id))
    return {"sent_email_stats": rows}


def _row(
    template_id: str | None,
    name: str,
    shared: bool,
    total: int,
    opened: int,
    responded: int,
    dates: str,
    user_id: str | None,
) -> dict[str, Any]:
    terms = ["direction:sent"]
    if template_id:
        terms.append(f'template:"{template_id}"')
    if user_id:
        terms.append(f'user:"{user_id}"')
    if dates:
        terms.append(dates)
    base = " ".join(terms)
    return {
        "name": name,
        "template_id": template_id,
        "template_url": f"/email_template/{template_id}/" if template_id else None,
        "is_shared": shared,
        "total": total,
        "opened": opened,
        "responded": responded,
        "percentage_opened": _percent(opened, total),
        "percentage_responded": _percent(responded, total),
        "_queries": {
            "total": f"email({base})",
            "opened": f"email({base} opened:true)",
            "responded": f"email({base} replied:true)",
        },
    }


def _template_names(ctx: Context, ids: list[str]) -> dict[str, tuple[str, bool]]:
    """Names of the templates, when the organization's templates are a registered resource;
    otherwise a template is named by its id."""
    if TEMPLATES not in resources or not ids:
        return {}
    spec = resources.get(TEMPLATES)
    found = spec.service(ctx, spec).repo.find_many(spec, ids)
    return {i: (str(r.get("name") or i), bool(r.get("is_shared", False))) for i, r in found.items()}
