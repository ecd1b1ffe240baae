"""The Admin Console's realm Sessions page shows, per session, what Keycloak's SessionsTable shows: user, type
(Regular SSO or Offline), IP address, started, last access and the session's clients, each client linking to its
Sessions (online) or Offline Access (offline) tab for an admin who may view clients; paging keeps every column."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_console_http import realm_admin_console, sign_in
from admin_support import client_uuid, make_admin
from browser_flow import REDIRECT, exchange, login
from support import password_grant, seed_client, update_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}
PAGE = "/admin/test/console/test/sessions"
HEADINGS = ["User", "Type", "IP address", "Started", "Last access", "Clients", "Actions"]


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with realm_admin_console(realm) as http:
        yield http


async def _one_session_with_two_clients(env: Env) -> None:
    """user1 signs in to ``app`` and, in the same SSO session, to ``portal``; then takes an offline token of app."""
    await update_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_client(env.db, "test", "portal", redirect_uris=(REDIRECT,))
    for client_id in ("app", "portal"):
        code = await login(env.http, "test", client_id)
        assert (await exchange(env.http, "test", client_id, code["code"])).status_code == 200
    env.http.cookies.clear()
    offline = await password_grant(env.http, "test", "app", scope="openid offline_access")
    assert offline.status_code == 200, offline.text


def _headings(page: httpx.Response) -> list[str]:
    head = page.text[page.text.index("<thead>") : page.text.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th scope=\"col\">(.*?)</th>", head)]


def _rows(page: httpx.Response) -> list[dict[str, str]]:
    """Each body row's cells by their data-label, as HTML."""
    body = page.text[page.text.index("<tbody>") : page.text.index("</tbody>")]
    return [
        dict(re.findall(r'<td data-label="([^"]+)">(.*?)</td>', row, re.S))
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _user1(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if ">user1</a>" in row["User"]]


async def test_each_session_shows_its_type_and_clients_linked_to_their_session_tabs(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await _one_session_with_two_clients(realm)
    app, portal = await client_uuid(realm, "test", "app"), await client_uuid(realm, "test", "portal")
    online = await admin.get(PAGE, headers=HTML)
    assert online.status_code == 200, online.text[:300]
    assert _headings(online) == HEADINGS
    sso = [row for row in _user1(_rows(online)) if "portal" in row["Clients"]]
    assert len(sso) == 1, _rows(online)
    assert sso[0]["Type"] == "Regular SSO" and sso[0]["IP address"] == "127.0.0.1"
    assert sso[0]["Clients"].strip() == (
        f'<a href="/admin/test/console/test/clients/{app}/sessions">app</a>, '
        f'<a href="/admin/test/console/test/clients/{portal}/sessions">portal</a>'
    )
    assert 'class="badge offline"' not in online.text
    offline = await admin.get(PAGE, headers=HTML, params={"type": "offline"})
    assert _headings(offline) == HEADINGS
    (row,) = _user1(_rows(offline))
    assert row["Type"] == '<span class="badge offline">Offline</span>'
    assert row["Clients"].strip() == f'<a href="/admin/test/console/test/clients/{app}/offline-access">app</a>'


async def test_an_admin_who_may_not_view_clients_sees_their_names_without_links(realm: Env) -> None:
    await _one_session_with_two_clients(realm)
    await make_admin(realm, "test", "realm-viewer", "view-realm")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "realm-viewer")
        page = await http.get(PAGE, headers=HTML)
    assert page.status_code == 200, page.text[:300]
    assert _headings(page) == HEADINGS[:-1]  # nor may it sign anyone out
    (sso,) = [row for row in _user1(_rows(page)) if "portal" in row["Clients"]]
    assert sso["Clients"].strip() == "app, portal" and "/clients/" not in page.text


async def test_every_page_of_sessions_keeps_the_columns(realm: Env, admin: httpx.AsyncClient) -> None:
    await _one_session_with_two_clients(realm)
    for _ in range(10):
        assert (await password_grant(realm.http, "test", "app")).status_code == 200
    seen: list[dict[str, str]] = []
    first = 0
    while True:
        page = await admin.get(PAGE, headers=HTML, params={"first": str(first), "max": "10"})
        assert _headings(page) == HEADINGS
        rows = _rows(page)
        assert len(rows) == (10 if first == 0 else 3) and all(
            row["Type"] == "Regular SSO" and row["Clients"] for row in rows
        )
        seen += rows
        if "Next page" not in page.text:
            break
        first += 10
    # user1: the SSO session and ten password grants; the admin: its console session and its grant
    assert len(_user1(seen)) == 11 and len(seen) == 13 and first == 10, seen
