"""The CIBA executors, with Keycloak's configuration keys and texts (protocol/oidc/grants/ciba/clientpolicy/
executor): a backchannel authentication request must carry a binding message (SecureCibaSessionEnforceExecutor)
or a signed request object whose ``exp``, ``nbf``, ``aud``, ``iss``, ``iat`` and ``jti`` FAPI-CIBA asks for
(SecureCibaSignedAuthenticationRequestExecutor); a client's request signing algorithm must be one FAPI allows,
set to the configured default when it names none (SecureCibaAuthenticationRequestSigningAlgorithmExecutor)."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext

SESSION = "secure-ciba-session"
SIGNED_REQUEST = "secure-ciba-signed-authn-req"
SIGNING_ALGORITHM = "secure-ciba-req-sig-algorithm"
INVALID_REQUEST = "invalid_request"
SIGNING_ALG_ATTRIBUTE = "ciba.backchannel.auth.request.signing.alg"
DEFAULT_AVAILABLE_PERIOD = 3600  # seconds, FAPI-CIBA
DEFAULT_ALGORITHM = "PS256"
FAPI_ALGORITHMS = frozenset({"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})  # FapiConstant.ALLOWED_ALGORITHMS


def session_enforce(config: dict[str, Any], context: PolicyContext) -> None:
    """secure-ciba-session: a binding message, in the form or in the request object."""
    if context.event is not Event.BACKCHANNEL_AUTHENTICATION_REQUEST or context.backchannel is None:
        return
    if context.backchannel.binding_message is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: binding_message")


def _missing(what: str) -> ClientPolicyViolation:
    return ClientPolicyViolation(INVALID_REQUEST, f"Missing parameter in the signed authentication request: {what}")


def _number(value: Any) -> int:
    """Jackson's JsonNode.asLong: a number, a numeric text, else 0."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float):
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        return 0


def _text(value: Any) -> str:
    """JsonNode.asText: a value node's text, "" for an array or object."""
    if isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def signed_request(config: dict[str, Any], context: PolicyContext) -> None:
    """secure-ciba-signed-authn-req: the request is a signed request object holding FAPI-CIBA's claims, valid
    for at most ``available-period`` seconds."""
    if context.event is not Event.BACKCHANNEL_AUTHENTICATION_REQUEST or context.backchannel is None:
        return
    if context.params.get("request") is None and context.params.get("request_uri") is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: 'request' or 'request_uri'")
    signed = context.backchannel.signed
    if not signed:
        raise ClientPolicyViolation(INVALID_REQUEST, "Invalid parameter: : 'request' or 'request_uri'")
    if signed.get("exp") is None:
        raise _missing("exp")
    exp = _number(signed["exp"])
    if context.now > exp:
        raise ClientPolicyViolation(INVALID_REQUEST, "Request Expired")
    if signed.get("nbf") is None:
        raise _missing("nbf")
    nbf = _number(signed["nbf"])
    if context.now < nbf:
        raise ClientPolicyViolation(INVALID_REQUEST, "Request not yet being processed")
    period = config.get("available-period")
    period = DEFAULT_AVAILABLE_PERIOD if period is None else _number(period)
    if exp - nbf > period:
        raise ClientPolicyViolation(INVALID_REQUEST, "signed authentication request's available period is long")
    audience = signed.get("aud")
    if audience is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter in the 'request' object: aud")
    aud = [_text(a) for a in audience] if isinstance(audience, list) else [_text(audience)]
    if not aud:
        raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter value in the 'request' object: aud")
    if context.backchannel.issuer not in aud:
        raise ClientPolicyViolation(INVALID_REQUEST, "Invalid parameter in the 'request' object: aud")
    if signed.get("iss") is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter in the 'request' object: iss")
    if _text(signed["iss"]) != context.backchannel.client_id:
        raise ClientPolicyViolation(INVALID_REQUEST, "Invalid parameter in the 'request' object: iss")
    if signed.get("iat") is None:
        raise _missing("iat")
    if signed.get("jti") is None:
        raise _missing("jti")


def _default_algorithm(config: dict[str, Any]) -> str:
    """Configuration.setDefaultAlgorithm: a FAPI algorithm, else PS256."""
    wanted = config.get("default-algorithm")
    return wanted if isinstance(wanted, str) and wanted in FAPI_ALGORITHMS else DEFAULT_ALGORITHM


def signing_algorithm(config: dict[str, Any], context: PolicyContext) -> None:
    """secure-ciba-req-sig-algorithm: REGISTER and UPDATE set the default algorithm on a client naming none and
    refuse one FAPI does not allow."""
    if context.event not in (Event.REGISTER, Event.UPDATE) or context.proposed is None:
        return
    attributes = context.proposed.get("attributes")
    if not isinstance(attributes, dict):
        attributes = {}
        context.proposed["attributes"] = attributes
    alg = attributes.get(SIGNING_ALG_ATTRIBUTE)
    if alg is None:
        attributes[SIGNING_ALG_ATTRIBUTE] = _default_algorithm(config)
        return
    if alg not in FAPI_ALGORITHMS:
        raise ClientPolicyViolation(INVALID_REQUEST, "not allowed signature algorithm.")
