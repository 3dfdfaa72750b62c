"""Deleting a lead, contact, opportunity, task or custom object: a page that asks first (so the
confirmation works without JavaScript), then the API's DELETE."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from leadbase.console.pages import Console, Page, redirect

# What may be deleted here: the API path, and what the confirmation calls it.
DELETABLE = {
    "lead": "lead",
    "contact": "contact",
    "opportunity": "opportunity",
    "task": "task",
    "custom_object": "custom object",
}


def _name(obj: dict[str, Any]) -> str:
    for key in ("display_name", "name", "text", "note", "status_label"):
        if obj.get(key):
            return str(obj[key])
    return str(obj["id"])


def register(console: Console) -> None:
    @console.route("/delete/{kind}/{object_id}/", methods=("GET", "POST"))
    async def delete(page: Page) -> Response:
        kind, object_id = page.path_params["kind"], page.path_params["object_id"]
        if kind not in DELETABLE:
            return page.render("error.html", status_code=404, error=None, message="Nothing to delete here.")
        obj = await page.api.get(f"{kind}/{object_id}/")
        back = "/leads/" if kind == "lead" else f"/lead/{obj['lead_id']}/"
        if page.form is None:
            return page.render(
                "delete.html", kind=kind, label=DELETABLE[kind], name=_name(obj), obj=obj, back=back
            )
        await page.api.delete(f"{kind}/{object_id}/")
        return redirect(back)
