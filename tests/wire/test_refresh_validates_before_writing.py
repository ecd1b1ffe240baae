"""A refused refresh writes nothing but Keycloak's deliberate failure writes (issue #7 item 2).

With Revoke Refresh Token on, a refresh whose user has lost ``offline_access`` passes the rotation
check first and answers ``not_allowed`` after it, as Keycloak does (the permission is checked while the
new refresh token is made) when the offline_access client scope maps no role: with its built-in mapping of
the offline_access role, validateToken refuses such a user before (UserSessionUtil.isOfflineAccessGranted,
test_kc_s71k_offline_role_granted.py), so the fixture unmaps it. Keycloak 26 keeps the use the rotation check counted (keycloak#49213, a bug its
open fix #51749 removes); Doorkeep writes nothing: the same token works again once the role is back, and
the session keeps its client, its family and its timestamps.
"""

from __future__ import annotations

import pytest

from doorkeep.model import ClientSession, RefreshFamily
from support import assert_error, claims, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
NOT_ALLOWED = "Offline tokens not allowed for the user or client"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, revoke_refresh_token=True)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        scope = await tx.scopes.get_by_name(test.id, "offline_access")
        assert scope is not None
        await tx.roles.remove_scope_mappings(scope.id, await tx.roles.scope_mapping_ids([scope.id]))
    return env


async def rotated_offline_token(env: Env) -> str:
    """An offline token that is itself the product of one rotation."""
    first = await password_grant(env.http, "test", "app", scope="offline_access")
    assert first.status_code == 200, first.text
    env.clock.advance(5)
    second = await refresh(env.http, "test", "app", first.json()["refresh_token"])
    assert second.status_code == 200, second.text
    return str(second.json()["refresh_token"])


async def take_roles(env: Env, user_id: str) -> set[str]:
    async with env.db.transaction() as tx:
        role_ids = await tx.users.role_ids(user_id)
        await tx.users.revoke_roles(user_id, role_ids)
    return role_ids


async def give_roles(env: Env, user_id: str, role_ids: set[str]) -> None:
    async with env.db.transaction() as tx:
        await tx.users.grant_roles(user_id, role_ids)


async def rotation_state(env: Env, token: str) -> tuple[RefreshFamily | None, ClientSession | None]:
    """The rotation family and the client session of the token's offline session."""
    c = claims(token)
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, "app")
        assert client is not None
        cs = await tx.sessions.get_client_session(c["sid"], True, client.id)
        family = await tx.sessions.get_family(c["sid"], True, client.id, c["reuse_id"])
    return family, cs


async def test_a_not_allowed_refresh_does_not_use_up_the_token_under_rotation(realm: Env) -> None:
    token = await rotated_offline_token(realm)
    user_id = claims(token)["sub"]
    taken = await take_roles(realm, user_id)
    realm.clock.advance(5)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "not_allowed", NOT_ALLOWED)
    await give_roles(realm, user_id, taken)
    realm.clock.advance(5)
    again = await refresh(realm.http, "test", "app", token)
    assert again.status_code == 200, again.text
    assert claims(again.json()["refresh_token"])["typ"] == "Offline"


async def test_a_not_allowed_refresh_leaves_the_family_and_the_client_session_as_they_were(realm: Env) -> None:
    token = await rotated_offline_token(realm)
    before = await rotation_state(realm, token)
    await take_roles(realm, claims(token)["sub"])
    realm.clock.advance(5)
    assert_error(await refresh(realm.http, "test", "app", token), 400, "not_allowed", NOT_ALLOWED)
    assert await rotation_state(realm, token) == before


async def test_a_reused_token_is_still_refused_and_detached_after_the_check_moved(realm: Env) -> None:
    first = await password_grant(realm.http, "test", "app", scope="offline_access")
    token = first.json()["refresh_token"]
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    reused = await refresh(realm.http, "test", "app", token)
    assert_error(reused, 400, "invalid_grant", "Maximum allowed refresh token reuse exceeded")
    _, cs = await rotation_state(realm, token)
    assert cs is None
