"""Work the organization asked for: the captured outbox (what leadbase sent, or would have), bulk
actions and exports with their progress, refreshed live (htmx polling) while any is running."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from leadbase.console.client import OUTBOX
from leadbase.console.forms import Outcome, attempt, render_form
from leadbase.console.pages import Console, Page, redirect, skip_of

OUTBOX_FILTERS = ("channel", "status", "address", "lead_id")
OUTBOX_PAGE = 50
BULK_KINDS = ("edit", "delete", "email", "sequence_subscription")
# Statuses of work not finished yet: while one is listed, the page asks again every few seconds.
RUNNING = frozenset({"created", "started", "processing", "in_progress"})
REFRESH_SECONDS = 2
EXPORT_TYPES = ("leads", "contacts", "lead_opps")
EXPORT_FORMATS = ("csv", "json")


def _running(items: list[dict[str, Any]]) -> bool:
    return any(item.get("status") in RUNNING for item in items)


def register(console: Console) -> None:
    @console.route("/outbox/")
    async def outbox(page: Page) -> Response:
        filters = {name: page.arg(name) for name in OUTBOX_FILTERS}
        skip = skip_of(page.arg("skip"))
        result = await page.api.get(OUTBOX, _skip=skip, _limit=OUTBOX_PAGE, **filters)
        return page.render(
            "outbox.html",
            messages=result.get("data", []),
            has_more=result.get("has_more", False),
            filters=filters,
            skip=skip,
            page_size=OUTBOX_PAGE,
            base_qs=urlencode({k: v for k, v in filters.items() if v}),
        )

    async def bulk_actions(page: Page) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for kind in BULK_KINDS:
            listed = await page.api.get(f"bulk_action/{kind}/", _limit=25)
            found.extend({**item, "kind": kind} for item in listed.get("data", []))
        found.sort(key=lambda item: str(item.get("date_created") or ""), reverse=True)
        return found

    @console.route("/bulk/")
    async def bulk(page: Page) -> Response:
        actions = await bulk_actions(page)
        return page.render("bulk.html", actions=actions, running=_running(actions), refresh=REFRESH_SECONDS)

    @console.route("/bulk/rows/")
    async def bulk_rows(page: Page) -> Response:
        """The table alone, what the page swaps in while work runs (without polling once done)."""
        actions = await bulk_actions(page)
        return page.render(
            "bulk_rows.html", actions=actions, running=_running(actions), refresh=REFRESH_SECONDS
        )

    async def export_list(page: Page) -> list[dict[str, Any]]:
        listed = await page.api.get("export/", _limit=50)
        exports: list[dict[str, Any]] = listed.get("data", [])
        return exports

    async def exports_page(page: Page, outcome: Outcome, current: dict[str, str]) -> Response:
        exports = await export_list(page)
        return render_form(
            page,
            "exports.html",
            outcome,
            exports=exports,
            running=_running(exports),
            refresh=REFRESH_SECONDS,
            current=current,
            types=EXPORT_TYPES,
            formats=EXPORT_FORMATS,
        )

    @console.route("/exports/")
    async def exports(page: Page) -> Response:
        return await exports_page(page, Outcome(), {"type": "leads", "format": "csv", "query": ""})

    @console.route("/exports/rows/")
    async def export_rows(page: Page) -> Response:
        exports = await export_list(page)
        return page.render(
            "export_rows.html", exports=exports, running=_running(exports), refresh=REFRESH_SECONDS
        )

    @console.route("/exports/new/", methods=("POST",))
    async def export_new(page: Page) -> Response:
        current = {name: page.field(name) for name in ("type", "format", "query")}
        body: dict[str, Any] = {"type": current["type"], "format": current["format"]}
        if current["query"].strip():
            body["query"] = current["query"]
        outcome = await attempt(page.api.post("export/lead/", body))
        if not outcome.refused:
            return redirect("/exports/")
        return await exports_page(page, outcome, current)
