"""CIBA's outbound calls to a URL whose host httpx cannot IDNA-encode (``xn--zz.example``): idna's IDNAError is no
httpx error. The authentication channel is HttpAuthenticationChannelProvider's IOException (503 "Failed to send
authentication request"), a client notification endpoint the callback's (400 "Failed to send request to client
notification endpoint"), as for any unreachable URL; both were 500s before the fix."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ciba_flow import POLL, Device, answer, app_with_device, authenticate, device
from support import assert_error, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, SECRET = "test-app", "password"
PING = {"ciba.backchannel.token.delivery.mode": "ping", "oidc.ciba.grant.enabled": "true"}
HOSTS = ["xn--zz.example", "xn--", "xn--a.example"]


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    with device(port=50241) as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock)
            await seed_client(env.db, "test", APP, secret=SECRET, attributes=dict(POLL))
            await seed_user(env.db, env.clock, "test", "alice")
            yield env, dev


@pytest.mark.parametrize("host", HOSTS)
async def test_an_unencodable_channel_host_is_503(request: pytest.FixtureRequest, tmp_path: Path, host: str) -> None:
    async with app_with_device(request, tmp_path, f"http://{host}/channel") as env:
        await seed_realm(env.db, env.clock)
        await seed_client(env.db, "test", APP, secret=SECRET, attributes=dict(POLL))
        await seed_user(env.db, env.clock, "test", "alice")
        response = await authenticate(env, APP, SECRET, "alice", "B")
        assert_error(response, 503, "server_error", "Failed to send authentication request")


@pytest.mark.parametrize("host", HOSTS)
async def test_an_unencodable_notification_endpoint_is_the_callbacks_400(ciba: tuple[Env, Device], host: str) -> None:
    env, dev = ciba
    endpoint = {"ciba.backchannel.client.notification.endpoint": f"http://{host}/notify"}
    await update_client(env.db, "test", APP, attributes=PING | endpoint)
    response = await authenticate(env, APP, SECRET, "alice", "PING1", client_notification_token="t-1")
    assert response.status_code == 200, response.text
    sent = dev.take("PING1")
    assert_error(
        await answer(env, sent.bearer), 400, "invalid_request", "Failed to send request to client notification endpoint"
    )
