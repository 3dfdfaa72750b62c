"""What every console page shares: the session, the CSRF check, the API client, rendering.

A handler is `async def view(page: Page) -> Response`, wrapped by `Console.route`, which loads the
session, refuses a state-changing request without the session's CSRF token (403), sends a visitor
who is not signed in to the sign-in page, and turns the API's 404 into the console's own 404 (so
another organization's id is a 404 here as in the API) and its 401 (a revoked key) into signing out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp

from leadbase.console.client import Api, ApiError
from leadbase.console.session import CSRF_FIELD, CSRF_HEADER, Session, SessionCookies, csrf_valid
from leadbase.core.urls import CONSOLE_PREFIX

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["P"] = CONSOLE_PREFIX
templates.env.globals["CSRF_FIELD"] = CSRF_FIELD

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Page:
    """One request to the console: its session, its form, and the API as the signed-in key."""

    def __init__(self, request: Request, session: Session, app: ASGIApp, form: FormData | None) -> None:
        self.request = request
        self.session = session
        self._app = app
        self.form = form
        self._api: Api | None = None
        self._admin_api: Api | None = None

    @property
    def base_url(self) -> str:
        return f"{self.request.url.scheme}://{self.request.url.netloc}"

    @cached_property
    def api(self) -> Api:
        assert self.session.api_key is not None
        self._api = Api(self._app, self.session.api_key, self.base_url)
        return self._api

    @cached_property
    def admin_api(self) -> Api:
        """The admin API with the session's admin token (only for an admin session)."""
        assert self.session.admin_token is not None
        self._admin_api = Api(self._app, self.session.admin_token, self.base_url, admin=True)
        return self._admin_api

    async def close(self) -> None:
        for client in (self._api, self._admin_api):
            if client is not None:
                await client.close()

    def arg(self, name: str, default: str = "") -> str:
        return self.request.query_params.get(name, default)

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value if isinstance(value, str) else default

    def fields(self, name: str) -> list[str]:
        if self.form is None:
            return []
        return [v for v in self.form.getlist(name) if isinstance(v, str)]

    @property
    def path_params(self) -> dict[str, str]:
        return dict(self.request.path_params)

    @property
    def htmx(self) -> bool:
        return self.request.headers.get("hx-request") == "true"

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.update(session=self.session, csrf=self.session.csrf, request=self.request)
        return templates.TemplateResponse(self.request, template, context, status_code=status_code)


Handler = Callable[[Page], Awaitable[Response]]


def skip_of(raw: str) -> int:
    """A list page's `skip` as its URL or form gives it: a count from 0; anything else (empty,
    negative, not a number) is the first page."""
    try:
        return max(int(raw or "0"), 0)
    except ValueError:
        return 0


def redirect(path: str) -> RedirectResponse:
    """After a POST, to a page of the console (303: the browser follows with a GET)."""
    return RedirectResponse(CONSOLE_PREFIX + path, status_code=303)


class Console:
    """The console's routes, sharing one cookie signer (made on first use: see `secret`)."""

    def __init__(self, api_app: ASGIApp, secret: Callable[[], str]) -> None:
        self.api_app = api_app
        self._secret = secret
        self.routes: list[Route] = []

    @property
    def admin_enabled(self) -> bool:
        """Whether the server has an admin token (the admin API, and so the admin sign-in, is on)."""
        state = getattr(self.api_app, "state", None)
        return bool(getattr(state, "admin_token", None))

    @cached_property
    def cookies(self) -> SessionCookies:
        return SessionCookies(self._secret())

    def route(
        self,
        path: str,
        *,
        methods: tuple[str, ...] = ("GET",),
        public: bool = False,
        admin: bool = False,
    ) -> Callable[[Handler], Handler]:
        """`public`: no sign-in needed; `admin`: the admin credential is needed (no organization)."""

        def register(handler: Handler) -> Handler:
            async def endpoint(request: Request) -> Response:
                return await self._serve(request, handler, public=public, admin=admin)

            self.routes.append(Route(path, endpoint, methods=list(methods), name=handler.__name__))
            return handler

        return register

    async def _serve(self, request: Request, handler: Handler, *, public: bool, admin: bool) -> Response:
        session = self.cookies.load(request)
        form = None
        if request.method not in SAFE_METHODS:
            form = await request.form()
            token = form.get(CSRF_FIELD)
            presented = token if isinstance(token, str) else request.headers.get(CSRF_HEADER)
            if not csrf_valid(session, presented):
                response: Response = HTMLResponse(
                    "<h1>403</h1><p>This form has expired or did not come from the console. "
                    "Go back, reload the page and send it again.</p>",
                    status_code=403,
                )
                self.cookies.save(session, request, response)
                return response
        allowed = public or (session.is_admin if admin else session.signed_in)
        if not allowed:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            # An administrator who has not picked an organization yet picks one first.
            where = "/organizations/" if session.is_admin and not admin else f"/sign-in/?next={quote(target)}"
            response = RedirectResponse(CONSOLE_PREFIX + where, status_code=303)
            self.cookies.save(session, request, response)
            return response
        page = Page(request, session, self.api_app, form)
        try:
            response = await handler(page)
        except ApiError as exc:
            response = self._failure(page, exc)
        finally:
            await page.close()
        self.cookies.save(session, request, response)
        response.headers.setdefault("cache-control", "no-store")
        return response

    def _failure(self, page: Page, exc: ApiError) -> Response:
        if exc.status == 401:
            page.session.sign_out()
            return RedirectResponse(f"{CONSOLE_PREFIX}/sign-in/", status_code=303)
        return page.render("error.html", status_code=exc.status, error=exc)
