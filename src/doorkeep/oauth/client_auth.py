"""Client authentication at the token, introspection, revocation and logout endpoints.

``client_secret_basic`` (RFC 6749 §2.3.1: form-urlencoded id and secret in the Basic header),
``client_secret_post``, and public clients identified by ``client_id`` alone. Form parameters win
over the Basic header, each on its own (Keycloak's ClientIdAndSecretAuthenticator reads the header,
then lets a form ``client_id`` or ``client_secret`` replace what it gave): a header naming one client
and a form naming another authenticates the form's client, with the header's secret unless the form
has one. Secrets are compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from doorkeep.errors import INVALID_CLIENT_CREDENTIALS, WRONG_CLIENT_PROTOCOL, InvalidClient, UnauthorizedClient
from doorkeep.model import Client

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.store.tx import Tx


def _basic(header: str | None) -> tuple[str, str] | None:
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
    client_id, secret = _basic(req.authorization) or (None, None)
    form_id, form_secret = req.form.get("client_id"), req.form.get("client_secret")
    return (client_id if form_id is None else form_id), (secret if form_secret is None else form_secret)


def claimed_client_id(req: OAuthRequest) -> str | None:
    """The client the request names, before authentication (events and CORS decisions)."""
    return _credentials(req)[0] or None


async def authenticate_client(tx: Tx, req: OAuthRequest) -> Client:
    """The authenticated client, or the OAuth error Keycloak gives."""
    client_id, secret_given = _credentials(req)
    if not client_id:
        # ClientIdAndSecretAuthenticator's "Missing client_id parameter" challenge is only sent for a client
        # that was found (ClientAuthenticationFlow.processFlow): no client is Keycloak's CLIENT_NOT_FOUND.
        raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="client_not_found")
    client = await tx.config.client(req.realm.id, client_id)
    if client is None or not client.enabled:
        found = "client_not_found" if client is None else "client_disabled"
        raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error=found)
    if client.public_client:
        return client
    if not secret_given or not client.secret:
        raise UnauthorizedClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    if not hmac.compare_digest(secret_given.encode(), client.secret.encode()):
        raise UnauthorizedClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    return client


OIDC = "openid-connect"


def require_oidc(client: Client) -> None:
    """AuthorizeClientUtil.authorizeClient's protocol check: a SAML client authenticated here is refused."""
    if client.protocol != OIDC:
        raise InvalidClient(WRONG_CLIENT_PROTOCOL, status=400)


async def authorize_client(tx: Tx, req: OAuthRequest) -> Client:
    """Keycloak's AuthorizeClientUtil.authorizeClient, which the token, revocation and logout endpoints call:
    the client authenticated, then refused unless it speaks OpenID Connect."""
    client = await authenticate_client(tx, req)
    require_oidc(client)
    return client
