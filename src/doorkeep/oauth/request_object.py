"""Request objects (OIDC Core §6, RFC 9101) as Keycloak 26 reads them: ``AuthzEndpointRequestObjectParser``
with ``DefaultTokenManager.decodeClientJWT``.

A request object is a JWT whose claims are authorization request parameters. In Keycloak's order:

* a header with ``enc`` is a JWE encrypted to one of the realm's ``enc`` keys (its ``kid``, else the asymmetric
  one of the highest priority; none: "Could not find private key for decrypting token"), after the client's
  ``request.object.encryption.alg`` / ``.enc`` are compared with its header. Its content is a signed request
  object, checked as below, or the claims themselves, which a client that names a
  ``request.object.signature.alg`` may not send (Keycloak's rejectUnsignedContentIfSignatureRequired). Beyond
  Keycloak, RSA1_5 (whose padding errors are an oracle) is taken only by a key registered for it;
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
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import jwt
from jwcrypto import jwe, jwk
from jwcrypto.common import JWException

from doorkeep.keys.ring import KeyRing
from doorkeep.model import Client
from doorkeep.numbers import loads
from doorkeep.oauth.client_assertion import ASYMMETRIC, SYMMETRIC, Malformed, parse
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.vault import reference_key

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

SIGNATURE_ALG = "request.object.signature.alg"
ENCRYPTION_ALG = "request.object.encryption.alg"
ENCRYPTION_ENC = "request.object.encryption.enc"
ANY = "any"  # the admin console's choice for "no restriction"
NONE = "none"
RSA1_5 = "RSA1_5"
# The realm's private encryption key for a JWE's ``kid`` (None: the header names none), and the algorithm it is
# registered for; None when the realm has no such key.
Decryption = Callable[[str | None], Awaitable[tuple[Any, str] | None]]


def realm_decryption(tx: Tx, keyring: KeyRing, realm_id: str) -> Decryption:
    """The realm's private encryption keys, as ``decode`` asks for them (an AES key has none)."""

    async def find(kid: str | None) -> tuple[Any, str] | None:
        key = await keyring.request_decryption_key(tx, realm_id, kid)
        if key is None or isinstance(key.signing, bytes):
            return None
        return key.signing, key.algorithm

    return find


class RequestObjectError(Exception):
    """Why a request object was refused (Keycloak's RuntimeException text; logged, never sent)."""


def _header(text: str) -> dict[str, Any]:
    """JOSEParser.parse: the first segment's JSON, which says whether this is a JWE (``enc``) or a JWS."""
    try:
        return parse(text.split(".", 2)[0] + ".e30").header  # an empty claims set: only the header is read
    except Malformed as err:
        raise RequestObjectError("Could not infer header from JWT") from err


def _check_encryption(header: dict[str, Any], client: Client) -> None:
    """The validator's JWE branch: the client's required algorithms against the header's."""
    alg, enc = client.attr(ENCRYPTION_ALG), client.attr(ENCRYPTION_ENC)
    if alg and alg != header.get("alg"):
        raise RequestObjectError("Request object encrypted with different algorithm than client requested algorithm")
    if enc and enc != header.get("enc"):
        raise RequestObjectError(
            "Request object content encrypted with different algorithm than client requested algorithm"
        )


async def _decrypted(text: str, header: dict[str, Any], decryption: Decryption | None) -> bytes:
    """decodeClientJWT's JWE branch: the content, decrypted with the realm's key."""
    kid = header.get("kid")
    found = None if decryption is None else await decryption(kid if isinstance(kid, str) else None)
    if found is None:
        raise RequestObjectError("Could not find private key for decrypting token")
    private, registered = found
    if "zip" in header:  # JWE.verifyAndDecodeJwe never inflates: the content stays deflated, no request object
        raise RequestObjectError("Failed to deserialize JWT")  # (jwcrypto would inflate up to 100 MB first)
    allowed = [a for a in jwe.default_allowed_algs if a != RSA1_5]
    if registered == RSA1_5:
        allowed.append(RSA1_5)
    try:
        token = jwe.JWE(algs=allowed)
        token.deserialize(text, key=jwk.JWK.from_pyca(private))
    except (JWException, ValueError, TypeError, KeyError) as err:
        raise RequestObjectError("Failed to decrypt JWT") from err
    return bytes(token.payload)


