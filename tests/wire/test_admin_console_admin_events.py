"""The Admin Console's Admin events tab over HTTP against the real app (both engines, fake clock): changes
made through the Admin REST (and the console's own settings save) appear with their type and path, Keycloak's filters narrow them, the
settings need manage-events, realms are kept apart, and no secret reaches the page."""

from __future__ import annotations

import datetime
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, act, sign_in
from support import seed_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
BASE = "/admin/test/console"
TAB = f"{BASE}/test/events/admin-events"
SECRET = "very-secret-s3cr3t-9f2c"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A realm administrator of ``test`` (realm-admin), signed in to its console."""
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, f"{BASE}/", "boss")
        yield http


async def enable(env: Env, realm: str = "test", *, details: bool = True) -> None:
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": details}
    url = f"/admin/realms/{realm}/events/config"
    response = await env.http.put(url, json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def create_user(env: Env, username: str, realm: str = "test", **fields: str) -> str:
    url = f"/admin/realms/{realm}/users"
    body = {"username": username, **fields}
    response = await env.http.post(url, json=body, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


def rows(page: httpx.Response) -> list[str]:
    assert page.status_code == 200, page.text[:500]
    return re.findall(r"<tr>\s*<td data-label=\"Time\">.*?</tr>", page.text, re.S)


async def test_the_settings_turn_admin_events_on_and_a_change_appears_with_its_type_and_path(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    tab = await admin.get(TAB, headers=HTML)
    assert "No admin events" in tab.text and 'aria-current="page">Admin events<' in tab.text
    saved = await act(admin, tab, TAB + "/settings", adminEventsEnabled="on", adminEventsDetailsEnabled="on")
    assert saved.status_code == 303 and saved.headers["location"].endswith("/test/events/admin-events")
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None and found.admin_events_enabled and found.admin_events_details_enabled
    user_id = await create_user(realm, "user2")
    shown = await admin.get(saved.headers["location"], headers=HTML)
    assert "Admin events settings saved." in shown.text
    row, saving = rows(shown)  # newest first; the console's save is itself recorded, as the REST PUT is
    assert ">CREATE<" in row and ">USER<" in row and f"<code>users/{user_id}</code>" in row
    assert "127.0.0.1" in row and "Show representation" in row
    assert ">UPDATE<" in saving and ">REALM<" in saving and "<code>events/config</code>" in saving
    assert "127.0.0.2" in saving
    user_events = await admin.get(f"{BASE}/test/events", headers=HTML)
    assert 'aria-current="page">User events<' in user_events.text and "/test/events/admin-events" in user_events.text


async def test_no_secret_of_a_client_created_with_details_on_reaches_the_page(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await enable(realm)
    client = {
        "clientId": "vault",
        "description": "<script>alert(1)</script>",
        "secret": SECRET,
        "attributes": {"client.secret.rotated": SECRET},
    }
    response = await realm.http.post("/admin/realms/test/clients", json=client, headers=await realm.admin_headers())
    assert response.status_code == 201, response.text
    page = await admin.get(TAB, headers=HTML, params={"resourceTypes": "CLIENT"})
    (row,) = rows(page)
    assert "&#34;clientId&#34;: &#34;vault&#34;" in row and "**********" in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "<script>alert" not in page.text
    assert SECRET not in page.text


async def test_the_filters_narrow_the_list_and_the_pager_keeps_them(realm: Env) -> None:
    await enable(realm, details=False)  # itself recorded: UPDATE REALM events/config
    realm.clock.advance(2 * 86_400)
    gone = await create_user(realm, "gone")
    response = await realm.http.delete(f"/admin/realms/test/users/{gone}", headers=await realm.admin_headers())
    assert response.status_code == 204
    kept = [await create_user(realm, f"user{i:02}") for i in range(11)]
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as admin:
        await sign_in(admin, f"{BASE}/", "boss")
        await search_filters(realm, admin, gone, kept)


async def search_filters(realm: Env, admin: httpx.AsyncClient, gone: str, kept: list[str]) -> None:
    """Each filter of the Admin events tab against the events of the test above."""

    async def search(**params: str | list[str]) -> httpx.Response:
        return await admin.get(TAB, headers=HTML, params=params)

    deleted = rows(await search(operationTypes="DELETE"))
    assert len(deleted) == 1 and f"users/{gone}" in deleted[0] and "Show representation" not in deleted[0]
    both = rows(await search(operationTypes=["DELETE", "UPDATE"]))
    assert len(both) == 2 and "events/config" in both[1]  # newest first
    assert len(rows(await search(resourceTypes="REALM"))) == 1
    assert len(rows(await search(resourcePath=f"users/{kept[3]}"))) == 1
    assert len(rows(await search(resourcePath="users/*", max="50"))) == 13
    assert rows(await search(authIpAddress="10.9.9.9")) == []
    assert rows(await search(authUser="nobody")) == []
    today = datetime.date(1970, 1, 1) + datetime.timedelta(seconds=realm.clock.now())
    yesterday = today - datetime.timedelta(days=1)
    assert len(rows(await search(dateTo=yesterday.isoformat()))) == 1
    first = await search(operationTypes="CREATE", dateFrom=today.isoformat(), max="10")
    assert len(rows(first)) == 10
    follow = re.search(r'href="([^"]+)">Next page<', first.text)
    assert follow and "operationTypes=CREATE" in follow.group(1)
    second = await admin.get(follow.group(1).replace("&amp;", "&"), headers=HTML)
    assert len(rows(second)) == 2
    bad = await search(dateFrom="31/01/2026", operationTypes="MOVE")
    assert bad.status_code == 400 and "From must be a date such as 2026-01-31." in bad.text
    assert "Unknown type &#39;MOVE&#39;." in bad.text
    escape = await search(resourcePath="users\\")  # a LIKE pattern ending in its escape: PostgreSQL refuses it
    assert escape.status_code == 400 and "cannot end in a single backslash" in escape.text
    assert len(rows(await search(resourcePath="USERS/*"))) == 0  # case counts, on SQLite as on PostgreSQL


async def test_a_view_events_administrator_sees_the_events_but_cannot_change_the_settings(realm: Env) -> None:
    await enable(realm)
    user_id = await create_user(realm, "user2")
    await make_admin(realm, "test", "watcher", "view-events")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, f"{BASE}/", "watcher")
        tab = await http.get(TAB, headers=HTML)
        assert f"users/{user_id}" in tab.text and "needs the manage-events role" in tab.text
        assert "<fieldset disabled>" in tab.text and ">Save</button>" not in tab.text
        refused = await act(http, tab, TAB + "/settings")
        assert refused.status_code == 403 and "manage-events" in refused.text
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None and found.admin_events_enabled and found.admin_events_details_enabled


async def test_an_administrator_without_view_events_is_refused_the_tab(realm: Env) -> None:
    await make_admin(realm, "test", "clerk", "view-users")
    async with client_at(realm, "127.0.0.5") as http:
        await sign_in(http, f"{BASE}/", "clerk")
        page = await http.get(TAB, headers=HTML)
        assert page.status_code == 403 and "view-events" in page.text


async def test_a_realm_administrator_sees_none_of_another_realms_admin_events(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    await enable(realm, "other")
    await enable(realm)
    other_user = await create_user(realm, "stranger", realm="other")
    elsewhere = await admin.get(f"{BASE}/other/events/admin-events", headers=HTML)
    assert elsewhere.status_code == 404 and "Realm not found." in elsewhere.text
    here = await admin.get(TAB, headers=HTML, params={"resourcePath": "*", "max": "100"})
    assert len(rows(here)) == 1 and other_user not in here.text and "stranger" not in here.text
