"""Security sweep (session 46): the stored provider token, ``GET /realms/{realm}/broker/{alias}/token``. Only an
access token is a bearer here: the same login's refresh and ID tokens are "Invalid token."; an origin that is not
the client's gets no CORS header on the stored token; the stored token never reaches the events."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, broker_login, browser, query, served
from broker_token_support import RETRIEVE, enable_events, events_of
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_only_the_access_token_reads_and_no_foreign_origin_is_allowed(env: Env) -> None:
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        async with browser(broker) as http:
            done = await broker_login(http)
            form = {"grant_type": "authorization_code", "code": query(done.headers["location"])["code"]}
            form |= {"client_id": "app", "client_secret": "secret", "redirect_uri": REDIRECT}
            tokens = (await http.post("/realms/test/protocol/openid-connect/token", data=form)).json()
            path = f"/realms/test/broker/{ALIAS}/token"
            for kind in ("refresh_token", "id_token"):
                answer = await http.get(path, headers={"Authorization": f"Bearer {tokens[kind]}"})
                assert (answer.status_code, answer.json()) == (400, {"errorMessage": "Invalid token."}), kind
            bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
            stored = await http.get(path, headers={**bearer, "Origin": "https://evil.example"})
            assert stored.status_code == 200 and "access_token" in stored.json(), stored.text
            assert "access-control-allow-origin" not in stored.headers
            assert stored.headers.get("cache-control", "").startswith("no-")
        provider_token = stored.json()["access_token"]
        for kind in (RETRIEVE, f"{RETRIEVE}_ERROR"):
            assert all(provider_token not in str(e) for e in await events_of(env, kind))
