"""The logout confirmation's session code (Keycloak's ``logout-confirm`` form, LogoutEndpoint.logoutConfirmAction).

Keycloak keeps the code in a logout authentication session: the form's ``session_code`` must be the current
one, its LOGGING_OUT action expires after the realm's ``accessCodeLifespanUserAction`` (300 s: LOGOUT_ERROR
``expired_code``) and the authentication session after its login lifespan (1800 s: ``session_expired``); any
failure answers "Logout failed" (Messages.FAILED_LOGOUT). Doorkeep keeps no server-side state for it: the code
is ``{issued}.{random}``, written both in the form and in the ``DOORKEEP_LOGOUT_CSRF`` cookie, so another site
cannot post a confirmation (it cannot read the cookie), a replayed form fails once a newer page or the
logout itself has replaced or expired the cookie, and the issue time gives the two lifespans.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Final, Literal

from doorkeep.model import Realm

EXPIRED_CODE: Final = "expired_code"  # Errors.EXPIRED_CODE
SESSION_EXPIRED: Final = "session_expired"  # Errors.SESSION_EXPIRED
FAILED_LOGOUT = "Logout failed"  # Messages.FAILED_LOGOUT (failedLogout)

Verdict = Literal["ok", "expired_code", "session_expired"]


def issue(now: int) -> str:
    """A new session code, issued at ``now``."""
    return f"{now}.{secrets.token_urlsafe(24)}"


def check(realm: Realm, given: str | None, expected: str | None, now: int) -> Verdict:
    """Whether the form's code is the cookie's and still live; else the LOGOUT_ERROR ``error`` Keycloak records."""
    if not given or not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        return SESSION_EXPIRED
    issued, _, _ = expected.partition(".")
    if not issued.isdigit():
        return SESSION_EXPIRED
    age = now - int(issued)
    if age < 0:  # issued in the future: not a code this server wrote (a cookie set by another hand)
        return SESSION_EXPIRED
    if age > max(realm.access_code_lifespan_login, realm.access_code_lifespan_user_action):
        return SESSION_EXPIRED
    if age > realm.access_code_lifespan_user_action:
        return EXPIRED_CODE
    return "ok"
