"""Client authentication at the token, introspection, revocation and logout endpoints.

``client_secret_basic`` (RFC 6749 §2.3.1: form-urlencoded id and secret in the Basic header),
``client_secret_post``, and public clients identified by ``client_id`` alone. The Basic header wins
over form parameters, as in Keycloak. Secrets are compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from doorkeep.errors import INVALID_CLIENT_CREDENTIALS, MISSING_CLIENT_ID, InvalidClient, UnauthorizedClient
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


def basic_client_id(header: str | None) -> str | None:
    """The client id named by a Basic header, if any (for CORS decisions, not authentication)."""
    basic = _basic(header)
    return basic[0] if basic else None


async def authenticate_client(tx: Tx, req: OAuthRequest) -> Client:
    """The authenticated client, or the OAuth error Keycloak gives."""
    basic = _basic(req.authorization)
    if basic is not None:
        client_id, secret = basic
        secret_given: str | None = secret
    else:
        client_id = req.form.get("client_id") or ""
        secret_given = req.form.get("client_secret")
    if not client_id:
        raise InvalidClient(MISSING_CLIENT_ID, status=400)
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
