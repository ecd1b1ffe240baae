"""The UserInfo endpoint (OIDC Core §5.3).

The access token comes from the ``Authorization`` header or, on POST only, the form body (RFC 6750 §2.1-2.2),
never from a query string, where it would land in access logs and ``Referer`` headers. As Keycloak's
``UserInfoEndpoint``: one method at a time, and one ``access_token`` parameter. Refusals are
``BearerError``s, answered as Keycloak's ``OAuth2Error.json(false)``: in the ``WWW-Authenticate``
challenge, with an empty body (web/http.py ``bearer_error``).

Keycloak 26.6.2: a lightweight access token (jti ``..lt..``) is refused, 401 ``invalid_token``, once its client is
known, unless the server option ``allow-userinfo-with-lightweight-access-token`` or the *issuing* client's
(``azp``) attribute ``allow.userinfo.with.lightweight.access.token`` allows it (warned about per request). Such a
token's claims are for token introspection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events
from doorkeep.clientpolicies import enforce_endpoints
from doorkeep.clientpolicies.context import Event
from doorkeep.errors import BearerError, InsufficientScope, InvalidRequest, InvalidToken
from doorkeep.json_bytes import dumps as json_bytes
from doorkeep.keys import material
from doorkeep.model import Client
from doorkeep.oauth import access, mtls, scopes, token_encryption
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.oauth.mappers.context import session_input
from doorkeep.oauth.origin_check import check_allowed_origins
from doorkeep.oauth.token_encryption import NESTED
from doorkeep.tokens import jti_lightweight

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


def presented_token(req: OAuthRequest) -> access.Presentation | None:
    """The token from the header (``Bearer`` or ``DPoP``), or from a POST body (``Bearer``); both at once, or two
    in the body, are refused."""
    header = access.presentation(req.authorization, req.dpop_header, req.url, req.method)
    if req.method != "POST":
        return header
    body = req.form.all("access_token")
    if len(body) > 1:  # checked before Keycloak's issueUserInfo opens CORS to every origin
        raise BearerError(InvalidRequest(e.DUPLICATE_PARAMETER))
    req.cors.allow_all()
    if body and header:
        raise BearerError(InvalidRequest(e.TOKEN_METHODS))
    if header is None and body and body[0]:
        return access.Presentation("Bearer", body[0], req.dpop_header, req.url, req.method)
    return header


@dataclass(frozen=True)
class UserInfoAnswer:
    """The claims as JSON, or as a JWT, ``application/jwt``: a JWS (``user.info.response.signature.alg`` set), a JWE
    (``user.info.encrypted.response.alg`` set), or a JWS inside a JWE (both)."""

    claims: dict[str, Any]
    signed: str | None = None


# The refusals Keycloak's event names the token's client for (event.client is set once the protocol check
# passed), and those it names the token's session for (findValidSession's event.session).
_CLIENT_KNOWN = frozenset({e.CLIENT_DISABLED, e.SESSION_WITHOUT_CLIENT, e.SESSION_EXPIRED, e.STALE_TOKEN})
_CLIENT_KNOWN |= {e.USER_NOT_FOUND, e.USER_DISABLED, mtls.MISMATCH, e.LIGHTWEIGHT_AT_USERINFO}
_SESSION_KNOWN = frozenset(
    {e.SESSION_WITHOUT_CLIENT, e.SESSION_EXPIRED, e.STALE_TOKEN, e.USER_NOT_FOUND, e.USER_DISABLED, mtls.MISMATCH}
)
# Keycloak 26's UserInfoEndpoint answers a failure of UserSessionUtil.findValidSessionForAccessToken with the
# Errors code it returns as the description (``error.invalidToken(userSessionValidation.getError())``); the
# user checks that follow a valid session keep their sentences.
_SESSION_CODES = {
    e.SESSION_WITHOUT_CLIENT: "user_session_not_found",
    e.SESSION_EXPIRED: "session_expired",
    e.STALE_TOKEN: "invalid_token",
}
# A token without ``sid`` (a service account's) gets a transient session, whose user is checked inside
# findValidSession: its failures are codes too.
_TRANSIENT_CODES = {e.USER_NOT_FOUND: "user_not_found", e.USER_DISABLED: "user_disabled"}
_log = logging.getLogger(__name__)
SIGNATURE_ALG = "user.info.response.signature.alg"  # OIDCConfigAttributes.USER_INFO_RESPONSE_SIGNATURE_ALG
SIGNATURE_KID = "user.info.response.signature.kid"  # USER_INFO_RESPONSE_SIGNATURE_KID (26.8) [UNVERIFIED string]
UNSIGNED = "none"  # listed for userinfo in discovery: the plain JSON answer
HMAC_ALGS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
SIGNED_ALGS = frozenset(material.ASYMMETRIC) | HMAC_ALGS.keys()  # what a userinfo answer may be signed with here


async def userinfo(tx: Tx, services: Services, req: OAuthRequest) -> UserInfoAnswer:
    """The claims of the token's user, or Keycloak's refusal in ``issueUserInfo``'s order."""
    valid = await _valid(tx, services, req)
    # Keycloak rebuilds the client session context from the token's scope, then runs the userinfo mappers.
    mappers, data = await session_input(
        tx,
        valid.client,
        valid.user,
        valid.session,
        str(valid.claims.get("scope", "")),
        str(valid.claims.get("acr", "1")),
        base_url=req.base_url,
    )
    mapped = mappings.apply(mappers, data, mappings.USERINFO)
    mapped.pop(mappings.AUDIENCE, None)
    # generateUserInfoClaims: the subject a mapper set, else the user's id.
    out: dict[str, Any] = {"sub": mappings.subject(mapped.pop("sub", valid.user.id))}
    out.update(mapped)
    details = {"auth_method": "validate_access_token", "username": valid.user.username}
    alg = valid.client.attr(SIGNATURE_ALG)
    answer = UserInfoAnswer(out)
    if alg and alg != UNSIGNED:  # UserInfoEndpoint: the issuer and the client as audience added, then signed
        signed = {**out, "iss": req.issuer, "aud": valid.client.client_id}
        jws = await _sign(tx, services, req, valid, signed, alg)
        answer = UserInfoAnswer(signed, await _encrypted(services, valid.client, jws, NESTED))
        details.update(signature_required="true", signature_algorithm=alg)
    else:
        if token_encryption.requested(valid.client, token_encryption.USERINFO) is not None:
            answer = UserInfoAnswer(out, await _encrypted(services, valid.client, json_bytes(out), None))
        details["signature_required"] = "false"
    await events.record(
        tx,
        req.realm,
        "USER_INFO_REQUEST",
        now=services.clock.now(),
        client_id=valid.client.client_id,
        user_id=valid.user.id,
        session_id=valid.claims.get("sid"),
        ip=req.ip_address,
        details=details,
    )
    return answer


