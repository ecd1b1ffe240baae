"""The token endpoint (RFC 6749 §3.2): the common checks of KEYCLOAK.md §2.1, then the grant."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import events, features
from doorkeep.errors import OAuthError
from doorkeep.model import Client
from doorkeep.oauth import dpop, mtls, parameter_limits, token_encryption
from doorkeep.oauth.client_auth import authorize_client, event_naming
from doorkeep.oauth.grants import (
    authorization_code,
    ciba,
    client_credentials,
    device_code,
    jwt_authorization,
    password,
    refresh_token,
    token_exchange,
)
from doorkeep.oauth.minted import Minted, TokenResponse
from doorkeep.sessions import device

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form, OAuthRequest, Services
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)

Grant = Callable[["Tx", "Services", "OAuthRequest", Client], Awaitable[Minted]]

GRANTS: dict[str, Grant] = {
    authorization_code.GRANT_TYPE: authorization_code.grant,
    password.GRANT_TYPE: password.grant,
    client_credentials.GRANT_TYPE: client_credentials.grant,
    refresh_token.GRANT_TYPE: refresh_token.grant,
    device_code.GRANT_TYPE: device_code.grant,
    token_exchange.GRANT_TYPE: token_exchange.grant,
    ciba.GRANT_TYPE: ciba.grant,
    jwt_authorization.GRANT_TYPE: jwt_authorization.grant,
}

# The grants a feature brings (CibaGrantTypeFactory, DeviceGrantTypeFactory, JWTAuthorizationGrantTypeFactory:
# isSupported is the feature's switch).
FEATURE_OF_GRANT: dict[str, str] = {
    ciba.GRANT_TYPE: features.CIBA,
    device_code.GRANT_TYPE: features.DEVICE_FLOW,
    jwt_authorization.GRANT_TYPE: features.JWT_AUTHORIZATION_GRANT,
}


def supported_grants(disabled: frozenset[str]) -> list[str]:
    """The grant types served with the ``disabled`` features off (OIDCWellKnownProvider.getGrantTypesSupported)."""
    return [name for name in GRANTS if FEATURE_OF_GRANT.get(name) not in disabled]


# OAuth2GrantType.getSupportedMultivaluedRequestParameters: what a grant takes more than once.
MULTIVALUED: dict[str, frozenset[str]] = {token_exchange.GRANT_TYPE: token_exchange.MULTIVALUED}


def prepare(form: Form) -> Callable[[Tx, OAuthRequest], Awaitable[OAuthRequest]] | None:
    """The one grant with a step before the writing transaction opens: the argon2 check of a password.
    Every other grant runs in one transaction."""
    if form.get("grant_type") != password.GRANT_TYPE or form.has_duplicates():
        return None
    return password.precheck


SUPPORTED_GRANT_TYPES = (
    "authorization_code",
    "client_credentials",
    "implicit",
    "password",
    "refresh_token",
    device_code.GRANT_TYPE,
    token_exchange.GRANT_TYPE,
    ciba.GRANT_TYPE,
    jwt_authorization.GRANT_TYPE,
)


def check_device_label(form: Form) -> None:
    """An offline session's ``device_label`` (docs/offline-devices.md) is refused before any write."""
    try:
        device.clean_label(form.get(device.LABEL_PARAM) or "")
    except device.LabelError as err:
        raise e.InvalidRequest(str(err)) from None


def check_realm(req: OAuthRequest) -> None:
    if not req.realm.enabled:
        raise e.AccessDenied(e.REALM_NOT_ENABLED)


