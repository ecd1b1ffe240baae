"""The executors of the FAPI and OAuth 2.1 profiles that judge signatures, request objects, pushed requests,
client assertions and certificate binding, as Keycloak's executor classes behave (their messages, error codes
and events): SecureSigningAlgorithmExecutor, SecureSigningAlgorithmForSignedJwtExecutor,
SecureRequestObjectExecutor, SecureParContentsExecutor, SecureClientAuthenticationAssertionExecutor and
HolderOfKeyEnforcerExecutor. What they read of a request is ``context.request`` (context.RequestFacts).

Keycloak runs some of them on events Doorkeep's policies do not raise (TOKEN_REVOKE, TOKEN_INTROSPECT,
USERINFO_REQUEST, LOGOUT_REQUEST): there they do nothing here."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from doorkeep.clientpolicies.config_values import flag
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.oauth import mtls

INVALID_REQUEST, INVALID_GRANT, INVALID_CLIENT_METADATA = "invalid_request", "invalid_grant", "invalid_client_metadata"
INVALID_REQUEST_OBJECT, INVALID_REQUEST_URI = "invalid_request_object", "invalid_request_uri"
CRUD = (Event.REGISTER, Event.UPDATE)

# SecureSigningAlgorithmExecutor.ALLOWED_ALGORITHMS, in its order; the first is DEFAULT_ALGORITHM_VALUE
SECURE_ALGORITHMS = ("PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# sigTargets (every registration), then sigTargetsAdminRestApiOnly (no RFC 7591 metadata for it)
SIGNATURE_TARGETS = (
    "user.info.response.signature.alg",
    "request.object.signature.alg",
    "id.token.signed.response.alg",
    "token.endpoint.auth.signing.alg",
)
ADMIN_ONLY_TARGETS = ("access.token.signed.response.alg",)
NOT_ALLOWED_ALG = "not allowed signature algorithm."
NOT_ALLOWED_INPUT = "not allowed input format."
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"  # OAuth2Constants.CLIENT_ASSERTION_TYPE_JWT


def _attributes(rep: dict[str, Any]) -> dict[str, Any]:
    attributes = rep.get("attributes")
    if not isinstance(attributes, dict):
        attributes = {}
        rep["attributes"] = attributes
    return attributes


def default_algorithm(config: Mapping[str, Any]) -> str:
    """Configuration.setDefaultAlgorithm: ``default-algorithm`` when it is a secure one, else PS256."""
    wanted = config.get("default-algorithm")
    return wanted if isinstance(wanted, str) and wanted in SECURE_ALGORITHMS else SECURE_ALGORITHMS[0]


def secure_signature_algorithm(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureSigningAlgorithmExecutor: on REGISTER and UPDATE each signature algorithm the client names must be a
    FAPI one; one it leaves out is set to ``default-algorithm`` (whatever ``auto-configure`` says). The access
    token's algorithm is judged only for the admin API (``dynamic``: the registration service)."""
    if context.event not in CRUD:
        return
    assert context.proposed is not None
    rep = context.proposed
    targets = SIGNATURE_TARGETS if context.dynamic else SIGNATURE_TARGETS + ADMIN_ONLY_TARGETS
    for target in targets:
        attributes = _attributes(rep)
        alg = attributes.get(target)
        if alg is None:
            attributes[target] = default_algorithm(config)
        elif alg not in SECURE_ALGORITHMS:
            raise ClientPolicyViolation(INVALID_REQUEST, NOT_ALLOWED_ALG)


def _segment(text: str) -> Any:
    """A JWS segment's JSON (JWSInput's Base64Url and Jackson), ValueError when it is none."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as err:
        raise ValueError("not a JWS segment") from err


def _form(context: PolicyContext) -> Any:
    return context.request.form if context.request.form is not None else context.params


# SecureSigningAlgorithmForSignedJwtExecutor's events Doorkeep raises (TOKEN_REVOKE, TOKEN_INTROSPECT and
# LOGOUT_REQUEST are not client policy events here)
_SIGNED_JWT_EVENTS = (Event.TOKEN_REQUEST, Event.TOKEN_REFRESH)


def secure_signature_algorithm_signed_jwt(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureSigningAlgorithmForSignedJwtExecutor: the ``client_assertion`` of a token request, when sent (always,
    with ``require-client-assertion``), is signed with a FAPI algorithm. No assertion, or one JWSInput cannot read,
    is "not allowed input format." (Keycloak's JWSInput of a missing one fails outside its catch)."""
    if context.event not in _SIGNED_JWT_EVENTS:
        return
    assertion = _form(context).get("client_assertion")
    if not flag(config, "require-client-assertion") and not (assertion or "").strip():
        return
    parts = (assertion or "").split(".")
    try:
        if len(parts) < 2 or len(parts) > 3:
            raise ValueError("not a JWS")
        header = _segment(parts[0])
    except ValueError:
        raise ClientPolicyViolation(INVALID_REQUEST, NOT_ALLOWED_INPUT) from None
    alg = header.get("alg") if isinstance(header, dict) else None
    if alg not in SECURE_ALGORITHMS:
        raise ClientPolicyViolation(INVALID_REQUEST, NOT_ALLOWED_ALG)


