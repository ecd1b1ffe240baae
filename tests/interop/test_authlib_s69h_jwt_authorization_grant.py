"""The JWT authorization grant (RFC 7523 §2.1) from Authlib's OAuth2Session, with an assertion joserfc signs, against a
real ``doorkeep`` process: the token answered, and the same assertion refused when sent again."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop
GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ISSUER = "https://partner.example.org"
REALM = "jwtgrant"


def _admin(server: DoorkeepProcess, method: str, path: str, body: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    return requests.request(method, f"{server.base_url}/admin{path}", json=body, headers=headers, timeout=10)


def _realm(key: RSAKey) -> dict[str, Any]:
    jwks = json.dumps(KeySet([key]).as_dict(private=False))
    provider = {
        "alias": "partner",
        "providerId": "jwt-authorization-grant",
        "enabled": True,
        "config": {"issuer": ISSUER, "useJwksUrl": "false", "publicKeySignatureVerifier": jwks},
    }
    client = {
        "clientId": "rp",
        "secret": "rp-secret",
        "attributes": {
            "oauth2.jwt.authorization.grant.enabled": "true",
            "oauth2.jwt.authorization.grant.idp": "partner",
        },
    }
    user = {
        "username": "bob",
        "enabled": True,
        "email": "bob@example.org",
        "firstName": "Bob",
        "lastName": "Builder",
        "federatedIdentities": [{"identityProvider": "partner", "userId": "partner-bob", "userName": "bob"}],
    }
    return {"realm": REALM, "enabled": True, "clients": [client], "users": [user], "identityProviders": [provider]}


def test_authlib_gets_a_token_for_a_partner_s_assertion_once(engine_server: DoorkeepProcess) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "partner-1", "use": "sig", "alg": "RS256"})
    made = _admin(engine_server, "POST", "/realms", _realm(key))
    assert made.status_code == 201, made.text
    issuer = f"{engine_server.base_url}/realms/{REALM}"
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "partner-bob", "aud": issuer, "iat": now, "exp": now + 60, "jti": str(uuid.uuid4())}
    assertion = jwt.encode({"alg": "RS256", "kid": "partner-1"}, claims, key)
    token_endpoint = f"{issuer}/protocol/openid-connect/token"
    with OAuth2Session("rp", "rp-secret", token_endpoint_auth_method="client_secret_basic") as session:
        token = session.fetch_token(token_endpoint, grant_type=GRANT, assertion=assertion)
        assert token["token_type"] == "Bearer"
        assert "refresh_token" not in token
        with pytest.raises(OAuthError) as refused:
            session.fetch_token(token_endpoint, grant_type=GRANT, assertion=assertion)
    assert refused.value.error == "invalid_grant"
    assert refused.value.description == "Token reuse detected"
    body = jwt.decode(
        token["access_token"],
        KeySet.import_key_set(requests.get(f"{issuer}/protocol/openid-connect/certs", timeout=10).json()),
    ).claims
    assert body["preferred_username"] == "bob" and body["azp"] == "rp" and body["jti"].startswith("trrtag:")
