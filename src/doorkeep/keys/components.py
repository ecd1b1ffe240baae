"""A realm's keys as Keycloak's key-provider components (``org.keycloak.keys.KeyProvider``).

Keycloak keeps every realm key in a component: ``rsa-generated`` and ``rsa`` (an imported PEM private key,
with an optional certificate), ``ecdsa-generated``, ``eddsa-generated`` (Ed25519 or Ed448), ``hmac-generated``
sign; ``rsa-enc-generated`` (RSA-OAEP),
``ecdh-generated`` and ``aes-generated`` hold the realm's encryption keys (use ``enc``). Each provider declares config
properties (``priority``, ``enabled``, ``active``, ``keySize``, ``algorithm``, ``secretSize``,
``ecdsaEllipticCurveKey``…); its ``validateConfiguration`` checks them with ConfigurationValidationHelper and
generates the key, or generates it again when its size or curve changed. The admin REST API shows only the
declared properties, secret ones masked (StripSecretsUtils.stripComponent). DefaultKeyManager signs with the
enabled, active key of the highest priority; passive keys still verify; disabled keys do neither.

One component holds one key here, as in Keycloak's generated and imported providers: the component lives in
the key's row (``RealmKey.component_id``, ``name``, ``provider_id``, ``config``).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from doorkeep.errors import AdminError
from doorkeep.model import RealmKey

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
SECRET_VALUE = "**********"  # ComponentRepresentation.SECRET_VALUE
# The message of IllegalArgumentException as ComponentResource answers it (BadRequestException).
NO_SUCH_PROVIDER = "Invalid provider type or no such provider"


def no_such_provider() -> AdminError:
    """ComponentUtil's IllegalArgumentException ("Invalid provider type", "No such provider"), answered by
    ComponentResource as ``BadRequestException("Invalid provider type or no such provider")``."""
    return AdminError(400, NO_SUCH_PROVIDER, key="error")


class ComponentInvalid(AdminError):
    """ComponentValidationException, as ComponentResource.localizedErrorResponse answers it."""

    def __init__(self, message: str) -> None:
        super().__init__(400, message)


@dataclass(frozen=True)
class Prop:
    """A ProviderConfigProperty: its config key, its label (named in validation messages) and its options."""

    name: str
    label: str
    options: tuple[str, ...] = ()
    secret: bool = False


PRIORITY = Prop("priority", "Priority")
ENABLED = Prop("enabled", "Enabled")
ACTIVE = Prop("active", "Active")
KEY_SIZE = Prop("keySize", "Key size", ("1024", "2048", "3072", "4096"))  # CryptoProvider.getSupportedRsaKeySizes
RS_ALGORITHM = Prop("algorithm", "Algorithm", ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"))
HS_ALGORITHM = Prop("algorithm", "Algorithm", ("HS256", "HS384", "HS512"))
SECRET_SIZE = Prop("secretSize", "Secret size", ("16", "24", "32", "64", "128", "256", "512"))
CURVE = Prop("ecdsaEllipticCurveKey", "Elliptic Curve", ("P-256", "P-384", "P-521"))
RS_ENC_ALGORITHM = Prop("algorithm", "Algorithm", ("RSA1_5", "RSA-OAEP", "RSA-OAEP-256"))
AES_SECRET_SIZE = Prop("secretSize", "AES Key size", ("16", "24", "32"))  # declared; checked as SECRET_SIZE
ECDH_CURVE = Prop("ecdhEllipticCurveKey", "Elliptic Curve", ("P-256", "P-384", "P-521"))
ECDH_ALGORITHM = Prop("ecdhAlgorithm", "Algorithm", ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"))
EDDSA_CURVE = Prop("eddsaEllipticCurveKey", "Elliptic Curve", ("Ed25519", "Ed448"))  # AbstractEddsaKeyProviderFactory
EC_CERTIFICATE = Prop("ecGenerateCertificate", "Generate Certificate")
PRIVATE_KEY = Prop("privateKey", "Private RSA Key", secret=True)
CERTIFICATE = Prop("certificate", "X509 Certificate")

_COMMON = (PRIORITY, ENABLED, ACTIVE)
# Each factory's getConfigProperties.
PROPERTIES: dict[str, tuple[Prop, ...]] = {
    "rsa-generated": (*_COMMON, KEY_SIZE, RS_ALGORITHM),
    "rsa": (*_COMMON, PRIVATE_KEY, CERTIFICATE, RS_ALGORITHM),
    "ecdsa-generated": (*_COMMON, CURVE, EC_CERTIFICATE),
    "eddsa-generated": (*_COMMON, EDDSA_CURVE),
    "hmac-generated": (*_COMMON, SECRET_SIZE, HS_ALGORITHM),
    "rsa-enc-generated": (*_COMMON, KEY_SIZE, RS_ENC_ALGORITHM),
    "rsa-enc": (*_COMMON, PRIVATE_KEY, CERTIFICATE, RS_ENC_ALGORITHM),
    "aes-generated": (*_COMMON, AES_SECRET_SIZE),
    "ecdh-generated": (*_COMMON, ECDH_CURVE, ECDH_ALGORITHM),
}
# The providers whose key encrypts (KeyUse.ENC); the others sign.
ENCRYPTING = frozenset({"rsa-enc-generated", "rsa-enc", "aes-generated", "ecdh-generated"})
# The providers given a private key and perhaps a certificate (ImportedRsaKeyProviderFactory, ImportedRsaEnc…).
IMPORTED = frozenset({"rsa", "rsa-enc"})
# The Keycloak provider Doorkeep does not run: a key store file on the server's disk (java-keystore).
NOT_SUPPORTED = frozenset({"java-keystore"})
_LONG = re.compile(r"[+-]?[0-9]+")
CURVE_ALG = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
_CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}


def first(config: Mapping[str, list[str]], name: str) -> str | None:
    values = config.get(name)
    return values[0] if values else None


def priority(config: Mapping[str, list[str]]) -> int:
    """``model.get("priority", 0L)`` (validation has made sure it is a number)."""
    return int(first(config, PRIORITY.name) or 0)


def status(config: Mapping[str, list[str]]) -> str:
    """KeyStatus.from(active, enabled): disabled wins over passive."""
    if first(config, ENABLED.name) == "false":
        return "disabled"
    return "passive" if first(config, ACTIVE.name) == "false" else "active"


def _options(options: tuple[str, ...]) -> str:
    """StringUtil.joinValuesWithLogicalCondition("or", …): "a, b or c"."""
    return options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]


def _single(config: Mapping[str, list[str]], prop: Prop, required: bool = False) -> str | None:
    """ConfigurationValidationHelper.checkSingle (and checkRequired)."""
    values = config.get(prop.name)
    if values is not None and len(values) > 1:
        raise ComponentInvalid(f"'{prop.label}' should be a single entry")
    if required and values is None:
        raise ComponentInvalid(f"'{prop.label}' is required")
    return values[0] if values else None


def validate_common(config: Mapping[str, list[str]]) -> None:
    """checkLong(priority), checkBoolean(enabled), checkBoolean(active), as every key provider starts."""
    value = _single(config, PRIORITY)
    if value is not None and not (_LONG.fullmatch(value) and -(2**63) <= int(value) < 2**63):
        raise ComponentInvalid(f"'{PRIORITY.label}' should be a number")  # Long.parseLong refused it
    for prop in (ENABLED, ACTIVE):
        check_boolean(config, prop)


def check_boolean(config: Mapping[str, list[str]], prop: Prop) -> None:
    """ConfigurationValidationHelper.checkBoolean."""
    value = _single(config, prop)
    if value is not None and value not in ("true", "false"):
        raise ComponentInvalid(f"'{prop.label}' should be 'true' or 'false'")


def check_list(config: Mapping[str, list[str]], prop: Prop) -> str | None:
    value = _single(config, prop)
    if value is not None and value not in prop.options:
        raise ComponentInvalid(f"'{prop.label}' should be {_options(prop.options)}")
    return value


def clean(config: Any) -> dict[str, list[str]]:
    """RepresentationToModel.toModel: blank values dropped, keys left without values dropped."""
    out: dict[str, list[str]] = {}
    for key, values in (config or {}).items() if isinstance(config, dict) else ():
        kept = [v for v in values if isinstance(v, str) and v.strip()] if isinstance(values, list) else []
        if kept:
            out[str(key)] = kept
    return out


def merge(stored: Mapping[str, list[str]], given: Any, provider_id: str) -> dict[str, list[str]]:
    """RepresentationToModel.updateComponent for a key provider (``merge_declared`` with its properties)."""
    return merge_declared(stored, given, {p.name for p in PROPERTIES.get(provider_id, ())})


def merge_declared(stored: Mapping[str, list[str]], given: Any, declared: set[str]) -> dict[str, list[str]]:
    """RepresentationToModel.updateComponent: a declared key given blank is removed, given a value is replaced
    (the masked secret "**********" keeps what was stored); undeclared keys are ignored."""
    out = {k: list(v) for k, v in stored.items()}
    for key, values in given.items() if isinstance(given, dict) else ():
        if key not in declared:
            continue
        listed = values if isinstance(values, list) else []
        if not listed or not isinstance(listed[0], str) or not listed[0].strip():
            out.pop(key, None)
            continue
        kept = [v for v in listed if isinstance(v, str) and v.strip() and v != SECRET_VALUE]
        if kept:
            out[key] = kept
    return out


def representation(key: RealmKey) -> dict[str, Any]:
    """ComponentRepresentation as ComponentResource shows it: declared properties only, secrets masked."""
    declared = {p.name: p for p in PROPERTIES.get(key.provider_id, ())}
    config: dict[str, list[str]] = {}
    for name, values in key.config.items():
        prop = declared.get(name)
        if prop is not None:
            config[name] = [SECRET_VALUE for _ in values] if prop.secret else list(values)
    out: dict[str, Any] = {"id": key.component_id}
    if key.name:
        out["name"] = key.name
    out.update(providerId=key.provider_id, providerType=KEY_PROVIDER, parentId=key.realm_id, config=config)
    return out


def self_signed(private: Any, realm_name: str, created: int) -> str:
    """CertificateUtils.generateV1SelfSignedCertificate for the realm, as PemUtils.encodeCertificate writes it
    (base64 DER, no armour)."""
    from doorkeep.admin.keys_metadata import certificate

    _, pem = pem_pair(private)
    return certificate(key_id(private.public_key()), pem, realm_name, created)[0]


def private_of(key: RealmKey) -> Any:
    return load_stored_private(key.private)


def load_stored_private(pem: str) -> Any:
    """A private key as a key row stores it (PKCS#8 PEM). Every row's key was made here or went through
    ``decode_private`` (OpenSSL's full check) before it was stored, so the RSA consistency check, about 45 ms of
    CPU a 2048-bit key, is not run again at each load (a key ring's first use, a key listing)."""
    return serialization.load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)


def der_b64(private: Any) -> str:
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return base64.b64encode(der).decode()


def key_id(public: Any) -> str:
    """KeyUtils.createKeyId: base64url(SHA-256(SubjectPublicKeyInfo))."""
    spki = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.urlsafe_b64encode(hashlib.sha256(spki).digest()).rstrip(b"=").decode()


def pem_pair(private: Any) -> tuple[str, str]:
    """The (public, private) PEM text Doorkeep's key rows hold."""
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return public, pem


def decode_private(text: str) -> Any:
    """PemUtils.decodePrivateKey: PEM, with or without its armour (base64 PKCS#8 or PKCS#1 DER)."""
    if "-----BEGIN" in text:
        return serialization.load_pem_private_key(text.encode(), password=None)
    return serialization.load_der_private_key(base64.b64decode("".join(text.split())), password=None)


def decode_certificate(text: str) -> x509.Certificate:
    """PemUtils.decodeCertificate: PEM, with or without its armour."""
    if "-----BEGIN" in text:
        return x509.load_pem_x509_certificate(text.encode())
    return x509.load_der_x509_certificate(base64.b64decode("".join(text.split())))


def with_config(key: RealmKey, config: dict[str, list[str]]) -> RealmKey:
    """The row's priority is the component's, a long as Keycloak keeps it (a BIGINT column, migration 0032)."""
    return dataclasses.replace(key, config=config, priority=priority(config), status=status(config))


def _rsa_generated(base: RealmKey, config: dict[str, list[str]], stored: RealmKey | None) -> RealmKey:
    """AbstractGeneratedRsaKeyProviderFactory: a new key when there is none or its size changed (the algorithm is
    not checked against the list, as in Keycloak; RSA-OAEP is the default of ``rsa-enc-generated``)."""
    size = int(check_list(config, KEY_SIZE) or 2048)
    algorithm = first(config, RS_ALGORITHM.name) or ("RSA-OAEP" if base.use == "enc" else "RS256")
    if stored is not None and stored.provider_id == base.provider_id:
        current = private_of(stored)
        if isinstance(current, rsa.RSAPrivateKey) and current.key_size == size:
            return dataclasses.replace(
                base, kid=stored.kid, public_pem=stored.public_pem, private=stored.private, algorithm=algorithm
            )
    private = rsa.generate_private_key(public_exponent=65537, key_size=size)
    public, pem = pem_pair(private)
    return dataclasses.replace(
        base, kid=key_id(private.public_key()), algorithm=algorithm, public_pem=public, private=pem
    )


def certificate_expiry(key: RealmKey) -> int | None:
    """The end of validity (epoch seconds) of an imported ``rsa`` key's certificate; None for other keys."""
    listed = key.config.get(CERTIFICATE.name) if key.provider_id in IMPORTED else None
    if not listed:
        return None
    try:
        return int(decode_certificate(listed[0]).not_valid_after_utc.timestamp())
    except Exception:
        return None


def status_at(key: RealmKey, now: int) -> str:
    """KeyNoteUtils.checkNotAfter: an active imported key whose certificate has expired is passive (it still
    verifies the tokens it signed, it signs no new ones)."""
    if key.status != "active":
        return key.status
    expiry = certificate_expiry(key)
    return "passive" if expiry is not None and now > expiry else "active"


def _rsa_imported(base: RealmKey, config: dict[str, list[str]], realm_name: str, now: int) -> RealmKey:
    _single(config, PRIVATE_KEY, required=True)
    _single(config, CERTIFICATE)
    try:
        private = decode_private(first(config, PRIVATE_KEY.name) or "")
    except Exception:
        raise ComponentInvalid("Failed to decode private key") from None
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ComponentInvalid("Failed to decode private key")
    given = first(config, CERTIFICATE.name)
    if given is not None:
        try:
            cert = decode_certificate(given)
        except Exception:
            raise ComponentInvalid("Failed to decode certificate") from None
        if cert.public_key() != private.public_key():
            raise ComponentInvalid("Certificate does not match private key")
        if not cert.not_valid_before_utc.timestamp() <= now <= cert.not_valid_after_utc.timestamp():
            raise ComponentInvalid("Certificate is not valid")  # X509Certificate.checkValidity at import
    else:
        config[CERTIFICATE.name] = [self_signed(private, realm_name, base.created)]
    public, pem = pem_pair(private)
    config[PRIVATE_KEY.name] = [SECRET_VALUE]  # the key itself is kept in the row's ``private``, not here
    algorithm = first(config, RS_ALGORITHM.name) or ("RSA-OAEP" if base.use == "enc" else "RS256")
    kid = key_id(private.public_key())
    return dataclasses.replace(base, kid=kid, algorithm=algorithm, public_pem=public, private=pem, config=config)


def _ecdsa(base: RealmKey, config: dict[str, list[str]], stored: RealmKey | None) -> RealmKey:
    """AbstractGeneratedEcKeyProviderFactory for ``ecdsa-generated`` and ``ecdh-generated``: a new key when there
    is none or the curve changed. An ECDH key's algorithm is its ``ecdhAlgorithm`` (ECDH-ES by default)."""
    ecdh = base.provider_id == "ecdh-generated"
    if not ecdh:
        check_boolean(config, EC_CERTIFICATE)  # AbstractEcKeyProviderFactory, before the curve is looked at
    curve_prop = ECDH_CURVE if ecdh else CURVE
    curve = check_list(config, curve_prop) or "P-256"
    config[curve_prop.name] = [curve]  # generateKeys puts the curve into the model
    algorithm = (first(config, ECDH_ALGORITHM.name) or "ECDH-ES") if ecdh else CURVE_ALG[curve]
    if stored is not None and stored.provider_id == base.provider_id and stored.public_pem is not None:
        held: Any = serialization.load_pem_public_key(stored.public_pem.encode())
        if isinstance(held, ec.EllipticCurvePublicKey) and held.curve.name == _CURVES[curve].name:
            return dataclasses.replace(
                base,
                kid=stored.kid,
                algorithm=algorithm,
                public_pem=stored.public_pem,
                private=stored.private,
                config=config,
            )
    private = ec.generate_private_key(_CURVES[curve])
    public, pem = pem_pair(private)
    kid = key_id(private.public_key())
    return dataclasses.replace(base, kid=kid, algorithm=algorithm, public_pem=public, private=pem, config=config)


EDDSA_DEFAULT_CURVE = "Ed25519"  # GeneratedEddsaKeyProviderFactory.DEFAULT_EDDSA_ELLIPTIC_CURVE
_ED_CURVES: dict[str, Any] = {"Ed25519": ed25519.Ed25519PrivateKey, "Ed448": ed448.Ed448PrivateKey}


def eddsa_curve(public: Any) -> str | None:
    """The curve of an EdDSA public key (EdECPublicKey.getParams().getName()), None for another key."""
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "Ed25519"
    return "Ed448" if isinstance(public, ed448.Ed448PublicKey) else None


def _eddsa(base: RealmKey, config: dict[str, list[str]], stored: RealmKey | None) -> RealmKey:
    """GeneratedEddsaKeyProviderFactory.validateConfiguration: a new key pair when there is none or its curve is not
    the one asked for (Ed25519 when none is); generateKeys writes the curve into the config. The key's algorithm
    is always EdDSA (AbstractEddsaKeyProvider.createKeyWrapper), its kid KeyUtils.createKeyId of the public key."""
    curve = check_list(config, EDDSA_CURVE) or EDDSA_DEFAULT_CURVE
    if stored is not None and stored.provider_id == base.provider_id and stored.public_pem is not None:
        held = serialization.load_pem_public_key(stored.public_pem.encode())
        if eddsa_curve(held) == curve:
            kept = dataclasses.replace(base, kid=stored.kid, public_pem=stored.public_pem, private=stored.private)
            return dataclasses.replace(kept, algorithm="EdDSA", config=config)
    private = _ED_CURVES[curve].generate()
    config[EDDSA_CURVE.name] = [curve]
    public, pem = pem_pair(private)
    kid = key_id(private.public_key())
    return dataclasses.replace(base, kid=kid, algorithm="EdDSA", public_pem=public, private=pem, config=config)


HMAC_DEFAULT_SIZE = 64  # GeneratedHmacKeyProviderFactory.DEFAULT_HMAC_KEY_SIZE
AES_DEFAULT_SIZE = 16  # GeneratedAesKeyProviderFactory.DEFAULT_AES_KEY_SIZE


def _hmac(base: RealmKey, config: dict[str, list[str]], stored: RealmKey | None) -> RealmKey:
    """AbstractGeneratedSecretKeyProviderFactory for ``hmac-generated`` and ``aes-generated`` (whose size is
    checked against the same list, 16 to 512 bytes, as Keycloak's validation does)."""
    aes = base.provider_id == "aes-generated"
    default = AES_DEFAULT_SIZE if aes else HMAC_DEFAULT_SIZE
    given = check_list(config, SECRET_SIZE)
    # AbstractGeneratedSecretKeyProvider's default algorithm is HS256; an AES key's is AES.
    algorithm = "AES" if aes else first(config, HS_ALGORITHM.name) or "HS256"
    if stored is not None and stored.provider_id == base.provider_id:
        current = len(_secret(stored.private))
        if given is None and current != default:
            # Keycloak 26.4 (#42405): no secretSize given keeps the secret, and writes its size into the config
            config[SECRET_SIZE.name] = [str(current)]
        if given is None or int(given) == current:
            kept = dataclasses.replace(base, kid=stored.kid, public_pem=None, private=stored.private)
            return dataclasses.replace(kept, algorithm=algorithm, config=config)
    size = int(given or default)
    secret = base64.urlsafe_b64encode(os.urandom(size)).rstrip(b"=").decode()
    return dataclasses.replace(base, kid=str(uuid.uuid4()), algorithm=algorithm, public_pem=None, private=secret)


def _secret(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def build(
    rep: Mapping[str, Any],
    config: dict[str, list[str]],
    *,
    realm_id: str,
    realm_name: str,
    component_id: str,
    now: int,
    stored: RealmKey | None = None,
) -> RealmKey:
    """The key row a create (``stored`` None) or an update leaves, after the provider's validateConfiguration."""
    provider_id = str(rep.get("providerId") or "")
    if provider_id in NOT_SUPPORTED:
        raise ComponentInvalid(f"Doorkeep does not support the key provider '{provider_id}'")
    if provider_id not in PROPERTIES:
        raise no_such_provider()
    validate_common(config)
    name = rep.get("name")
    base = RealmKey(
        kid="",
        realm_id=realm_id,
        algorithm="",
        use="enc" if provider_id in ENCRYPTING else "sig",
        status="active",
        public_pem=None,
        private="",
        created=stored.created if stored is not None else now,
        component_id=component_id,
        name=name if isinstance(name, str) else (stored.name if stored is not None else ""),
        provider_id=provider_id,
    )
    if provider_id in ("rsa-generated", "rsa-enc-generated"):
        made = _rsa_generated(base, config, stored)
    elif provider_id in IMPORTED:
        made = _rsa_imported(base, config, realm_name, now)
    elif provider_id in ("ecdsa-generated", "ecdh-generated"):
        made = _ecdsa(base, config, stored)
    elif provider_id == "eddsa-generated":
        made = _eddsa(base, config, stored)
    else:
        made = _hmac(base, config, stored)
    return with_config(made, made.config or config)


def default_component(key: RealmKey, *, fallback: bool = False) -> RealmKey:
    """The component Keycloak gives a key Doorkeep generated itself: the realm's ``rsa-generated`` and
    ``hmac-generated-hs512`` (DefaultKeyProviders, priority 100), or a ``fallback-{alg}`` one (priority -100,
    the factories' createFallbackKeys) made on first need of another algorithm; likewise the encryption keys
    ``rsa-enc-generated`` (RSA-OAEP) and ``aes-generated``."""
    if key.algorithm == "AES":
        provider = name = "aes-generated"
        config = {PRIORITY.name: [str(key.priority)]}
    elif key.use == "enc":
        provider = name = "rsa-enc-generated"
        config = {PRIORITY.name: [str(key.priority)], RS_ENC_ALGORITHM.name: [key.algorithm]}
    elif key.algorithm.startswith("HS"):
        provider, name = "hmac-generated", f"hmac-generated-{key.algorithm.lower()}"
        config = {PRIORITY.name: [str(key.priority)], HS_ALGORITHM.name: [key.algorithm]}
    elif key.algorithm == "EdDSA":  # GeneratedEddsaKeyProviderFactory.createFallbackKeys: Ed25519
        provider, name = "eddsa-generated", "eddsa-generated"
        curve_name = eddsa_curve(serialization.load_pem_public_key((key.public_pem or "").encode()))
        config = {PRIORITY.name: [str(key.priority)], EDDSA_CURVE.name: [curve_name or EDDSA_DEFAULT_CURVE]}
    elif key.algorithm.startswith("ES"):
        provider, name = "ecdsa-generated", "ecdsa-generated"
        curve = {v: k for k, v in CURVE_ALG.items()}[key.algorithm]
        config = {PRIORITY.name: [str(key.priority)], CURVE.name: [curve]}
    else:
        provider, name = "rsa-generated", "rsa-generated"
        config = {PRIORITY.name: [str(key.priority)]}
        if key.algorithm != "RS256":
            config[RS_ALGORITHM.name] = [key.algorithm]
    if fallback:
        name = f"fallback-{key.algorithm}"
    if key.status == "passive":
        config[ACTIVE.name] = ["false"]
    elif key.status == "disabled":
        config[ENABLED.name] = ["false"]
    return dataclasses.replace(key, component_id=str(uuid.uuid4()), name=name, provider_id=provider, config=config)
