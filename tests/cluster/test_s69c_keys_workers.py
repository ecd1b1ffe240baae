"""A realm's keys changed on one process: the other's JWK set (OIDCLoginProtocolService.certs) shows the change at
its very next request, and so does the public key of its realm page (PublicRealmResource.getRealm), on SQLite (two processes on one file) and PostgreSQL (two workers of one server).

Keycloak's key cache is invalidated across the cluster by every component change, and its fallback keys
(DefaultKeyManager.createFallbackKeys) are components too, so a relying party fetching the JWK set from any node
finds the key a token names. Node 1 serves the set once first (so it holds the realm's keys), then: a key provider
added through node 0, removed again, and an ES256 fallback key made by node 0 for a client's ID token.
"""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from otp_port import APP, SECRET, USER, realm_rep, user_rep
from worker_pair import Pair, new_realm, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

NAMES = {"firstName": "Test", "lastName": "User", "emailVerified": True}


def _published(pair: Pair, node: int, realm: str) -> set[str]:
    answer = pair.send(node, "GET", f"/realms/{realm}/protocol/openid-connect/certs")
    assert answer.status_code == 200, answer.text
    return {key["kid"] for key in answer.json()["keys"]}


def _realm_key(pair: Pair, node: int, realm: str) -> str:
    """PublicRealmResource.getRealm's ``public_key``: the realm's active RS256 key."""
    answer = pair.send(node, "GET", f"/realms/{realm}")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["public_key"])


def _header(token: str) -> dict[str, Any]:
    part = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def test_a_key_provider_added_then_removed_through_one_process_shows_in_the_others_jwk_set(pair: Pair) -> None:
    realm = new_realm(pair, realm_rep())
    before, public_key = _published(pair, 1, realm), _realm_key(pair, 1, realm)
    realm_id = pair.admin(0, "GET", path(realm), status=200).json()["id"]
    component = {
        "name": f"rsa-{uuid.uuid4().hex[:6]}",
        "providerId": "rsa-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "parentId": realm_id,
        "config": {"priority": ["200"]},
    }
    made = pair.admin(0, "POST", path(realm, "components"), component, 201)
    component_id = made.headers["location"].rsplit("/", 1)[1]
    keys = pair.admin(0, "GET", path(realm, "keys"), status=200).json()["keys"]
    (added,) = [k for k in keys if k["providerId"] == component_id]
    assert _published(pair, 1, realm) == before | {added["kid"]}
    assert _realm_key(pair, 1, realm) == added["publicKey"] != public_key  # the active RS256 key, by priority
    pair.admin(0, "DELETE", path(realm, "components", component_id), status=204)
    assert _published(pair, 1, realm) == before
    assert _realm_key(pair, 1, realm) == public_key


def test_a_fallback_key_made_by_one_process_is_in_the_others_jwk_set(pair: Pair) -> None:
    rep = realm_rep(users=[user_rep(USER, **NAMES)])
    rep["clients"][0]["attributes"] = {"id.token.signed.response.alg": "ES256"}
    realm = new_realm(pair, rep)
    before = _published(pair, 1, realm)
    form = {"grant_type": "password", "client_id": APP, "client_secret": SECRET, "username": USER}
    tokens = pair.form(
        0, f"/realms/{realm}/protocol/openid-connect/token", {**form, "password": "password", "scope": "openid"}
    )
    assert tokens.status_code == 200, tokens.text
    header = _header(tokens.json()["id_token"])
    assert header["alg"] == "ES256" and header["kid"] not in before
    assert _published(pair, 1, realm) == before | {header["kid"]}
