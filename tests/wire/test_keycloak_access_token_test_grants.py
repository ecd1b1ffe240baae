"""Keycloak's AccessTokenTest, the second half: the password-grant checks, protocol mappers and client scopes,
the lifespans, and the signature algorithms (testsuite/integration-arquillian/tests/base/.../oauth/
AccessTokenTest.java @1f03e358; the authorization-code methods are in ``test_keycloak_access_token_test.py``).

Each test is named after the Java method and says so in its docstring. Where Keycloak 26's source answers
differently from that (older) test, the test follows the source and says which class it read.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import jwt
import pytest

from access_token_realm import (
    APP,
    code_to_token,
    do_login,
    get,
    import_realm,
    last_event,
    password_grant,
    send,
    set_client_attributes,
    update_client,
    update_realm,
    update_user,
    user_id,
)
from support import claims, header, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """Keycloak's test realm as AccessTokenTest uses it."""
    return await import_realm(env)


def assert_refused(response: httpx.Response, status: int, error: str, description: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error, body
    if description is not None:
        assert body["error_description"] == description, body
    assert "access_token" not in body, body


async def do_refresh(env: Env, token: str) -> dict[str, Any]:
    response = await refresh(env.http, "test", APP, token, secret="password")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def realm_roles(env: Env) -> list[str]:
    """The realm roles of a password grant's access token for test-user@localhost."""
    response = await password_grant(env)
    assert response.status_code == 200, response.text
    roles: list[str] = claims(response.json()["access_token"]).get("realm_access", {}).get("roles", [])
    return roles


async def test_grant_access_token(kc: Env) -> None:
    """AccessTokenTest.testGrantAccessToken: the direct grant's refusals in turn (HTTPS required, missing
    username or password, wrong password, bearer-only client, disabled realm, disabled client, pending required
    action, disabled user), then a token."""
    await update_realm(kc, sslRequired="all")
    assert_refused(await password_grant(kc), 403, "invalid_request", "HTTPS required")
    await update_realm(kc, sslRequired="external")

    assert_refused(await password_grant(kc, username=""), 401, "invalid_request", "Missing parameter: username")
    assert_refused(await password_grant(kc, password=None), 400, "invalid_grant", "Invalid user credentials")
    assert_refused(await password_grant(kc, password="invalid"), 400, "invalid_grant", "Invalid user credentials")

    # TokenEndpoint.checkClient: an authenticated bearer-only client is 400 "Bearer-only not allowed" (the 2021
    # test saw 401 because its admin update dropped the secret; the secret is kept here).
    await update_client(kc, bearerOnly=True)
    assert_refused(await password_grant(kc), 400, "invalid_client", "Bearer-only not allowed")
    await update_client(kc, bearerOnly=False, secret="password")

    await update_realm(kc, enabled=False)
    assert_refused(await password_grant(kc), 403, "access_denied", "Realm not enabled")
    await update_realm(kc, enabled=True)

    # AuthenticationProcessor.handleClientAuthenticationException: CLIENT_DISABLED is 401 invalid_client in 26.x.
    await update_client(kc, enabled=False)
    assert_refused(await password_grant(kc), 401, "invalid_client", "Invalid client or Invalid client credentials")
    await update_client(kc, enabled=True)

    await update_user(kc, requiredActions=["UPDATE_PASSWORD"])
    assert_refused(await password_grant(kc), 400, "invalid_grant", "Account is not fully set up")
    assert_refused(await password_grant(kc, password="bad-password"), 400, "invalid_grant", "Invalid user credentials")
    await update_user(kc, requiredActions=[])

    await update_user(kc, enabled=False)
    assert_refused(await password_grant(kc), 400, "invalid_grant", "Account disabled")
    await update_user(kc, enabled=True)

    assert (await password_grant(kc)).status_code == 200


async def test_keycloak2221(kc: Env) -> None:
    """AccessTokenTest.testKeycloak2221: role name mappers on the client rename the realm role in the token."""
    uuid = (await get(kc, "/clients", clientId=APP))[0]["id"]
    for name, role, new in (("rename-role", "user", "realm-user"), ("rename-role2", "admin", "the-admin")):
        mapper = {
            "name": name,
            "protocol": "openid-connect",
            "protocolMapper": "oidc-role-name-mapper",
            "config": {"role": role, "new.role.name": new},
        }
        await send(kc, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper, status=201)
    response = await password_grant(kc, username="no-permissions")
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["realm_access"]["roles"] == ["realm-user"]


async def test_client_scope(kc: Env) -> None:
    """AccessTokenTest.testClientScope: a default client scope's hardcoded claim and its role scope mappings
    reach the tokens, combined with the client's own; removing them, or the scope from the client, takes
    them away again."""
    for name in ("realm-test-role", "realm-test-role2"):
        await send(kc, "POST", "/roles", {"name": name}, status=201)
    role1, role2 = await get(kc, "/roles/realm-test-role"), await get(kc, "/roles/realm-test-role2")
    uid = await user_id(kc)
    await send(kc, "POST", f"/users/{uid}/role-mappings/realm", [role1, role2])

    created = await send(kc, "POST", "/client-scopes", {"name": "scope", "protocol": "openid-connect"}, status=201)
    scope_id = created.headers["location"].rsplit("/", 1)[1]
    hard = {
        "name": "hard",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "hard",
            "claim.value": "coded",
            "jsonType.label": "String",
            "access.token.claim": "true",
            "id.token.claim": "true",
        },
    }
    await send(kc, "POST", f"/client-scopes/{scope_id}/protocol-mappers/models", hard, status=201)
    uuid = (await get(kc, "/clients", clientId=APP))[0]["id"]
    await send(kc, "PUT", f"/clients/{uuid}/default-client-scopes/{scope_id}")
    await update_client(kc, fullScopeAllowed=False)

    response = await password_grant(kc)
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["hard"] == "coded"
    assert claims(response.json()["access_token"])["hard"] == "coded"
    assert not {"realm-test-role", "realm-test-role2"} & set(await realm_roles(kc))

    await send(kc, "POST", f"/client-scopes/{scope_id}/scope-mappings/realm", [role1])
    roles = set(await realm_roles(kc))
    assert "realm-test-role" in roles and "realm-test-role2" not in roles

    await send(kc, "POST", f"/clients/{uuid}/scope-mappings/realm", [role2])
    assert {"realm-test-role", "realm-test-role2"} <= set(await realm_roles(kc))

    await send(kc, "DELETE", f"/client-scopes/{scope_id}/scope-mappings/realm", [role1])
    await send(kc, "DELETE", f"/clients/{uuid}/scope-mappings/realm", [role2])
    assert not {"realm-test-role", "realm-test-role2"} & set(await realm_roles(kc))

    await send(kc, "DELETE", f"/clients/{uuid}/default-client-scopes/{scope_id}")
    await send(kc, "POST", f"/client-scopes/{scope_id}/scope-mappings/realm", [role1, role2])
    response = await password_grant(kc)
    access, id_token = claims(response.json()["access_token"]), claims(response.json()["id_token"])
    assert not {"realm-test-role", "realm-test-role2"} & set(access["realm_access"]["roles"])
    assert "hard" not in access and "hard" not in id_token

    await send(kc, "DELETE", f"/users/{uid}/role-mappings/realm", [role1, role2])
    await send(kc, "DELETE", "/roles/realm-test-role")
    await send(kc, "DELETE", "/roles/realm-test-role2")
    await send(kc, "DELETE", f"/client-scopes/{scope_id}")
    response = await password_grant(kc)
    assert response.status_code == 200, response.text
    assert "hard" not in claims(response.json()["access_token"]) and "hard" not in claims(response.json()["id_token"])


