"""Inbound back-channel logout: a logout token POSTed to ``.../logout/backchannel-logout`` by an upstream
identity provider (OIDC Back-Channel Logout 1.0 §2.5, as Keycloak's LogoutEndpoint.backchannelLogout and
TokenManager.verifyLogoutToken answer it).

Keycloak trusts such a token only from an OIDC identity provider of the realm whose issuer is the token's
``iss``, and then ends the sessions brokered through it. Doorkeep's brokering (web/broker*.py) does not yet
take an identity provider's logout token, so the check after decoding (COULD_NOT_FIND_IDP) always fails: every
request gets Keycloak's 400 ``invalid_request`` with the message of the first failing step, and a LOGOUT_ERROR
``invalid_token`` event carrying it as ``reason``. No session is touched and the token is never logged.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events, numbers

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

NUMERIC = ("exp", "nbf", "iat")  # JsonWebToken's Long fields
TEXT = ("jti", "iss", "sub", "typ", "azp", "sid")  # String fields: Jackson refuses an object or array


async def backchannel_logout(tx: Tx, services: Services, req: OAuthRequest) -> None:
    """Refuse the logout token as Keycloak does when the realm has no identity provider for it."""
    token = req.form.get("logout_token")
    if token is None:
        reason = e.NO_LOGOUT_TOKEN
    elif decode(token) is None:
        reason = e.LOGOUT_TOKEN_UNDECODABLE
    else:
        reason = e.LOGOUT_TOKEN_NO_IDP
    await events.record(
        tx,
        req.realm,
        "LOGOUT_ERROR",
        now=services.clock.now(),
        ip=req.ip_address,
        error="invalid_token",
        details={"reason": reason},
    )
    raise e.InvalidRequest(reason)


def decode(token: str) -> dict[str, Any] | None:
    """TokenManager.toLogoutToken: JWSInput's parse (two or three dot-separated base64url parts, as Java's
    ``split`` drops trailing empty ones; a JSON header) and the payload read as a LogoutToken. The signature is
    not checked here: Keycloak checks it with the identity provider's keys, after finding one."""
    parts = token.split(".")
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) not in (2, 3):
        return None
    header, payload = _json(parts[0]), _json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict) or not _typed(payload):
        return None
    return payload


def _json(segment: str) -> Any:
    try:
        return numbers.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        return None


def _typed(claims: dict[str, Any]) -> bool:
    """Whether Jackson could bind these claims to LogoutToken's typed fields."""
    for name in NUMERIC:
        value = claims.get(name)
        if isinstance(value, bool) or not (value is None or isinstance(value, int | float) or _numeric(value)):
            return False
    if any(isinstance(claims.get(name), dict | list) for name in TEXT):
        return False
    aud = claims.get("aud")
    if isinstance(aud, dict) or (isinstance(aud, list) and any(isinstance(a, dict | list) for a in aud)):
        return False
    return claims.get("events") is None or isinstance(claims.get("events"), dict)


def _numeric(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        float(value)
    except ValueError:
        return False
    return True
