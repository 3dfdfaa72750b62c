"""Signing in with the admin credential, and acting as one organization after another.

Where the admin API is on (LEADBASE_ADMIN_TOKEN), the administrator signs in with its token and
picks an organization; the console then asks the admin API for an API key of that organization's
first admin and uses it like a signed-in key: every page is that organization's API, so no page
shows another organization's data. The key is revoked when the administrator switches away or
signs out.
"""

from __future__ import annotations

from starlette.responses import Response

from leadbase.console.client import ORGANIZATIONS, Api, ApiError
from leadbase.console.pages import Console, Page, redirect, skip_of
from leadbase.console.session import Session
from leadbase.core.urls import CONSOLE_PREFIX

# Organizations a page (the admin API gives up to 100).
PAGE_SIZE = 50


async def release_key(page: Page) -> None:
    """Revoke the key the console was given for the organization it acts as, if any."""
    session = page.session
    if session.admin_token and session.admin_key_id and session.organization_id:
        try:
            await page.admin_api.delete(
                f"{ORGANIZATIONS}{session.organization_id}/keys/{session.admin_key_id}/"
            )
        except ApiError as exc:
            # Already gone (the organization was deleted or restored): nothing left to revoke.
            if exc.status not in (401, 404):
                raise
    session.api_key = session.admin_key_id = session.organization_id = None
    session.organization_name = session.user_name = ""
    session.dirty = True


async def listing(page: Page, raw_skip: str, *, status_code: int = 200, error: str = "") -> Response:
    """One page of organizations (the admin API's `_skip` and `_limit`), with links to the others."""
    skip = skip_of(raw_skip)
    listed = await page.admin_api.get(ORGANIZATIONS, _skip=skip, _limit=PAGE_SIZE)
    return page.render(
        "organizations.html",
        status_code=status_code,
        organizations=listed.get("data", []),
        has_more=listed.get("has_more", False),
        skip=skip,
        page_size=PAGE_SIZE,
        error=error,
    )


def register(console: Console) -> None:
    @console.route("/admin/sign-in/", methods=("POST",), public=True)
    async def admin_sign_in(page: Page) -> Response:
        if not console.admin_enabled:
            return page.render("error.html", status_code=404, error=None, message="The admin API is off.")
        token = page.field("admin_token").strip()
        api = Api(console.api_app, token, page.base_url, admin=True)
        try:
            await api.get(ORGANIZATIONS, _limit=1)
        except ApiError:
            return page.render(
                "sign_in.html",
                status_code=400,
                next=CONSOLE_PREFIX + "/leads/",
                error="",
                admin_error="That admin token was not accepted.",
                admin_enabled=True,
            )
        finally:
            await api.close()
        await release_key(page)
        page.session.admin_token = token
        # A new CSRF token at sign-in, as for a key.
        page.session.csrf = Session().csrf
        return redirect("/organizations/")

    @console.route("/organizations/", admin=True)
    async def organizations(page: Page) -> Response:
        return await listing(page, page.arg("skip"))

    @console.route("/organizations/{organization_id}/switch/", methods=("POST",), admin=True)
    async def switch(page: Page) -> Response:
        organization_id = page.path_params["organization_id"]
        chosen = await page.admin_api.get(f"{ORGANIZATIONS}{organization_id}/")
        await release_key(page)
        try:
            key = await page.admin_api.post(f"{ORGANIZATIONS}{organization_id}/keys/", {})
        except ApiError as exc:
            if exc.status != 400:
                raise
            return await listing(page, page.field("skip"), status_code=400, error="; ".join(exc.messages))
        session = page.session
        session.api_key = key["api_key"]
        session.admin_key_id = key["id"]
        session.organization_id = organization_id
        session.organization_name = str(chosen.get("name") or "")
        session.user_name = str(key.get("user_name") or "")
        session.dirty = True
        return redirect("/leads/")
