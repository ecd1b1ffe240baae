"""Keycloak's rows to Doorkeep's model (realms.kcmigrate), without a database."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed448, rsa

from doorkeep.model import RefreshFamily
from doorkeep.realms.kcmigrate.keys import realm_keys
from doorkeep.realms.kcmigrate.report import Report
from doorkeep.realms.kcmigrate.sessions import offline_sessions

_RSA_DER = base64.b64encode(
    rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
).decode()


def _hmac(cid: str, kid: str, priority: str, **extra: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    component = {"id": cid, "name": cid, "provider_id": "hmac-generated"}
    config = {"kid": kid, "secret": "c2VjcmV0", "priority": priority, "algorithm": "HS512", **extra}
    return component, [{"component_id": cid, "name": k, "value": v} for k, v in config.items()]


def test_keys_keep_their_components_and_stay_active_the_highest_priority_signing() -> None:
    rows = [_hmac("a", "low", "10"), _hmac("b", "high", "100"), _hmac("c", "off", "500", enabled="false")]
    keys = realm_keys("r", [c for c, _ in rows], [x for _, cfg in rows for x in cfg], 0, Report("r"))
    assert [(k.kid, k.status, k.priority) for k in keys] == [("high", "active", 100), ("low", "active", 10)]
    first = keys[0]
    assert (first.component_id, first.name, first.provider_id, first.config) == (
        "b",
        "b",
        "hmac-generated",
        {"priority": ["100"], "algorithm": ["HS512"]},  # kid and secret are not declared properties
    )


def test_an_hs256_key_of_an_older_realm_is_carried_to_verify_the_tokens_it_signed() -> None:
    """A realm Keycloak created before 19 keeps its HS256 ``hmac-generated`` key beside the HS512 one; both are
    carried (the HS256 one verifies old offline tokens, tokens.py), and an algorithm that is not HMAC's is not."""
    rows = [
        _hmac("new", "k512", "100"),
        _hmac("old", "k256", "0", algorithm="HS256"),
        _hmac("odd", "kx", "5", algorithm="RS256"),
    ]
    report = Report("r")
    keys = realm_keys("r", [c for c, _ in rows], [x for _, cfg in rows for x in cfg], 0, report)
    assert [(k.kid, k.algorithm, k.status) for k in keys] == [("k512", "HS512", "active"), ("k256", "HS256", "active")]
    assert report.cannot_carry == [("key 'odd' (RS256)", "not an HMAC algorithm Keycloak offers")]


def test_a_key_provider_doorkeep_does_not_run_is_reported_with_its_reason() -> None:
    report = Report("r")
    realm_keys("r", [{"id": "x", "name": "ks", "provider_id": "java-keystore"}], [], 0, report)
    assert report.cannot_carry == [("key 'ks' (java-keystore)", "Doorkeep does not support this key provider")]


def test_an_eddsa_key_is_carried_with_the_kid_keycloak_gave_it() -> None:
    """GeneratedEddsaKeyProvider keeps ``eddsaPrivateKey`` (base64 PKCS#8) and ``eddsaEllipticCurveKey``; the kid is
    KeyUtils.createKeyId of the public key."""
    private = ed448.Ed448PrivateKey.generate()
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    spki = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    comp = {"id": "d", "name": "eddsa-generated", "provider_id": "eddsa-generated"}
    cfg = {"eddsaPrivateKey": base64.b64encode(der).decode(), "eddsaEllipticCurveKey": "Ed448", "priority": "5"}
    report = Report("r")
    [key] = realm_keys("r", [comp], [{"component_id": "d", "name": n, "value": v} for n, v in cfg.items()], 0, report)
    kid = base64.urlsafe_b64encode(hashlib.sha256(spki).digest()).rstrip(b"=").decode()
    assert (key.kid, key.algorithm, key.use, key.priority, key.provider_id) == (
        kid,
        "EdDSA",
        "sig",
        5,
        "eddsa-generated",
    )
    assert key.config == {"eddsaEllipticCurveKey": ["Ed448"], "priority": ["5"]} and report.cannot_carry == []


def test_the_encryption_keys_are_carried_with_their_kids() -> None:
    report = Report("r")
    rows = [
        ({"id": "a", "name": "aes-generated", "provider_id": "aes-generated"}, {"kid": "aes-kid", "secret": "c2Vj"}),
        ({"id": "e", "name": "rsa-enc-generated", "provider_id": "rsa-enc-generated"}, {"privateKey": _RSA_DER}),
    ]
    config = [{"component_id": c["id"], "name": n, "value": v} for c, cfg in rows for n, v in cfg.items()]
    keys = realm_keys("r", [c for c, _ in rows], config, 0, report)
    found = {k.provider_id: (k.kid, k.algorithm, k.use) for k in keys}
    assert found["aes-generated"] == ("aes-kid", "AES", "enc")
    assert found["rsa-enc-generated"][1:] == ("RSA-OAEP", "enc") and report.cannot_carry == []


def test_rotation_notes_become_the_refresh_family_of_their_reuse_id() -> None:
    user_row = {
        "user_session_id": "s1",
        "user_id": "u1",
        "created_on": 100,
        "last_session_refresh": 150,
        "remember_me": False,
        "broker_session_id": None,
        "data": json.dumps({"ipAddress": "10.0.0.1", "authMethod": "openid-connect", "notes": {}}),
    }
    notes = {
        "scope": "openid offline_access",
        "refreshTokenPrefixR": "jti-1",
        "refreshTokenUsePrefixR": "2",
        "refreshTokenLastRefreshPrefixR": "140",
    }
    client_row = {
        "user_session_id": "s1",
        "client_id": "c1",
        "timestamp": 140,
        "client_storage_provider": "local",
        "data": json.dumps({"notes": notes}),
    }
    [session] = offline_sessions("r", {"u1": "alice"}, {"c1"}, [user_row], [client_row], Report("r"))
    assert (session.user_session.started, session.user_session.last_session_refresh) == (100, 150)
    [(client_session, families)] = session.clients
    assert client_session.notes == {"scope": "openid offline_access"}
    assert client_session.started == 100  # no startedAt note: the user session's start, as Keycloak falls back
    assert families == [RefreshFamily("R", "jti-1", 2, 140, None)]
