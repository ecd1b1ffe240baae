"""Client authentication at the token, introspection, revocation, logout and device endpoints.

Keycloak's ClientAuthenticationFlow.processFlow runs the realm's client authenticators in order
(``client-secret``, then ``client-jwt`` and ``client-secret-jwt``) and keeps the outcome of one only:
the authenticator whose id is the client's ``clientAuthenticatorType`` (``client-secret`` for public
clients). Each authenticator may name the client it found; whatever the other authenticators said
about it is ignored. So a ``client-jwt`` client that sends a secret is refused with the JWT
authenticator's answer ("Parameter client_assertion_type is missing"), and a ``client-secret``
client cannot authenticate with an assertion. A ``client-x509`` client authenticates with the certificate
the TLS-terminating proxy forwarded (``oauth/client_x509.py``).

``client-secret`` takes ``client_secret_basic`` (RFC 6749 §2.3.1: form-urlencoded id and secret in
the Basic header), ``client_secret_post``, and public clients identified by ``client_id`` alone.
Form parameters win over the Basic header, each on its own (Keycloak's ClientIdAndSecretAuthenticator
reads the header, then lets a form ``client_id`` or ``client_secret`` replace what it gave). A client whose
``client.secret.authentication.allowed.method`` names one of the two ways (Keycloak 26.6; dynamic registration
sets it from ``token_endpoint_auth_method``) is refused when its secret came the other way.
Secrets are compared in constant time. The JWT authenticators are in ``oauth/client_assertion.py``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from doorkeep.clientpolicies import secret_rotation
from doorkeep.clock import SystemClock
from doorkeep.errors import (
    INVALID_CLIENT_CREDENTIALS,
    SECRET_METHOD_REQUIRED,
    WRONG_CLIENT_PROTOCOL,
    InvalidClient,
    OAuthError,
    UnauthorizedClient,
)
from doorkeep.model import Client
from doorkeep.oauth import client_assertion, client_federated, client_x509
from doorkeep.oauth.client_assertion import Attempted, Outcome
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.origin_check import check_allowed_origins

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.store.tx import Tx

CLIENT_SECRET = "client-secret"
# ClientSecretConstants.CLIENT_SECRET_AUTHENTICATION_ALLOWED_METHOD: "client_secret_basic", "client_secret_post", or
# blank for either
ALLOWED_SECRET_METHOD = "client.secret.authentication.allowed.method"


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """The client id and secret of an HTTP Basic ``Authorization`` header (RFC 6749 §2.3.1: each
    form-urlencoded before base64), or None for another scheme or a malformed value."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if ":" not in decoded:
        return None
    client_id, secret = decoded.split(":", 1)
    return unquote_plus(client_id), unquote_plus(secret)


def _credentials(req: OAuthRequest) -> tuple[str | None, str | None]:
    """The client id and secret the request gives: the Basic header's, each replaced by the form's
    parameter when the form has it (even empty), as ClientIdAndSecretAuthenticator does."""
    client_id, secret = basic_credentials(req.authorization) or (None, None)
    form_id, form_secret = req.form.get("client_id"), req.form.get("client_secret")
    return (client_id if form_id is None else form_id), (secret if form_secret is None else form_secret)


def _secret_method(req: OAuthRequest) -> str | None:
    """How the secret came (clientSecretRetrievalUsedMethod): ``client_secret_post`` when the form has a
    ``client_secret``, else ``client_secret_basic`` when the Basic header gave one."""
    if "client_secret" in req.form:
        return "client_secret_post"
    return "client_secret_basic" if basic_credentials(req.authorization) is not None else None


async def event_naming(tx: Tx, req: OAuthRequest, client: Client | None) -> tuple[str | None, dict[str, str]]:
    """The client the request's event names and the assertion details it carries (ClientAuthenticationFlow).

    ``client`` is the authenticated client, or None when authentication failed. Then the event names the
    ``client_id`` the request gives (ClientIdAndSecretAuthenticator's ``event.client``), else the client an
    assertion names once it is found (AbstractJWTClientValidator.validateClient): an unknown client, or an
    assertion whose ``iss`` is not its ``sub``, is named by no event. The assertion's details are there
    whenever the JWT authenticators read it: not for a client the client-secret authenticator answers for."""
    if client is not None:
        named: str | None = client.client_id
    elif client_id := _credentials(req)[0]:
        named, client = client_id, await tx.config.client(req.realm.id, client_id)
    elif subject := client_assertion.claimed_subject(req):
        client = await tx.config.client(req.realm.id, subject)
        named = client.client_id if client is not None else None
    else:  # an assertion of another issuer: the client a federated-jwt lookup finds, once validateClient named it
        found = await client_federated.lookup(tx, req, client_assertion.parsed(req))
        client = client_federated.named_client(req, found)
        named = client.client_id if client is not None else None
    if client is not None and expected_authenticator(client) == CLIENT_SECRET:
        return named, {}
    return named, client_assertion.event_details(req)


