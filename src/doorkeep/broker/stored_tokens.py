"""A stored provider token refreshed when it is retrieved (AbstractOAuth2IdentityProvider.retrieveToken): a stored
token response whose ``accessTokenExpiration`` is set and falls within the provider's ``minValidityToken`` (5 seconds
unless configured) is renewed with its refresh token at the provider's token endpoint before it is answered, and the
renewed response is what the link keeps from then on (Keycloak's broker API stores it likewise).

The new response keeps the old refresh token (and its ``refresh_expires_in``) and ID token when the provider sends
none, and notes its own ``accessTokenExpiration``. An answer that says ``error`` anywhere, or is no JSON object,
fails the retrieval (Keycloak's "Unable to refresh token", which getTokenV1 answers as a 502 JSON error).

No HTTP framework and no transaction here; nothing is logged.
"""

from __future__ import annotations

import json
from typing import Any

from doorkeep.broker import oidc
from doorkeep.broker.calls import BrokerError as BrokerError  # the handler catches stored_tokens.BrokerError
from doorkeep.broker.calls import bounded_json
from doorkeep.broker.client_assertion import RealmKey
from doorkeep.broker.oidc import ACCESS_TOKEN_EXPIRATION
from doorkeep.model import JSON
from doorkeep.vault import RealmVault

MIN_VALIDITY = "minValidityToken"  # IdentityProviderModel.MIN_VALIDITY_TOKEN
DEFAULT_MIN_VALIDITY = 5  # IdentityProviderModel.DEFAULT_MIN_VALIDITY_TOKEN
OAUTH_PROVIDERS = ("oidc", "keycloak-oidc")  # AbstractOAuth2IdentityProvider's subclasses here


def min_validity(provider: JSON) -> int:
    """getMinValidityToken: the config's whole number of seconds, else the default."""
    raw = str((provider.get("config") or {}).get(MIN_VALIDITY) or "").strip()
    try:
        return int(raw)
    except ValueError:
        return DEFAULT_MIN_VALIDITY


def due(provider: JSON, token: str, now: int) -> dict[str, Any] | None:
    """The stored response when it needs a refresh (needsRefresh, and a refresh token to do it with), else None."""
    if provider.get("providerId") not in OAUTH_PROVIDERS or not token.startswith("{"):
        return None
    try:
        stored = json.loads(token)
    except ValueError:
        return None
    if not isinstance(stored, dict):
        return None
    exp = stored.get(ACCESS_TOKEN_EXPIRATION)
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp == 0:
        return None
    if exp >= now + min_validity(provider) or not isinstance(stored.get("refresh_token"), str):
        return None
    return stored


async def refreshed(
    provider: JSON,
    stored: dict[str, Any],
    now: int,
    secrets: RealmVault | None = None,
    key: RealmKey | None = None,
    lifespan: int = 60,
) -> str:
    """The provider's answer to the refresh grant, completed from the stored response; BrokerError on failure.
    ``secrets``: the realm's vault, for a ``${vault.<key>}`` client secret; ``key`` and ``lifespan``: the realm's
    key and accessCodeLifespan for a ``private_key_jwt`` client assertion (broker/client_assertion.py)."""
    config = oidc.with_client_key(oidc.Config.of(provider), key, lifespan)
    if secrets is not None:
        config = oidc.with_vault(config, secrets.vault, secrets.realm)
    form = {"refresh_token": stored["refresh_token"], "grant_type": "refresh_token"}
    _, _, body = await oidc.token_request(config, form, now)
    if b"error" in body:  # Keycloak: response.contains("error"), whatever the status
        raise BrokerError("Unable to refresh token")
    answer = bounded_json(body, "refresh response")
    if answer.get("refresh_token") is None:
        answer["refresh_token"] = stored["refresh_token"]
        answer["refresh_expires_in"] = stored.get("refresh_expires_in")
    if answer.get("id_token") is None and stored.get("id_token") is not None:
        answer["id_token"] = stored["id_token"]
    expires_in = answer.get("expires_in")
    if isinstance(expires_in, int) and not isinstance(expires_in, bool) and expires_in > 0:
        answer[ACCESS_TOKEN_EXPIRATION] = now + expires_in
    return json.dumps({k: v for k, v in answer.items() if v is not None})
