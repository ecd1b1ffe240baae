"""Getting offline tokens and what they are (KEYCLOAK.md §2.3, §2.4, §2.6, §3.3, §4.3, §7)."""

from __future__ import annotations

import pytest

from doorkeep.store.database import Database
from support import (
    assert_error,
    claims,
    password_grant,
    refresh,
    seed_client,
    seed_user,
    token_url,
    update_realm,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


async def session_counts(db: Database, sid: str) -> tuple[int, int]:
    async with db.transaction() as tx:
        online = await tx.sessions.get_user_session(sid, False)
        offline = await tx.sessions.get_user_session(sid, True)
    return int(online is not None), int(offline is not None)


async def test_password_grant_with_offline_access_returns_an_offline_token(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", scope="openid offline_access")
    assert response.status_code == 200, response.text
    body = response.json()
    token = claims(body["refresh_token"])
    assert token["typ"] == "Offline"
    assert "exp" not in token
    assert body["refresh_expires_in"] == 0
    assert "offline_access" in body["scope"].split()
    access = claims(body["access_token"])
    assert access["jti"].startswith("ofrtro:")
    assert access["sid"] == token["sid"] == body["session_state"]
    assert "offline_access" in access["realm_access"]["roles"]


async def test_password_grant_removes_the_online_session_and_keeps_the_offline_one(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert await session_counts(realm.db, body["session_state"]) == (0, 1)


async def test_offline_token_has_exp_when_offline_session_max_is_limited(realm: Env) -> None:
    await update_realm(realm.db, "test", offline_session_max_lifespan_enabled=True)
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    token = claims(body["refresh_token"])
    assert token["exp"] - token["iat"] == 2592000
    assert body["refresh_expires_in"] == 2592000


async def test_user_without_offline_access_role_is_not_allowed(realm: Env) -> None:
    await seed_user(realm.db, realm.clock, "test", "norole", default_roles=False)
    response = await password_grant(realm.http, "test", "app", "norole", scope="offline_access")
    assert_error(response, 400, "not_allowed", "Offline tokens not allowed for the user or client")


async def test_offline_access_role_through_a_composite_is_enough(realm: Env) -> None:
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        offline = await tx.roles.get_realm_role(test.id, "offline_access")
        from doorkeep.realms import provisioning

        outer = await provisioning.add_role(tx, test.id, "power")
        assert offline is not None
        await tx.roles.add_composites(outer.id, [offline.id])
    await seed_user(realm.db, realm.clock, "test", "composite", default_roles=False, realm_roles=("power",))
    response = await password_grant(realm.http, "test", "app", "composite", scope="offline_access")
    assert response.status_code == 200, response.text


async def test_client_without_the_offline_access_scope_gets_invalid_scope(realm: Env) -> None:
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        client = await tx.clients.get_by_client_id(test.id, "app")
        scope = await tx.scopes.get_by_name(test.id, "offline_access")
        assert client is not None and scope is not None
        await tx.clients.unlink_scope(client.id, scope.id)
    response = await password_grant(realm.http, "test", "app", scope="offline_access")
    assert_error(response, 400, "invalid_scope", "Invalid scopes: offline_access")


async def test_client_without_full_scope_needs_the_role_in_scope(realm: Env) -> None:
    from support import update_client

    await update_client(realm.db, "test", "app", full_scope_allowed=False)
    # The offline_access client scope maps the offline_access role, so the role is in scope anyway.
    response = await password_grant(realm.http, "test", "app", scope="offline_access")
    assert response.status_code == 200, response.text
    assert claims(response.json()["access_token"])["realm_access"]["roles"] == ["offline_access"]


async def test_each_login_creates_a_new_offline_session(realm: Env) -> None:
    first = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    second = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert first["session_state"] != second["session_state"]
    assert (await refresh(realm.http, "test", "app", first["refresh_token"])).status_code == 200
    assert (await refresh(realm.http, "test", "app", second["refresh_token"])).status_code == 200


async def test_client_credentials_offline_token_for_service_account(realm: Env) -> None:
    await seed_client(
        realm.db, "test", "svc", service_accounts=True, attributes={"client_credentials.use_refresh_token": "true"}
    )
    form = {
        "grant_type": "client_credentials",
        "client_id": "svc",
        "client_secret": "secret",
        "scope": "offline_access",
    }
    first = (await realm.http.post(token_url("test"), data=form)).json()
    second = (await realm.http.post(token_url("test"), data=form)).json()
    assert claims(first["refresh_token"])["typ"] == "Offline"
    assert first["session_state"] != second["session_state"]
    assert await session_counts(realm.db, first["session_state"]) == (0, 1)
    assert (await refresh(realm.http, "test", "svc", first["refresh_token"])).status_code == 200
    assert (await refresh(realm.http, "test", "svc", second["refresh_token"])).status_code == 200


async def test_client_credentials_with_refresh_tokens_gets_an_online_refresh_token(realm: Env) -> None:
    await seed_client(
        realm.db, "test", "svc", service_accounts=True, attributes={"client_credentials.use_refresh_token": "true"}
    )
    form = {"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    body = (await realm.http.post(token_url("test"), data=form)).json()
    assert claims(body["refresh_token"])["typ"] == "Refresh"
    assert "sid" in claims(body["access_token"])


async def test_client_credentials_refresh_tokens_follow_their_own_attribute_only(realm: Env) -> None:
    """ClientCredentialsGrantType.useRefreshToken reads client_credentials.use_refresh_token alone: the
    client's "use.refresh.tokens" (the other grants' switch) does not turn it off."""
    await seed_client(
        realm.db,
        "test",
        "svc",
        service_accounts=True,
        attributes={"client_credentials.use_refresh_token": "true", "use.refresh.tokens": "false"},
    )
    form = {"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    body = (await realm.http.post(token_url("test"), data=form)).json()
    assert claims(body["refresh_token"])["typ"] == "Refresh"
    assert await session_counts(realm.db, body["session_state"]) == (1, 0)


async def test_no_refresh_token_and_no_offline_session_when_refresh_tokens_are_off(realm: Env) -> None:
    from support import update_client

    await update_client(realm.db, "test", "app", attributes={"use.refresh.tokens": "false"})
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert "refresh_token" not in body
    assert await session_counts(realm.db, body["session_state"]) == (1, 0)


async def test_refreshing_an_offline_token_returns_a_new_offline_token(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    realm.clock.advance(60)
    again = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert again.status_code == 200, again.text
    new = again.json()
    token = claims(new["refresh_token"])
    assert token["typ"] == "Offline" and "exp" not in token
    assert new["refresh_expires_in"] == 0
    assert token["sid"] == body["session_state"]
    assert "id_token" in new
    assert claims(new["access_token"])["jti"].startswith("ofrtrt:")


async def test_same_offline_token_can_be_reused_without_rotation(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    for _ in range(3):
        assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200


async def test_scope_narrowing_keeps_offline_access_in_the_new_offline_token(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    again = await refresh(realm.http, "test", "app", body["refresh_token"], scope="openid")
    assert again.status_code == 200, again.text
    new = again.json()
    assert claims(new["refresh_token"])["typ"] == "Offline"
    assert "offline_access" in claims(new["refresh_token"])["scope"].split()
    assert "offline_access" not in claims(new["access_token"])["scope"].split()


async def test_refresh_asking_for_a_client_scope_the_token_lacks_ignores_it(realm: Env) -> None:
    """TokenManager.isValidScope accepts any of the client's scopes; transformScopes then keeps only what the
    token held, so ``offline_access`` asked on an online refresh adds nothing and makes no offline token."""
    body = (await password_grant(realm.http, "test", "app")).json()
    again = await refresh(realm.http, "test", "app", body["refresh_token"], scope="offline_access")
    assert again.status_code == 200, again.text
    assert claims(again.json()["refresh_token"])["typ"] == "Refresh"
    assert "offline_access" not in again.json()["scope"].split()


async def test_refresh_with_a_scope_the_client_does_not_have_is_invalid_scope(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    again = await refresh(realm.http, "test", "app", body["refresh_token"], scope="bogus")
    assert_error(again, 400, "invalid_scope", "Invalid scopes: bogus")
