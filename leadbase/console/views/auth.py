"""Signing in with an API key, and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import RedirectResponse, Response

from leadbase.console.client import Api, ApiError
from leadbase.console.pages import Console, Page, redirect
from leadbase.core.urls import CONSOLE_PREFIX


def _next_path(candidate: str) -> str:
    """Only a path inside the console: a sign-in link cannot send the user elsewhere."""
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc or not candidate.startswith(CONSOLE_PREFIX + "/"):
        return CONSOLE_PREFIX + "/leads/"
    return candidate


def register(console: Console) -> None:
    @console.route("/", public=True)
    async def home(page: Page) -> Response:
        return RedirectResponse(CONSOLE_PREFIX + ("/leads/" if page.session.signed_in else "/sign-in/"))

    @console.route("/sign-in/", methods=("GET", "POST"), public=True)
    async def sign_in(page: Page) -> Response:
        next_path = _next_path(page.field("next") or page.arg("next"))
        if page.form is None:
            return page.render("sign_in.html", next=next_path, error="")
        key = page.field("api_key").strip()
        if not key:
            return page.render("sign_in.html", status_code=400, next=next_path, error="Enter an API key.")
        base = f"{page.request.url.scheme}://{page.request.url.netloc}"
        api = Api(console.api_app, key, base)
        try:
            me = await api.get("me/")
        except ApiError as exc:
            message = "That API key was not accepted." if exc.status == 401 else "; ".join(exc.messages)
            return page.render("sign_in.html", status_code=400, next=next_path, error=message)
        finally:
            await api.close()
        organizations = me.get("organizations") or [{}]
        session = page.session
        session.api_key = key
        session.organization_id = organizations[0].get("id")
        session.organization_name = str(organizations[0].get("name") or "")
        session.user_name = str(me.get("display_name") or me.get("email") or "")
        # A new token at sign-in: a token seen before signing in is worth nothing after.
        session.csrf = type(session)().csrf
        session.dirty = True
        return RedirectResponse(next_path, status_code=303)

    @console.route("/sign-out/", methods=("POST",), public=True)
    async def sign_out(page: Page) -> Response:
        page.session.api_key = None
        page.session.organization_id = None
        page.session.dirty = True
        return redirect("/sign-in/")
