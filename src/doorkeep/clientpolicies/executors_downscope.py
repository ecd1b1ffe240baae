"""``downscope-assertion-grant-enforcer`` (Keycloak's DownscopeAssertionGrantEnforcerExecutor, not behind a
feature): at a standard token exchange the exchanged token carries only client scopes the subject token already
had, plus the requester's default scopes that never show in a token's ``scope`` (include.in.token.scope off); a
``scope`` parameter naming one the subject token lacks is refused with ``invalid_scope``. At the JWT authorization
grant the assertion's ``scope`` claim bounds the token the same way (JWTAuthorizationGrantDownscopeClientPoliciesTest).

The subject token is read, not verified, as the executor's JWSInput reads it (the exchange verifies it afterwards).
Keycloak's message prints both scope sets as ``java.util.HashSet`` does (``java_set``), so its order is the
bucket order of the names' Java hash codes, not the order they were asked in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from doorkeep import java_order
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.executors_jwt_claim import ACCESS_TOKEN_TYPE, INVALID_REQUEST, NOT_ACCESS_TOKEN, payload

PROVIDER_ID = "downscope-assertion-grant-enforcer"
INVALID_TOKEN = "Assertion contains an invalid access token"


def java_set(names: Iterable[str], inserted: int | None = None) -> str:
    """``HashSet.toString`` of ``names`` added in this order to a default HashSet (``inserted``: how many were
    added before some were removed, the capacity being theirs)."""
    ordered = list(dict.fromkeys(names))
    capacity = java_order.grown_capacity(len(ordered) if inserted is None else inserted)
    return "[" + ", ".join(java_order.hash_order(ordered, capacity)) + "]"


def _scopes(value: Any) -> list[str]:
    """TokenManager.parseScopeParameter: the space-separated names, each once, in order."""
    return list(dict.fromkeys(n for n in value.split(" ") if n)) if isinstance(value, str) else []


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    """executeOnEvent at TOKEN_EXCHANGE_REQUEST (the subject token) and JWT_AUTHORIZATION_GRANT (the assertion):
    checkDownscope, then the restricted scopes for the token."""
    if context.event is Event.JWT_AUTHORIZATION_GRANT:
        _downscope(context, payload(context.params.get("assertion"), INVALID_TOKEN))
        return
    if context.event is not Event.TOKEN_EXCHANGE_REQUEST:
        return
    if context.params.get("subject_token_type") != ACCESS_TOKEN_TYPE:
        raise ClientPolicyViolation(INVALID_REQUEST, NOT_ACCESS_TOKEN)
    _downscope(context, payload(context.params.get("subject_token"), INVALID_TOKEN))


def _downscope(context: PolicyContext, claims: dict[str, Any]) -> None:
    """checkDownscope: each requested scope among the token's; the restricted scopes for the token issued."""
    scope = claims.get("scope")
    if scope is not None and not isinstance(scope, str):  # AccessToken's String field would not bind
        raise ClientPolicyViolation(INVALID_REQUEST, INVALID_TOKEN)
    token_scopes = _scopes(scope)
    param = context.params.get("scope")
    if param is not None:
        requested = _scopes(param)
        missing = [name for name in requested if name not in token_scopes]
        if missing:
            message = f"Scopes {java_set(missing, len(requested))} not present in the initial access token "
            raise ClientPolicyViolation("invalid_scope", message + java_set(token_scopes))
    outside = context.client.default_scopes_outside_token if context.client is not None else frozenset()
    context.restricted_scopes = outside | frozenset(token_scopes)
