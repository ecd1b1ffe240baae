"""Clients → Client registration of the Admin Console, over HTTP against the real app (both engines): an
initial access token created through ``POST clients-initial-access``'s own function is shown once (never
cached) and registers a client; the list shows its remaining count and expiry; delete after confirming;
view-clients lists, manage-clients writes; each write is recorded as its REST call."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
PAGE = "/admin/test/console/test/client-registration"
IAT = "/admin/realms/test/clients-initial-access"
REG = "/realms/test/clients-registrations/default"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def listed(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(IAT, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(PAGE, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


async def test_a_token_is_shown_once_never_cached_and_registers_a_client(realm: Env, admin: httpx.AsyncClient) -> None:
    page = await admin.get(PAGE, headers=HTML)
    assert page.status_code == 200 and "No initial access tokens." in page.text
    made = await post(admin, f"{PAGE}/create", expiration="2", **{"expiration.unit": "hours"}, count="3")
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    token = re.search(r'<pre class="representation" id="initial-access-token">([^<]+)</pre>', made.text)
    assert token
    [record] = await listed(realm)
    assert (record["expiration"], record["count"], record["remainingCount"]) == (7200, 3, 3)
    registered = await realm.http.post(
        REG, json={"clientId": "from-console"}, headers={"Authorization": f"Bearer {token.group(1)}"}
    )
    assert registered.status_code == 201, registered.text
    again = await admin.get(PAGE, headers=HTML)
    assert token.group(1) not in again.text and record["id"] in again.text
    row = re.search(rf"<tr>(?:(?!</tr>).)*{record['id']}(?:(?!</tr>).)*</tr>", again.text, re.S)
    assert row and 'data-label="Remaining count">2<' in row.group(0) and 'data-label="Count">3<' in row.group(0)


async def test_a_bad_count_is_refused_in_words_and_nothing_is_created(realm: Env, admin: httpx.AsyncClient) -> None:
    refused = await post(admin, f"{PAGE}/create", expiration="1", **{"expiration.unit": "days"}, count="-1")
    assert refused.status_code == 400 and "Count must be a whole number, 0 or more." in refused.text
    assert await listed(realm) == []


async def test_deleting_a_token_asks_first_then_removes_it(realm: Env, admin: httpx.AsyncClient) -> None:
    made = await post(admin, f"{PAGE}/create", expiration="0", **{"expiration.unit": "days"}, count="1")
    assert made.status_code == 200
    [record] = await listed(realm)
    confirm = await post(admin, f"{PAGE}/{record['id']}/delete")
    assert confirm.status_code == 200 and "Delete this initial access token?" in confirm.text
    assert len(await listed(realm)) == 1
    done = await post(admin, f"{PAGE}/{record['id']}/delete", confirmed="yes")
    assert done.status_code == 303 and await listed(realm) == []


async def test_view_clients_lists_and_manage_clients_is_needed_to_write(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-clients")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(PAGE, headers=HTML)
        assert page.status_code == 200 and "Create initial access token" not in page.text
        refused = await http.post(f"{PAGE}/create", data={"csrf_token": csrf(page), "count": "1"}, headers=ORIGIN)
        assert refused.status_code == 403 and "manage-clients" in refused.text
    assert await listed(realm) == []


async def test_creating_and_deleting_are_recorded_as_the_rest_calls_without_the_token(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    headers = await realm.admin_headers()
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put("/admin/realms/test/events/config", json=config, headers=headers)).status_code == 204
    made = await post(admin, f"{PAGE}/create", expiration="1", **{"expiration.unit": "minutes"}, count="2")
    [record] = await listed(realm)
    assert (await post(admin, f"{PAGE}/{record['id']}/delete", confirmed="yes")).status_code == 303
    events = (await realm.http.get("/admin/realms/test/admin-events", headers=headers)).json()
    mine = [e for e in events if e["resourceType"] == "CLIENT_INITIAL_ACCESS_MODEL"]
    assert [(e["operationType"], e["resourcePath"]) for e in mine] == [
        ("DELETE", f"clients-initial-access/{record['id']}"),
        ("CREATE", f"clients-initial-access/{record['id']}"),
    ]
    assert json.loads(mine[1]["representation"]) == {"expiration": 60, "count": 2}
    token = re.search(r'id="initial-access-token">([^<]+)<', made.text)
    assert token and token.group(1) not in json.dumps(events)
