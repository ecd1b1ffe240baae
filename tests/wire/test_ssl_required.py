"""sslRequired (L2) on the browser, admin and account routes, not only the token endpoints.

``external`` (the default) exempts loopback and private addresses; ``all`` exempts nobody; HTTPS
(here: the request's scheme) always passes. Pages answer 400 "HTTPS required" as Keycloak's
checkSsl does; the JSON APIs 403 ``invalid_request``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import realm_admin
from browser_flow import REDIRECT, start, submit
from support import assert_error, password_grant, seed_login_realm, token_url, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
PUBLIC = "203.0.113.7"
AUTH = token_url("test", "auth")
QUERY = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


@pytest.fixture
async def remote(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(realm, PUBLIC) as http:
        yield http


def https_required_page(response: httpx.Response) -> bool:
    return response.status_code == 400 and "HTTPS required" in response.text


async def test_the_authorization_endpoint_refuses_plain_http_from_a_public_address(
    realm: Env, remote: httpx.AsyncClient
) -> None:
    response = await remote.get(AUTH, params=QUERY)
    assert https_required_page(response)
    assert "AUTH_SESSION_ID" not in response.headers.get("set-cookie", "")


async def test_the_login_actions_and_browser_logout_refuse_plain_http(remote: httpx.AsyncClient) -> None:
    for step in ("authenticate", "required-action", "consent"):
        response = await remote.post(
            f"/realms/test/login-actions/{step}",
            data={"session_code": "x", "username": "user1", "password": "password"},
        )
        assert https_required_page(response), step
    assert https_required_page(await remote.get(token_url("test", "logout")))
    assert https_required_page(await remote.post(token_url("test", "logout"), data={"confirm": "true"}))


async def test_a_forwarded_for_header_is_not_trusted_without_proxy_headers(remote: httpx.AsyncClient) -> None:
    response = await remote.get(AUTH, params=QUERY, headers={"X-Forwarded-For": "127.0.0.1"})
    assert https_required_page(response)


async def test_https_and_private_addresses_pass(realm: Env) -> None:
    async with client_at(realm, PUBLIC, "https") as secure:
        response = await secure.get(AUTH, params={**QUERY, "redirect_uri": REDIRECT})
        assert response.status_code == 200 and 'name="password"' in response.text
    for ip in ("10.1.2.3", "192.168.0.9", "172.16.0.1", "::1"):
        async with client_at(realm, ip) as private:
            assert (await private.get(AUTH, params=QUERY)).status_code == 200, ip


async def test_ssl_required_none_allows_public_plain_http(realm: Env, remote: httpx.AsyncClient) -> None:
    await update_realm(realm.db, "test", ssl_required="none")
    assert (await remote.get(AUTH, params=QUERY)).status_code == 200


async def test_ssl_required_all_refuses_even_loopback(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    await update_realm(realm.db, "test", ssl_required="all")
    assert https_required_page(await start(realm.http, "test", "app"))
    posted = await submit(realm.http, page, username="user1", password="password")
    assert https_required_page(posted) and "KEYCLOAK_IDENTITY" not in posted.headers.get("set-cookie", "")


async def test_the_account_api_refuses_plain_http(realm: Env, remote: httpx.AsyncClient) -> None:
    token = (
        await realm.http.post(
            token_url("test"),
            data={
                "grant_type": "password",
                "client_id": "app",
                "client_secret": "secret",
                "username": "user1",
                "password": "password",
            },
        )
    ).json()["access_token"]
    for path in ("/realms/test/account", "/realms/test/account/sessions"):
        response = await remote.get(path, headers={"Authorization": f"Bearer {token}"})
        assert_error(response, 403, "invalid_request", "HTTPS required")
    json = {"Accept": "application/json"}  # a REST call; without it the account URL is the console (AccountLoader)
    assert_error(await remote.get("/realms/test/account", headers=json), 403, "invalid_request", "HTTPS required")


async def test_the_admin_api_refuses_plain_http_from_a_public_address(realm: Env, remote: httpx.AsyncClient) -> None:
    headers = await realm.admin_headers()  # master's sslRequired is external: loopback may log in
    for path in ("/admin/realms", "/admin/realms/test", "/admin/realms/test/users"):
        assert_error(await remote.get(path, headers=headers), 403, "invalid_request", "HTTPS required")
    assert (await realm.http.get("/admin/realms/test/users", headers=headers)).status_code == 200


async def test_the_admin_api_follows_the_sslrequired_of_the_admins_realm_not_the_administered_one(
    realm: Env,
) -> None:
    """Keycloak's AdminRoot authenticates the bearer token against its own realm (master here) and never
    reads the administered realm's sslRequired: RefreshTokenTest.testCheckSsl sets a realm to ALL and
    resets it to EXTERNAL through the admin API over plain HTTP. The realm's own endpoints refuse."""
    headers = await realm.admin_headers()
    await update_realm(realm.db, "test", ssl_required="all")
    assert_error(await password_grant(realm.http, "test", "app"), 403, "invalid_request", "HTTPS required")
    assert (await realm.http.get("/admin/realms/test/users", headers=headers)).status_code == 200
    reset = await realm.http.put("/admin/realms/test", headers=headers, json={"sslRequired": "external"})
    assert reset.status_code == 204, reset.text
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_a_realm_admin_of_an_https_only_realm_is_refused_over_plain_http(realm: Env) -> None:
    """An admin token of the realm itself: that realm's sslRequired applies (the token's realm)."""
    headers = await realm_admin(realm, "boss", "realm-admin")
    assert (await realm.http.get("/admin/realms/test/users", headers=headers)).status_code == 200
    await update_realm(realm.db, "test", ssl_required="all")
    response = await realm.http.get("/admin/realms/test/users", headers=headers)
    assert_error(response, 403, "invalid_request", "HTTPS required")
