"""A realm's key providers in a realm file (Keycloak's full export and ``kc.sh import``): the
ComponentExportRepresentation with the internal config, key material included, and back.

``export`` writes what Keycloak's providers keep in their model (``privateKey`` of RSA keys, RSA-OAEP ones
included, ``kid``/``secret`` of HMAC and AES keys, ``ecdsaPrivateKey``/``ecdsaPublicKey`` of ECDSA keys,
``ecdhPrivateKey``/``ecdhPublicKey`` of ECDH keys, ``eddsaPrivateKey``/``eddsaPublicKey`` of EdDSA keys);
``masked`` writes what the partial export shows (the declared properties only, secret ones masked); ``imported`` reads a
provider of a realm file, keeping the key it holds so that tokens signed before the export still verify.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization

from doorkeep.keys import given_material
from doorkeep.keys.components import (
    CERTIFICATE,
    ENCRYPTING,
    IMPORTED,
    PRIVATE_KEY,
    PROPERTIES,
    RS_ALGORITHM,
    SECRET_VALUE,
    build,
    clean,
    der_b64,
    first,
    key_id,
    pem_pair,
    private_of,
    representation,
    validate_common,
    with_config,
)
from doorkeep.model import RealmKey


def export(key: RealmKey, realm_name: str) -> dict[str, Any]:
    """ComponentExportRepresentation of a full realm export: the internal config, key material included, so
    an import keeps the same kid (``privateKey``/``certificate`` of RSA keys; ``kid``/``secret`` of HMAC
    keys; ``ecdsaPrivateKey``/``ecdsaPublicKey`` of ECDSA keys, base64 DER). An RSA key's ``certificate`` is the
    one its JWK carries (the given one, else the self-signed one): Keycloak's generated RSA providers keep both in
    their model, and their validateConfiguration generates a new key pair for a model without a certificate
    (AbstractGeneratedRsaKeyProviderFactory), so without it Keycloak would import another kid."""
    config = {k: list(v) for k, v in key.config.items()}
    if key.public_pem is not None and key.kid != key_id(private_of(key).public_key()):
        config["kid"] = [key.kid]  # a kid Doorkeep made before it named keys as Keycloak does: kept on import
    if key.provider_id in ("rsa-generated", "rsa", "rsa-enc-generated", "rsa-enc"):
        from doorkeep.admin.keys_metadata import certificate_of

        config[PRIVATE_KEY.name] = [der_b64(private_of(key))]
        published = certificate_of(key, realm_name)
        if published is not None:
            config[CERTIFICATE.name] = [published[0]]
    elif key.provider_id in ("hmac-generated", "aes-generated"):
        config.update(kid=[key.kid], secret=[key.private])
    elif key.provider_id in given_material.EC_PREFIX:
        private = private_of(key)
        spki = private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        prefix = given_material.EC_PREFIX[key.provider_id]
        config[f"{prefix}PrivateKey"] = [der_b64(private)]
        config[f"{prefix}PublicKey"] = [base64.b64encode(spki).decode()]
    out: dict[str, Any] = {"id": key.component_id}
    if key.name:
        out["name"] = key.name
    out.update(providerId=key.provider_id, subComponents={}, config=config)
    return out


def masked(key: RealmKey) -> dict[str, Any]:
    """ComponentExportRepresentation as the partial export leaves it (StripSecretsUtils.stripComponentExport):
    config keys the provider does not declare (``kid``, ``secret``, a generated key's ``privateKey``) removed,
    declared secret ones (an imported key's ``privateKey``) masked; re-imported, such a provider gets a new key."""
    shown = representation(key)
    out: dict[str, Any] = {"id": shown["id"]}
    if "name" in shown:
        out["name"] = shown["name"]
    out.update(providerId=key.provider_id, subComponents={}, config=shown["config"])
    return out


def imported(rep: Mapping[str, Any], *, realm_id: str, realm_name: str, component_id: str, now: int) -> RealmKey | None:
    """A key provider of a realm file (ComponentExportRepresentation, internal config): its key kept when the
    file holds it, so tokens signed before the export still verify (RealmAdapter.importComponentModel runs the
    provider's validateConfiguration, as a create through the Admin REST API does: ``keys.given_material``). None
    for the providers Doorkeep does not run (``java-keystore``)."""
    provider_id = str(rep.get("providerId") or "")
    if provider_id not in PROPERTIES:
        return None
    given = clean(rep.get("config"))
    declared = {p.name for p in PROPERTIES[provider_id]}
    config = {k: v for k, v in given.items() if k in declared}
    if provider_id not in IMPORTED:
        _, held = given_material.given(provider_id, given, realm_id=realm_id, now=now)
        if held is not None and CERTIFICATE.name in held.config:  # a generated RSA key's own certificate, kept
            config[CERTIFICATE.name] = held.config[CERTIFICATE.name]
        return build(
            rep, config, realm_id=realm_id, realm_name=realm_name, component_id=component_id, now=now, stored=held
        )
    validate_common(config)
    name = rep.get("name")
    base = RealmKey(
        "",
        realm_id,
        "",
        "enc" if provider_id in ENCRYPTING else "sig",
        "active",
        None,
        "",
        now,
        component_id=component_id,
        name=name if isinstance(name, str) else "",
        provider_id=provider_id,
        config=config,
    )
    held = _imported_rsa(provider_id, given, base)
    if held is None:
        config[PRIVATE_KEY.name] = given.get(PRIVATE_KEY.name, [])
        return build(rep, config, realm_id=realm_id, realm_name=realm_name, component_id=component_id, now=now)
    return with_config(held, held.config)


def _imported_rsa(provider_id: str, given: Mapping[str, list[str]], base: RealmKey) -> RealmKey | None:
    """The key of a file's ``rsa``/``rsa-enc`` provider, or None when it holds none."""
    text = first(given, PRIVATE_KEY.name)
    if text is None:
        return None
    private = given_material.decoded_private(text)
    public, pem = pem_pair(private)
    default = "RSA-OAEP" if provider_id == "rsa-enc" else "RS256"
    algorithm = first(given, RS_ALGORITHM.name) or default
    config = {**base.config, PRIVATE_KEY.name: [SECRET_VALUE]}
    # A kid of Doorkeep's own is kept; Keycloak derives it (AbstractRsaKeyProvider), so does Doorkeep for a kid the
    # key table cannot hold (a NUL or a 65th character: refused by PostgreSQL, kept by SQLite).
    kept = first(given, "kid")
    kid = kept if kept is not None and given_material.storable_kid(kept) else key_id(private.public_key())
    return dataclasses.replace(base, kid=kid, algorithm=algorithm, public_pem=public, private=pem, config=config)
