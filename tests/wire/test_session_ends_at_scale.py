"""The other ways many sessions end at once take the statements that ending a few takes: the bulk revocation of
offline sessions, the admin sign-out of a user, the Account Console's "sign out of all devices" (a revocation
trigger, with a LOGOUT event per session), a client trigger (regenerating a client secret with
``revocation.trigger.client-secret-rotation=both``) and a consent revoked by the admin or in the Account Console
(the client leaves the user's offline and online sessions). The ended sessions' tokens are refused as Keycloak
refuses them, the sessions kept still refresh, and backchannel clients are told."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from admin_support import client_uuid
from browser_flow import code_from, login, start, submit
from doorkeep.model import Consent, User
from doorkeep.store.tables import events
from ports import free_port
from receiver import receiver
from sent_statements import recording
from store_factories import add_sessions_in_bulk, add_twins_in_bulk
from support import assert_error, claims, password_grant, refresh, seed_user, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
FEW, MANY = 5, 400
Ending = Callable[[Env, str], Awaitable[None]]


@pytest.fixture
def statements(realm: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    with recording(realm.db, monkeypatch) as sent:
        yield sent


async def _fleet(realm: Env, username: str, count: int, *, offline: bool = True, twins: bool = True) -> User:
    """A user with ``count`` sessions of this kind over ``app`` and ``account`` (and their twins of the other
    kind), seeded in one transaction."""
    user = await seed_user(realm.db, realm.clock, "test", username)
    await _add_sessions(realm, user, count, offline=offline, twins=twins)
    return user


async def _add_sessions(realm: Env, user: User, count: int, *, offline: bool = True, twins: bool = True) -> None:
    now = realm.clock.now()
    async with realm.db.transaction() as tx:
        clients = [c for c in await tx.clients.list(user.realm_id) if c.client_id in ("app", "account")]
        starts = [now - 600 + i // 3 for i in range(count)]
        sessions = await add_sessions_in_bulk(tx, user, clients, starts, offline=offline)
        if twins:
            await add_twins_in_bulk(tx, sessions)


async def _grant(realm: Env, user: str, scope: str | None = None) -> dict[str, Any]:
    response = await password_grant(realm.http, "test", "app", user, scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _bulk_revoke(realm: Env, username: str) -> None:
    body = {"username": username}
    response = await realm.http.post(f"{REALM}/offline-sessions/revoke", json=body, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text


async def _admin_sign_out(realm: Env, username: str) -> None:
    headers = await realm.admin_headers()
    found = (await realm.http.get(f"{REALM}/users", params={"username": username}, headers=headers)).json()
    response = await realm.http.post(f"{REALM}/users/{found[0]['id']}/logout", headers=headers)
    assert response.status_code == 204, response.text


async def _account_sign_out(realm: Env, username: str) -> None:
    bearer = {"Authorization": f"Bearer {(await _grant(realm, username))['access_token']}"}
    response = await realm.http.delete("/realms/test/account/sessions", headers=bearer)
    assert response.status_code == 204, response.text


async def _rotate_secret(realm: Env, username: str) -> None:
    await _new_secret(realm)


async def _new_secret(realm: Env) -> str:
    uuid = await client_uuid(realm, "test", "app")
    response = await realm.http.post(f"{REALM}/clients/{uuid}/client-secret", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    return str(response.json()["value"])


async def _rotation_ends_sessions(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"revocation.trigger.client-secret-rotation": "both"})


async def _admin_revokes_consent(realm: Env, username: str) -> None:
    headers = await realm.admin_headers()
    found = (await realm.http.get(f"{REALM}/users", params={"username": username}, headers=headers)).json()
    response = await realm.http.delete(f"{REALM}/users/{found[0]['id']}/consents/app", headers=headers)
    assert response.status_code == 204, response.text


async def _account_removes_access(realm: Env, username: str) -> None:
    bearer = {"Authorization": f"Bearer {(await _grant(realm, username))['access_token']}"}
    response = await realm.http.delete("/realms/test/account/applications/app/consent", headers=bearer)
    assert response.status_code == 204, response.text


async def _consent_to_app(realm: Env, username: str) -> None:
    """A stored consent to ``app``, so that revoking it logs ``app`` out of the online sessions too."""
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user, app = await tx.users.get_by_username(test.id, username), await tx.clients.get_by_client_id(test.id, "app")
        assert user is not None and app is not None
        now = realm.clock.now() * 1000
        await tx.sessions.save_consent(Consent(user.id, app.id, (), now, now))


# name: (the ending, whether the fleet's sessions are offline ones; each has its twin of the other kind)
PATHS: dict[str, tuple[Ending, bool]] = {
    "bulk revocation": (_bulk_revoke, True),
    "admin sign-out": (_admin_sign_out, False),
    "account sign-out": (_account_sign_out, True),
    "client secret rotation": (_rotate_secret, True),
    "admin consent revocation": (_admin_revokes_consent, True),
    "account consent revocation": (_account_removes_access, True),
}


@pytest.mark.parametrize("path", PATHS)
async def test_ending_400_sessions_takes_the_statements_of_ending_5(
    realm: Env, statements: list[str], path: str
) -> None:
    ending, offline = PATHS[path]
    await update_realm(realm.db, "test", events_enabled=True)  # the account sign-out's LOGOUT events are stored
    if path == "client secret rotation":
        await _rotation_ends_sessions(realm)
    sent: list[list[str]] = []
    for number, count in enumerate((FEW, FEW, MANY)):  # the first one warms what is cached (the admin's token)
        await _fleet(realm, f"fleet{number}", count, offline=offline)
        if "consent" in path:
            await _consent_to_app(realm, f"fleet{number}")
        statements.clear()
        await ending(realm, f"fleet{number}")
        sent.append(list(statements))
    assert len(sent[1]) == len(sent[2]), (sent[1], sent[2])
    assert len(sent[2]) <= 60, sent[2]


async def _count_events(realm: Env, type: str, user_id: str) -> int:
    async with realm.db.transaction(write=False) as tx:
        query = select(func.count()).select_from(events).where(events.c.type == type, events.c.user_id == user_id)
        return int((await tx._conn.execute(query)).scalar_one())


async def test_the_bulk_revocation_refuses_the_fleets_offline_tokens_and_keeps_another_users(realm: Env) -> None:
    await _fleet(realm, "fleet", MANY)
    ended = await _grant(realm, "fleet", "openid offline_access")
    kept = await _grant(realm, "user1", "openid offline_access")
    await _bulk_revoke(realm, "fleet")
    refused = await refresh(realm.http, "test", "app", ended["refresh_token"])
    assert_error(refused, 400, "invalid_grant", "Offline user session not found")
    assert (await refresh(realm.http, "test", "app", kept["refresh_token"])).status_code == 200
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        fleet = await tx.users.get_by_username(test.id, "fleet")
        assert fleet is not None
        assert await tx.sessions.user_sessions_of(fleet.id, True) == []
        assert await tx.sessions.user_sessions_of(fleet.id, False) == []  # the online twins went with them


async def test_signing_out_of_all_devices_tells_backchannel_clients_records_a_logout_each_and_keeps_this_one(
    realm: Env,
) -> None:
    await update_realm(realm.db, "test", events_enabled=True)
    user = await _fleet(realm, "fleet", 30, twins=False)
    async with realm.db.transaction(write=False) as tx:
        app = await tx.clients.get_by_client_id(user.realm_id, "app")
        assert app is not None
        with_app = [sid for sid, cid in await tx.sessions.user_client_pairs(user.id, True) if cid == app.id]
    with receiver(port=free_port()) as got:
        await update_client(realm.db, "test", "app", attributes={"backchannel.logout.url": got.url})
        ended = await _grant(realm, "fleet", "openid offline_access")
        online = await _grant(realm, "fleet")
        mine = await _grant(realm, "fleet")
        bearer = {"Authorization": f"Bearer {mine['access_token']}"}
        response = await realm.http.delete("/realms/test/account/sessions", headers=bearer)
        assert response.status_code == 204, response.text
        await realm.drain()
        requests = await got.wait_for(len(with_app) + 2)
    assert len(requests) == len(with_app) + 2  # the fleet's sessions with app, and the two grants', each told once
    assert_error(
        await refresh(realm.http, "test", "app", ended["refresh_token"]),
        400,
        "invalid_grant",
        "Offline user session not found",
    )
    assert_error(
        await refresh(realm.http, "test", "app", online["refresh_token"]), 400, "invalid_grant", "Session not active"
    )
    assert (await refresh(realm.http, "test", "app", mine["refresh_token"])).status_code == 200
    assert claims(mine["access_token"])["sub"] == user.id
    assert await _count_events(realm, "LOGOUT", user.id) == 30 + 2  # the fleet, the offline and online grants


async def test_a_client_trigger_ends_that_clients_sessions_and_keeps_the_others(realm: Env) -> None:
    await _rotation_ends_sessions(realm)
    await _fleet(realm, "fleet", MANY)
    ended = await _grant(realm, "fleet", "openid offline_access")
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        account = await tx.clients.get_by_client_id(test.id, "account")
        assert account is not None
        before = await tx.sessions.count_with_client(account.id, True)
    secret = await _new_secret(realm)
    async with realm.db.transaction(write=False) as tx:
        app = await tx.clients.get_by_client_id(test.id, "app")
        assert app is not None
        assert await tx.sessions.count_with_client(app.id, True) == 0
        assert await tx.sessions.count_with_client(app.id, False) == 0
        assert await tx.sessions.count_with_client(account.id, True) == before  # account's stay
    response = await refresh(realm.http, "test", "app", ended["refresh_token"], secret=secret)
    assert_error(response, 400, "invalid_grant", "Offline user session not found")


async def test_signing_out_other_devices_on_a_password_update_takes_the_statements_of_a_few(
    realm: Env, statements: list[str]
) -> None:
    await update_realm(realm.db, "test", events_enabled=True)
    await update_client(realm.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await login(realm.http, "test", "app")
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        [current] = await tx.sessions.user_sessions_of(user.id, False)
    sent: list[list[str]] = []
    for number, count in enumerate((FEW, FEW, MANY)):  # the first one warms what is cached
        await _add_sessions(realm, user, count)
        page = await start(realm.http, "test", "app", kc_action="UPDATE_PASSWORD")
        fields = {"password-new": f"N3w-pass!{number}", "password-confirm": f"N3w-pass!{number}"}
        statements.clear()
        params = code_from(await submit(realm.http, page, **fields, **{"logout-sessions": "on"}))
        sent.append(list(statements))
        assert params["kc_action_status"] == "success"
    assert len(sent[1]) == len(sent[2]), (sent[1], sent[2])
    async with realm.db.transaction(write=False) as tx:
        assert [us.id for us in await tx.sessions.user_sessions_of(user.id, False)] == [current.id]
        assert await tx.sessions.user_sessions_of(user.id, True) == []
    # a LOGOUT event for each session ended, online and offline alike
    assert await _count_events(realm, "LOGOUT", user.id) == 2 * (FEW + FEW + MANY)
