"""Request objects (OIDC Core §6, RFC 9101) as Keycloak 26 reads them: ``AuthzEndpointRequestObjectParser``
with ``DefaultTokenManager.decodeClientJWT``.

A request object is a JWT whose claims are authorization request parameters. In Keycloak's order:

* a header with ``enc`` is a JWE. Keycloak decrypts it with one of the realm's ``enc`` keys; Doorkeep has
  none (and lists no ``request_object_encryption_*`` in discovery), so an encrypted request object fails as
  Keycloak's does on a realm without one ("Could not find private key for decrypting token"), after the
  client's ``request.object.encryption.alg`` / ``.enc`` are compared with its header;
* the header must name an ``alg``, the one in the client's ``request.object.signature.alg`` when that is set
  (the admin console's "any" sets nothing);
* ``none`` is read unchecked (``verifyJWS``: no verifier for it); an asymmetric ``alg`` is checked with the
  client's keys (``ClientPublicKeyLoader``: its JWKS, ``jwks.url`` or certificate, ``oauth/client_keys.py``),
  ``HS*`` with the client secret; any other ``alg``, or a bad signature, fails;
* the claims must not hold a ``request_uri``, nor name another client (``client_id``, compared by
  ``AuthzEndpointRequestParser.parseRequest``); they need not name it, nor the ``response_type``, since
  Keycloak 20 (keycloak/keycloak#14255: OIDC Core §6.1 requires both in the query, not in the object).

Keycloak checks neither ``iss``, ``aud`` nor ``exp`` of a request object here (only its FAPI client policy
executors do). Every failure is a RuntimeException there, logged and answered "Invalid Request" (a page at
the authorization endpoint, ``invalid_request_object`` at the PAR endpoint); its text is kept as the detail.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

import jwt

from doorkeep.model import Client
from doorkeep.oauth.client_assertion import ASYMMETRIC, SYMMETRIC, Malformed, parse
from doorkeep.oauth.client_keys import ClientKeys

SIGNATURE_ALG = "request.object.signature.alg"
ENCRYPTION_ALG = "request.object.encryption.alg"
ENCRYPTION_ENC = "request.object.encryption.enc"
ANY = "any"  # the admin console's choice for "no restriction"
NONE = "none"


class RequestObjectError(Exception):
    """Why a request object was refused (Keycloak's RuntimeException text; logged, never sent)."""


def _header(text: str) -> dict[str, Any]:
    """JOSEParser.parse: the first segment's JSON, which says whether this is a JWE (``enc``) or a JWS."""
    try:
        return parse(text.split(".", 2)[0] + ".e30").header  # an empty claims set: only the header is read
    except Malformed as err:
        raise RequestObjectError("Could not infer header from JWT") from err


def _encrypted(header: dict[str, Any], client: Client) -> RequestObjectError:
    """The validator's JWE branch, then the realm key lookup Doorkeep cannot satisfy."""
    alg, enc = client.attr(ENCRYPTION_ALG), client.attr(ENCRYPTION_ENC)
    if alg and alg != header.get("alg"):
        return RequestObjectError("Request object encrypted with different algorithm than client requested algorithm")
    if enc and enc != header.get("enc"):
        return RequestObjectError(
            "Request object content encrypted with different algorithm than client requested algorithm"
        )
    return RequestObjectError("Could not find private key for decrypting token")


async def _verified(text: str, client: Client, keys: ClientKeys) -> dict[str, Any]:
    """``verifyJWS``: the claims of a JWS whose signature the client's key (or secret) accepts."""
    failed = RequestObjectError("Failed to verify signature on 'request' object")
    try:
        token = parse(text)
    except Malformed as err:
        raise failed from err
    alg = str(token.header.get("alg"))
    if alg == NONE:
        return token.claims
    if alg in SYMMETRIC:
        secret = client.secret or ""
        mac = hmac.new(secret.encode(), token.signing_input, SYMMETRIC[alg]).digest()
        if secret and hmac.compare_digest(mac, token.signature):
            return token.claims
        raise failed
    if alg not in ASYMMETRIC:
        raise failed
    kid = token.header.get("kid")
    key = await keys.find(client, kid if isinstance(kid, str) else None, alg)
    try:
        verifier = jwt.get_algorithm_by_name(alg)
        valid = key is not None and bool(verifier.verify(token.signing_input, key, token.signature))
    except (ValueError, TypeError, NotImplementedError, jwt.InvalidKeyError):
        valid = False
    if not valid:
        raise failed
    return token.claims


async def decode(text: str, client: Client, keys: ClientKeys) -> dict[str, Any]:
    """The request object's claims, checked as ``AuthzEndpointRequestObjectParser``'s constructor does."""
    header = _header(text)
    if "enc" in header:
        raise _encrypted(header, client)
    alg = header.get("alg")
    if alg is None:
        raise RequestObjectError("Request object signed algorithm not specified")
    wanted = client.attr(SIGNATURE_ALG)
    if wanted and wanted != ANY and wanted != alg:
        raise RequestObjectError("Request object signed with different algorithm than client requested algorithm")
    claims = await _verified(text, client, keys)
    if "client_id" in claims and text_value(claims["client_id"]) != client.client_id:  # parseRequest's check
        raise RequestObjectError("The client_id parameter doesn't match the one from OIDC 'request' or 'request_uri'")
    if "request_uri" in claims:
        raise RequestObjectError("The request_uri claim should not be set in the request object")
    return claims


def text_value(value: Any) -> str:
    """A claim as the parser reads a parameter (``getParameter``): a value node's text (``null`` too), or an
    object's or array's JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
