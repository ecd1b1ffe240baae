"""Authlib's requests client and joserfc (libraries nobody here wrote) against a real ``doorkeep start-dev``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError
from authlib.oidc.discovery import OpenIDProviderMetadata
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from interop.server import DoorkeepProcess, SeedRealm

if TYPE_CHECKING:
    from joserfc.jwk import KeySetSerialization

pytestmark = pytest.mark.interop


def discover(server: DoorkeepProcess, realm: str) -> dict[str, Any]:
    response = requests.get(f"{server.base_url}/realms/{realm}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def jwks(discovery: dict[str, Any]) -> dict[str, Any]:
    response = requests.get(discovery["jwks_uri"], timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def key_set(keys: dict[str, Any]) -> KeySet:
    return KeySet.import_key_set(cast("KeySetSerialization", keys))


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_client_credentials_token_from_authlib_verifies_with_joserfc_against_the_discovered_jwks(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
    auth_method: str,
) -> None:
    discovery = discover(seeded_server, seed.name)
    issuer = f"{seeded_server.base_url}/realms/{seed.name}"
    assert discovery["issuer"] == issuer
    with OAuth2Session(
        seed.service_client_id, seed.service_client_secret, token_endpoint_auth_method=auth_method
    ) as session:
        token = session.fetch_token(discovery["token_endpoint"], grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 300
    assert token["refresh_expires_in"] == 0
    assert "refresh_token" not in token
    assert "session_state" not in token  # a transient session (KEYCLOAK.md §2.4)
    assert set(token["scope"].split()) == {"profile", "email"}

    keys = jwks(discovery)
    decoded = jwt.decode(token["access_token"], key_set(keys), algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256"
    assert decoded.header["kid"] in {key["kid"] for key in keys["keys"]}
    jwt.JWTClaimsRegistry(
        iss={"essential": True, "value": issuer},
        azp={"essential": True, "value": seed.service_client_id},
        typ={"essential": True, "value": "Bearer"},
        exp={"essential": True},
        iat={"essential": True},
    ).validate(decoded.claims)  # also checks exp/iat/nbf against the clock
    assert decoded.claims["preferred_username"] == f"service-account-{seed.service_client_id}"
    assert "sid" not in decoded.claims

    head, body, signature = token["access_token"].split(".")
    forged = f"{head}.{body}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    with pytest.raises(BadSignatureError):
        jwt.decode(forged, key_set(keys), algorithms=["RS256"])


def test_discovery_document_is_valid_provider_metadata_for_authlib(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the test server speaks plain HTTP on loopback
    discovery = discover(seeded_server, seed.name)
    OpenIDProviderMetadata(discovery).validate()
    assert {"client_credentials", "password", "refresh_token"} <= set(discovery["grant_types_supported"])
    assert "offline_access" in discovery["scopes_supported"]
    keys = jwks(discovery)["keys"]
    signing = [key for key in keys if key["use"] == "sig"]
    assert signing, "the realm publishes no signing key"
    assert all(key["kty"] == "RSA" and key["alg"] == "RS256" and key["kid"] for key in signing)
    # and, as Keycloak's default realm, its RSA-OAEP encryption key (rsa-enc-generated)
    assert [(key["kty"], key["alg"]) for key in keys if key["use"] == "enc"] == [("RSA", "RSA-OAEP")]


def test_the_token_endpoints_named_in_discovery_answer_authlib(seeded_server: DoorkeepProcess, seed: SeedRealm) -> None:
    discovery = discover(seeded_server, seed.name)
    credentials = (seed.client_id, seed.client_secret)

    missing_grant = requests.post(discovery["token_endpoint"], data={}, auth=credentials, timeout=10)
    assert missing_grant.status_code == 400
    assert missing_grant.json() == {
        "error": "invalid_request",
        "error_description": "Missing form parameter: grant_type",
    }

    with OAuth2Session(seed.client_id, seed.client_secret, scope="openid") as session:
        token = session.fetch_token(
            discovery["token_endpoint"], grant_type="password", username=seed.username, password=seed.password
        )
        assert "id_token" in token

        userinfo = session.get(discovery["userinfo_endpoint"], timeout=10)
        assert userinfo.status_code == 200, userinfo.text
        assert userinfo.json()["preferred_username"] == seed.username

        introspection = session.introspect_token(discovery["introspection_endpoint"], token=token["access_token"])
        assert introspection.status_code == 200, introspection.text
        assert introspection.json()["active"] is True
        assert introspection.json()["username"] == seed.username

        revocation = session.revoke_token(
            discovery["revocation_endpoint"], token=token["refresh_token"], token_type_hint="refresh_token"
        )
        assert revocation.status_code == 200, revocation.text
        with pytest.raises(OAuthError) as failed:
            session.refresh_token(discovery["token_endpoint"], refresh_token=token["refresh_token"])
        assert failed.value.error == "invalid_grant"

        second = session.fetch_token(
            discovery["token_endpoint"], grant_type="password", username=seed.username, password=seed.password
        )
        logout = session.post(
            discovery["end_session_endpoint"],
            withhold_token=True,
            auth=credentials,
            data={"refresh_token": second["refresh_token"]},
            timeout=10,
        )
        assert logout.status_code == 204, logout.text
        after_logout = session.introspect_token(discovery["introspection_endpoint"], token=second["access_token"])
        assert after_logout.json() == {"active": False}


def test_authlib_pushes_an_authorization_request_to_the_discovered_par_endpoint(
    seeded_server: DoorkeepProcess, seed: SeedRealm
) -> None:
    """RFC 9126 through authlib's client authentication (client_secret_basic), as Keycloak's ParEndpoint answers."""
    discovery = discover(seeded_server, seed.name)
    endpoint = discovery["pushed_authorization_request_endpoint"]
    assert endpoint == f"{seeded_server.base_url}/realms/{seed.name}/protocol/openid-connect/ext/par/request"
    form = {"client_id": seed.client_id, "response_type": "code", "scope": "openid", "redirect_uri": "http://x/cb"}
    with OAuth2Session(seed.client_id, "wrong", token_endpoint_auth_method="client_secret_basic") as session:
        refused = session.post(endpoint, data=form, auth=session.client_auth("client_secret_basic"), timeout=10)
    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_request", "error_description": "Authentication failed."}
    with OAuth2Session(seed.client_id, seed.client_secret, token_endpoint_auth_method="client_secret_basic") as session:
        pushed = session.post(endpoint, data=form, auth=session.client_auth("client_secret_basic"), timeout=10)
    # authenticated: the seeded client registers no redirect URI, so the pushed one is refused as Keycloak's
    assert pushed.status_code == 400
    assert pushed.json() == {"error": "invalid_request", "error_description": "Invalid parameter: redirect_uri"}
