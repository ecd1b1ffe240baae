"""The admin API's cache clearing through one process is obeyed by every process, as Keycloak notifies the whole
cluster, on SQLite (two processes on one file) and PostgreSQL (two workers of one server).

``clear-keys-cache`` empties the JWK sets every process fetched (RealmAdminResource.clearKeysCache:
InfinispanCachePublicKeyProvider.clearCache clears the ``keys`` cache and notifies the cluster).

A client authenticating with signed JWTs (``client-jwt``) publishes its keys at ``jwks.url`` (tests/fake_idp.py's
``/certs``). Node 1 fetches the set once; the client then drops a compromised key from it. Node 1 keeps the set it
fetched (for a day, as Keycloak keeps it until the key is missing), so the dropped key still authenticates there;
the administrator clears the keys cache through node 0, and node 1's very next assertion signed with the dropped key
is refused (JWTClientAuthenticator: "Unable to load public key") while one signed with the new key is accepted.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from fake_idp import FakeIdp
from otp_port import realm_rep
from worker_pair import Pair, new_realm, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

CLIENT = "jwt-app"


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return public | {"kid": kid, "use": "sig", "alg": "RS256"}


def _grant(pair: Pair, node: int, realm: str, key: rsa.RSAPrivateKey, kid: str) -> httpx.Response:
    """client_credentials through ``node``, the client authenticated by a JWT signed with ``key``."""
    url = f"{pair.base}/realms/{realm}/protocol/openid-connect/token"
    now = int(time.time())
    claims = {"iss": CLIENT, "sub": CLIENT, "aud": url, "jti": uuid.uuid4().hex, "iat": now, "exp": now + 60}
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid}),
    }
    return pair.form(node, f"/realms/{realm}/protocol/openid-connect/token", form)


def test_clear_keys_cache_through_one_process_makes_the_other_fetch_a_clients_keys_again(
    pair: Pair, idp: FakeIdp
) -> None:
    old, new = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2))
    idp.keys = [_jwk(old, "old")]
    client = {
        "clientId": CLIENT,
        "clientAuthenticatorType": "client-jwt",
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": False,
        "attributes": {"use.jwks.url": "true", "jwks.url": f"{idp.base}/certs"},
    }
    realm = new_realm(pair, realm_rep(clients=[client]))
    assert _grant(pair, 1, realm, old, "old").status_code == 200
    idp.keys = [_jwk(new, "new")]  # the old key dropped from the client's set
    assert _grant(pair, 1, realm, old, "old").status_code == 200  # what node 1 fetched stands
    pair.admin(0, "POST", path(realm, "clear-keys-cache"), status=204)
    refused = _grant(pair, 1, realm, old, "old")
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "invalid_client", "error_description": "Unable to load public key"},
    ), refused.text
    assert _grant(pair, 1, realm, new, "new").status_code == 200


def test_clear_realm_cache_through_one_process_makes_the_other_read_the_configuration_again(pair: Pair) -> None:
    """RealmAdminResource.clearRealmCache (RealmCacheSession.clear notifies the cluster): a client disabled in the
    tables by hand, behind the servers' back, keeps authenticating on node 1, which cached it, until the realm cache
    is cleared through node 0; then node 1 refuses it at once."""
    realm, client, secret = "interop", "interop-service", "interop-service-secret"  # interop.server.SeedRealm's
    form = {"grant_type": "client_credentials", "client_id": client, "client_secret": secret}
    token = f"/realms/{realm}/protocol/openid-connect/token"
    assert pair.form(1, token, form).status_code == 200
    pair.write_by_hand("UPDATE clients SET enabled = false WHERE client_id = :client", client=client)
    assert pair.form(1, token, form).status_code == 200  # node 1's cached configuration stands
    pair.admin(0, "POST", path(realm, "clear-realm-cache"), status=204)
    refused = pair.form(1, token, form)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_client"), refused.text
