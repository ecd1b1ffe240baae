""" "Remove all other devices" (``DELETE /realms/{r}/account/offline-sessions?keep={id}``) for a service user behind
a fleet: 1,500 offline sessions end in the statements that 10 take, the kept device still refreshes, an ended
one's offline token is refused as Keycloak refuses it, and every ended session's backchannel client is told."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest

from admin_support import client_uuid
from doorkeep.model import User
from ports import free_port
from receiver import receiver
from sent_statements import recording
from store_factories import add_sessions_in_bulk
from support import assert_error, claims, password_grant, refresh, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account/offline-sessions"
FLEET = 1500


@pytest.fixture
def statements(realm: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    with recording(realm.db, monkeypatch) as sent:
        yield sent


async def _offline(realm: Env, user: str, client: str = "app") -> dict[str, Any]:
    """A new offline session of ``user`` by password grant; the token response."""
    response = await password_grant(realm.http, "test", client, user, scope="openid offline_access")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _sid(body: dict[str, Any]) -> str:
    return str(claims(body["refresh_token"])["sid"])


async def _bearer(realm: Env, user: str) -> dict[str, str]:
    response = await password_grant(realm.http, "test", "app", user)
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def _fleet(realm: Env, username: str, count: int) -> User:
    """A user with ``count`` offline sessions over ``app`` and ``account``, seeded in one transaction."""
    user = await seed_user(realm.db, realm.clock, "test", username)
    now = realm.clock.now()
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        clients = [c for c in await tx.clients.list(found.id) if c.client_id in ("app", "account")]
        await add_sessions_in_bulk(tx, user, clients, [now - 86_400 + i // 3 for i in range(count)], offline=True)
    return user


async def _offline_count(realm: Env, client: str) -> int:
    uuid = await client_uuid(realm, "test", client)
    url = f"/admin/realms/test/clients/{uuid}/offline-session-count"
    response = await realm.http.get(url, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    return int(response.json()["count"])


async def test_removing_1500_other_devices_keeps_one_that_refreshes_and_refuses_the_others(realm: Env) -> None:
    await _fleet(realm, "fleet", FLEET)
    kept, ended = await _offline(realm, "fleet"), await _offline(realm, "fleet")
    bystander = await _offline(realm, "user1")
    assert await _offline_count(realm, "app") > FLEET // 2
    headers = await _bearer(realm, "fleet")

    response = await realm.http.delete(ACCOUNT, params={"keep": _sid(kept)}, headers=headers)
    assert response.status_code == 204, response.text

    assert (await refresh(realm.http, "test", "app", kept["refresh_token"])).status_code == 200
    refused = await refresh(realm.http, "test", "app", ended["refresh_token"])
    assert_error(refused, 400, "invalid_grant", "Offline user session not found")
    assert (await refresh(realm.http, "test", "app", bystander["refresh_token"])).status_code == 200
    listed = (await realm.http.get(ACCOUNT, headers=headers)).json()
    assert [device["id"] for device in listed] == [_sid(kept)]
    assert await _offline_count(realm, "app") == 2 and await _offline_count(realm, "account") == 0  # kept, user1's


async def test_the_statements_of_removing_1500_other_devices_are_those_of_removing_10(
    realm: Env, statements: list[str]
) -> None:
    sent: dict[int, list[str]] = {}
    for count in (10, FLEET):
        await _fleet(realm, f"fleet{count}", count)
        kept = await _offline(realm, f"fleet{count}")
        headers = await _bearer(realm, f"fleet{count}")
        statements.clear()
        response = await realm.http.delete(ACCOUNT, params={"keep": _sid(kept)}, headers=headers)
        assert response.status_code == 204, response.text
        sent[count] = list(statements)
    assert len(sent[10]) == len(sent[FLEET]), (sent[10], sent[FLEET])
    assert len(sent[FLEET]) <= 30, sent[FLEET]  # 22 today: the bearer token's, the six of the end, the clients'


async def test_every_ended_session_of_a_backchannel_client_is_told_with_its_sid(realm: Env) -> None:
    with receiver(port=free_port()) as got:
        await update_client(
            realm.db,
            "test",
            "app",
            attributes={"backchannel.logout.url": got.url, "backchannel.logout.session.required": "true"},
        )
        kept = await _offline(realm, "user1")
        ended = [await _offline(realm, "user1") for _ in range(3)]
        headers = await _bearer(realm, "user1")
        response = await realm.http.delete(ACCOUNT, params={"keep": _sid(kept)}, headers=headers)
        assert response.status_code == 204, response.text
        await realm.drain()
        requests = await got.wait_for(3)
    tokens = [jwt.decode(parse_qs(r.body)["logout_token"][0], options={"verify_signature": False}) for r in requests]
    assert sorted(token["sid"] for token in tokens) == sorted(_sid(body) for body in ended)
    assert {token["aud"] for token in tokens} == {"app"} and len(requests) == 3
    assert {token["sub"] for token in tokens} == {claims(kept["access_token"])["sub"]}
