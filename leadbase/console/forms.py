"""What every console form does with the API's answer: a write that succeeds moves on, a 400
comes back as the API's own messages (and its field errors, shown beside their inputs) on the
same form, status 400, with what the user typed kept. Any other error is the console's error page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from leadbase.console.client import ApiError
from leadbase.console.pages import Console, Page


@dataclass
class Outcome:
    """A form's write: what the API made, or why it refused."""

    saved: Any = None
    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.errors)


async def attempt(write: Awaitable[Any]) -> Outcome:
    """Await an API write; a 400 becomes the refusal to show, anything else propagates."""
    try:
        return Outcome(saved=await write)
    except ApiError as exc:
        if exc.status != 400:
            raise
        return Outcome(errors=exc.messages, field_errors=exc.field_errors)


def render_form(page: Page, template: str, outcome: Outcome, **context: Any) -> Response:
    """The form page again (or for the first time), with the refusal if there is one."""
    return page.render(
        template,
        status_code=400 if outcome.refused else 200,
        errors=outcome.errors,
        field_errors=outcome.field_errors,
        **context,
    )


# A form for an object that lives on a lead: (page, the lead's id, the object or None for a new one).
LeadChildForm = Callable[[Page, str, "dict[str, Any] | None"], Awaitable[Response]]


def lead_child_pages(console: Console, kind: str, plural: str, form: LeadChildForm) -> None:
    """The two pages of an object on a lead: `/lead/{id}/<plural>/new/` and `/<kind>/{id}/edit/`
    (the edit page reads the object first, for its lead)."""

    async def new(page: Page) -> Response:
        return await form(page, page.path_params["lead_id"], None)

    async def edit(page: Page) -> Response:
        obj = await page.api.get(f"{kind}/{page.path_params['object_id']}/")
        return await form(page, obj["lead_id"], obj)

    new.__name__, edit.__name__ = f"{kind}_new", f"{kind}_edit"
    console.route(f"/lead/{{lead_id}}/{plural}/new/", methods=("GET", "POST"))(new)
    console.route(f"/{kind}/{{object_id}}/edit/", methods=("GET", "POST"))(edit)