async def test_expiration(kc: Env) -> None:
    """AccessTokenTest.expiration (KEYCLOAK-4215): refresh_expires_in is the session idle, expires_in the token
    lifespan; a minute before the session's max both are cut to that minute."""
    await update_realm(kc, ssoSessionMaxLifespan=1800)
    body = await do_refresh_ready(kc)
    assert (body["refresh_expires_in"], body["expires_in"]) == (1800, 300)
    kc.clock.advance(1800 - 60)
    refreshed = await do_refresh(kc, body["refresh_token"])
    assert (refreshed["refresh_expires_in"], refreshed["expires_in"]) == (60, 60)


async def do_refresh_ready(env: Env, **params: str) -> dict[str, Any]:
    code = (await do_login(env, **params))["code"]
    response = await code_to_token(env, code)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_client_access_token_lifespan_override(kc: Env) -> None:
    """AccessTokenTest.clientAccessTokenLifespanOverride: the client's ``access.token.lifespan`` 500 wins over
    the realm's; -1 makes the access token last as long as the session (TokenManager.getTokenExpiration)."""
    realm = await get(kc, "")
    assert realm["accessTokenLifespan"] != 500
    await set_client_attributes(kc, access_token_lifespan="500")
    body = await do_refresh_ready(kc)
    assert body["expires_in"] == 500
    await set_client_attributes(kc, access_token_lifespan="-1")
    assert (await do_refresh(kc, body["refresh_token"]))["expires_in"] == realm["ssoSessionMaxLifespan"]


async def test_client_session_max_lifespan(kc: Env) -> None:
    """AccessTokenTest.testClientSessionMaxLifespan: the realm's clientSessionMaxLifespan, then the client's
    ``client.session.max.lifespan``, cut the access token's lifetime."""
    lifespan = (await get(kc, ""))["accessTokenLifespan"]
    body = await do_refresh_ready(kc)
    assert body["expires_in"] == lifespan
    await update_realm(kc, clientSessionMaxLifespan=lifespan - 100)
    body = await do_refresh(kc, body["refresh_token"])
    assert body["expires_in"] == lifespan - 100
    await set_client_attributes(kc, client_session_max_lifespan=str(lifespan - 200))
    assert (await do_refresh(kc, body["refresh_token"]))["expires_in"] == lifespan - 200


