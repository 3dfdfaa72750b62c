"""Signing in with an API key, and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.responses import RedirectResponse, Response

from leadbase.console.client import Api, ApiError
from leadbase.console.pages import Console, Page, redirect
from leadbase.console.views.organizations import release_key
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
        if page.session.signed_in:
            return RedirectResponse(CONSOLE_PREFIX + "/leads/")
        return RedirectResponse(
            CONSOLE_PREFIX + ("/organizations/" if page.session.is_admin else "/sign-in/")
        )

    @console.route("/sign-in/", methods=("GET", "POST"), public=True)
    async def sign_in(page: Page) -> Response:
        next_path = _next_path(page.field("next") or page.arg("next"))

        def form(error: str = "", status_code: int = 200) -> Response:
            return page.render(
                "sign_in.html",
                status_code=status_code,
                next=next_path,
                error=error,
                admin_error="",
                admin_enabled=console.admin_enabled,
            )

        if page.form is None:
            return form()
        key = page.field("api_key").strip()
        if not key:
            return form("Enter an API key.", 400)
        base = f"{page.request.url.scheme}://{page.request.url.netloc}"
        api = Api(console.api_app, key, base)
        try:
            me = await api.get("me/")
        except ApiError as exc:
            message = "That API key was not accepted." if exc.status == 401 else "; ".join(exc.messages)
            return form(message, 400)
        finally:
            await api.close()
        organizations = me.get("organizations") or [{}]
        # Signing in with a key ends an administrator's session (and revokes its borrowed key).
        await release_key(page)
        session = page.session
        session.admin_token = None
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
        await release_key(page)
        page.session.sign_out()
        return redirect("/sign-in/")
