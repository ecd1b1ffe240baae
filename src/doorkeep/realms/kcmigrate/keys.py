"""A Keycloak realm's key providers (COMPONENT / COMPONENT_CONFIG rows) as Doorkeep realm keys.

Keycloak stores an RSA key as base64 DER (``privateKey`` PKCS#8, ``certificate`` X.509) and names
it by ``base64url(sha256(SubjectPublicKeyInfo))``; an HMAC key as a base64url ``secret`` with its own
``kid``; its encryption keys likewise (``rsa-enc-generated`` RSA-OAEP keys, ``aes-generated`` secrets,
``ecdh-generated`` keys as base64 DER ``ecdhPrivateKey``); an ``eddsa-generated`` key as base64 DER
``eddsaPrivateKey`` (Ed25519 or Ed448, algorithm EdDSA). Keeping the material and the ``kid`` is what lets
tokens Keycloak signed verify here, and what was encrypted to the realm decrypt. Each key
keeps its component (id, name, provider, declared config), so ``/components`` and ``/keys`` show what
Keycloak showed; as in Keycloak, the highest-priority enabled, active key of an algorithm signs
(keys/ring.py) and the other active ones stay active.

"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections import defaultdict
from typing import Any

from cryptography.hazmat.primitives import serialization

from doorkeep.keys import components, material
from doorkeep.model import RealmKey
from doorkeep.realms.kcmigrate.report import Report

_RSA = {"rsa-generated", "rsa", "java-keystore", "rsa-enc-generated", "rsa-enc"}
_HMAC = {"hmac-generated"}
# An HS256 key of a realm older than Keycloak 19 still verifies the offline tokens it signed; HS512 signs new ones.
_HMAC_ALGS = {"HS256", "HS384", "HS512"}
_ECDH_ALGS = {"ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"}


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _first(config: dict[str, list[str]], name: str, default: str = "") -> str:
    values = config.get(name) or [default]
    return values[0]


def realm_keys(
    realm_id: str, components: list[dict[str, Any]], config_rows: list[dict[str, Any]], now: int, report: Report
) -> list[RealmKey]:
    config: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in config_rows:
        config[row["component_id"]][row["name"]].append(row["value"] or "")
    found: list[tuple[int, RealmKey]] = []
    for comp in components:
        cfg, provider = config[comp["id"]], comp["provider_id"]
        if _first(cfg, "enabled", "true") != "true":
            continue
        priority = int(_first(cfg, "priority", "0") or 0)
        status = "active" if _first(cfg, "active", "true") == "true" else "passive"
        if provider in _RSA and _first(cfg, "privateKey"):
            key = _rsa(realm_id, cfg, status, now, priority, provider)
        elif provider == "aes-generated" and _first(cfg, "secret"):
            secret = _first(cfg, "secret")
            key = RealmKey(_first(cfg, "kid"), realm_id, "AES", "enc", status, None, secret, now, priority)
        elif provider == "eddsa-generated" and _first(cfg, "eddsaPrivateKey"):
            key = _pair(realm_id, _first(cfg, "eddsaPrivateKey"), cfg, "EdDSA", "sig", status, now, priority)
        elif provider == "ecdh-generated" and _first(cfg, "ecdhPrivateKey"):
            key = _ecdh(realm_id, cfg, status, now, priority)
            if key.algorithm not in _ECDH_ALGS:
                report.cannot(f"key '{comp['name']}' ({key.algorithm})", "not an ECDH algorithm Keycloak offers")
                continue
        elif provider in _HMAC and _first(cfg, "secret"):
            key = RealmKey(
                _first(cfg, "kid"),
                realm_id,
                _first(cfg, "algorithm", material.HMAC_ALG),
                "sig",
                status,
                None,
                _first(cfg, "secret"),
                now,
                priority,
            )
            if key.algorithm not in _HMAC_ALGS:
                report.cannot(f"key '{comp['name']}' ({key.algorithm})", "not an HMAC algorithm Keycloak offers")
                continue
        else:
            why = "Doorkeep does not support this key provider"
            report.cannot(f"key '{comp['name']}' ({provider})", why)
            continue
        found.append((priority, _component(key, comp, cfg)))
    found.sort(key=lambda pk: -pk[0])
    # ``created`` is the rank by priority, the same on every run: the migration is idempotent.
    return [dataclasses.replace(key, created=rank) for rank, (_, key) in enumerate(found)]


def _component(key: RealmKey, comp: dict[str, Any], cfg: dict[str, list[str]]) -> RealmKey:
    """The key in its Keycloak component: its id, name, provider and declared config (an imported key's
    private key masked: the key itself is the row's)."""
    provider = comp["provider_id"]
    declared = {p.name for p in components.PROPERTIES.get(provider, ())}
    config = {name: list(values) for name, values in cfg.items() if name in declared}
    if "privateKey" in config:
        config["privateKey"] = [components.SECRET_VALUE]
    return dataclasses.replace(
        key, component_id=comp["id"], name=comp.get("name") or "", provider_id=provider, config=config
    )


def _rsa(realm_id: str, cfg: dict[str, list[str]], status: str, now: int, priority: int, provider: str) -> RealmKey:
    enc = provider in ("rsa-enc-generated", "rsa-enc")
    algorithm = _first(cfg, "algorithm", "RSA-OAEP" if enc else "RS256")
    return _pair(realm_id, _first(cfg, "privateKey"), cfg, algorithm, "enc" if enc else "sig", status, now, priority)


def _ecdh(realm_id: str, cfg: dict[str, list[str]], status: str, now: int, priority: int) -> RealmKey:
    algorithm = _first(cfg, "ecdhAlgorithm", "ECDH-ES")
    return _pair(realm_id, _first(cfg, "ecdhPrivateKey"), cfg, algorithm, "enc", status, now, priority)


def _pair(
    realm_id: str,
    b64_der: str,
    cfg: dict[str, list[str]],
    algorithm: str,
    use: str,
    status: str,
    now: int,
    priority: int,
) -> RealmKey:
    """A key pair from its base64 DER private key, named by Keycloak's kid (the stored one, else KeyUtils')."""
    der = base64.b64decode(b64_der)
    private: Any = serialization.load_der_private_key(der, password=None)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    kid = _first(cfg, "kid") or _b64u(hashlib.sha256(spki).digest())
    return RealmKey(kid, realm_id, algorithm, use, status, public, pem, now, priority)