async def _sign(
    tx: Tx, services: Services, req: OAuthRequest, valid: access.ValidAccess, claims: dict[str, Any], alg: str
) -> str:
    """The userinfo JWS: RS*/PS*/ES* with the realm's active key for ``alg`` (its JWKS verifies it); HS* with the
    client's secret (OIDC Core §10.1, so that the client can verify it: Keycloak's MacSecretSignatureProvider
    would take a realm HMAC key, the one its refresh tokens are signed with for HS512)."""
    secret = valid.client.secret
    if alg in HMAC_ALGS and secret:
        return _hmac_jws(claims, secret.encode(), alg)
    if alg not in SIGNED_ALGS or alg in HMAC_ALGS:
        await _refused(tx, services, req, "invalid_request", client=valid.client.client_id, user_id=valid.user.id)
        raise BearerError(InvalidRequest(e.USERINFO_SIGNATURE_UNAVAILABLE, status=400))
    kid = valid.client.attributes.get(SIGNATURE_KID)  # OIDCSigningKeySelectionTest.testUserInfoSigningKey
    named = kid if isinstance(kid, str) and kid else None
    return await services.codec.sign(tx, req.realm.id, claims, alg, services.clock.now(), kid=named)


async def _encrypted(services: Services, client: Client, content: str | bytes, content_type: str | None) -> str:
    """``jweFromContent``: the answer encrypted to the client's key when it asks for that (``cty`` JWT around a
    JWS, none around plain JSON); without a usable key, Keycloak's bare 500 (``error.status(500).build()``: the
    challenge names only the realm, and no event is recorded)."""
    keys = services.client_keys or ClientKeys(services.clock)
    try:
        encrypter = await token_encryption.encrypter(keys, client, token_encryption.USERINFO)
    except token_encryption.EncryptionKeyMissing:
        raise BearerError(status=500) from None
    if encrypter is None:
        return content if isinstance(content, str) else content.decode()
    return encrypter.encrypt(content, content_type)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _hmac_jws(claims: dict[str, Any], key: bytes, alg: str) -> str:
    """A compact JWS (RFC 7515 §7.1) with an HMAC of ``alg`` (a client secret may be shorter than RFC 7518 §3.2
    recommends: it is the client's to choose)."""
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(key, f"{head}.{body}".encode(), HMAC_ALGS[alg]).digest()
    return f"{head}.{body}.{_b64(signature)}"


