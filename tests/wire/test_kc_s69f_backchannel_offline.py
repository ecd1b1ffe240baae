"""BackchannelLogoutTest's nested-brokering offline methods (testsuite/integration-arquillian/.../oauth/
BackchannelLogoutTest.java): postBackchannelLogoutNestedBrokeringRevokeOfflineSessions, ...DoNotRevokeOfflineSessions
and ...RevokeOfflineSessionsWithoutActiveUserSession, the last one not yet ported: the brokered *online* session is
already gone when the provider's logout token arrives, and only the offline one is left.

LogoutEndpoint.backchannelLogout reads ``revoke_offline_access`` from the token's events; with a ``sid``
(backchannelLogoutWithSessionId) it revokes the offline session brokered from that provider session, with only a
``sub`` (backchannelLogoutFederatedUserId) every offline session brokered for that account, whether or not an online
session is found. The answer is 200 either way, and no LOGOUT event is recorded when no online session was ended
(``event.success()`` is only called for an online session, logoutUserSession). The realms are broker_support's
``served`` pair, the provider ``kc`` set up as test_broker_backchannel_logout.py sets it up.
"""

from __future__ import annotations

from typing import Any

import pytest

import inbound_logout_port as port
from broker_support import broker_tokens, browser, served
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _sessions(env: Env, realm: str, *, offline: bool = False) -> list[dict[str, Any]]:
    """alice's sessions in ``realm`` (in ``test``, her offline sessions of ``app`` when ``offline``)."""
    headers = await env.admin_headers()
    users = await env.http.get(
        f"/admin/realms/{realm}/users", params={"username": "alice", "exact": "true"}, headers=headers
    )
    path = "sessions"
    if offline:
        clients = await env.http.get(f"/admin/realms/{realm}/clients", params={"clientId": "app"}, headers=headers)
        path = f"offline-sessions/{clients.json()[0]['id']}"
    got = await env.http.get(f"/admin/realms/{realm}/users/{users.json()[0]['id']}/{path}", headers=headers)
    assert got.status_code == 200, got.text
    found: list[dict[str, Any]] = got.json()
    return found


@pytest.mark.parametrize(
    ("by_sid", "revoke", "left"),
    [(True, True, 1), (False, True, 0), (True, False, 2), (False, False, 2)],
    ids=["sid-revoke", "sub-revoke", "sid-keep", "sub-keep"],
)
async def test_post_backchannel_logout_nested_brokering_revoke_offline_sessions_without_active_user_session(
    env: Env, by_sid: bool, revoke: bool, left: int
) -> None:
    """...RevokeOfflineSessionsWithoutActiveUserSession (``revoke``) and, without an online session,
    ...DoNotRevokeOfflineSessions (``keep``): alice signed in through the provider twice, each time asking for
    offline_access, so she has two offline sessions of ``app`` and no online session at the consumer (the first
    offline access of a browser login keeps only the offline session, as OfflineTokenTest's offlineTokenBrowserFlow
    counts; Keycloak's test signs out of the consumer realm instead). The provider's logout token is answered 200;
    with ``revoke_offline_access`` and the ``sid`` of her first provider session only the offline session brokered
    from it goes, with ``sub`` alone both go; without it both stay. No LOGOUT event: nothing online was ended."""
    async with served(env) as broker:
        await port.setup(broker, session_required="true" if by_sid else "false")
        async with browser(broker) as first, browser(broker) as second:
            one = await broker_tokens(first, scope="openid offline_access")
            (at_provider,) = await _sessions(env, "provider")
            two = await broker_tokens(second, scope="openid offline_access")
        assert await _sessions(env, "test") == []
        assert len(await _sessions(env, "test", offline=True)) == 2
        before = await port.events(env)
        events = {port.EVENT: {}, "revoke_offline_access": revoke}
        sid = at_provider["id"] if by_sid else None
        token = await port.signed(env, port.claims(broker, sid, at_provider["userId"], events=events))
        async with browser(broker) as http:
            answered = await port.post(http, token)
        assert answered.status_code == 200, answered.text
        remaining = {s["id"] for s in await _sessions(env, "test", offline=True)}
        assert len(remaining) == left
        if left == 1:  # the one brokered from the provider session the token names went
            assert remaining == {two["session_state"]} and one["session_state"] != two["session_state"]
        assert await port.events(env) == before
