"""Keycloak's AdminBearerChallengeTest (tests/base/.../tests/admin/, the new test framework): a refused admin REST
call or Admin Console whoami answers 401 with an RFC 6750 ``WWW-Authenticate`` challenge and the JSON body
``{"error": "HTTP 401 Unauthorized", "error_description": …}`` (AdminRoot.toOAuth2Error). The admin API names the
realm only once the token's issuer named a known one; whoami always names the console's realm.

Realm ``test`` with ``realm-admin`` (realm-management's realm-admin, password ``password``) and the client ``app``
(secret ``secret``, direct grants), PasswordGrantClientConfig's client."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from admin_support import make_admin
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

USERNAME = "realm-admin"
CLIENTS = "/admin/realms/test/clients?max=1"
WHOAMI = "/admin/test/console/whoami"
UNAUTHORIZED = "HTTP 401 Unauthorized"


def _challenge(description: str, realm: str | None = "test") -> str:
    named = f'realm="{realm}", ' if realm is not None else ""
    return f'Bearer {named}error="invalid_token", error_description="{description}"'


def _refused(response: httpx.Response, challenge: str, description: str | None = None) -> None:
    """assertErrorBody: 401, this challenge, and the body with the description when there is one."""
    assert response.status_code == 401, response.text
    assert response.headers.get("www-authenticate") == challenge
    body = {"error": UNAUTHORIZED} | ({"error_description": description} if description is not None else {})
    assert response.json() == body


async def _admin(realm: Env) -> None:
    await make_admin(realm, "test", USERNAME, "realm-admin")


async def _token(env: Env, client_id: str = "admin-cli") -> str:
    """``oauth.doPasswordGrantRequest(USERNAME, PASSWORD)``: through admin-cli, or the confidential ``app``."""
    secret = None if client_id == "admin-cli" else "secret"
    response = await password_grant(env.http, "test", client_id, USERNAME, secret=secret)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _get(env: Env, url: str, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await env.http.get(url, headers=headers)


def _unknown_realm_token() -> str:
    """An unsigned-looking JWT whose issuer names a realm that does not exist."""

    def part(value: str) -> str:
        return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")

    payload = json.dumps({"iss": "http://localhost/realms/nonexistent"})
    return ".".join([part('{"alg":"RS256","typ":"JWT"}'), part(payload), "AAAA"])


def _bad_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    return ".".join([header, payload, "A" * len(signature)])


async def _master(env: Env, method: str, path: str, body: object) -> None:
    response = await env.http.request(method, f"/admin/realms/test{path}", json=body, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def _user_id(env: Env) -> str:
    response = await env.http.get(
        "/admin/realms/test/users", params={"username": USERNAME, "exact": "true"}, headers=await env.admin_headers()
    )
    return str(response.json()[0]["id"])


async def test_admin_rest_no_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestNoToken"""
    _refused(await _get(realm, CLIENTS, None), "Bearer")


async def test_admin_rest_garbage_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestGarbageToken"""
    failed = "Token verification failed"
    _refused(await _get(realm, CLIENTS, "not-a-jwt"), _challenge(failed, None), failed)


async def test_admin_rest_unknown_realm(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestUnknownRealm: the realm is looked up before the signature is checked."""
    failed = "Token verification failed"
    _refused(await _get(realm, CLIENTS, _unknown_realm_token()), _challenge(failed, None), failed)


