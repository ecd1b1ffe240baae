"""Tokens encrypted to a client's key (JWE, RFC 7516, compact serialisation), as Keycloak 26's DefaultTokenManager
(``encodeAndEncrypt``, ``cekManagementAlgorithm``, ``encryptAlgorithm``) and UserInfoEndpoint (``jweFromContent``)
do it.

What is encrypted, per client attribute pair (OIDCConfigAttributes):

- the ID token: ``id.token.encrypted.response.alg`` / ``.enc``, ``enc`` A128CBC-HS256 when only ``alg`` is set;
- the userinfo answer: ``user.info.encrypted.response.alg`` / ``.enc``, the same default;
- the JARM ``response`` JWT: ``authorization.encrypted.response.alg`` / ``.enc``, both needed (no default).

The key (the KEK) is the client's, found as PublicKeyStorageManager.getClientPublicKeyWrapper(client,
JWK.Use.ENCRYPTION, alg) finds it: among the ``use: enc`` keys of its JWK set (``jwks.url`` or ``jwks.string``;
a certificate gives none), with no ``kid`` to ask for, PublicKeysWrapper.getKeyByKidAndAlg(null, alg) takes a key
without ``kid`` whose ``alg`` is the one asked for, then any key without ``kid``, then a key whose ``alg`` is the
one asked for. Doorkeep passes over keys that cannot do the algorithms (not RSA for RSA*, not an EC P-256/384/521
key for ECDH-ES*, an RSA modulus too short for the content key), which Keycloak would take and then fail on.
No key is Keycloak's "can not get encryption KEK"; so is an algorithm neither Keycloak nor Doorkeep knows
(Keycloak fails there on a missing provider, a 500).

The header is Keycloak's JWEHeader: ``alg``, ``enc``, ``cty`` (``JWT`` for a signed JWT inside, a nested JWT; none
for a userinfo answer encrypted without a signature) and the key's ``kid`` when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwcrypto import jwe, jwk
from jwcrypto.common import json_encode

from doorkeep.errors import ENCRYPTION_KEY_MISSING, InvalidRequest
from doorkeep.model import Client
from doorkeep.oauth.client_keys import ClientKeys, PublicKey

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services

RSA_ALGS = ("RSA-OAEP", "RSA-OAEP-256", "RSA1_5")  # RsaCekManagementProvider
ECDH_ALGS = ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW")  # EcdhEsCekManagementProvider
# The CekManagementProvider and ContentEncryptionProvider ids, which discovery lists for ID tokens, userinfo and
# JARM, in the order Keycloak 26 prints them: its provider factories' HashMap order (Java String hashes, 16
# buckets), the same arithmetic that gives Keycloak's signing list "PS384, RS384, EdDSA, ES384, ...".
ALGS = ("ECDH-ES+A256KW", "ECDH-ES+A192KW", "RSA-OAEP", "ECDH-ES+A128KW", "RSA-OAEP-256", "RSA1_5", "ECDH-ES")
ENCS = ("A256GCM", "A192GCM", "A128GCM", "A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512")
DEFAULT_ENC = "A128CBC-HS256"  # JWEConstants.A128CBC_HS256
NESTED = "JWT"  # ``cty`` of a signed JWT inside


@dataclass(frozen=True)
class Category:
    """One kind of token a client may have encrypted: its attribute pair and the ``enc`` used when only ``alg``
    is set (None: nothing is encrypted then)."""

    alg_attribute: str
    enc_attribute: str
    default_enc: str | None


ID_TOKEN = Category("id.token.encrypted.response.alg", "id.token.encrypted.response.enc", DEFAULT_ENC)
USERINFO = Category("user.info.encrypted.response.alg", "user.info.encrypted.response.enc", DEFAULT_ENC)
AUTHORIZATION = Category("authorization.encrypted.response.alg", "authorization.encrypted.response.enc", None)


class EncryptionKeyMissing(Exception):
    """The client asks for encryption that cannot be made: no usable key, or an algorithm not supported."""

    def __init__(self) -> None:
        super().__init__(ENCRYPTION_KEY_MISSING)


@dataclass(frozen=True)
class Encrypter:
    """What encrypts one client's token: the algorithms and the client's public key, found in advance so that
    encrypting needs neither the database nor the network (tokens are completed after the commit)."""

    alg: str
    enc: str
    key: jwk.JWK
    kid: str | None

    def encrypt(self, payload: str | bytes, content_type: str | None = NESTED) -> str:
        """The compact JWE of ``payload`` (TokenUtil.jweKeyEncryptionEncode)."""
        header: dict[str, Any] = {"alg": self.alg, "enc": self.enc}
        if content_type is not None:
            header["cty"] = content_type
        if self.kid is not None:
            header["kid"] = self.kid
        data = payload.encode() if isinstance(payload, str) else payload
        token = jwe.JWE(data, protected=json_encode(header))
        token.allowed_algs = [*ALGS, *ENCS]  # RSA1_5 is off by default in jwcrypto; Keycloak offers it
        token.add_recipient(self.key)
        return str(token.serialize(compact=True))


def requested(client: Client, category: Category) -> tuple[str, str] | None:
    """The ``alg`` and ``enc`` the client asks for (``isTokenEncryptRequired``), or None: not encrypted."""
    alg = client.attr(category.alg_attribute)
    enc = client.attr(category.enc_attribute)
    if not enc.strip():  # getEncAlg: a blank value is none
        enc = category.default_enc or ""
    if not alg.strip() or not enc:
        return None
    return alg, enc


# The content key's length per ``enc`` (RFC 7518 §5), and what each RSA padding takes of the modulus (RFC 8017
# §7.1, §7.2): a key too short to wrap the content key is no key, rather than a failure once tokens are signed.
CEK_BYTES = {"A128GCM": 16, "A192GCM": 24, "A256GCM": 32, "A128CBC-HS256": 32, "A192CBC-HS384": 48}
CEK_BYTES["A256CBC-HS512"] = 64
RSA_OVERHEAD = {"RSA1_5": 11, "RSA-OAEP": 42, "RSA-OAEP-256": 66}
ECDH_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)  # P-256, P-384, P-521 (RFC 7518 §6.2.1.1)


def suits(key: Any, alg: str, enc: str) -> bool:
    """Whether a public key can wrap a content key for ``enc`` with ``alg``."""
    if alg in RSA_ALGS:
        return isinstance(key, rsa.RSAPublicKey) and key.key_size // 8 - RSA_OVERHEAD[alg] >= CEK_BYTES[enc]
    return alg in ECDH_ALGS and isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ECDH_CURVES)


def choose(keys: Iterable[PublicKey], alg: str, enc: str) -> PublicKey | None:
    """PublicKeysWrapper.getKeyByKidAndAlg(null, alg), less keys that cannot do ``alg`` and ``enc``."""
    usable = [k for k in keys if suits(k.key, alg, enc)]
    for match in (
        lambda k: k.kid is None and k.alg == alg,
        lambda k: k.kid is None,
        lambda k: k.alg == alg,
    ):
        found = next((k for k in usable if match(k)), None)
        if found is not None:
            return found
    return None


async def encrypter(keys: ClientKeys, client: Client, category: Category) -> Encrypter | None:
    """The client's encrypter for ``category``; None when it asks for no encryption; EncryptionKeyMissing when it
    asks for one that cannot be made. A fetched JWK set without a usable key is fetched again (rate-limited)."""
    wanted = requested(client, category)
    if wanted is None:
        return None
    alg, enc = wanted
    if alg not in ALGS or enc not in ENCS:
        raise EncryptionKeyMissing
    found = choose(await keys.encryption_keys(client), alg, enc)
    if found is None:
        found = choose(await keys.encryption_keys(client, fresh=True), alg, enc)
    if found is None:
        raise EncryptionKeyMissing
    return Encrypter(alg, enc, jwk.JWK.from_pyca(found.key), found.kid)


async def id_token_encrypter(services: Services, client: Client) -> Encrypter | None:
    """The ID token's encrypter (``encodeAndEncrypt`` of TokenCategory.ID)."""
    return await encrypter(services.client_keys or ClientKeys(services.clock), client, ID_TOKEN)


def token_endpoint_error() -> InvalidRequest:
    """OAuth2GrantTypeBase.createTokenResponse's answer to "can not get encryption KEK": 400 ``invalid_request``
    with the message, and no error event (a CorsErrorResponseException the grant's event never sees)."""
    return InvalidRequest(ENCRYPTION_KEY_MISSING, event_error="")
