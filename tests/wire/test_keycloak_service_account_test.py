"""Keycloak's own client-credentials scenarios, one test per method of its testsuite classes
``org.keycloak.testsuite.oauth.ServiceAccountTest`` and ``ServiceAccountScopedRolesTest``
(testsuite/integration-arquillian/tests/base/.../oauth/), and the CLIENT_LOGIN_ERROR events of
ClientCredentialsGrantType's own refusals. No method is left out.

Each class's realm is imported through ``POST /admin/realms``; every change goes through the admin API, and
events are polled as Keycloak's ``events.poll()`` does (``expectClientLoginSuccess`` / ``expectRefreshTokenSuccess``
of its test framework's EventAssertion are ``client_login_event`` / ``refresh_event`` here). Keycloak's time
offset is the fake clock. Where Doorkeep answers differently:

* ServiceAccountScopedRolesTest's clients ask for lightweight access tokens
  (``client.use.lightweight.access.token.enabled``, oauth/mappers/lightweight.py): the tests assert what the
  Java test does (no ``session_state``, the admin API answering 200 or 403 by the roles in the client's scope).

Elsewhere: the ``service_account`` client scope and its session-note mappers in test_service_account_scope.py;
admin changes to the service account reaching the next grant in test_service_account_changes.py; the refusals'
status and text in test_token_endpoint.py; OfflineTokenTest.offlineTokenServiceAccountFlow in
test_keycloak_offline_token_test.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from doorkeep.errors import CC_DISABLED, CC_NO_USER, CC_PUBLIC
from keycloak_port import (
    ADMIN,
    client_uuid,
    delete,
    forget,
    get,
    import_realm,
    one_event,
    poll,
    post,
    put,
    update_client,
    update_realm,
    user_id,
)
from support import claims, header, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "LOGOUT",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "CLIENT_LOGIN",
    "CLIENT_LOGIN_ERROR",
    "INTROSPECT_TOKEN",
    "INTROSPECT_TOKEN_ERROR",
    "REVOKE_GRANT",
    "USER_INFO_REQUEST",
    "USER_INFO_REQUEST_ERROR",
]
TEST_USER = "test-user@localhost"


def audience_mapper(client_id: str) -> dict[str, Any]:
    return {
        "name": f"audience-{client_id}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": client_id, "access.token.claim": "true"},
    }


def service_client(client_id: str, secret: str = "secret1", **extra: Any) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "secret": secret,
        "serviceAccountsEnabled": True,
        "protocolMappers": [audience_mapper(client_id)],
        **extra,
    }


# --- ServiceAccountTest --------------------------------------------------------------------------------
REFRESH_ON = "service-account-cl-refresh-on"
PLAIN = "service-account-cl"


@pytest.fixture
async def sa(env: Env) -> AsyncIterator[Env]:
    """ServiceAccountTest.addTestRealms: the refresh-on client's service account user is imported with the
    realm; service-account-cl's is made for it."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "clients": [
            service_client(REFRESH_ON, attributes={"client_credentials.use_refresh_token": "true"}),
            service_client(PLAIN),
            {"clientId": "service-account-disabled", "secret": "secret1"},
            service_client("service-account-cl-special-secrets", "secret/with=special?character"),
        ],
        "users": [
            {"username": TEST_USER, "enabled": True},
            {"username": f"service-account-{REFRESH_ON}", "enabled": True, "serviceAccountClientId": REFRESH_ON},
        ],
    }
    await import_realm(env, rep)
    yield env
    forget(env)


async def client_credentials(env: Env, client_id: str, secret: str, scope: str = "openid") -> Any:
    """oauth.doClientCredentialsGrantAccessTokenRequest: Keycloak's test OAuthClient asks for ``openid``."""
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": scope}
    return await env.http.post(token_url("test"), data=form)


async def session_stats(env: Env) -> list[dict[str, str]]:
    stats: list[dict[str, str]] = await get(env, "/client-session-stats")
    return stats


async def introspect(env: Env, token: str, client_id: str = PLAIN) -> bool:
    form = {"client_id": client_id, "client_secret": "secret1", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def userinfo(env: Env, token: str) -> Any:
    return await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})


def assert_service_claims(access: dict[str, Any], client_id: str) -> None:
    assert access["client_id"] == client_id
    assert "clientAddress" in access and "clientHost" in access


