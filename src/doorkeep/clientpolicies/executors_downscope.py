"""``downscope-assertion-grant-enforcer`` (Keycloak's DownscopeAssertionGrantEnforcerExecutor, not behind a
feature): at a standard token exchange the exchanged token carries only client scopes the subject token already
had, plus the requester's default scopes that never show in a token's ``scope`` (include.in.token.scope off); a
``scope`` parameter naming one the subject token lacks is refused with ``invalid_scope``.

The subject token is read, not verified, as the executor's JWSInput reads it (the exchange verifies it afterwards).
Keycloak's message prints both scope sets as ``java.util.HashSet`` does (``java_set``), so its order is the
bucket order of the names' Java hash codes, not the order they were asked in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.executors_jwt_claim import ACCESS_TOKEN_TYPE, INVALID_REQUEST, NOT_ACCESS_TOKEN, payload

PROVIDER_ID = "downscope-assertion-grant-enforcer"
INVALID_TOKEN = "Assertion contains an invalid access token"


def _java_hash(text: str) -> int:
    """String.hashCode over UTF-16 code units, as an unsigned 32-bit value."""
    units = text.encode("utf-16-be")
    value = 0
    for i in range(0, len(units), 2):
        value = (31 * value + int.from_bytes(units[i : i + 2], "big")) & 0xFFFFFFFF
    return value


def java_set(names: Iterable[str], inserted: int | None = None) -> str:
    """``HashSet.toString`` of ``names`` added in this order to a default HashSet (capacity 16, doubled past
    three quarters full; ``inserted``: how many were added before some were removed, the capacity being theirs):
    buckets by the spread hash, a bucket's names in the order they were added."""
    ordered = list(dict.fromkeys(names))
    capacity = 16
    while (inserted if inserted is not None else len(ordered)) > capacity * 3 // 4:
        capacity *= 2

    def bucket(name: str) -> int:
        h = _java_hash(name)
        return (h ^ (h >> 16)) & (capacity - 1)

    return "[" + ", ".join(sorted(ordered, key=lambda name: (bucket(name), ordered.index(name)))) + "]"


def _scopes(value: Any) -> list[str]:
    """TokenManager.parseScopeParameter: the space-separated names, each once, in order."""
    return list(dict.fromkeys(n for n in value.split(" ") if n)) if isinstance(value, str) else []


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    """executeOnEvent at TOKEN_EXCHANGE_REQUEST: checkDownscope, then the restricted scopes for the exchange."""
    if context.event is not Event.TOKEN_EXCHANGE_REQUEST:
        return
    if context.params.get("subject_token_type") != ACCESS_TOKEN_TYPE:
        raise ClientPolicyViolation(INVALID_REQUEST, NOT_ACCESS_TOKEN)
    claims = payload(context.params.get("subject_token"), INVALID_TOKEN)
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