async def _refused(
    tx: Tx,
    services: Services,
    req: OAuthRequest,
    error: str,
    *,
    client: str | None = None,
    reason: str | None = None,
    policy: dict[str, str] | None = None,
    **names: Any,
) -> None:
    """USER_INFO_REQUEST_ERROR with Keycloak's Errors value and what its event builder had learnt by then."""
    details = {"auth_method": "validate_access_token", **({"reason": reason} if reason else {})}
    details.update(policy or {})
    await events.record(
        tx,
        req.realm,
        "USER_INFO_REQUEST_ERROR",
        now=services.clock.now(),
        client_id=client,
        ip=req.ip_address,
        error=error,
        details=details,
        **names,
    )


async def _valid(tx: Tx, services: Services, req: OAuthRequest) -> access.ValidAccess:
    """No token is a bare 401; a token without ``openid`` is 403 ``insufficient_scope`` (userinfo is an OIDC
    resource, OIDC Core §5.3), checked after the signature but before the client; then ``invalid_token``."""
    presented = presented_token(req)
    req.cors.allow_all()  # refusals before the token's client is known are readable from any origin
    # USERINFO_REQUEST, before the token is looked at: no client is known to the conditions yet
    violation = await enforce_endpoints.refusal(tx, req.realm, Event.USERINFO_REQUEST, None, req.form)
    if violation is not None:
        details = enforce_endpoints.event_details(violation)
        await _refused(tx, services, req, violation.error, policy=details)
        raise BearerError(enforce_endpoints.as_oauth_error(violation))
    if presented is None:
        await _refused(tx, services, req, "invalid_token")
        raise BearerError()  # OAuth2Error.unauthorized()
    claims: dict[str, Any] = {}
    try:
        claims = await access.verified_claims(tx, services, req.realm, req.issuer, presented.token, presented)
        if scopes.OPENID not in scopes.split(str(claims.get("scope", ""))):
            await _refused(tx, services, req, "access_denied")
            raise BearerError(
                InsufficientScope(e.MISSING_OPENID_SCOPE, event_error="access_denied"), dpop=presented.dpop
            )
        client = await tx.config.client(req.realm.id, str(claims.get("azp", "")))
        if client is not None:  # from here on only the client's web origins may read the answer
            check_allowed_origins(req, client)  # a CORS request from another origin: 403 (Keycloak 26.6.3)
            req.cors.allow_client(client)
            _lightweight_allowed(services, client, claims)
        valid = await access.holder(tx, services, req.realm, claims)
        # KEYCLOAK-6771: a certificate-bound token only with its certificate (RFC 8705 §3), once the user is valid.
        if mtls.required(valid.client) and not mtls.bound_to(claims, req.client_certificates):
            raise access.InvalidAccess(mtls.MISMATCH, user_id=valid.user.id)
        return valid
    except access.InvalidAccess as exc:
        known = exc.description in _CLIENT_KNOWN
        sid = claims.get("sid") if exc.description in _SESSION_KNOWN else None
        client_id = str(claims.get("azp")) if known else None
        reason = exc.description if exc.description in (mtls.MISMATCH, e.LIGHTWEIGHT_AT_USERINFO) else None
        await _refused(
            tx, services, req, exc.event_error, client=client_id, user_id=exc.user_id, session_id=sid, reason=reason
        )
        description = _description(exc.description, claims)
        raise BearerError(InvalidToken(description, detail=str(exc)), dpop=presented.dpop) from exc


def _lightweight_allowed(services: Services, client: Client, claims: dict[str, Any]) -> None:
    """Keycloak 26.6.2: a lightweight access token only under one of the compatibility switches."""
    if not jti_lightweight(str(claims.get("jti", ""))):
        return
    why = services.oidc.userinfo_with_lightweight(client)
    if why is None:
        raise access.InvalidAccess(e.LIGHTWEIGHT_AT_USERINFO)
    _log.warning("UserInfo request with a lightweight access token of client '%s' (%s)", client.client_id, why)


def _description(reason: str, claims: dict[str, Any]) -> str:
    """The ``error_description`` of a refused token: the session lookup's Errors code, else the sentence."""
    codes = _SESSION_CODES if claims.get("sid") is not None else {**_SESSION_CODES, **_TRANSIENT_CODES}
    return codes.get(reason, reason)