def client_login_event(event: dict[str, Any], client_id: str, user: str, access: dict[str, Any]) -> None:
    """EventAssertion.expectClientLoginSuccess: CLIENT_LOGIN with a session, the secret and the grant named;
    then the client, the service account, its username and the access token's id."""
    assert (event["type"], event.get("error")) == ("CLIENT_LOGIN", None), event
    assert (event["clientId"], event["userId"], event["sessionId"]) == (client_id, user, access["sid"]), event
    details = event["details"]
    assert details["client_auth_method"] == "client-secret" and details["grant_type"] == "client_credentials"
    assert details["token_id"] == access["jti"]
    assert details["username"] == f"service-account-{client_id}"


def refresh_event(event: dict[str, Any], client_id: str, user: str, old: dict[str, Any], body: dict[str, Any]) -> None:
    """EventAssertion.expectRefreshTokenSuccess (REFRESH_TOKEN with a session, the new refresh token's id and an
    access token id of the ``rt`` grant) and the details the Java test names."""
    assert (event["type"], event.get("error")) == ("REFRESH_TOKEN", None), event
    assert (event["clientId"], event["userId"], event["sessionId"]) == (client_id, user, old["sid"]), event
    details = event["details"]
    assert details["refresh_token_id"] == old["jti"] and details["refresh_token_type"] == "Refresh"
    assert details["client_auth_method"] == "client-secret"
    assert details["updated_refresh_token_id"] == claims(body["refresh_token"])["jti"]
    token_id = details["token_id"]
    assert token_id == claims(body["access_token"])["jti"] and token_id.split(":")[0][4:6] == "rt", token_id


async def login_and_refresh(env: Env, body: dict[str, Any], access_alg: str = "RS256") -> None:
    """What ServiceAccountTest.clientCredentialsAuthSuccess and clientCredentialsAuthSuccessWithRefreshToken
    check of a refresh-on client's response: its headers, CLIENT_LOGIN, the claims, then a refresh in the
    same session and its REFRESH_TOKEN."""
    for token, alg in ((body["access_token"], access_alg), (body["refresh_token"], "HS512")):
        assert (header(token)["alg"], header(token)["typ"]) == (alg, "JWT") and "cty" not in header(token)
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    account = await user_id(env, f"service-account-{REFRESH_ON}")
    event = await one_event(env)
    client_login_event(event, REFRESH_ON, account, access)
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert access["sid"] == refresh_claims["sid"]
    assert_service_claims(access, REFRESH_ON)
    refreshed = await refresh(env.http, "test", REFRESH_ON, body["refresh_token"], secret="secret1")
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["sid"] == access["sid"]
    assert claims(refreshed.json()["refresh_token"])["sid"] == access["sid"]
    refresh_event(await one_event(env), REFRESH_ON, account, refresh_claims, refreshed.json())


