"""``jwt-claim-enforcer`` (Keycloak's JWTClaimEnforcerExecutor, not behind a feature): at a standard token exchange
(TOKEN_EXCHANGE_REQUEST) a claim of the subject token, and at the JWT authorization grant (JWT_AUTHORIZATION_GRANT) a
claim of the assertion, must be present and, with ``allowed-value``, match it as a regular expression over the whole
value (``String.matches``). Only string and number claims are compared.

The subject token is read as JWSInput reads it, without its signature checked: the policies run before the
exchange verifies the token (the grant's assertion is verified by then). The pattern runs under the client-policy
time budget (pattern_budget.py): a pattern that does not compile, or runs past the budget, matches no value.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from doorkeep.clientpolicies import pattern_budget
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.jackson import string_field

PROVIDER_ID = "jwt-claim-enforcer"
CLAIM_NAME, ALLOWED_VALUE = "claim-name", "allowed-value"  # JWTClaimEnforcerExecutorFactory
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
INVALID_REQUEST = "invalid_request"
NOT_ACCESS_TOKEN = "Parameter 'subject_token' should be access_token for the executor"


def valid_config(config: dict[str, Any]) -> bool:
    """Jackson binds both fields as Strings: a scalar converts, an array or an object does not."""
    return all(not isinstance(config.get(key), (list, dict)) for key in (CLAIM_NAME, ALLOWED_VALUE))


def payload(token: object, invalid: str = "JWT is not valid") -> dict[str, Any]:
    """JWSInput(token).readJsonContent(Map): the middle part of a compact JWS, base64url JSON of an object; a
    refusal with ``invalid`` otherwise."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) not in (2, 3):
        raise ClientPolicyViolation(INVALID_REQUEST, invalid)
    try:
        content = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        raise ClientPolicyViolation(INVALID_REQUEST, invalid) from None
    if not isinstance(content, dict):
        raise ClientPolicyViolation(INVALID_REQUEST, invalid)
    return content


def check_claims(config: dict[str, Any], claims: dict[str, Any]) -> None:
    """JWTClaimEnforcerExecutor.checkClaims: the configured claim present, and matching ``allowed-value`` if set."""
    name = string_field(config.get(CLAIM_NAME))
    if name is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "Invalid configuration")
    value = claims.get(name)
    if value is None:
        raise ClientPolicyViolation(INVALID_REQUEST, f"Required claim '{name}' is missing from the token")
    allowed = string_field(config.get(ALLOWED_VALUE))
    if allowed is None or not allowed.strip():  # StringUtil.isBlank: presence is enough
        return
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ClientPolicyViolation(INVALID_REQUEST, f"Value type for claim '{name}' not allowed")
    pattern = pattern_budget.compiled(allowed)
    if pattern is None or not pattern_budget.PatternBudget().fullmatch(pattern, str(value)):
        raise ClientPolicyViolation(INVALID_REQUEST, f"Value for claim '{name}' not allowed")


def executor(config: dict[str, Any], context: PolicyContext) -> None:
    """JWTClaimEnforcerExecutor.executeOnEvent at JWT_AUTHORIZATION_GRANT and TOKEN_EXCHANGE_REQUEST; every other
    event passes."""
    if context.event is Event.JWT_AUTHORIZATION_GRANT:
        check_claims(config, payload(context.params.get("assertion")))
        return
    if context.event is not Event.TOKEN_EXCHANGE_REQUEST:
        return
    if context.params.get("subject_token_type") != ACCESS_TOKEN_TYPE:
        raise ClientPolicyViolation(INVALID_REQUEST, NOT_ACCESS_TOKEN)
    check_claims(config, payload(context.params.get("subject_token")))
