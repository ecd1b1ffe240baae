"""Keycloak 24+ lightweight access tokens (``AbstractOIDCProtocolMapper.getShouldUseLightweightToken``).

A client whose attribute ``client.use.lightweight.access.token.enabled`` is ``true`` ("Always use lightweight
access token") gets access tokens that only the mappers marked ``lightweight.claim`` ("Add to lightweight
access token", default ``false``) feed, instead of those marked ``access.token.claim``. What
``TokenManager.initToken`` sets stays: ``exp``, ``iat``, ``jti``, ``iss``, ``typ``, ``azp``, ``sid`` and
``scope`` (and ``sub`` for a transient session); otherwise ``sub``, ``auth_time``, roles, audiences and
the profile claims come from mappers only. The
``jti`` says so with ``lt`` (``AccessTokenContext.TokenType.LIGHTWEIGHT``), and introspection fills the
claims back in from the mappers marked ``introspection.token.claim``, as for any access token.

Role-changing mappers (role name, hardcoded role) take no token flag and run for both. ID tokens, userinfo
and introspection are unaffected. Keycloak also switches it on per request through the client-policy
executor ``use-lightweight-access-token`` (``for_request``).
"""

from __future__ import annotations

import dataclasses

from doorkeep.model import Client

ATTRIBUTE = "client.use.lightweight.access.token.enabled"  # Constants.USE_LIGHTWEIGHT_ACCESS_TOKEN_ENABLED
FLAG = "lightweight.claim"  # OIDCAttributeMapperHelper.INCLUDE_IN_LIGHTWEIGHT_ACCESS_TOKEN
LIGHTWEIGHT = "lightweight"  # the token kind mappers are applied for (claims.apply)


def enabled(client: Client) -> bool:
    """Whether ``client``'s access tokens are lightweight (Boolean.parseBoolean of the attribute)."""
    return client.attr(ATTRIBUTE).lower() == "true"


def for_request(client: Client, forced: bool) -> Client:
    """``client`` as this request's tokens see it: a client policy's use-lightweight-access-token (the session
    attribute TokenManager reads beside the client's) turns the attribute on for this request only."""
    if not forced or enabled(client):
        return client
    return dataclasses.replace(client, attributes={**client.attributes, ATTRIBUTE: "true"})


def feeds(config: dict[str, str]) -> bool:
    """includeInLightweightAccessToken: only an explicit ``"true"``; there is no fallback."""
    return config.get(FLAG) == "true"


def access_kind(client: Client, access: str) -> str:
    """The token kind ``client``'s access tokens take their mapped claims from: lightweight or ``access``."""
    return LIGHTWEIGHT if enabled(client) else access
