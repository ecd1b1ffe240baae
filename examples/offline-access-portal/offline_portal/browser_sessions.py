"""The portal's own sign-in: a random session id in an HttpOnly cookie, the session itself in memory.

Tokens never go to the browser: the ID token (kept for the logout hint) stays here, the offline token in
doorkeep-keeper's store. Each session carries a CSRF token for the portal's POST forms.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from offline_portal.oidc import PendingLogin

COOKIE = "portal_session"
MAX_SESSIONS = 10_000  # a demo keeps sessions in memory; the oldest go first


@dataclass
class BrowserSession:
    id: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    subject: str | None = None
    username: str | None = None
    id_token: str | None = None
    pending: dict[str, PendingLogin] = field(default_factory=dict)

    def csrf_ok(self, presented: object) -> bool:
        return isinstance(presented, str) and hmac.compare_digest(presented, self.csrf)


class SessionBook:
    """All browser sessions of this process."""

    def __init__(self) -> None:
        self._sessions: dict[str, BrowserSession] = {}

    def of(self, request: Request) -> BrowserSession:
        found = self._sessions.get(request.cookies.get(COOKIE, ""))
        if found is None:
            found = self._add()
        return found

    def _add(self) -> BrowserSession:
        while len(self._sessions) >= MAX_SESSIONS:
            self._sessions.pop(next(iter(self._sessions)))
        fresh = BrowserSession()
        self._sessions[fresh.id] = fresh
        return fresh

    @staticmethod
    def attach(response: Response, session: BrowserSession) -> Response:
        response.set_cookie(COOKIE, session.id, httponly=True, samesite="lax", path="/")
        return response

    def renew(self, old: BrowserSession) -> BrowserSession:
        """A fresh session id after sign-in (no session fixation); the old one is dropped."""
        self._sessions.pop(old.id, None)
        return self._add()
