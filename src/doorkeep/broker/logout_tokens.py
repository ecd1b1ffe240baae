"""An identity provider's logout token (OIDC Back-Channel Logout 1.0 §2.6), checked as Keycloak's
TokenManager.verifyLogoutToken does before LogoutEndpoint.backchannelLogout ends the sessions brokered through
the provider.

The checks run in Keycloak's order, each failure its LogoutTokenValidationCode message: the token decodes; the
realm has an OpenID Connect provider at all; at least one provider with an ``issuer`` that names the token's
``iss`` verifies it (OIDCIdentityProvider.validateToken: the signature with its keys, the lifetime within its
clock skew, its client id in ``aud``, ``azp`` if present); then ``sid`` or ``sub``, the back-channel logout
event, no ``nonce``, a ``jti``, an ``iat``. Keycloak keeps no record of a ``jti``: a token posted again is checked
again and ends whatever sessions it still names (none, the second time).

No HTTP framework and no transaction here: a provider's keys are fetched (``jwksUrl``) before the request's
transaction opens. The token is never logged.
"""

from __future__ import annotations

import base64
import binascii
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import jackson, numbers
from doorkeep.broker import oidc
from doorkeep.broker import providers as idp
from doorkeep.model import Realm

if TYPE_CHECKING:
    from doorkeep.oauth.client_keys import ClientKeys

EVENT = "http://schemas.openid.net/event/backchannel-logout"  # TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT
REVOKE_OFFLINE = "revoke_offline_access"  # TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT_REVOKE_OFFLINE_TOKENS
OIDC_PROVIDERS = ("oidc", "keycloak-oidc")  # the factories whose providers are OIDCIdentityProvider instances


@dataclass(frozen=True)
class Verified:
    """A logout token the realm trusts: the providers that verified it and whom it names."""

    aliases: tuple[str, ...]
    sid: str | None
    sub: str | None
    revoke_offline: bool  # the events' ``revoke_offline_access``, read as Boolean.parseBoolean reads its text


async def verify(realm: Realm, token: str | None, now: int, keys: ClientKeys | None = None) -> Verified | str:
    """verifyLogoutToken and getValidOIDCIdentityProvidersForBackchannelLogout: the providers, or the reason.
    ``keys`` keeps the providers' JWK sets between tokens (anyone may post one: each would fetch the set)."""
    if token is None:
        return e.NO_LOGOUT_TOKEN
    claims = decode(token)
    if claims is None:
        return e.LOGOUT_TOKEN_UNDECODABLE
    # realm.getIdentityProvidersStream: every provider of the realm, a disabled one too
    candidates = [p for p in idp.all_of(realm) if p.get("providerId") in OIDC_PROVIDERS]
    if not candidates:
        return e.LOGOUT_TOKEN_NO_IDP
    aliases = tuple([str(p["alias"]) for p in candidates if await _verifies(realm, p, claims, token, now, keys)])
    if not aliases:
        return e.LOGOUT_TOKEN_NOT_VERIFIED
    if claims.get("sub") is None and claims.get("sid") is None:
        return e.LOGOUT_TOKEN_NO_SID_OR_SUB
    events = claims.get("events") or {}  # LogoutToken's events: an empty map when the claim is absent
    if EVENT not in events:
        return e.LOGOUT_TOKEN_NO_EVENT
    if claims.get("nonce") is not None:
        return e.LOGOUT_TOKEN_NONCE
    if claims.get("jti") is None:
        return e.LOGOUT_TOKEN_NO_JTI
    if claims.get("iat") is None:
        return e.LOGOUT_TOKEN_NO_IAT
    revoke = str(events.get(REVOKE_OFFLINE, False)).lower() == "true"
    return Verified(aliases, jackson.string_field(claims.get("sid")), jackson.string_field(claims.get("sub")), revoke)


async def _verifies(
    realm: Realm, provider: dict[str, Any], claims: dict[str, Any], token: str, now: int, keys: ClientKeys | None
) -> bool:
    """validateLogoutTokenAgainstIdpProvider for one provider: an ``issuer`` configured and naming the token's
    ``iss`` (OIDCIdentityProvider.isIssuer), then validateToken, its signature checked even where the provider's
    ``validateSignature`` is off: Keycloak would then take an unsigned token, so anyone who knows a user's provider
    account could end the user's sessions (and, with ``revoke_offline_access``, their offline tokens)."""
    config = oidc.Config.of(provider)
    issuers = [i.strip() for i in config.issuer.split(",")] if config.issuer else []
    if not issuers or claims.get("iss") not in issuers:
        return False
    lookup = functools.partial(keys.provider_key, realm.id, provider) if keys is not None else None
    try:
        await oidc.token_claims(config, token, now, require_exp=False, signed=True, lookup=lookup)
    except oidc.BrokerError:
        return False
    return True


def decode(token: str) -> dict[str, Any] | None:
    """TokenManager.toLogoutToken: JWSInput's parse (two or three dot-separated base64url parts, as Java's
    ``split`` drops trailing empty ones; a JSON header) and the payload read as a LogoutToken. The signature is
    checked later, with each candidate provider's keys."""
    parts = token.split(".")
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) not in (2, 3):
        return None
    header, payload = _json(parts[0]), _json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        return None
    return _bound(payload)


def _json(segment: str) -> Any:
    try:
        return numbers.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        return None


def _bound(claims: dict[str, Any]) -> dict[str, Any] | None:
    """The claims as Jackson binds them to LogoutToken, or None where it cannot: JsonWebToken's fields
    (``jackson.json_web_token``: ``exp: NaN`` or ``1e309`` is unreadable, ``iat: ""`` is no ``iat``), ``sid`` a
    String, ``events`` a map."""
    try:
        bound = jackson.json_web_token(claims)
    except jackson.Unbound:
        return None
    if isinstance(bound.get("sid"), dict | list):
        return None
    return bound if bound.get("events") is None or isinstance(bound.get("events"), dict) else None
