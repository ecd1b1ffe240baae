"""The executors of the FAPI profiles that judge an authorization request's request object and its pushed
parameters, as Keycloak's SecureRequestObjectExecutor and SecureParContentsExecutor behave. What they read of a
request is ``context.request`` (context.RequestFacts)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from doorkeep.clientpolicies.config_values import flag
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.oauth import request_parser

INVALID_REQUEST = "invalid_request"
INVALID_REQUEST_OBJECT, INVALID_REQUEST_URI = "invalid_request_object", "invalid_request_uri"


# AuthzEndpointRequestParser.KNOWN_REQ_PARAMS: a query parameter among them must have its value in the request
# object too (``request`` and ``request_uri`` excepted)
KNOWN_REQUEST_PARAMS = request_parser.KNOWN_PARAMS - {"request", "request_uri"}
DEFAULT_AVAILABLE_PERIOD = 3600  # SecureRequestObjectExecutor.DEFAULT_AVAILABLE_PERIOD (FAPI 1.0 Advanced)
DEFAULT_CLOCK_SKEW = 15  # DEAULT_ALLOWED_CLOCK_SKEW (FAPI 2.0)


LONG_MAX = 2**63 - 1


def _long(number: float) -> int:
    """Java's (long) cast of a double: NaN is 0, the rest saturates at the long range."""
    if number != number:  # NaN
        return 0
    if number in (float("inf"), float("-inf")):
        return LONG_MAX if number > 0 else -LONG_MAX - 1
    return max(-LONG_MAX - 1, min(LONG_MAX, int(number)))


def as_long(value: Any) -> int:
    """JsonNode.asLong: a number's value, a numeric string's, else 0."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int):
        return max(-LONG_MAX - 1, min(LONG_MAX, value))
    if isinstance(value, float):
        return _long(value)
    if isinstance(value, str):
        try:
            return _long(float(value.strip()))
        except ValueError:
            return 0
    return 0


def as_text(value: Any) -> str:
    """JsonNode.asText: a value node's text, "" for an object or an array."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return ""


def _int_setting(config: Mapping[str, Any], key: str, default: int) -> int:
    value = config.get(key)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def secure_request_object(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureRequestObjectExecutor: the authorization request comes with a request object that holds its scope,
    a live ``exp`` (and, with ``verify-nbf``, an ``nbf`` of at most ``available-period`` before it), an ``iat``
    not in the future and the realm's issuer among its ``aud``; each query parameter Keycloak knows is repeated
    in it; with ``encryption-required`` it was encrypted. A request with a ``request_uri`` gets
    ``invalid_request_uri`` where the others get ``invalid_request_object`` (throwClientPolicyException), except
    for the expiry and the encryption, which Keycloak throws directly."""
    if context.event is not Event.AUTHORIZATION_REQUEST:
        return
    query = context.request.query if context.request.query is not None else context.params
    par = query.get("request_uri") is not None

    def refuse(error: str, message: str) -> ClientPolicyViolation:
        return ClientPolicyViolation(INVALID_REQUEST_URI if par and error == INVALID_REQUEST_OBJECT else error, message)

    if query.get("request") is None and query.get("request_uri") is None:
        raise refuse(INVALID_REQUEST, "Missing parameter: 'request' or 'request_uri'")
    claims = context.request.request_object
    if not claims:
        raise refuse(INVALID_REQUEST, "Invalid parameter: : 'request' or 'request_uri'")
    if query.get("scope") is None and claims.get("scope") is None:
        raise refuse(INVALID_REQUEST, "Parameter 'scope' missing in the request parameters or in 'request' object")
    if claims.get("exp") is None:
        raise refuse(INVALID_REQUEST_OBJECT, "Missing parameter in the 'request' object: exp")
    now, exp = context.now, as_long(claims["exp"])
    if now > exp:
        raise ClientPolicyViolation(INVALID_REQUEST_OBJECT, "Request Expired")
    skew = _int_setting(config, "allowed-clock-skew", DEFAULT_CLOCK_SKEW)
    if flag(config, "verify-nbf", default=True):
        if claims.get("nbf") is None:
            raise refuse(INVALID_REQUEST_OBJECT, "Missing parameter in the 'request' object: nbf")
        nbf = as_long(claims["nbf"])
        if now < nbf - skew:
            raise refuse(INVALID_REQUEST_OBJECT, "Request not yet being processed")
        if exp - nbf > _int_setting(config, "available-period", DEFAULT_AVAILABLE_PERIOD):
            raise refuse(INVALID_REQUEST_OBJECT, "Request's available period is long")
    if claims.get("iat") is not None and now < as_long(claims["iat"]) - skew:
        raise refuse(INVALID_REQUEST_OBJECT, "Request issued in the future")
    audience = claims.get("aud")
    if audience is None:
        raise refuse(INVALID_REQUEST_OBJECT, "Missing parameter in the 'request' object: aud")
    audiences = [as_text(a) for a in audience] if isinstance(audience, list) else [as_text(audience)]
    if not audiences:
        raise refuse(INVALID_REQUEST_OBJECT, "Missing parameter value in the 'request' object: aud")
    if context.request.issuer not in audiences:
        raise refuse(INVALID_REQUEST_OBJECT, "Invalid parameter in the 'request' object: aud")
    for name in sorted(KNOWN_REQUEST_PARAMS & set(query.keys())):
        held = claims.get(name)
        if held is None or as_text(held) != query.get(name):
            message = "Invalid parameter. Parameters in 'request' object not matching with request parameters"
            raise refuse(INVALID_REQUEST, message)
    if flag(config, "encryption-required") and not context.request.request_object_encrypted:
        raise ClientPolicyViolation(INVALID_REQUEST_OBJECT, "Request object not encrypted")


PAR_PREFIX = "urn:ietf:params:oauth:request_uri:"  # ParEndpoint.REQUEST_URI_PREFIX


def secure_par_content(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureParContentsExecutor (PRE_AUTHORIZATION_REQUEST): the authorization request names a pushed request
    and sends no parameter the push did not hold (``request_uri`` aside)."""
    if context.event is not Event.PRE_AUTHORIZATION_REQUEST:
        return
    query = context.request.query if context.request.query is not None else context.params
    request_uri = query.get("request_uri")
    if request_uri is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "request_uri not included.")
    if not request_uri.lower().startswith(PAR_PREFIX):
        raise ClientPolicyViolation(INVALID_REQUEST, "PAR request_uri not included.")
    pushed = context.request.pushed_names
    if pushed is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "PAR not found. not issued or used multiple times.")
    if set(query.keys()) - pushed - {"request_uri"}:
        raise ClientPolicyViolation(INVALID_REQUEST, PAR_CONTENT_MISMATCH)


PAR_CONTENT_MISMATCH = "PAR request did not include necessary parameters"
