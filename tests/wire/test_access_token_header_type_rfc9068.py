"""Keycloak 26.2's "Use "at+jwt" as access token header type" (client attribute ``access.token.header.type.rfc9068``).

DefaultTokenManager.type(ACCESS): the access tokens a client with the attribute ``"true"`` receives carry the JWS
header ``typ`` ``at+jwt`` (RFC 9068 §2.1, TokenUtil.TOKEN_TYPE_JWT_ACCESS_TOKEN); every other token (ID, refresh,
offline) and every other client keep ``JWT``. The payload's ``typ`` stays ``Bearer``, so userinfo and introspection
take such a token as before. The setting is off by default.
"""

from __future__ import annotations

import pytest

from support import (
    add_audience,
    claims,
    header,
    password_grant,
    refresh,
    seed_client,
    seed_realm,
    seed_user,
    token_url,
    update_client,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

RFC9068 = "access.token.header.type.rfc9068"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", service_accounts=True, attributes={RFC9068: "true"})
    await add_audience(env.db, "test", "app")  # introspection answers active only to a client in the audience
    await seed_client(env.db, "test", "plain")
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def test_a_client_with_the_setting_gets_access_tokens_typed_at_jwt_and_nothing_else_changes(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", scope="openid offline_access")
    assert response.status_code == 200, response.text
    body = response.json()
    assert header(body["access_token"])["typ"] == "at+jwt"
    assert claims(body["access_token"])["typ"] == "Bearer"
    assert header(body["id_token"])["typ"] == "JWT"
    assert header(body["refresh_token"])["typ"] == "JWT"
    assert body["token_type"] == "Bearer"
    refreshed = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert header(refreshed.json()["access_token"])["typ"] == "at+jwt"
    assert header(refreshed.json()["refresh_token"])["typ"] == "JWT"


async def test_the_service_account_token_is_typed_at_jwt_too(realm: Env) -> None:
    form = {"grant_type": "client_credentials", "client_id": "app", "client_secret": "secret"}
    response = await realm.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    assert header(response.json()["access_token"])["typ"] == "at+jwt"


async def test_userinfo_and_introspection_take_an_at_jwt_access_token(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    info = await realm.http.get(token_url("test", "userinfo"), headers=bearer)
    assert info.status_code == 200, info.text
    assert info.json()["preferred_username"] == "user1"
    form = {"token": body["access_token"], "client_id": "app", "client_secret": "secret"}
    introspected = await realm.http.post(token_url("test", "token/introspect"), data=form)
    assert introspected.status_code == 200, introspected.text
    assert introspected.json()["active"] is True, introspected.json()


async def test_without_the_setting_or_with_it_false_access_tokens_stay_typed_jwt(realm: Env) -> None:
    plain = await password_grant(realm.http, "test", "plain")
    assert header(plain.json()["access_token"])["typ"] == "JWT"
    await update_client(realm.db, "test", "app", attributes={RFC9068: "false"})
    off = await password_grant(realm.http, "test", "app")
    assert header(off.json()["access_token"])["typ"] == "JWT"
