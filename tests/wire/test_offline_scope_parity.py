"""Offline tokens and the offline_access client scope (Keycloak's OfflineTokenRefreshTest and
AccessTokenIntrospectionProvider: "Offline session invalid because offline access not granted anymore")."""

from __future__ import annotations

from typing import Any

import pytest

from support import add_audience, assert_error, claims, password_grant, refresh, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio


async def introspect(env: Env, token: str) -> dict[str, Any]:
    form = {"client_id": "app", "client_secret": "secret", "token": token}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def remove_offline_scope(env: Env) -> None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        client = await tx.clients.get_by_client_id(test.id, "app")
        scope = await tx.scopes.get_by_name(test.id, "offline_access")
        assert client is not None and scope is not None
        await tx.clients.unlink_scope(client.id, scope.id)


async def test_offline_refresh_with_narrower_scope_succeeds_without_full_scope(realm: Env) -> None:
    await update_client(realm.db, "test", "app", full_scope_allowed=False)
    body = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    original = claims(body["refresh_token"])["scope"]
    again = await refresh(realm.http, "test", "app", body["refresh_token"], scope="openid")
    assert again.status_code == 200, again.text
    new = again.json()
    access = claims(new["access_token"])
    assert "offline_access" not in access["scope"].split()
    assert "offline_access" not in access.get("realm_access", {}).get("roles", [])
    assert claims(new["refresh_token"])["typ"] == "Offline"
    assert claims(new["refresh_token"])["scope"] == original
    # The narrowed refresh did not lose the offline grant: the new token refreshes again, in full.
    third = await refresh(realm.http, "test", "app", new["refresh_token"])
    assert third.status_code == 200, third.text
    assert "offline_access" in claims(third.json()["access_token"])["scope"].split()


async def test_offline_refresh_with_narrower_scope_and_rotation_keeps_the_offline_token(realm: Env) -> None:
    from support import update_realm

    await update_realm(realm.db, "test", revoke_refresh_token=True)
    await update_client(realm.db, "test", "app", full_scope_allowed=False)
    body = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    again = await refresh(realm.http, "test", "app", body["refresh_token"], scope="openid")
    assert again.status_code == 200, again.text
    assert claims(again.json()["refresh_token"])["typ"] == "Offline"


async def test_access_token_of_an_offline_session_is_inactive_once_the_client_loses_offline_access(
    realm: Env,
) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    first = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    body = (await refresh(realm.http, "test", "app", first["refresh_token"])).json()
    assert (await introspect(realm, body["access_token"]))["active"] is True
    assert (await introspect(realm, body["refresh_token"]))["active"] is True
    await remove_offline_scope(realm)
    assert await introspect(realm, body["access_token"]) == {"active": False}
    assert await introspect(realm, body["refresh_token"]) == {"active": False}
    response = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert_error(response, 400, "invalid_grant", "Offline session invalid because offline access not granted anymore")


async def test_refreshed_access_token_of_an_offline_session_is_inactive_once_the_client_loses_offline_access(
    realm: Env,
) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    body = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    new = (await refresh(realm.http, "test", "app", body["refresh_token"], scope="openid")).json()
    assert (await introspect(realm, new["access_token"]))["active"] is True
    await remove_offline_scope(realm)
    assert await introspect(realm, new["access_token"]) == {"active": False}


async def test_online_access_token_stays_active_when_the_client_loses_offline_access(realm: Env) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    await remove_offline_scope(realm)
    assert (await introspect(realm, body["access_token"]))["active"] is True