# SecureClientAuthenticationAssertionExecutor's events Doorkeep raises
_ASSERTION_EVENTS = (Event.PUSHED_AUTHORIZATION_REQUEST, Event.TOKEN_REQUEST, Event.TOKEN_REFRESH)
INVALID_AUDIENCE = "invalid audience in client assertion"


def secure_client_authentication_assertion(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureClientAuthenticationAssertionExecutor (FAPI 2.0, Keycloak 26): a confidential client's JWT
    assertion names exactly one audience, the realm's issuer URL."""
    if context.event not in _ASSERTION_EVENTS or context.client is None or context.client.public:
        return
    form = _form(context)
    assertion_type, assertion = form.get("client_assertion_type"), form.get("client_assertion")
    if assertion_type != JWT_BEARER or assertion is None:
        return
    parts = assertion.split(".")
    if len(parts) < 2 or len(parts) > 3:
        raise ClientPolicyViolation(INVALID_REQUEST, "invalid client assertion format")
    try:
        claims = _segment(parts[1])
        if not isinstance(claims, dict):
            raise ValueError("not a JSON object")
    except ValueError:
        raise ClientPolicyViolation(INVALID_REQUEST, "invalid client assertion") from None
    aud = claims.get("aud")
    if isinstance(aud, dict) or (isinstance(aud, list) and any(isinstance(a, dict | list) for a in aud)):
        raise ClientPolicyViolation(INVALID_REQUEST, "invalid client assertion")  # Jackson cannot bind it
    audiences = [] if aud is None else [str(a) for a in aud] if isinstance(aud, list) else [str(aud)]
    if len(audiences) != 1 or audiences[0] != context.request.issuer:
        raise ClientPolicyViolation(INVALID_REQUEST, INVALID_AUDIENCE)


def holder_of_key_enforcer(config: dict[str, Any], context: PolicyContext) -> None:
    """HolderOfKeyEnforcerExecutor: certificate-bound tokens configured on the client (``auto-configure`` sets
    them); a token request comes with a client certificate; a refresh token is bound to the request's."""
    if context.event in CRUD:
        assert context.proposed is not None
        if flag(config, "auto-configure"):
            _attributes(context.proposed)[mtls.CLIENT_ATTRIBUTE] = "true"
        if str((context.proposed.get("attributes") or {}).get(mtls.CLIENT_ATTRIBUTE, "")).lower() != "true":
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, "Invalid client metadata: MTLS token in disabled")
    elif context.event in (Event.TOKEN_REQUEST, Event.SERVICE_ACCOUNT_TOKEN_REQUEST):
        if mtls.confirmation(context.request.certificates) is None:
            raise ClientPolicyViolation(INVALID_REQUEST, mtls.MISSING)
    elif context.event is Event.TOKEN_REFRESH:
        claims = _token_claims(_form(context).get("refresh_token"))
        if claims is not None and not mtls.bound_to(claims, context.request.certificates):
            raise ClientPolicyViolation(INVALID_GRANT, mtls.MISMATCH)


def _token_claims(token: str | None) -> dict[str, Any] | None:
    """The claims of a token Keycloak's ``session.tokens().decode`` would read; None ("this executor does not
    treat this error case") when it is no JWS. Its signature is the grant's to check, right after."""
    parts = (token or "").split(".")
    if len(parts) != 3:
        return None
    try:
        claims = _segment(parts[1])
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


# AuthzEndpointRequestParser.KNOWN_REQ_PARAMS: a query parameter among them must have its value in the request
# object too (``request`` and ``request_uri`` excepted)
KNOWN_REQUEST_PARAMS = frozenset(
    {
        "client_id",
        "response_type",
        "response_mode",
        "redirect_uri",
        "state",
        "scope",
        "login_hint",
        "prompt",
        "kc_idp_hint",
        "kc_action",
        "nonce",
        "max_age",
        "ui_locales",
        "claims",
        "acr_values",
        "code_challenge",
        "code_challenge_method",
        "dpop_jkt",
        "client_assertion_type",
        "client_assertion",
        "client_secret",
        "resource",
    }
)
DEFAULT_AVAILABLE_PERIOD = 3600  # SecureRequestObjectExecutor.DEFAULT_AVAILABLE_PERIOD (FAPI 1.0 Advanced)
DEFAULT_CLOCK_SKEW = 15  # DEAULT_ALLOWED_CLOCK_SKEW (FAPI 2.0)


def as_long(value: Any) -> int:
    """JsonNode.asLong: a number's value, a numeric string's, else 0."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                return int(float(value))
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
