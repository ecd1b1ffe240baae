"""Security sweep (session 46): the stored provider token, ``GET /realms/{realm}/broker/{alias}/token``. Only an
access token is a bearer here: the same login's refresh and ID tokens are "Invalid token."; an origin that is not
the client's is refused (403, empty, no CORS: getTokenV1's ``corsResponse`` is ``checkAllowedOrigins(session,
client)`` since Keycloak 26.6.3, #45957; before, it answered 200 without CORS); the stored token never reaches the
events."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, broker_login, browser, query, served
from broker_token_support import RETRIEVE, enable_events, events_of
from browser_flow import REDIRECT
from support import update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
WEB_ORIGIN = "https://app.example"


async def test_only_the_access_token_reads_and_no_foreign_origin_is_allowed(env: Env) -> None:
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        await update_client(env.db, "test", "app", web_origins=(WEB_ORIGIN,))
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
            evil = await http.get(path, headers={**bearer, "Origin": "https://evil.example"})
            assert (evil.status_code, evil.content) == (403, b""), evil.text
            assert "access-control-allow-origin" not in evil.headers
            stored = await http.get(path, headers={**bearer, "Origin": WEB_ORIGIN})
            assert stored.status_code == 200 and "access_token" in stored.json(), stored.text
            assert stored.headers.get("access-control-allow-origin") == WEB_ORIGIN
            assert stored.headers.get("cache-control", "").startswith("no-")
        provider_token = stored.json()["access_token"]
        for kind in (RETRIEVE, f"{RETRIEVE}_ERROR"):
            assert all(provider_token not in str(e) for e in await events_of(env, kind))


async def test_a_foreign_origin_is_refused_after_the_events_of_the_answer_it_would_have_had(env: Env) -> None:
    """The stored token's answer passes both ``catch (WebApplicationException)`` of getTokenV1, each recording
    ``identity_provider_error`` "Invalid origin" (no success event); a refusal (alice has no link to ``other``)
    records its own event, then one "Invalid origin", and is 403 too; an allowed origin reads the refusal."""
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        await update_client(env.db, "test", "app", web_origins=(WEB_ORIGIN,))
        await broker.add_provider(alias="other", storeToken=True)
        async with browser(broker) as http:
            done = await broker_login(http)
            form = {"grant_type": "authorization_code", "code": query(done.headers["location"])["code"]}
            form |= {"client_id": "app", "client_secret": "secret", "redirect_uri": REDIRECT}
            tokens = (await http.post("/realms/test/protocol/openid-connect/token", data=form)).json()
            evil = {"Authorization": f"Bearer {tokens['access_token']}", "Origin": "https://evil.example"}
            await events_of(env, f"{RETRIEVE}_ERROR")
            stored = await http.get(f"/realms/test/broker/{ALIAS}/token", headers=evil)
            assert (stored.status_code, stored.content) == (403, b"")
            errors = await events_of(env, f"{RETRIEVE}_ERROR")
            assert [(e["error"], e["details"]["reason"]) for e in errors] == [
                ("identity_provider_error", "Invalid origin")
            ] * 2, errors
            assert await events_of(env, RETRIEVE) == []
            unlinked = await http.get("/realms/test/broker/other/token", headers=evil)
            assert (unlinked.status_code, unlinked.content) == (403, b"")
            reasons = [e["details"]["reason"] for e in await events_of(env, f"{RETRIEVE}_ERROR")]
            assert sorted(reasons) == sorted(["Invalid origin"] * 3 + ["User not associated to identity provider"])
            allowed = {**evil, "Origin": WEB_ORIGIN}
            readable = await http.get("/realms/test/broker/other/token", headers=allowed)
            assert readable.status_code == 400 and "not associated" in readable.json()["errorMessage"]
            assert readable.headers.get("access-control-allow-origin") == WEB_ORIGIN
