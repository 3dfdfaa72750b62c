"""Opportunities and tasks of a lead: create and edit, with the API's own messages."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from leadbase.console.forms import Outcome, attempt, lead_child_pages, render_form
from leadbase.console.inputs import form_values, inputs, number
from leadbase.console.pages import Console, Page, redirect
from leadbase.console.views.leads import choices_for

VALUE_PERIODS = ("one_time", "monthly", "annual")


async def save(page: Page, path: str, body: dict[str, Any], existing: str | None) -> Any:
    """POST a new object (without the inputs left empty) or PUT an existing one (empty clears)."""
    if existing is None:
        return await page.api.post(path, {k: v for k, v in body.items() if v is not None})
    return await page.api.put(f"{path}{existing}/", body)


def register(console: Console) -> None:
    async def opportunity_form(page: Page, lead_id: str, opportunity: dict[str, Any] | None) -> Response:
        lead = await page.api.get(f"lead/{lead_id}/")
        fields = await page.api.all("custom_field/opportunity/")
        statuses = await page.api.all("status/opportunity/")
        choices = await choices_for(page.api, lead)
        current: dict[str, Any] = dict(opportunity or {})
        outcome = Outcome()
        if page.form is not None:
            body: dict[str, Any] = {
                "status_id": page.field("status_id") or None,
                "value": number(page.field("value")) if page.field("value").strip() else None,
                "value_period": page.field("value_period") or None,
                "confidence": number(page.field("confidence")) if page.field("confidence").strip() else None,
                "note": page.field("note"),
                "contact_id": page.field("contact_id") or None,
                "user_id": page.field("user_id") or None,
            }
            body.update(form_values(fields, page.fields))
            if opportunity is None:
                body["lead_id"] = lead_id
            outcome = await attempt(
                save(page, "opportunity/", body, opportunity["id"] if opportunity else None)
            )
            if not outcome.refused:
                return redirect(f"/lead/{lead_id}/")
            current.update(body)
        return render_form(
            page,
            "opportunity_form.html",
            outcome,
            lead=lead,
            opportunity=opportunity,
            current=current,
            statuses=statuses,
            periods=VALUE_PERIODS,
            choices=choices,
            inputs=inputs(fields, current, choices, outcome.field_errors),
        )

    lead_child_pages(console, "opportunity", "opportunities", opportunity_form)

    async def task_form(page: Page, lead_id: str, task: dict[str, Any] | None) -> Response:
        lead = await page.api.get(f"lead/{lead_id}/")
        choices = await choices_for(page.api, None)
        current: dict[str, Any] = dict(task or {})
        outcome = Outcome()
        if page.form is not None:
            body: dict[str, Any] = {
                "text": page.field("text"),
                "date": page.field("date") or None,
                "assigned_to": page.field("assigned_to") or None,
                "is_complete": page.field("is_complete") == "on",
            }
            if task is None:
                body["lead_id"] = lead_id
            outcome = await attempt(save(page, "task/", body, task["id"] if task else None))
            if not outcome.refused:
                return redirect(f"/lead/{lead_id}/")
            current.update(body)
        return render_form(
            page, "task_form.html", outcome, lead=lead, task=task, current=current, users=choices.users
        )

    lead_child_pages(console, "task", "tasks", task_form)