async def test_admin_rest_invalid_signature(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestInvalidSignature"""
    await _admin(realm)
    invalid = "Token signature invalid"
    _refused(await _get(realm, CLIENTS, _bad_signature(await _token(realm))), _challenge(invalid), invalid)


async def test_admin_rest_expired_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestExpiredToken"""
    await _admin(realm)
    token = await _token(realm)
    realm.clock.advance(600)
    outside = "Token outside validity period"
    _refused(await _get(realm, CLIENTS, token), _challenge(outside), outside)


async def test_admin_rest_realm_not_before(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestRealmNotBefore"""
    await _admin(realm)
    token = await _token(realm)
    await _master(realm, "PUT", "", {"notBefore": realm.clock.now() + 60})
    outside = "Token outside validity period"
    _refused(await _get(realm, CLIENTS, token), _challenge(outside), outside)


async def test_admin_rest_valid_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestValidToken"""
    await _admin(realm)
    response = await _get(realm, CLIENTS, await _token(realm))
    assert response.status_code == 200, response.text
    assert "www-authenticate" not in response.headers


async def test_admin_rest_non_bearer_auth_scheme(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestNonBearerAuthScheme"""
    _refused(await realm.http.get(CLIENTS, headers={"Authorization": "Basic dXNlcjpwYXNz"}), "Bearer")


async def test_admin_rest_empty_bearer_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestEmptyBearerToken"""
    _refused(await realm.http.get(CLIENTS, headers={"Authorization": "Bearer "}), "Bearer")


async def test_admin_rest_deleted_client(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestDeletedClient"""
    await _admin(realm)
    token = await _token(realm, "app")
    assert (await _get(realm, CLIENTS, token)).status_code == 200
    clients = await realm.http.get(
        "/admin/realms/test/clients", params={"clientId": "app"}, headers=await realm.admin_headers()
    )
    await _master(realm, "DELETE", f"/clients/{clients.json()[0]['id']}", None)
    _refused(await _get(realm, CLIENTS, token), _challenge("Client not found"), "Client not found")


async def test_admin_rest_disabled_client(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestDisabledClient"""
    await _admin(realm)
    token = await _token(realm, "app")
    assert (await _get(realm, CLIENTS, token)).status_code == 200
    clients = await realm.http.get(
        "/admin/realms/test/clients", params={"clientId": "app"}, headers=await realm.admin_headers()
    )
    await _master(realm, "PUT", f"/clients/{clients.json()[0]['id']}", {"enabled": False})
    failed = "Token verification failed"
    _refused(await _get(realm, CLIENTS, token), _challenge(failed), failed)


async def test_admin_rest_disabled_user(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestDisabledUser: a disabled user is the generic description."""
    await _admin(realm)
    token = await _token(realm, "app")
    assert (await _get(realm, CLIENTS, token)).status_code == 200
    await _master(realm, "PUT", f"/users/{await _user_id(realm)}", {"enabled": False})
    failed = "Token verification failed"
    _refused(await _get(realm, CLIENTS, token), _challenge(failed), failed)


async def test_admin_rest_logged_out_session(realm: Env) -> None:
    """AdminBearerChallengeTest#adminRestLoggedOutSession: a missing session is the generic description."""
    await _admin(realm)
    token = await _token(realm)
    assert (await _get(realm, CLIENTS, token)).status_code == 200
    response = await realm.http.post(
        f"/admin/realms/test/users/{await _user_id(realm)}/logout", headers=await realm.admin_headers()
    )
    assert response.status_code == 204, response.text
    failed = "Token verification failed"
    _refused(await _get(realm, CLIENTS, token), _challenge(failed), failed)


async def test_admin_console_who_am_i_no_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmINoToken: whoami's challenge names the console's realm."""
    _refused(await _get(realm, WHOAMI, None), 'Bearer realm="test"')


async def test_admin_console_who_am_i_garbage_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmIGarbageToken"""
    failed = "Token verification failed"
    _refused(await _get(realm, WHOAMI, "not-a-jwt"), _challenge(failed), failed)


async def test_admin_console_who_am_i_invalid_signature(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmIInvalidSignature"""
    await _admin(realm)
    invalid = "Token signature invalid"
    _refused(await _get(realm, WHOAMI, _bad_signature(await _token(realm))), _challenge(invalid), invalid)


async def test_admin_console_who_am_i_unknown_realm_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmIUnknownRealmToken"""
    failed = "Token verification failed"
    _refused(await _get(realm, WHOAMI, _unknown_realm_token()), _challenge(failed), failed)


async def test_admin_console_who_am_i_expired_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmIExpiredToken"""
    await _admin(realm)
    token = await _token(realm)
    realm.clock.advance(600)
    outside = "Token outside validity period"
    _refused(await _get(realm, WHOAMI, token), _challenge(outside), outside)


async def test_admin_console_who_am_i_realm_not_before(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmIRealmNotBefore"""
    await _admin(realm)
    token = await _token(realm)
    await _master(realm, "PUT", "", {"notBefore": realm.clock.now() + 60})
    outside = "Token outside validity period"
    _refused(await _get(realm, WHOAMI, token), _challenge(outside), outside)


async def test_admin_console_who_am_i_non_bearer_auth_scheme(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmINonBearerAuthScheme"""
    response = await realm.http.get(WHOAMI, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    _refused(response, 'Bearer realm="test"')


async def test_admin_console_who_am_i_empty_bearer_token(realm: Env) -> None:
    """AdminBearerChallengeTest#adminConsoleWhoAmIEmptyBearerToken"""
    _refused(await realm.http.get(WHOAMI, headers={"Authorization": "Bearer "}), 'Bearer realm="test"')