async def test_client_credentials_auth_success(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccess."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    stats = await session_stats(sa)  # use_refresh_token: a stored session (KEYCLOAK-9551's older clients)
    assert len(stats) == 1 and stats[0]["clientId"] == REFRESH_ON, stats
    await login_and_refresh(sa, response.json())


async def test_client_credentials_logout(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsLogout."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    body = response.json()
    access, refresh_claims = claims(body["access_token"]), claims(body["refresh_token"])
    account = await user_id(sa, f"service-account-{REFRESH_ON}")
    event = await one_event(sa)
    client_login_event(event, REFRESH_ON, account, access)
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    form = {"client_id": REFRESH_ON, "client_secret": "secret1", "refresh_token": body["refresh_token"]}
    logout = await sa.http.post(token_url("test", "logout"), data=form)
    assert logout.status_code == 204, logout.text
    event = await one_event(sa)
    assert (event["type"], event["clientId"], event["userId"]) == ("LOGOUT", REFRESH_ON, account)
    assert event["sessionId"] == access["sid"] and "redirect_uri" not in event.get("details", {})
    refused = await refresh(sa.http, "test", REFRESH_ON, body["refresh_token"], secret="secret1")
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    event = await one_event(sa)
    assert (event["type"], event["error"], event["clientId"]) == ("REFRESH_TOKEN_ERROR", "invalid_token", REFRESH_ON)
    assert event["sessionId"] == refresh_claims["sid"] and event.get("userId") is None
    assert event["details"]["refresh_token_id"] == refresh_claims["jti"]
    assert "token_id" not in event["details"] and "updated_refresh_token_id" not in event["details"]


async def test_client_credentials_invalid_client_credentials(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsInvalidClientCredentials."""
    response = await client_credentials(sa, PLAIN, "secret2")
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized_client")
    event = await one_event(sa)
    assert (event["type"], event["error"], event["clientId"]) == (
        "CLIENT_LOGIN_ERROR",
        "invalid_client_credentials",
        PLAIN,
    )
    assert event.get("sessionId") is None and event.get("userId") is None


async def test_client_credentials_disabled_service_account(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsDisabledServiceAccount."""
    response = await client_credentials(sa, "service-account-disabled", "secret1")
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized_client")
    event = await one_event(sa)
    assert (event["type"], event["error"]) == ("CLIENT_LOGIN_ERROR", "invalid_client")
    assert event["clientId"] == "service-account-disabled"
    assert event.get("sessionId") is None and event.get("userId") is None
    assert "username" not in event.get("details", {}) and "response_type" not in event.get("details", {})


async def test_change_client_id_test(sa: Env) -> None:
    """ServiceAccountTest.changeClientIdTest: the service account's username follows the client's new id."""
    await update_client(sa, REFRESH_ON, clientId="updated-client")
    account = await user_id(sa, "service-account-updated-client")
    response = await client_credentials(sa, "updated-client", "secret1")
    assert response.status_code == 200, response.text
    access = claims(response.json()["access_token"])
    assert access["client_id"] == "updated-client"
    event = await one_event(sa)
    client_login_event(event, "updated-client", account, access)  # the username follows the new client id
    assert event["details"]["refresh_token_type"] == "Refresh"
    await update_client(sa, "updated-client", clientId=REFRESH_ON)
    assert await user_id(sa, f"service-account-{REFRESH_ON}") == account


async def test_refresh_token_refresh_for_disabled_service_account(sa: Env) -> None:
    """ServiceAccountTest.refreshTokenRefreshForDisabledServiceAccount: service-account-cl's response has no
    refresh token, so the Java test's refresh sends none and is refused; the same refusal follows for the
    refresh-on client's real refresh token once its service accounts are off. Both are switched on again and
    the service account is found again, as the test's ``finally`` does."""
    response = await client_credentials(sa, PLAIN, "secret1")
    assert response.status_code == 200 and "refresh_token" not in response.json(), response.text
    kept = await client_credentials(sa, REFRESH_ON, "secret1")
    assert kept.status_code == 200, kept.text
    try:
        await update_client(sa, PLAIN, serviceAccountsEnabled=False)
        form = {"grant_type": "refresh_token", "client_id": PLAIN, "client_secret": "secret1"}
        refused = await sa.http.post(token_url("test"), data=form)
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"error": "invalid_request", "error_description": "No refresh token"}
        await update_client(sa, REFRESH_ON, serviceAccountsEnabled=False)
        refused = await refresh(sa.http, "test", REFRESH_ON, kept.json()["refresh_token"], secret="secret1")
        assert refused.status_code == 400, refused.text
    finally:
        await update_client(sa, PLAIN, serviceAccountsEnabled=True)
        await update_client(sa, REFRESH_ON, serviceAccountsEnabled=True)
    for client_id in (PLAIN, REFRESH_ON):
        account = await get(sa, f"/clients/{await client_uuid(sa, client_id)}/service-account-user")
        assert account["username"] == f"service-account-{client_id}"


async def test_client_credentials_auth_request_client_es256_realm_ps256(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthRequest_ClientES256_RealmPS256 (the realm's PS256 is the ID
    token's; the client's ES256 the access token's; the refresh token keeps HS512)."""
    await update_realm(sa, defaultSignatureAlgorithm="PS256")
    await update_client(sa, REFRESH_ON, attributes={"access.token.signed.response.alg": "ES256"})
    await poll(sa)
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200, response.text
    assert header(response.json()["id_token"])["alg"] == "PS256"
    await login_and_refresh(sa, response.json(), access_alg="ES256")


async def test_fail_manage_password(sa: Env) -> None:
    """ServiceAccountTest.failManagePassword: a service account's credentials cannot be set."""
    uid = await user_id(sa, f"service-account-{REFRESH_ON}")
    rep = await get(sa, f"/users/{uid}")
    rep["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
    await put(sa, f"/users/{uid}", rep, status=400)


async def client_credentials_without_refresh_token(env: Env) -> str:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithoutRefreshTokenImpl: the access token."""
    response = await client_credentials(env, PLAIN, "secret1")
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body
    access = claims(body["access_token"])
    assert "sid" not in access
    assert access["jti"].startswith("trrtcc:")  # transient session, regular token, client_credentials
    account = await user_id(env, f"service-account-{PLAIN}")
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("CLIENT_LOGIN", PLAIN, account)
    assert event.get("sessionId") is None
    assert event["details"]["token_id"] == access["jti"]
    assert event["details"]["username"] == f"service-account-{PLAIN}"
    assert event["details"]["client_auth_method"] == "client-secret"
    assert event["details"]["grant_type"] == "client_credentials"
    assert await session_stats(env) == []  # no session for the transient login (KEYCLOAK-9551)
    assert await introspect(env, body["access_token"])
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("INTROSPECT_TOKEN", PLAIN, account)
    assert event.get("sessionId") is None
    return str(body["access_token"])


async def test_client_credentials_auth_success_without_refresh_token_revoke_token(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithoutRefreshToken_revokeToken."""
    token = await client_credentials_without_refresh_token(sa)
    form = {"client_id": PLAIN, "client_secret": "secret1", "token": token, "token_type_hint": "access_token"}
    revoked = await sa.http.post(token_url("test", "revoke"), data=form)
    assert revoked.status_code == 200, revoked.text
    event = await one_event(sa)
    assert (event["type"], event["clientId"]) == ("REVOKE_GRANT", PLAIN)
    assert event["userId"] == await user_id(sa, f"service-account-{PLAIN}")
    assert event.get("sessionId") is None and event["details"]["token_id"] == claims(token)["jti"]
    assert not await introspect(sa, token)
    event = await one_event(sa)
    assert (event["type"], event["error"], event["clientId"]) == ("INTROSPECT_TOKEN_ERROR", "invalid_token", PLAIN)
    assert event.get("userId") is None and event.get("sessionId") is None
    assert await poll(sa) == []


async def test_client_credentials_auth_success_without_refresh_token_pair_wise_subject(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithoutRefreshToken_pairWiseSubject: the access token's
    ``sub`` is pairwise, and introspection still finds the service account (lookupUserFromStatelessToken's
    ``preferred_username`` fallback)."""
    uuid = await client_uuid(sa, PLAIN)
    await update_client(sa, PLAIN, redirectUris=["http://localhost:8180/auth/realms/master/app/auth"])
    mapper = {
        "name": "pairwise subject identifier",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-sha256-pairwise-sub-mapper",
        "config": {},
    }
    await post(sa, f"/clients/{uuid}/protocol-mappers/models", mapper, status=201)
    await client_credentials_without_refresh_token(sa)


async def test_user_info_for_service_account_without_refresh_token_impl(sa: Env) -> None:
    """ServiceAccountTest.userInfoForServiceAccountWithoutRefreshTokenImpl: a transient session's token."""
    response = await client_credentials(sa, PLAIN, "secret1")
    assert response.status_code == 200 and "refresh_token" not in response.json(), response.text
    info = await userinfo(sa, response.json()["access_token"])
    assert info.status_code == 200, (info.status_code, info.headers)
    assert info.json()["preferred_username"] == f"service-account-{PLAIN}"


async def test_user_info_for_service_account_with_refresh_token_impl(sa: Env) -> None:
    """ServiceAccountTest.userInfoForServiceAccountWithRefreshTokenImpl."""
    response = await client_credentials(sa, REFRESH_ON, "secret1")
    assert response.status_code == 200 and "refresh_token" in response.json(), response.text
    info = await userinfo(sa, response.json()["access_token"])
    assert info.status_code == 200, (info.status_code, info.headers)
    assert info.json()["preferred_username"] == f"service-account-{REFRESH_ON}"
    form = {"client_id": REFRESH_ON, "client_secret": "secret1", "refresh_token": response.json()["refresh_token"]}
    assert (await sa.http.post(token_url("test", "logout"), data=form)).status_code == 204


async def test_client_credentials_auth_success_with_url_encoded_special_characters_secret(sa: Env) -> None:
    """ServiceAccountTest.clientCredentialsAuthSuccessWithUrlEncodedSpecialCharactersSecret (KEYCLOAK-18704)."""
    response = await client_credentials(sa, "service-account-cl-special-secrets", "secret/with=special?character")
    assert response.status_code == 200, response.text


# --- ClientCredentialsGrantType's refusals --------------------------------------------------------------


async def refused_event(env: Env, client_id: str, error: str, reason: str) -> dict[str, Any]:
    """CLIENT_LOGIN_ERROR with ``event.detail(REASON, <the description>)`` and ``event.error(<error>)``."""
    event = await one_event(env)
    assert (event["type"], event["clientId"], event["error"]) == ("CLIENT_LOGIN_ERROR", client_id, error), event
    assert event["details"]["reason"] == reason and event["details"]["grant_type"] == "client_credentials"
    assert event.get("sessionId") is None, event
    return event


async def test_client_login_errors_name_keycloaks_reason_and_the_service_account(sa: Env) -> None:
    """ClientCredentialsGrantType.process: each refusal's event carries its description as ``reason``; once
    the service account is found (``event.user(clientUser)``, ``Details.USERNAME``) the later refusals name
    it; an unknown scope is ``invalid_scope`` to the caller but Errors.INVALID_REQUEST in the event
    (OAuth2GrantTypeBase.getRequestedScopes)."""
    await post(sa, "/clients", {"clientId": "browser-app", "publicClient": True}, status=201)
    refused = await client_credentials(sa, "browser-app", "")
    assert (refused.status_code, refused.json()["error"]) == (401, "unauthorized_client")
    event = await refused_event(sa, "browser-app", "invalid_client", CC_PUBLIC)
    assert event.get("userId") is None and "username" not in event["details"]

    await client_credentials(sa, "service-account-disabled", "secret1")
    event = await refused_event(sa, "service-account-disabled", "invalid_client", CC_DISABLED)
    assert event["details"]["client_auth_method"] == "client-secret"

    account = await user_id(sa, f"service-account-{PLAIN}")
    refused = await client_credentials(sa, PLAIN, "secret1", scope="openid nope")
    assert refused.status_code == 400 and refused.json() == {
        "error": "invalid_scope",
        "error_description": "Invalid scopes: openid nope",
    }
    event = await refused_event(sa, PLAIN, "invalid_request", "Invalid scopes: openid nope")
    assert (event["userId"], event["details"]["username"]) == (account, f"service-account-{PLAIN}")

    await put(sa, f"/users/{account}", {"enabled": False})
    refused = await client_credentials(sa, PLAIN, "secret1")
    description = f"User 'service-account-{PLAIN}' disabled"
    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_request", "error_description": description}
    event = await refused_event(sa, PLAIN, "user_disabled", description)
    assert (event["userId"], event["details"]["username"]) == (account, f"service-account-{PLAIN}")

    await delete(sa, f"/users/{account}")
    refused = await client_credentials(sa, PLAIN, "secret1")
    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_request", "error_description": CC_NO_USER}
    event = await refused_event(sa, PLAIN, "user_not_found", CC_NO_USER)
    assert event.get("userId") is None and "username" not in event["details"]


# --- ServiceAccountScopedRolesTest ----------------------------------------------------------------------
FULL_SCOPE = "sa-full-scope"
LIMITED_WITH_ROLE = "sa-limited-with-role"
LIMITED_NO_ROLE = "sa-limited-no-role"
LIGHTWEIGHT = {"client.use.lightweight.access.token.enabled": "true"}


@pytest.fixture
async def scoped(env: Env) -> AsyncIterator[Env]:
    """ServiceAccountScopedRolesTest.addTestRealms: three service-account clients asking for lightweight
    access tokens, one with full scope, two without."""
    clients = [
        {
            "clientId": client_id,
            "secret": "secret1",
            "serviceAccountsEnabled": True,
            "fullScopeAllowed": full,
            "attributes": LIGHTWEIGHT,
        }
        for client_id, full in ((FULL_SCOPE, True), (LIMITED_WITH_ROLE, False), (LIMITED_NO_ROLE, False))
    ]
    rep = {"realm": "test", "enabled": True, "eventsEnabled": True, "clients": clients}
    await import_realm(env, rep)
    yield env
    forget(env)


async def management_role(env: Env, name: str) -> tuple[str, dict[str, Any]]:
    """The realm-management client's UUID and its role ``name``."""
    management = await client_uuid(env, "realm-management")
    return management, await get(env, f"/clients/{management}/roles/{name}")


async def assign_management_role(env: Env, client_id: str, name: str) -> None:
    """assignRealmManagementRoleToServiceAccount."""
    account = await get(env, f"/clients/{await client_uuid(env, client_id)}/service-account-user")
    management, role = await management_role(env, name)
    await post(env, f"/users/{account['id']}/role-mappings/clients/{management}", [role])


async def add_management_role_to_scope(env: Env, client_id: str, name: str) -> None:
    """addRealmManagementRoleToClientScope: the role into the client's scope mappings."""
    management, role = await management_role(env, name)
    await post(env, f"/clients/{await client_uuid(env, client_id)}/scope-mappings/clients/{management}", [role])


async def list_users_with(env: Env, client_id: str) -> httpx.Response:
    """A client_credentials token (no ``session_state``), then ``realm("test").users().list()`` with it."""
    response = await client_credentials(env, client_id, "secret1")
    assert response.status_code == 200, response.text
    assert "session_state" not in response.json()
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    return await env.http.get(f"{ADMIN}/users", headers=bearer)


async def test_service_account_full_scope_gets_all_roles(scoped: Env) -> None:
    """ServiceAccountScopedRolesTest.testServiceAccountFullScopeGetsAllRoles."""
    await assign_management_role(scoped, FULL_SCOPE, "manage-users")
    await assign_management_role(scoped, FULL_SCOPE, "view-users")
    users = await list_users_with(scoped, FULL_SCOPE)
    assert users.status_code == 200, users.text
    assert isinstance(users.json(), list)


async def test_service_account_limited_scope_with_role_in_scope_gets_access(scoped: Env) -> None:
    """ServiceAccountScopedRolesTest.testServiceAccountLimitedScopeWithRoleInScopeGetsAccess (issue 50950)."""
    await assign_management_role(scoped, LIMITED_WITH_ROLE, "view-users")
    await add_management_role_to_scope(scoped, LIMITED_WITH_ROLE, "view-users")
    users = await list_users_with(scoped, LIMITED_WITH_ROLE)
    assert users.status_code == 200, users.text
    assert isinstance(users.json(), list)


async def test_service_account_limited_scope_no_scoped_roles_gets403(scoped: Env) -> None:
    """ServiceAccountScopedRolesTest.testServiceAccountLimitedScopeNoScopedRolesGets403: the role is the
    service account's but not in the client's scope, so the token's holder may not use it."""
    await assign_management_role(scoped, LIMITED_NO_ROLE, "manage-users")
    users = await list_users_with(scoped, LIMITED_NO_ROLE)
    assert users.status_code == 403, users.text
    # The boundary is the scope, not the role: in scope, the same service account gets in at the next request.
    await add_management_role_to_scope(scoped, LIMITED_NO_ROLE, "manage-users")
    assert (await list_users_with(scoped, LIMITED_NO_ROLE)).status_code == 200


async def test_a_scope_mapping_never_grants_a_role_the_account_lacks(scoped: Env) -> None:
    """Hostile variant: a client without full scope whose scope mappings name manage-users, for a service account
    holding only view-users, may read users but not create one; the scope narrows roles, it never adds them.
    And a role taken out of the scope refuses the very token that used it, at its next request."""
    await assign_management_role(scoped, LIMITED_WITH_ROLE, "view-users")
    for role in ("view-users", "manage-users"):
        await add_management_role_to_scope(scoped, LIMITED_WITH_ROLE, role)
    response = await client_credentials(scoped, LIMITED_WITH_ROLE, "secret1")
    assert response.status_code == 200, response.text
    bearer = {"Authorization": f"Bearer {response.json()['access_token']}"}
    assert (await scoped.http.get(f"{ADMIN}/users", headers=bearer)).status_code == 200
    created = await scoped.http.post(f"{ADMIN}/users", json={"username": "mallory"}, headers=bearer)
    assert created.status_code == 403, created.text
    management, view = await management_role(scoped, "view-users")
    await delete(
        scoped, f"/clients/{await client_uuid(scoped, LIMITED_WITH_ROLE)}/scope-mappings/clients/{management}", [view]
    )
    assert (await scoped.http.get(f"{ADMIN}/users", headers=bearer)).status_code == 403
