"""The offline-access chores of the seed documents, done in the Admin Console over HTTP (both engines, fake
clock): a client's revocation policy on its Advanced tab (Keycloak's AdvancedTab "Revocation"), session
counts per client (``client-session-stats``), revoking all of a client's offline sessions, and the built-in
clients' names as Keycloak's console shows them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_console_http import post, realm_admin_console, sign_in
from admin_support import client_uuid, make_admin
from browser_flow import form_fields
from console_support import sign_in as account_sign_in
from support import assert_error, password_grant, refresh, seed_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}
BASE = "/admin/test/console"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A realm administrator of ``test`` (realm-admin), signed in to its console."""
    async with realm_admin_console(realm) as http:
        yield http


async def offline(env: Env, client: str = "app") -> str:
    response = await password_grant(env.http, "test", client, scope="openid offline_access")
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def client_not_before(env: Env, client_id: str) -> int:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        client = await tx.clients.get_by_client_id(found.id, client_id)
        assert client is not None
        return client.not_before


async def test_set_to_now_on_a_client_advanced_tab_refuses_its_earlier_offline_tokens_after_confirming(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await seed_client(realm.db, "test", "other")
    token, other_token = await offline(realm), await offline(realm, "other")
    realm.clock.advance(5)  # a token issued in the second of the not-before is still good (iat < notBefore)
    app = await client_uuid(realm, "test", "app")
    tab = await admin.get(f"{BASE}/test/clients/{app}/advanced", headers=HTML)
    assert tab.status_code == 200 and "Revocation" in tab.text and "<dd>None</dd>" in tab.text
    action = f"{BASE}/test/clients/{app}/revocation/set-to-now"
    assert f'action="{action}"' in tab.text
    confirm = await post(admin, action, tab)
    assert confirm.status_code == 200 and "Every token of app issued before now stops working" in confirm.text
    assert await client_not_before(realm, "app") == 0  # only asked
    assert f'action="{action}"' in confirm.text  # the confirm step posts back to the same action
    done = await post(admin, action, confirm, **form_fields(confirm.text))
    assert done.status_code == 303 and done.headers["location"].endswith(f"/test/clients/{app}/advanced")
    assert await client_not_before(realm, "app") == realm.clock.now()
    shown = await admin.get(done.headers["location"], headers=HTML)
    assert "Not-before of app set to now" in shown.text and "<dd>None</dd>" not in shown.text
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant")
    assert (await refresh(realm.http, "test", "other", other_token)).status_code == 200  # another client's: kept


async def test_clear_on_a_client_advanced_tab_accepts_its_earlier_tokens_again(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    token = await offline(realm)
    realm.clock.advance(5)
    app = await client_uuid(realm, "test", "app")
    for kind in ("set-to-now", "clear"):
        tab = await admin.get(f"{BASE}/test/clients/{app}/advanced", headers=HTML)
        confirm = await post(admin, f"{BASE}/test/clients/{app}/revocation/{kind}", tab)
        assert f'action="{BASE}/test/clients/{app}/revocation/{kind}"' in confirm.text
        done = await post(admin, f"{BASE}/test/clients/{app}/revocation/{kind}", confirm, **form_fields(confirm.text))
        assert done.status_code == 303
    assert await client_not_before(realm, "app") == 0
    assert "Not-before of app cleared." in (await admin.get(done.headers["location"], headers=HTML)).text
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200


async def test_push_of_a_client_without_an_admin_url_says_nothing_was_pushed(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    app = await client_uuid(realm, "test", "app")
    tab = await admin.get(f"{BASE}/test/clients/{app}/advanced", headers=HTML)
    path = f"{BASE}/test/clients/{app}/revocation/push"
    confirm = await post(admin, path, tab)
    assert "The admin URL of app is sent its not-before time." in confirm.text
    done = await post(admin, path, confirm, **form_fields(confirm.text))
    assert done.status_code == 303
    assert "app has no admin URL: nothing was pushed." in (await admin.get(done.headers["location"], headers=HTML)).text


async def test_a_view_clients_administrator_sees_the_client_not_before_without_buttons_and_cannot_forge_one(
    realm: Env,
) -> None:
    await make_admin(realm, "test", "looker", "view-clients", "query-clients")
    app = await client_uuid(realm, "test", "app")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "looker")
        tab = await http.get(f"{BASE}/test/clients/{app}/advanced", headers=HTML)
        assert tab.status_code == 200 and "Not before" in tab.text and "revocation/set-to-now" not in tab.text
        forged = await post(http, f"{BASE}/test/clients/{app}/revocation/set-to-now", tab, confirmed="yes")
        assert forged.status_code == 403
    assert await client_not_before(realm, "app") == 0


async def test_the_sessions_by_client_tab_counts_each_client_sessions_as_client_session_stats_does(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await seed_client(realm.db, "test", "other")
    for client in ("app", "app", "other"):
        await offline(realm, client)
    app = await client_uuid(realm, "test", "app")
    tab = await admin.get(f"{BASE}/test/sessions", headers=HTML, params={"type": "clients"})
    assert tab.status_code == 200 and 'aria-current="page">By client<' in tab.text
    rows = re.findall(
        r'<td data-label="Client ID"><a href="[^"]+">([^<]+)</a></td>\s*'
        r'<td data-label="Online sessions"><a [^>]+>(\d+)</a></td>\s*'
        r'<td data-label="Offline sessions"><a [^>]+>(\d+)</a></td>',
        tab.text,
    )
    assert ("app", "0", "2") in rows and ("other", "0", "1") in rows, rows
    assert ("security-admin-console", "1", "0") in rows  # the administrator's own console session
    assert f'href="{BASE}/test/clients/{app}/offline-access"' in tab.text


async def test_a_client_offline_tab_links_to_bulk_revocation_with_the_client_filled_in(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await offline(realm)
    app = await client_uuid(realm, "test", "app")
    tab = await admin.get(f"{BASE}/test/clients/{app}/offline-access", headers=HTML)
    link = re.search(r'href="([^"]+)">Revoke all of this client\'s offline sessions…', tab.text)
    assert link, tab.text[-2000:]
    bulk = await admin.get(link.group(1).replace("&amp;", "&"), headers=HTML)
    assert bulk.status_code == 200
    assert re.search(r'<input id="bulk-client" name="client" value="app"', bulk.text)
    assert re.search(r'<input id="bulk-user" name="user" value=""', bulk.text)


async def test_the_clients_list_names_the_built_in_clients_as_keycloak_console_does(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    listing = await admin.get(f"{BASE}/test/clients", headers=HTML)
    assert "${client_" not in listing.text
    assert '<td data-label="Name">Account Console</td>' in listing.text
    assert '<td data-label="Name">Realm Management</td>' in listing.text


@pytest.mark.parametrize(("tokens", "opened"), [(2, True), (5, False)])
async def test_the_account_applications_page_folds_many_offline_tokens_under_one_summary(
    realm: Env, tokens: int, opened: bool
) -> None:
    for _ in range(tokens):
        await offline(realm)
    async with client_at(realm, "127.0.0.4") as http:
        page = await account_sign_in(http, "/realms/test/account/applications")
    assert page.status_code == 200
    folded = re.search(r"<details class=\"grants\"( open)?>\s*<summary>Offline tokens \((\d+)\)</summary>", page.text)
    assert folded, page.text[-3000:]
    assert (bool(folded.group(1)), folded.group(2)) == (opened, str(tokens))
    assert page.text.count("Offline token ") == tokens  # each still there, behind the summary


async def test_refresh_token_max_reuse_is_described_for_screen_readers_on_the_realm_and_client_forms(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    app = await client_uuid(realm, "test", "app")
    for path, field, help_id in (
        ("/test/realm-settings/tokens", 'id="f-refreshTokenMaxReuse"', "h-refreshTokenMaxReuse"),
        (f"/test/clients/{app}/advanced", 'id="f-reuse"', "h-reuse"),
    ):
        page = await admin.get(BASE + path, headers=HTML)
        tag = re.search(rf"<input [^>]*{field}[^>]*>", page.text, re.S)
        assert tag and f'aria-describedby="{help_id}' in tag.group(0), path
        assert re.search(rf'<p class="help muted" id="{help_id}">How many times a refresh token', page.text), path
