"""The leads list (the lead query language, paging, sorting, custom field columns) and a lead."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from leadbase.console.client import Api, ApiError
from leadbase.console.forms import Outcome, attempt, render_form
from leadbase.console.inputs import Choices, form_values, inputs
from leadbase.console.pages import Console, Page, redirect, skip_of

PAGE_SIZE = 25
SORTS = {
    "date_updated": "Last updated",
    "date_created": "Created",
    "name": "Name",
}
BASE_COLUMNS = "id,display_name,status_label,primary_email,date_updated,date_created"


async def lead_fields(api: Api) -> list[dict[str, Any]]:
    """The lead's custom fields, its own and the shared ones associated with leads."""
    return await api.all("custom_field/lead/")


async def choices_for(api: Api, lead: dict[str, Any] | None) -> Choices:
    """The pickers' options: users, and the lead's contacts and custom objects."""
    users = await api.all("user/")
    choices = Choices(users=[(u["id"], u.get("display_name") or u.get("email") or u["id"]) for u in users])
    if lead is not None:
        choices.contacts = [(c["id"], c.get("display_name") or c["id"]) for c in lead.get("contacts") or []]
        by_type: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for obj in await api.all("custom_object/", lead_id=lead["id"]):
            by_type[obj["custom_object_type_id"]].append((obj["id"], obj.get("name") or obj["id"]))
        choices.objects = dict(by_type)
    return choices


def register(console: Console) -> None:
    @console.route("/leads/")
    async def leads(page: Page) -> Response:
        query = page.arg("query")
        sort = page.arg("sort", "date_updated")
        descending = page.arg("dir", "desc") == "desc"
        skip = skip_of(page.arg("skip"))
        fields = await lead_fields(page.api)
        chosen = [f for f in fields if f["id"] in page.request.query_params.getlist("col")]
        wanted = BASE_COLUMNS + "".join(f",custom.{f['id']}" for f in chosen)
        order = ("-" if descending else "") + (sort if sort in SORTS else "date_updated")
        error = ""
        result: dict[str, Any] = {"data": [], "has_more": False}
        try:
            result = await page.api.get(
                "lead/", query=query, _order_by=order, _skip=skip, _limit=PAGE_SIZE, _fields=wanted
            )
        except ApiError as exc:
            if exc.status != 400:
                raise
            error = "; ".join(exc.messages)
        context = dict(
            leads=result.get("data", []),
            has_more=result.get("has_more", False),
            total=result.get("total_results"),
            query=query,
            sort=sort,
            descending=descending,
            skip=skip,
            page_size=PAGE_SIZE,
            sorts=SORTS,
            fields=fields,
            chosen=chosen,
            error=error,
            base_qs=urlencode([(k, v) for k, v in page.request.query_params.multi_items() if k != "skip"]),
        )
        if page.htmx and page.request.headers.get("hx-target") == "lead-results":
            return page.render("leads_results.html", **context)
        return page.render("leads.html", status_code=400 if error else 200, **context)

    @console.route("/lead/{lead_id}/")
    async def lead(page: Page) -> Response:
        lead_id = page.path_params["lead_id"]
        lead = await page.api.get(f"lead/{lead_id}/")
        fields = await lead_fields(page.api)
        types = await page.api.all("custom_object_type/")
        objects = await page.api.all("custom_object/", lead_id=lead_id)
        by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for obj in objects:
            by_type[obj["custom_object_type_id"]].append(obj)
        feed = await page.api.get("activity/", lead_id=lead_id, _limit=50)
        return page.render(
            "lead.html",
            lead=lead,
            fields=fields,
            types=types,
            objects_by_type=by_type,
            activities=feed.get("data", []),
        )

    async def lead_form(page: Page, lead: dict[str, Any] | None) -> Response:
        fields = await lead_fields(page.api)
        statuses = await page.api.all("status/lead/")
        choices = await choices_for(page.api, lead)
        current: dict[str, Any] = dict(lead or {})
        outcome = Outcome()
        if page.form is not None:
            body: dict[str, Any] = {
                "name": page.field("name"),
                "status_id": page.field("status_id") or None,
                "description": page.field("description"),
                "url": page.field("url") or None,
            }
            body.update(form_values(fields, page.fields))
            if lead is None:
                body = {k: v for k, v in body.items() if v is not None}
            outcome = await attempt(
                page.api.post("lead/", body) if lead is None else page.api.put(f"lead/{lead['id']}/", body)
            )
            if not outcome.refused:
                return redirect(f"/lead/{outcome.saved['id']}/")
            current.update(body)
        return render_form(
            page,
            "lead_form.html",
            outcome,
            lead=lead,
            current=current,
            statuses=statuses,
            inputs=inputs(fields, current, choices, outcome.field_errors),
        )

    @console.route("/leads/new/", methods=("GET", "POST"))
    async def lead_new(page: Page) -> Response:
        return await lead_form(page, None)

    @console.route("/lead/{lead_id}/edit/", methods=("GET", "POST"))
    async def lead_edit(page: Page) -> Response:
        lead = await page.api.get(f"lead/{page.path_params['lead_id']}/")
        return await lead_form(page, lead)
