"""``jwt-authorization-grant-audience`` (Keycloak's JWTAuthorizationGrantAudienceExecutor, Keycloak 26.6): at the JWT
authorization grant, the audiences ``allowed-audience`` lists for the requesting client (a MapperTypeSerializer JSON
list of ``{"key": clientId, "value": audience}``) are the only ones its assertions may name, in place of the realm's
issuer and token endpoint. An assertion with no single audience, a client the list does not name, or no list at all
leave the grant's own audience check to decide.
"""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.config_values import serialized_map
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.executors_jwt_claim import payload

PROVIDER_ID = "jwt-authorization-grant-audience"  # JWTAuthorizationGrantAudienceExecutorFactory
ALLOWED_AUDIENCE = "allowed-audience"


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    """executeOnEvent at JWT_AUTHORIZATION_GRANT: validateAudience."""
    if context.event is not Event.JWT_AUTHORIZATION_GRANT or context.client is None:
        return
    audience = payload(context.params.get("assertion")).get("aud")
    found = audience if isinstance(audience, list) else [] if audience is None else [audience]
    raw = config.get(ALLOWED_AUDIENCE)
    if len(found) != 1 or raw is None:
        return
    try:
        by_client = serialized_map(raw, ALLOWED_AUDIENCE) or {}
    except ValueError:  # MapperTypeSerializer.deserialize's RuntimeException
        raise ClientPolicyViolation("invalid_grant", f"Could not deserialize json: {raw}") from None
    allowed = by_client.get(context.client.client_id, [])
    if not allowed:
        return
    if str(found[0]) in allowed:
        context.audience_validated = True
        return
    raise ClientPolicyViolation("invalid_grant", "Invalid token audience")
