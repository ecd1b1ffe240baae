"""A disabled realm (M3): the browser login, the token endpoints, userinfo and introspection all refuse."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import code_from, login, start, submit
from support import assert_error, password_grant, seed_login_realm, token_url, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
PAGE = "Realm not enabled."


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


async def tokens(env: Env) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def disable(env: Env) -> None:
    await update_realm(env.db, "test", enabled=False)


async def test_the_authorization_endpoint_shows_realm_not_enabled(realm: Env) -> None:
    await disable(realm)
    response = await start(realm.http, "test", "app")
    assert response.status_code == 400 and PAGE in response.text
    assert "AUTH_SESSION_ID" not in response.headers.get("set-cookie", "")


async def test_an_sso_session_gets_no_code_once_the_realm_is_disabled(realm: Env) -> None:
    await login(realm.http, "test", "app")
    await disable(realm)
    for prompt in ({}, {"prompt": "none"}):
        response = await start(realm.http, "test", "app", **prompt)
        assert response.status_code == 400 and PAGE in response.text and "location" not in response.headers


async def test_a_login_form_opened_before_does_not_check_the_password(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    await disable(realm)
    response = await submit(realm.http, page, username="user1", password="password")
    assert response.status_code == 400 and PAGE in response.text
    assert "KEYCLOAK_IDENTITY" not in response.headers.get("set-cookie", "")
    for step in ("required-action", "consent"):
        posted = await realm.http.post(f"/realms/test/login-actions/{step}", data={"session_code": "x"})
        assert posted.status_code == 400 and PAGE in posted.text


async def test_userinfo_and_introspection_refuse_valid_tokens(realm: Env) -> None:
    body = await tokens(realm)
    await disable(realm)
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert_error(
        await realm.http.get(token_url("test", "userinfo"), headers=bearer), 403, "access_denied", "Realm not enabled"
    )
    assert_error(
        await realm.http.post(token_url("test", "userinfo"), headers=bearer), 403, "access_denied", "Realm not enabled"
    )
    form = {"client_id": "app", "client_secret": "secret", "token": body["access_token"]}
    assert_error(
        await realm.http.post(token_url("test", "token/introspect"), data=form),
        403,
        "access_denied",
        "Realm not enabled",
    )


async def test_revoke_logout_and_refresh_refuse(realm: Env) -> None:
    body = await tokens(realm)
    await disable(realm)
    form = {"client_id": "app", "client_secret": "secret"}
    for path, extra in (
        ("revoke", {"token": body["refresh_token"]}),
        ("logout", {"refresh_token": body["refresh_token"]}),
        ("token", {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}),
    ):
        assert_error(
            await realm.http.post(token_url("test", path), data={**form, **extra}),
            403,
            "access_denied",
            "Realm not enabled",
        )


async def test_browser_logout_shows_realm_not_enabled(realm: Env) -> None:
    await disable(realm)
    response = await realm.http.get(token_url("test", "logout"))
    assert response.status_code == 400 and PAGE in response.text


async def test_keys_and_discovery_are_still_served(realm: Env) -> None:
    await disable(realm)
    assert (await realm.http.get(token_url("test", "certs"))).status_code == 200
    assert (await realm.http.get("/realms/test/.well-known/openid-configuration")).status_code == 200


async def test_the_account_api_refuses_and_the_master_admin_can_enable_it_again(realm: Env) -> None:
    body = await tokens(realm)
    await disable(realm)
    response = await realm.http.get("/realms/test/account", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert response.status_code == 401
    headers = await realm.admin_headers()
    assert (await realm.http.get("/admin/realms/test", headers=headers)).json()["enabled"] is False
    assert (await realm.http.put("/admin/realms/test", json={"enabled": True}, headers=headers)).status_code == 204
    assert "code" in await login(realm.http, "test", "app")
    assert code_from(await start(realm.http, "test", "app"))["code"]
