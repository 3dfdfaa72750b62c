"""The custom data model as a whole: custom object types and their fields and back references,
custom activity types, the custom fields of leads, contacts and opportunities, shared fields and
what they are associated with; new types and fields of every type."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from leadbase.console.client import Api
from leadbase.console.forms import Outcome, attempt, render_form
from leadbase.console.inputs import WIDGETS
from leadbase.console.pages import Console, Page, redirect

# Field kinds as /custom_field/<segment>/ names them, and the body key naming their type.
KINDS = {
    "lead": None,
    "contact": None,
    "opportunity": None,
    "activity": "custom_activity_type_id",
    "custom_object_type": "custom_object_type_id",
    "shared": None,
}
FIELD_TYPES = sorted(WIDGETS)
# An association's target as the association URLs name it: `lead`, `custom_object_type/<id>`...
TYPED_TARGETS = {
    "custom_object_type": "custom_object_type_id",
    "custom_activity_type": "custom_activity_type_id",
}
PLAIN_TARGETS = ("lead", "contact", "opportunity")


def _association_body(page: Page) -> dict[str, Any]:
    """`required` and `editable_with_roles` (role ids, comma separated; none: everyone may edit)."""
    roles = [r.strip() for r in page.field("editable_with_roles").split(",") if r.strip()]
    return {"required": page.field("required") == "on", "editable_with_roles": roles}


def _association_path(field_id: str, target: str) -> str:
    return f"custom_field/shared/{field_id}/association/{target}/"


async def _model(api: Api) -> dict[str, Any]:
    return {
        "object_types": await api.all("custom_object_type/"),
        "activity_types": await api.all("custom_activity/"),
        "lead_fields": await api.all("custom_field/lead/"),
        "contact_fields": await api.all("custom_field/contact/"),
        "opportunity_fields": await api.all("custom_field/opportunity/"),
        "shared_fields": await api.all("custom_field/shared/"),
    }


def _field_body(page: Page, kind: str) -> dict[str, Any]:
    kind_type = page.field("type")
    body: dict[str, Any] = {
        "name": page.field("name"),
        "type": kind_type,
        "description": page.field("description") or None,
        "accepts_multiple_values": page.field("accepts_multiple_values") == "on",
    }
    if kind_type == "choices":
        body["choices"] = [c.strip() for c in page.field("choices").splitlines() if c.strip()]
    if kind_type == "custom_object":
        body["referenced_custom_type_id"] = page.field("referenced_custom_type_id") or None
    parent_key = KINDS.get(kind)
    if parent_key:
        body[parent_key] = page.field("parent_id")
    return {k: v for k, v in body.items() if v is not None}


async def _model_page(page: Page, outcome: Outcome) -> Response:
    """The model page, with the API's reasons for refusing a form if it did."""
    return render_form(page, "model.html", outcome, field_types=FIELD_TYPES, **await _model(page.api))


async def _object_type_page(page: Page, type_id: str, outcome: Outcome) -> Response:
    cotype = await page.api.get(f"custom_object_type/{type_id}/")
    return render_form(
        page,
        "object_type.html",
        outcome,
        cotype=cotype,
        field_types=FIELD_TYPES,
        object_types=await page.api.all("custom_object_type/"),
    )


def register(console: Console) -> None:
    @console.route("/model/")
    async def model(page: Page) -> Response:
        return await _model_page(page, Outcome())

    @console.route("/model/shared/{field_id}/associations/new/", methods=("POST",))
    async def association_new(page: Page) -> Response:
        object_type, _, type_id = page.field("target").partition("/")
        body: dict[str, Any] = {"object_type": object_type, **_association_body(page)}
        if object_type in TYPED_TARGETS:
            body[TYPED_TARGETS[object_type]] = type_id
        outcome = await attempt(
            page.api.post(f"custom_field/shared/{page.path_params['field_id']}/association/", body)
        )
        return redirect("/model/#h-shared") if not outcome.refused else await _model_page(page, outcome)

    @console.route("/model/shared/{field_id}/association/save/", methods=("POST",))
    async def association_save(page: Page) -> Response:
        path = _association_path(page.path_params["field_id"], page.field("target"))
        outcome = await attempt(page.api.put(path, _association_body(page)))
        return redirect("/model/#h-shared") if not outcome.refused else await _model_page(page, outcome)

    @console.route("/model/shared/{field_id}/association/remove/", methods=("POST",))
    async def association_remove(page: Page) -> Response:
        path = _association_path(page.path_params["field_id"], page.field("target"))
        outcome = await attempt(page.api.delete(path))
        return redirect("/model/#h-shared") if not outcome.refused else await _model_page(page, outcome)

    @console.route("/model/custom_object_types/new/", methods=("POST",))
    async def object_type_new(page: Page) -> Response:
        body = {
            "name": page.field("name"),
            "name_plural": page.field("name_plural") or page.field("name") + "s",
            "description": page.field("description") or None,
        }
        outcome = await attempt(
            page.api.post("custom_object_type/", {k: v for k, v in body.items() if v is not None})
        )
        if outcome.refused:
            return await _model_page(page, outcome)
        return redirect(f"/model/custom_object_type/{outcome.saved['id']}/")

    @console.route("/model/custom_activity_types/new/", methods=("POST",))
    async def activity_type_new(page: Page) -> Response:
        body = {"name": page.field("name"), "description": page.field("description") or None}
        outcome = await attempt(
            page.api.post("custom_activity/", {k: v for k, v in body.items() if v is not None})
        )
        return await _model_page(page, outcome) if outcome.refused else redirect("/model/")

    @console.route("/model/custom_object_type/{type_id}/")
    async def object_type(page: Page) -> Response:
        return await _object_type_page(page, page.path_params["type_id"], Outcome())

    @console.route("/model/fields/new/", methods=("POST",))
    async def field_new(page: Page) -> Response:
        kind = page.field("kind")
        back = page.field("back") or "/model/"
        if kind not in KINDS or not back.startswith("/model/"):
            return page.render("error.html", status_code=400, error=None, message="Unknown field kind.")
        outcome = await attempt(page.api.post(f"custom_field/{kind}/", _field_body(page, kind)))
        if not outcome.refused:
            return redirect(back)
        if kind == "custom_object_type":
            return await _object_type_page(page, page.field("parent_id"), outcome)
        return await _model_page(page, outcome)
