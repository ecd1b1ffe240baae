"""Key material given in a generated key provider's config, as a create through the Admin REST API
(ComponentResource.create copies the whole config, RepresentationToModel.toModel) or a realm file gives it.

Keycloak's generated providers generate a key only when their model holds none, or when the one it holds has another
size or curve than the config asks for (AbstractGeneratedSecretKeyProviderFactory, AbstractGeneratedRsaKeyProvider-
Factory, AbstractGeneratedEcKeyProviderFactory, GeneratedEddsaKeyProviderFactory ``validateConfiguration``). So a tool
that recreates a realm's keys (terraform, keycloak-config-cli) keeps their kids by giving ``secret`` and ``kid``
(``hmac-generated``, ``aes-generated``), ``privateKey`` (``rsa-generated``, ``rsa-enc-generated``) or
``{ecdsa,ecdh,eddsa}PrivateKey`` and ``…PublicKey``. ``given`` reads that material into the key row it would be,
which ``components.build`` then keeps or replaces by the same size and curve rules as a stored key. Keycloak's
provider declares none of these names, so ``GET components`` never shows them (StripSecretsUtils.stripComponent),
and an update cannot give them (RepresentationToModel.updateComponent ignores undeclared names).

Where Keycloak answers a 500 (a private key PemUtils cannot decode, one of another type: PemException,
ClassCastException), Doorkeep answers ComponentValidationException's 400 ``Failed to decode private key``.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import re
import uuid
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from doorkeep.keys.components import (
    AES_SECRET_SIZE,
    CURVE,
    EC_CERTIFICATE,
    ECDH_CURVE,
    EDDSA_CURVE,
    ENCRYPTING,
    KEY_SIZE,
    SECRET_SIZE,
    ComponentInvalid,
    check_boolean,
    check_list,
    decode_certificate,
    decode_private,
    eddsa_curve,
    first,
    key_id,
    no_such_provider,
    pem_pair,
    validate_common,
)
from doorkeep.model import RealmKey

_SECRET = ("hmac-generated", "aes-generated")
_RSA = ("rsa-generated", "rsa-enc-generated")
# The prefix of an EC or EdDSA provider's key config names (``ecdsaPrivateKey``, ``ecdhPublicKey``, ...).
EC_PREFIX = {"ecdsa-generated": "ecdsa", "ecdh-generated": "ecdh", "eddsa-generated": "eddsa"}
# The config names a provider's key material goes by; the row keeps the key itself, its config keeps none of them.
MATERIAL: dict[str, tuple[str, ...]] = {
    **{p: ("secret", "kid") for p in _SECRET},
    **{p: ("privateKey", "certificate", "kid") for p in _RSA},
    **{p: (f"{prefix}PrivateKey", f"{prefix}PublicKey", "kid") for p, prefix in EC_PREFIX.items()},
}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_KID = re.compile(r"[\x21-\x7e]{1,64}")  # the key table's kid column: VARCHAR(64), printable ASCII here


def given(
    provider_id: str, config: Mapping[str, list[str]], *, realm_id: str, now: int
) -> tuple[dict[str, list[str]], RealmKey | None]:
    """``config`` without its key material, and the key that material makes (None when it gives none), for
    ``components.build`` to keep or replace as a stored one. The checks Keycloak's provider runs before it reads the
    material run first, in its order."""
    names = MATERIAL.get(provider_id, ())
    rest = {k: list(v) for k, v in config.items() if k not in names}
    if not names:
        return rest, None
    use = "enc" if provider_id in ENCRYPTING else "sig"
    base = RealmKey("", realm_id, "", use, "active", None, "", now, provider_id=provider_id, config=rest)
    validate_common(config)
    kid = first(config, "kid")
    if kid is not None and not storable_kid(kid):
        raise ComponentInvalid("'kid' should be 1 to 64 printable ASCII characters")  # Doorkeep's key table
    if provider_id in _SECRET:
        return rest, _secret(provider_id, config, kid, base)
    if provider_id in _RSA:
        check_list(config, KEY_SIZE)
        return _with_certificate(
            rest,
            first(config, "certificate"),
            _private(first(config, "privateKey"), None, kid, base, rsa.RSAPrivateKey),
        )
    prefix = EC_PREFIX[provider_id]
    if provider_id == "ecdsa-generated":
        check_boolean(config, EC_CERTIFICATE)
    check_list(config, {"ecdsa": CURVE, "ecdh": ECDH_CURVE, "eddsa": EDDSA_CURVE}[prefix])
    public = first(config, f"{prefix}PublicKey")
    held = _private(first(config, f"{prefix}PrivateKey"), public, kid, base, None)
    if held is not None and (prefix == "eddsa") != (eddsa_curve(_public(held)) is not None):
        raise ComponentInvalid("Failed to decode private key")  # an EdDSA key for ECDSA, or the other way round
    if held is not None and prefix != "eddsa" and not isinstance(_public(held), ec.EllipticCurvePublicKey):
        raise ComponentInvalid("Failed to decode private key")
    return rest, held


def _with_certificate(
    rest: dict[str, list[str]], given_cert: str | None, held: RealmKey | None
) -> tuple[dict[str, list[str]], RealmKey | None]:
    """A generated RSA key given with its ``certificate``: Keycloak keeps both in the provider's model, so the key is
    published (and exported again) with that certificate, not a new self-signed one. A certificate that does not
    certify the given key is not kept (Keycloak's validateConfiguration makes a new pair then)."""
    if held is None or given_cert is None:
        return rest, held
    try:
        certified = decode_certificate(given_cert).public_key()
    except ValueError:
        return rest, held
    der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if certified.public_bytes(*der) != _public(held).public_bytes(*der):
        return rest, held
    kept = {**rest, "certificate": [given_cert]}
    return kept, dataclasses.replace(held, config=kept)


def storable_kid(kid: str) -> bool:
    """Whether the key table can hold ``kid`` alike on both engines: 1 to 64 printable ASCII characters."""
    return _KID.fullmatch(kid) is not None


def _secret(provider_id: str, config: Mapping[str, list[str]], kid: str | None, base: RealmKey) -> RealmKey | None:
    """AbstractGeneratedSecretKeyProviderFactory: ``secret`` is Base64Url.decode'd (java.util's URL decoder after
    ``+/`` become ``-_`` and whatever follows an ``=`` is dropped); text it refuses is an IllegalArgumentException,
    which ComponentResource answers ``Invalid provider type or no such provider``. A secret of a size outside the
    provider's list is not kept (Keycloak keeps it, even an empty one, writes that size as ``secretSize`` and then
    refuses every update of the provider; an AES key of 64 bytes is no AES key)."""
    check_list(config, SECRET_SIZE)
    text = first(config, "secret")
    if text is None:
        return None
    url = text.split("=")[0].replace("+", "-").replace("/", "_")
    if not _BASE64URL.fullmatch(url) or len(url) % 4 == 1:
        raise no_such_provider()
    try:
        secret = base64.urlsafe_b64decode(url + "=" * (-len(url) % 4))
    except (binascii.Error, ValueError):
        raise no_such_provider() from None
    sizes = AES_SECRET_SIZE if provider_id == "aes-generated" else SECRET_SIZE
    if str(len(secret)) not in sizes.options:
        return None  # a size no key of this provider has: a new secret, as for a size the config does not ask
    encoded = base64.urlsafe_b64encode(secret).rstrip(b"=").decode()
    return dataclasses.replace(base, kid=kid or str(uuid.uuid4()), private=encoded)


def _private(text: str | None, public: str | None, kid: str | None, base: RealmKey, kind: Any) -> RealmKey | None:
    """The private key (PEM, or base64 PKCS#8 DER as Keycloak's model holds it) and, when given, the public key
    Keycloak reads the curve from (base64 SubjectPublicKeyInfo DER): it must be the private key's own."""
    if text is None:
        return None
    private = decoded_private(text, kind)
    if public is not None:
        try:
            given_public: Any = serialization.load_der_public_key(base64.b64decode("".join(public.split())))
        except Exception:
            curve = "Twisted Edwards Curve" if base.provider_id == "eddsa-generated" else "EC"
            raise ComponentInvalid(f"Failed to get {curve} from its public key") from None
        if given_public != private.public_key():
            raise ComponentInvalid("Public key does not match private key")
    public_pem, pem = pem_pair(private)
    made = kid or key_id(private.public_key())  # Keycloak derives it; a kid Doorkeep exported is kept
    return dataclasses.replace(base, kid=made, public_pem=public_pem, private=pem)


def decoded_private(text: str, kind: Any = None) -> Any:
    """A given private key (PEM, or base64 DER), of type ``kind`` when given; else ComponentValidationException's
    400 ``Failed to decode private key`` (Keycloak answers 500 where PemUtils throws)."""
    try:
        private = decode_private(text)
    except Exception:
        raise ComponentInvalid("Failed to decode private key") from None
    if kind is not None and not isinstance(private, kind):
        raise ComponentInvalid("Failed to decode private key")
    return private


def _public(key: RealmKey) -> Any:
    return serialization.load_pem_public_key((key.public_pem or "").encode())
