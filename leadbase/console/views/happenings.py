"""What happened: the event log with filters and a live tail, webhook subscriptions, their
delivery log and redelivery."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from leadbase.console.client import DELIVERIES
from leadbase.console.pages import Console, Page, redirect

EVENT_FILTERS = ("object_type", "action", "lead_id", "object_id")
# How often the live tail asks for new events.
TAIL_SECONDS = 2


def register(console: Console) -> None:
    async def event_page(page: Page) -> dict[str, Any]:
        filters = {name: page.arg(name) for name in EVENT_FILTERS}
        result = await page.api.get("event/", _limit=50, **filters)
        return {
            "events": result.get("data", []),
            "filters": filters,
            "live": page.arg("live") == "1",
            "tail_seconds": TAIL_SECONDS,
        }

    @console.route("/events/")
    async def events(page: Page) -> Response:
        return page.render("events.html", **await event_page(page))

    @console.route("/events/rows/")
    async def event_rows(page: Page) -> Response:
        """The table's rows alone: what the live tail swaps in every few seconds."""
        return page.render("event_rows.html", **await event_page(page))

    @console.route("/webhooks/")
    async def webhooks(page: Page) -> Response:
        return page.render("webhooks.html", subscriptions=await page.api.all("webhook/"))

    @console.route("/webhooks/{subscription_id}/")
    async def webhook(page: Page) -> Response:
        subscription = await page.api.get(f"webhook/{page.path_params['subscription_id']}/")
        deliveries = await page.api.get(DELIVERIES, subscription_id=subscription["id"], _limit=50)
        return page.render("webhook.html", subscription=subscription, deliveries=deliveries.get("data", []))

    @console.route("/deliveries/{delivery_id}/redeliver/", methods=("POST",))
    async def redeliver(page: Page) -> Response:
        delivery_id = page.path_params["delivery_id"]
        delivery = await page.api.get(f"{DELIVERIES}{delivery_id}/")
        await page.api.post(f"{DELIVERIES}{delivery_id}/redeliver/", {})
        return redirect(f"/webhooks/{delivery['subscription_id']}/")
