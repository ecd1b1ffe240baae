"""The executors of the FAPI and OAuth 2.1 profiles that judge signatures, client assertions and certificate
binding, as Keycloak's executor classes behave (their messages, error codes and events):
SecureSigningAlgorithmExecutor, SecureSigningAlgorithmForSignedJwtExecutor,
SecureClientAuthenticationAssertionExecutor and HolderOfKeyEnforcerExecutor (the request object's and the pushed
request's are in executors_request_object.py). What they read of a request is ``context.request``
(context.RequestFacts).

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
# org.keycloak.jose.jws.Algorithm: the names a JWS header's ``alg`` may hold for JWSInput
JWS_ALGORITHMS = (
    "none",
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "ES256",
    "ES384",
    "ES512",
    "PS256",
    "PS384",
    "PS512",
    "EdDSA",
)
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
    if alg not in JWS_ALGORITHMS:  # JWSHeader's Algorithm enum cannot read it
        raise ClientPolicyViolation(INVALID_REQUEST, NOT_ALLOWED_INPUT)
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
    them); a token request (code, client credentials, CIBA) comes with a client certificate; a refresh token, and
    the token revoked or logged out with, is bound to the request's. (USERINFO_REQUEST's check is the userinfo
    endpoint's own for a bound token, oauth/userinfo.py.)"""
    if context.event in CRUD:
        assert context.proposed is not None
        if flag(config, "auto-configure"):
            _attributes(context.proposed)[mtls.CLIENT_ATTRIBUTE] = "true"
        if str((context.proposed.get("attributes") or {}).get(mtls.CLIENT_ATTRIBUTE, "")).lower() != "true":
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, "Invalid client metadata: MTLS token in disabled")
    elif context.event in (Event.TOKEN_REQUEST, Event.SERVICE_ACCOUNT_TOKEN_REQUEST, Event.BACKCHANNEL_TOKEN_REQUEST):
        if mtls.confirmation(context.request.certificates) is None:
            raise ClientPolicyViolation(INVALID_REQUEST, mtls.MISSING)
    elif context.event is Event.TOKEN_REFRESH:
        claims = _token_claims(_form(context).get("refresh_token"))
        if claims is not None and not mtls.bound_to(claims, context.request.certificates):
            raise ClientPolicyViolation(INVALID_GRANT, mtls.MISMATCH)
    elif context.event in _BOUND_TOKEN_PARAMETER:  # checkTokenRevoke, checkLogout: Errors.NOT_ALLOWED, 401
        claims = _token_claims(_form(context).get(_BOUND_TOKEN_PARAMETER[context.event]))
        if claims is not None and not mtls.bound_to(claims, context.request.certificates):
            raise ClientPolicyViolation(NOT_ALLOWED, mtls.MISMATCH, status=401)


# the token holder-of-key-enforcer checks at revocation and at the logout with a refresh token
_BOUND_TOKEN_PARAMETER = {Event.TOKEN_REVOKE: "token", Event.LOGOUT_REQUEST: "refresh_token"}
NOT_ALLOWED = "not_allowed"  # Errors.NOT_ALLOWED


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