def _is_jws(content: str) -> bool:
    """JOSEParser.parse of the decrypted content: a signed JWT (three segments, no ``enc`` in its header)."""
    if content.count(".") != 2:
        return False
    try:
        return "enc" not in _header(content)
    except RequestObjectError:
        return False


async def _from_jwe(
    text: str, header: dict[str, Any], client: Client, keys: ClientKeys, decryption: Decryption | None
) -> dict[str, Any]:
    _check_encryption(header, client)
    content = await _decrypted(text, header, decryption)
    try:
        inner = content.decode("utf-8").strip()
    except UnicodeDecodeError as err:
        raise RequestObjectError("Failed to deserialize JWT") from err
    if _is_jws(inner):
        return await _from_jws(inner, _header(inner), client, keys)
    wanted = client.attr(SIGNATURE_ALG)
    if wanted and wanted != ANY:
        raise RequestObjectError(
            "Request object signature algorithm is required but decrypted JWE content is not a signed JWS"
        )
    try:
        claims = loads(inner)  # bounded nesting: never a RecursionError
    except ValueError as err:
        raise RequestObjectError("Failed to deserialize JWT") from err
    if not isinstance(claims, dict):
        raise RequestObjectError("Failed to deserialize JWT")
    return claims


async def _from_jws(text: str, header: dict[str, Any], client: Client, keys: ClientKeys) -> dict[str, Any]:
    """The validator's JWS branch (an ``alg``, the client's when it names one), then the signature."""
    alg = header.get("alg")
    if alg is None:
        raise RequestObjectError("Request object signed algorithm not specified")
    wanted = client.attr(SIGNATURE_ALG)
    if wanted and wanted != ANY and wanted != alg:
        raise RequestObjectError("Request object signed with different algorithm than client requested algorithm")
    return await _verified(text, client, keys)


async def _verified(text: str, client: Client, keys: ClientKeys) -> dict[str, Any]:
    """``verifyJWS``: the claims of a JWS whose signature the client's key (or secret) accepts."""
    failed = RequestObjectError("Failed to verify signature on 'request' object")
    try:
        token = parse(text, token_class=False)  # decodeClientJWT(…, JsonNode.class)
    except Malformed as err:
        raise failed from err
    alg = str(token.header.get("alg"))
    if alg == NONE:
        return token.claims
    if alg in SYMMETRIC:
        # ClientMacSignatureVerifierContext keys the MAC with client.getSecret() as stored; a ``${vault.<key>}``
        # reference is no secret (the admin API and admin events show it), so it verifies nothing here.
        secret = "" if reference_key(client.secret) is not None else client.secret or ""
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


async def decode(text: str, client: Client, keys: ClientKeys, decryption: Decryption | None = None) -> dict[str, Any]:
    """The request object's claims, checked as ``AuthzEndpointRequestObjectParser``'s constructor does;
    ``decryption`` finds the realm's key for an encrypted one."""
    header = _header(text)
    if "enc" in header:
        claims = await _from_jwe(text, header, client, keys, decryption)
    else:
        claims = await _from_jws(text, header, client, keys)
    if "client_id" in claims and text_value(claims["client_id"]) != client.client_id:  # parseRequest's check
        raise RequestObjectError("The client_id parameter doesn't match the one from OIDC 'request' or 'request_uri'")
    if "request_uri" in claims:
        raise RequestObjectError("The request_uri claim should not be set in the request object")
    return claims


def is_encrypted(text: str) -> bool:
    """Whether a request object came as a JWE (decode read it; AUTHZ_REQUEST_OBJECT_ENCRYPTED)."""
    try:
        return "enc" in _header(text)
    except RequestObjectError:
        return False


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