async def test_client_offline_session_max_lifespan(kc: Env) -> None:
    """AccessTokenTest.testClientOfflineSessionMaxLifespan: with the offline max enabled, the realm's
    clientOfflineSessionMaxLifespan, then the client's ``client.offline.session.max.lifespan``, cut the
    lifetime of access tokens refreshed from an offline token."""
    lifespan = (await get(kc, ""))["accessTokenLifespan"]
    await update_realm(kc, offlineSessionMaxLifespanEnabled=True)
    body = await do_refresh_ready(kc, scope="openid offline_access")
    assert claims(body["refresh_token"])["typ"] == "Offline"
    assert body["expires_in"] == lifespan
    await update_realm(kc, clientOfflineSessionMaxLifespan=lifespan - 100)
    body = await do_refresh(kc, body["refresh_token"])
    assert body["expires_in"] == lifespan - 100
    await set_client_attributes(kc, client_offline_session_max_lifespan=str(lifespan - 200))
    assert (await do_refresh(kc, body["refresh_token"]))["expires_in"] == lifespan - 200


# --- signature algorithms -------------------------------------------------------------------------------


async def verify(env: Env, token: str, alg: str) -> dict[str, Any]:
    """The token checked against the realm's published key of its ``kid``."""
    certs = await env.http.get("/realms/test/protocol/openid-connect/certs")
    key = jwt.PyJWKSet.from_dict(certs.json())[header(token)["kid"]]
    options: jwt.types.Options = {"verify_aud": False, "verify_exp": False}
    verified: dict[str, Any] = jwt.decode(token, key.key, algorithms=[alg], options=options)
    return verified


async def use_algorithms(env: Env, realm_alg: str, access_alg: str) -> None:
    """TokenSignatureUtil: the realm's default (ID tokens) and test-app's access-token algorithm."""
    await update_realm(env, defaultSignatureAlgorithm=realm_alg)
    await set_client_attributes(env, access_token_signed_response_alg=access_alg)


async def token_request(env: Env, access_alg: str, id_alg: str) -> dict[str, Any]:
    """AccessTokenTest.tokenRequest: headers of all three tokens, both signatures, subject, sid and the event."""
    code = (await do_login(env))["code"]
    login = await last_event(env, "LOGIN")
    response = await code_to_token(env, code)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["token_type"] == "Bearer"
    for name, alg in (("access_token", access_alg), ("id_token", id_alg), ("refresh_token", "HS512")):
        found = header(body[name])
        assert (found["alg"], found["typ"], "cty" in found) == (alg, "JWT", False), (name, found)
    token = await verify(env, body["access_token"], access_alg)
    await verify(env, body["id_token"], id_alg)
    assert token["sub"] == await user_id(env)
    assert token["sid"] == login["sessionId"]
    event = await last_event(env, "CODE_TO_TOKEN")
    assert (event["sessionId"], event["details"]["code_id"]) == (login["sessionId"], login["details"]["code_id"])
    assert event["details"]["token_id"] == token["jti"]
    assert event["details"]["refresh_token_id"] == claims(body["refresh_token"])["jti"]
    return body


CONDUCTED = [
    ("PS384", "RS256"),
    ("PS256", "PS256"),
    ("PS512", "PS256"),
    ("RS384", "RS256"),
    ("RS512", "RS512"),
    ("ES256", "PS256"),
    ("ES384", "ES384"),
    ("ES512", "RS256"),
]


@pytest.mark.parametrize(("access_alg", "id_alg"), CONDUCTED, ids=[f"Client{a}_Realm{r}" for a, r in CONDUCTED])
async def test_access_token_request_client_alg_realm_alg(kc: Env, access_alg: str, id_alg: str) -> None:
    """AccessTokenTest.accessTokenRequest_ClientPS384_RealmRS256 and its seven siblings: the client's access
    token algorithm signs the access token, the realm's default the ID token, HS512 the refresh token."""
    await use_algorithms(kc, id_alg, access_alg)
    await token_request(kc, access_alg, id_alg)


async def test_validate_ecdsa_signatures(kc: Env) -> None:
    """AccessTokenTest.validateECDSASignatures: ES256/384/512 access tokens carry the JWS (R || S) signature of
    64, 96 and 132 bytes, and verify against the published key."""
    for alg, length in (("ES256", 64), ("ES384", 96), ("ES512", 132)):
        await use_algorithms(kc, alg, alg)
        code = (await do_login(kc))["code"]
        response = await code_to_token(kc, code)
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        await verify(kc, token, alg)
        signature = token.split(".")[2]
        assert len(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))) == length, alg
        logout = await kc.http.get(
            "/realms/test/protocol/openid-connect/logout", params={"id_token_hint": response.json()["id_token"]}
        )
        assert logout.status_code < 400, logout.text[:300]