async def _dpop_proof(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> OAuthRequest:
    """DPoPUtil.handleDPoPHeader, for every grant: a proof is checked when the request carries one or the client
    requires DPoP; refused, it is 400 ``invalid_request`` with the check's message (event error
    ``invalid_dpop_proof``). A valid one binds the tokens this request mints (oauth/issue.py)."""
    if req.dpop_header is None and not dpop.required(client):
        return req
    try:
        proof = await dpop.validate(tx, req.dpop_header, uri=req.url, method=req.method, now=services.clock.now())
    except dpop.InvalidProof as err:
        failure = e.InvalidRequest(err.message, event_error="invalid_dpop_proof")
        failure.event_details = {"reason": err.message}
        raise failure from None
    return dataclasses.replace(req, dpop=proof)


def bind_certificate(minted: Minted, req: OAuthRequest, client: Client) -> Minted:
    """The grants' MtlsHoKTokenUtil.bindTokenWithClientCertificate, once their tokens are built: a client with
    certificate-bound tokens gets its certificate's thumbprint in the access and refresh tokens' ``cnf``, and
    without a certificate a 400 ``invalid_request`` (RFC 8705 §3)."""
    if not mtls.required(client):
        return minted
    cnf = mtls.confirmation(req.client_certificates)
    if cnf is None:  # OAuth2GrantTypeBase.checkAndBindMtlsHoKToken: INVALID_REQUEST, the text as the reason
        refused = e.InvalidRequest(mtls.MISSING)
        refused.event_details = {"reason": mtls.MISSING}
        raise refused
    unsigned = dict(minted.unsigned)
    for kind in ("access_token", "refresh_token"):
        if kind in unsigned:
            token = unsigned[kind]
            unsigned[kind] = dataclasses.replace(
                token, claims={**token.claims, "cnf": {**token.claims.get("cnf", {}), **cnf}}
            )
    return dataclasses.replace(minted, unsigned=unsigned)


async def token(tx: Tx, services: Services, req: OAuthRequest) -> TokenResponse:
    """Handle one token request and sign its tokens at once (callers inside a larger transaction)."""
    return (await grant_tokens(tx, services, req)).response()


async def grant_tokens(tx: Tx, services: Services, req: OAuthRequest) -> Minted:
    """Handle one token request; raises OAuthError with Keycloak's code, text and status.
    The tokens are signed by ``Minted.response()``, once the transaction has committed."""
    check_realm(req)
    grant_type = req.form.get("grant_type")
    if grant_type is None:
        raise e.InvalidRequest(e.MISSING_GRANT_TYPE)
    grant = GRANTS.get(grant_type)
    if grant is None or FEATURE_OF_GRANT.get(grant_type) in services.disabled_features:
        raise e.UnsupportedGrantType(e.UNSUPPORTED_GRANT_TYPE)
    client: Client | None = None
    try:
        client = await authorize_client(tx, req)
        if client.bearer_only:
            raise e.InvalidClient(e.BEARER_ONLY, status=400)
        if req.form.has_duplicates(MULTIVALUED.get(grant_type, frozenset())):
            raise e.InvalidRequest(e.DUPLICATED_PARAMETER)
        form = parameter_limits.within_limits(req.form, grant_type, req.oidc)
        if form is not req.form:  # only when a parameter was dropped: a copy of the request costs a refresh ~5 µs
            req = dataclasses.replace(req, form=form)
        check_device_label(req.form)
        req = await _dpop_proof(tx, services, req, client)
        try:
            minted = await grant(tx, services, req, client)
        except token_encryption.EncryptionKeyMissing:
            raise token_encryption.token_endpoint_error() from None
        if grant_type != token_exchange.GRANT_TYPE:
            minted = bind_certificate(minted, req, client)
    except OAuthError as err:  # the *_ERROR event commits with the answer
        log.debug("%s refused: %s (%s) %s", grant_type, err.error, err.event_error, err.detail)
        if err.event_error:  # none for a device code still pending, as Keycloak records none
            given, assertion = await event_naming(tx, req, client)
            err.event_details = {**assertion, **err.event_details}
            await events.token_failed(tx, req, grant_type, client, given, err, services.clock.now())
        raise
    _, assertion = await event_naming(tx, req, client)
    await events.token_issued(tx, req, grant_type, client, minted, services.clock.now(), assertion)
    return minted
