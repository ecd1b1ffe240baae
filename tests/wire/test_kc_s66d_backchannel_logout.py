"""Keycloak's BackchannelLogoutTest, the methods whose logout token names no session here, ported (s66 audit).

postBackchannelLogoutWithSessionIdUserNotLoggedIn, postBackchannelLogoutWithoutSessionIdUserNotLoggedIn and
postBackchannelLogoutWithoutSessionIdUserDoesntExist: a logout token the provider really signed, for its user
``alice`` (or an unknown ``sub``) who never signed in through it here, or for a session id nobody has. Keycloak's
LogoutEndpoint.backchannelLogout verifies it, finds no brokered session, and answers 200; with nothing ended no
LOGOUT event is recorded (``event.success()`` runs per ended session). The realms, provider and signing are
``inbound_logout_port``'s.
"""

from __future__ import annotations

import uuid

import pytest

import inbound_logout_port as port
from broker_support import browser, served
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
