"""Keycloak's BackchannelLogoutTest, the methods whose logout token names no session here, ported (s66 audit).

postBackchannelLogoutWithSessionIdUserNotLoggedIn, postBackchannelLogoutWithoutSessionIdUserNotLoggedIn and
postBackchannelLogoutWithoutSessionIdUserDoesntExist: a logout token the provider really signed, for its user
``alice`` (or an unknown ``sub``) who never signed in through it here, or for a session id nobody has. Keycloak's
LogoutEndpoint.backchannelLogout verifies it, finds no brokered session, and answers 200; with nothing ended no
LOGOUT event is recorded (``event.success()`` runs per ended session). And
postBackchannelLogoutWithSessionIdMultipleOpenSession: alice signed in twice (two browsers), a token naming the first
provider session ends only the consumer session brokered from it. The realms, provider and signing are
``inbound_logout_port``'s.
"""

from __future__ import annotations

import uuid

import pytest

import inbound_logout_port as port
from broker_support import ALIAS, broker_tokens, browser, served
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _provider_user_id(env: Env, username: str) -> str:
    found = await env.http.get(
        "/admin/realms/provider/users",
        params={"username": username, "exact": "true"},
        headers=await env.admin_headers(),
    )
    assert found.status_code == 200, found.text
    return str(found.json()[0]["id"])


@pytest.mark.parametrize(
    "who,with_sid",
    [("alice", True), ("alice", False), ("nobody", False)],
    ids=["WithSessionIdUserNotLoggedIn", "WithoutSessionIdUserNotLoggedIn", "WithoutSessionIdUserDoesntExist"],
)
async def test_a_verified_logout_token_naming_no_session_here_is_200_and_ends_nothing(
    env: Env, who: str, with_sid: bool
) -> None:
    async with served(env) as broker:
        await port.setup(broker)
        sub = await _provider_user_id(env, "alice") if who == "alice" else str(uuid.uuid4())
        sid = str(uuid.uuid4()) if with_sid else None
        async with browser(broker) as http:
            done = await port.post(http, await port.signed(env, port.claims(broker, sid, sub)))
        assert done.status_code == 200 and done.content == b"", done.text
        assert await port.events(env) == []


async def _brokered_from(env: Env, provider_sid: str) -> list[str]:
    """The consumer sessions whose broker session is ``{alias}.{provider_sid}``."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return [s.id for s in await tx.broker_sessions.sessions(realm.id, f"{ALIAS}.{provider_sid}", False)]


async def test_a_logout_token_by_sid_ends_only_the_session_brokered_from_that_provider_session(env: Env) -> None:
    """postBackchannelLogoutWithSessionIdMultipleOpenSession: LOGOUT for the first consumer session only; the
    second consumer session and both provider sessions stay."""
    async with served(env) as broker:
        await port.setup(broker)
        async with browser(broker) as first, browser(broker) as second:
            one, two = await broker_tokens(first), await broker_tokens(second)
            sub = await _provider_user_id(env, "alice")
            at_provider = {p: await _brokered_from(env, p) for p in await _provider_sessions(env, sub)}
            (sid,) = [p for p, brokered in at_provider.items() if brokered == [one["session_state"]]]
            done = await port.post(first, await port.signed(env, port.claims(broker, sid, sub)))
        assert done.status_code == 200, done.text
        (event,) = await port.events(env)
        assert event["type"] == "LOGOUT" and event["sessionId"] == one["session_state"], event
        remaining = {p: await _brokered_from(env, p) for p in at_provider}
        assert remaining == {p: ([] if p == sid else brokered) for p, brokered in at_provider.items()}
        assert [two["session_state"]] in remaining.values()
        assert set(await _provider_sessions(env, sub)) == set(at_provider)


async def _provider_sessions(env: Env, user_id: str) -> list[str]:
    got = await env.http.get(f"/admin/realms/provider/users/{user_id}/sessions", headers=await env.admin_headers())
    assert got.status_code == 200, got.text
    return [str(s["id"]) for s in got.json()]
