"""Helpers of the stored-token retrieval tests (``GET /realms/{realm}/broker/{alias}/token``): alice signed in
through the provider realm, the retrieval itself, the test realm's events and users."""

from __future__ import annotations

from typing import Any

import httpx

from broker_support import ALIAS, SAVED, Broker, broker_login, browser, query
from browser_flow import REDIRECT
from support import update_realm
from wire_env import Env

RETRIEVE = "IDENTITY_PROVIDER_RETRIEVE_TOKEN"


async def enable_events(env: Env) -> None:
    await update_realm(env.db, "test", enabled_event_types=(*SAVED, RETRIEVE, f"{RETRIEVE}_ERROR"))


async def code_token(http: httpx.AsyncClient, location: str) -> str:
    data = {
        "grant_type": "authorization_code",
        "code": query(location)["code"],
        "client_id": "app",
        "client_secret": "secret",
        "redirect_uri": REDIRECT,
    }
    answer = await http.post("/realms/test/protocol/openid-connect/token", data=data)
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


async def alice_token(broker: Broker) -> str:
    """alice signs in through the provider; the app's access token for her."""
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        return await code_token(http, done.headers["location"])


async def retrieve(broker: Broker, token: str | None, alias: str = ALIAS, realm: str = "test") -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with browser(broker) as http:
        return await http.get(f"/realms/{realm}/broker/{alias}/token", headers=headers)


async def events_of(env: Env, kind: str) -> list[dict[str, Any]]:
    got = await env.http.get("/admin/realms/test/events", params={"type": kind}, headers=await env.admin_headers())
    result: list[dict[str, Any]] = got.json()
    return result


async def user_id_of(env: Env, username: str) -> str:
    headers = await env.admin_headers()
    found = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    user_id: str = found.json()[0]["id"]
    return user_id
