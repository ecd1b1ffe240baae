"""The portal as an OIDC relying party: authorization code flow with PKCE (RFC 7636), state and nonce.

The ID token arrives over the direct back-channel call to the token endpoint, so its signature need not be
checked (OIDC Core §3.1.3.7, item 6); issuer, audience and nonce are.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from offline_portal.settings import Settings

SCOPE = "openid offline_access"


@dataclass(frozen=True)
class PendingLogin:
    """What the portal remembers between sending the user to Doorkeep and the callback."""

    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> PendingLogin:
        return cls(secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48))

    def authorization_url(self, settings: Settings) -> str:
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        query = {
            "client_id": settings.client_id,
            "response_type": "code",
            "scope": SCOPE,
            "redirect_uri": settings.redirect_uri,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        return f"{settings.oidc}/auth?{urlencode(query)}"


class LoginFailed(Exception):
    """The login did not complete; the message is safe to show."""


async def exchange(http: httpx.AsyncClient, settings: Settings, login: PendingLogin, code: str) -> dict[str, Any]:
    """Trade the code for tokens and check the ID token's issuer, audience and nonce."""
    response = await http.post(
        f"{settings.oidc}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": settings.redirect_uri,
            "code_verifier": login.verifier,
            "client_id": settings.client_id,
            "client_secret": settings.client_secret,
        },
    )
    if response.status_code != 200:
        reason = response.json().get("error_description", response.status_code)
        raise LoginFailed(f"Doorkeep refused the code: {reason}")
    body: dict[str, Any] = response.json()
    claims = jwt.decode(body.get("id_token", ""), options={"verify_signature": False})
    if claims.get("iss") != settings.issuer or settings.client_id not in _list(claims.get("aud")):
        raise LoginFailed("the ID token was not issued for this portal")
    if claims.get("nonce") != login.nonce:
        raise LoginFailed("the ID token does not answer this login (nonce)")
    if "offline_access" not in str(body.get("scope", "")).split():
        raise LoginFailed("Doorkeep did not grant offline access")
    body["id_claims"] = claims
    return body


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def logout_url(settings: Settings, id_token: str | None) -> str:
    """RP-initiated logout: ends the Doorkeep SSO session; the offline session stays (that is the point)."""
    query = {"client_id": settings.client_id, "post_logout_redirect_uri": f"{settings.public_url}/?logged_out=1"}
    if id_token:
        query["id_token_hint"] = id_token
    return f"{settings.oidc}/logout?{urlencode(query)}"
