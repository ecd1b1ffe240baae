"""Keycloak's ClientData: the client's redirect in every login-actions URL (``client_data``), so that a tab whose
authentication session is gone can still answer its client (SessionCodeChecks: ALREADY_LOGGED_IN).

The value is base64url (unpadded) of a JSON object with ``ru`` (redirect URI), ``rt`` (response type), ``rm``
(response mode) and ``st`` (state), absent members left out. It is no secret and never trusted: the redirect URI
is checked against the client's registered ones before anything is sent there.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from doorkeep.numbers import loads
from doorkeep.oauth.auth_request import AuthRequest

PARAM = "client_data"  # Constants.CLIENT_DATA
MAX_LENGTH = 4000  # longer is refused outright, as any over-long parameter


@dataclass(frozen=True)
class ClientData:
    redirect_uri: str | None
    response_type: str | None
    response_mode: str | None
    state: str | None


def encode(request: AuthRequest) -> str:
    """``AuthenticationProcessor.getClientData``: the login request's redirect, encoded."""
    members: dict[str, str | None] = {
        "ru": request.redirect_uri,
        "rt": request.response_type,
        "rm": request.response_mode,
        "st": request.state,
    }
    compact = {k: v for k, v in members.items() if v}
    raw = json.dumps(compact, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(value: str) -> ClientData:
    """``ClientData.decodeClientDataFromParameter``; ValueError when it is not one."""
    if len(value) > MAX_LENGTH:
        raise ValueError("client_data too long")
    try:
        parsed = loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))  # bounded nesting
    except ValueError as err:  # binascii.Error, UnicodeDecodeError, json.JSONDecodeError
        raise ValueError("client_data is not base64url JSON") from err
    if not isinstance(parsed, dict):
        raise ValueError("client_data is not an object")
    members = [parsed.get(k) for k in ("ru", "rt", "rm", "st")]
    if any(m is not None and not isinstance(m, str) for m in members):
        raise ValueError("client_data members are strings")
    return ClientData(*members)
