"""The console's session: a signed cookie, and the CSRF token every form carries.

The cookie holds the API key the user signed in with, signed (itsdangerous) so it cannot be forged
or altered, HttpOnly so no script reads it, SameSite=Lax so another site's form posts arrive
without it (and every form also carries the session's CSRF token), scoped to the console's path so
the API never sees it, and Secure when the console is reached over HTTPS. Keeping the key itself,
rather than a server-side session, means a revoked key or a deactivated member ends the console
session at its next page: every page is an API call made with that key.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from leadbase.core.urls import CONSOLE_PREFIX

COOKIE = "leadbase_console"
# A signed-in session lasts two weeks from its last sign-in.
MAX_AGE_SECONDS = 14 * 24 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    api_key: str | None = None
    organization_id: str | None = None
    organization_name: str = ""
    user_name: str = ""
    # Signed in with the admin credential: its token, and the id of the key the console was
    # given for the organization it acts as (revoked when switching away or signing out).
    admin_token: str | None = None
    admin_key_id: str | None = None
    # Set when the cookie must be written on the way out (new session, sign-in, sign-out).
    dirty: bool = False

    @property
    def signed_in(self) -> bool:
        return self.api_key is not None

    @property
    def is_admin(self) -> bool:
        return self.admin_token is not None

    def sign_out(self) -> None:
        self.api_key = self.organization_id = self.admin_token = self.admin_key_id = None
        self.organization_name = self.user_name = ""
        self.dirty = True

    def to_cookie(self) -> dict[str, Any]:
        return {
            "csrf": self.csrf,
            "key": self.api_key,
            "org": self.organization_id,
            "org_name": self.organization_name,
            "user": self.user_name,
            "admin": self.admin_token,
            "admin_key": self.admin_key_id,
        }

    @classmethod
    def from_cookie(cls, data: dict[str, Any]) -> Session:
        return cls(
            csrf=str(data["csrf"]),
            api_key=data.get("key"),
            organization_id=data.get("org"),
            organization_name=str(data.get("org_name") or ""),
            user_name=str(data.get("user") or ""),
            admin_token=data.get("admin"),
            admin_key_id=data.get("admin_key"),
        )


class SessionCookies:
    """Reads and writes the session cookie with one signing key."""

    def __init__(self, secret: str) -> None:
        self._signer = URLSafeTimedSerializer(secret, salt="leadbase.console.session")

    def load(self, request: Request) -> Session:
        raw = request.cookies.get(COOKIE)
        if raw:
            try:
                data = self._signer.loads(raw, max_age=MAX_AGE_SECONDS)
                return Session.from_cookie(data)
            except (BadSignature, KeyError, TypeError):
                pass
        return Session(dirty=True)

    def save(self, session: Session, request: Request, response: Response) -> None:
        if not session.dirty:
            return
        response.set_cookie(
            COOKIE,
            self._signer.dumps(session.to_cookie()),
            max_age=MAX_AGE_SECONDS,
            path=CONSOLE_PREFIX,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )


def csrf_valid(session: Session, presented: str | None) -> bool:
    return bool(presented) and hmac.compare_digest(session.csrf.encode(), (presented or "").encode())