def expected_authenticator(client: Client) -> str:
    """processFlow's ``expectedClientAuthType``: a public client is always the client-secret authenticator's."""
    return CLIENT_SECRET if client.public_client else client.client_authenticator_type


def _by_secret(client: Client, secret_given: str | None, req: OAuthRequest, now: int) -> Client:
    """ClientIdAndSecretAuthenticator, for a client it found by ``client_id``: the secret (a ``${vault.<key>}`` one
    read from the vault, OIDCClientSecretConfigWrapper.validatePrimarySecret), sent the way the client allows, else
    the rotated secret while it lasts (validateRotatedSecret; never with the client-secret-rotation feature off,
    keycloak#50855); a secret past its expiry (secret-rotation) is refused."""
    if not client.enabled:
        raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="client_disabled")
    if client.public_client:
        return client
    if not secret_given or not client.secret:
        raise UnauthorizedClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    allowed = client.attr(ALLOWED_SECRET_METHOD)
    if allowed.strip() and allowed != _secret_method(req):  # read only for a client that names one way
        raise UnauthorizedClient(SECRET_METHOD_REQUIRED.format(allowed), event_error="invalid_client_credentials")
    primary = req.secret(client.secret) or ""  # a ${vault.<key>} secret is the vault's entry; none matches nothing
    if not (primary and hmac.compare_digest(secret_given.encode(), primary.encode())) and not (
        req.rotated_secrets and secret_rotation.rotated_secret_matches(client.attributes, secret_given, now)
    ):
        raise UnauthorizedClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    if secret_rotation.secret_expired(client.attributes, now):
        raise UnauthorizedClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    return client


async def authenticate_client(tx: Tx, req: OAuthRequest, *, record_assertion: bool = True) -> Client:
    """The authenticated client, or the OAuth error Keycloak gives (ClientAuthenticationFlow.processFlow).

    ``record_assertion=False`` checks a client assertion without spending its ``jti`` (the password
    grant's check before its writing transaction; the grant then authenticates again and spends it)."""
    client_id, secret_given = _credentials(req)
    # The client-secret authenticator names the client of ``client_id`` (the processor's client).
    found = await tx.config.client(req.realm.id, client_id) if client_id else None
    now = (req.client_keys or ClientKeys(SystemClock())).clock.now()
    if found is not None and expected_authenticator(found) == CLIENT_SECRET:
        return _by_secret(found, secret_given, req, now)
    # client-x509 names the client of the form's client_id, else of the query's (X509ClientAuthenticator).
    if found is None and client_id is None and req.query_client_id:
        by_query = await tx.config.client(req.realm.id, req.query_client_id)
        if by_query is not None and expected_authenticator(by_query) == client_x509.CLIENT_X509:
            return client_x509.authenticate(by_query, req.client_certificates, now)
    if found is not None and expected_authenticator(found) == client_x509.CLIENT_X509:
        return client_x509.authenticate(found, req.client_certificates, now)
    state = await client_assertion.read_state(tx, req)
    for authenticator in (*client_assertion.AUTHENTICATORS, client_federated.FEDERATED_JWT):
        outcome: Outcome = (
            await client_federated.run(tx, req, state, record=record_assertion)
            if authenticator == client_federated.FEDERATED_JWT
            else await client_assertion.run(tx, req, authenticator, state, found, record=record_assertion)
        )
        found = outcome.client or found
        if found is None or expected_authenticator(found) != authenticator:
            continue  # not the client's authenticator: what it said does not count
        if isinstance(outcome.result, OAuthError):
            raise outcome.result
        if isinstance(outcome.result, Attempted):
            # An authenticator that neither succeeded nor failed: processResult's unknown status.
            raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
        return outcome.result
    # No authenticator of the client's type answered (none found, or a type Doorkeep does not run):
    # "Invalid client or Invalid client credentials", Keycloak's CLIENT_NOT_FOUND.
    raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="client_not_found")


OIDC = "openid-connect"


def require_oidc(client: Client) -> None:
    """AuthorizeClientUtil.authorizeClient's protocol check: a SAML client authenticated here is refused."""
    if client.protocol != OIDC:
        raise InvalidClient(WRONG_CLIENT_PROTOCOL, status=400)


async def authorize_client(tx: Tx, req: OAuthRequest, *, cors: bool = True) -> Client:
    """Keycloak's AuthorizeClientUtil.authorizeClient, which the token, revocation and logout endpoints call:
    the client authenticated, then refused unless it speaks OpenID Connect. Its refusals are readable from any
    origin (``cors.allowAllOrigins()`` before each), what follows only from the client's web origins.

    With a ``Cors`` (``cors``; CIBA passes none) a CORS request from an origin the authenticated client does not
    allow is refused there (403, Keycloak 26.6.3: ``checkAllowedOrigins(session, client)`` where it set the
    client's origins, before the protocol check), before anything of the endpoint runs."""
    req.cors.allow_all()
    client = await authenticate_client(tx, req)
    if cors:
        check_allowed_origins(req, client)
    require_oidc(client)
    req.cors.allow_client(client)
    return client
