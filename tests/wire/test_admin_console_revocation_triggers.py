"""The Admin Console's revocation-trigger pages: the realm policy and a client's overrides, each row's effect
in words, saved as the REST API stores them, CSRF as on every console form."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_console_http import realm_admin_console, sign_in
from admin_support import client_uuid, make_admin
from console_support import csrf
from support import password_grant
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}
BASE = "/admin/test/console/test"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with realm_admin_console(realm) as http:
        yield http


async def _post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(path, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


async def _attributes(env: Env) -> tuple[dict[str, object], dict[str, object]]:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        app = await tx.clients.get_by_client_id(realm.id, "app")
        assert app is not None
        return dict(realm.attributes), dict(app.attributes)


async def test_the_realm_page_shows_keycloaks_policy_with_its_effect(realm: Env, admin: httpx.AsyncClient) -> None:
    page = await admin.get(f"{BASE}/revocation/triggers", headers=HTML)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "A password change ends: no sessions — sessions stay, and their tokens keep working." in text
    # Keycloak 26.5 (PR #45112): signing out of all devices ends offline sessions too
    assert (
        "Signing out of all devices in the Account Console ends: online and offline sessions of the user — the user must "
        "sign in again everywhere." in text
    )
    assert '<option value="both" selected>both (Keycloak)</option>' in text
    revocation = await admin.get(f"{BASE}/revocation", headers=HTML)
    assert "/revocation/triggers" in revocation.text


async def test_saving_the_realm_policy_stores_attributes_and_spells_out_the_new_effect(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    saved = await _post(admin, f"{BASE}/revocation/triggers", **{"password-change": "online", "admin-logout": "both"})
    assert saved.status_code == 303, saved.text
    realm_attributes, _ = await _attributes(realm)
    assert {k: v for k, v in realm_attributes.items() if k.startswith("revocation.")} == {
        "revocation.trigger.password-change": "online"  # Keycloak's value is stored as no attribute
    }
    text = html.unescape((await admin.get(f"{BASE}/revocation/triggers", headers=HTML)).text)
    assert (
        "A password change ends: online sessions of the user — the user stays signed in on devices holding "
        "offline tokens." in text
    )


async def test_a_client_override_is_saved_shown_and_named_on_the_realm_page(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    app = await client_uuid(realm, "test", "app")
    path = f"{BASE}/clients/{app}/revocation-triggers"
    page = await admin.get(path, headers=HTML)
    assert page.status_code == 200 and "Inherit from the realm" in page.text
    saved = await _post(admin, path, **{"client-secret-rotation": "offline", "consent-removal": ""})
    assert saved.status_code == 303, saved.text
    _, app_attributes = await _attributes(realm)
    assert app_attributes.get("revocation.trigger.client-secret-rotation") == "offline"
    assert "revocation.trigger.consent-removal" not in app_attributes
    text = html.unescape((await admin.get(path, headers=HTML)).text)
    assert "Regenerating the client secret ends: offline sessions of this client" in text
    realm_page = html.unescape((await admin.get(f"{BASE}/revocation/triggers", headers=HTML)).text)
    assert "Overridden by: app." in realm_page


async def test_a_value_outside_the_list_is_refused_in_words_and_nothing_is_saved(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    refused = await _post(admin, f"{BASE}/revocation/triggers", **{"user-disabled": "everything"})
    assert refused.status_code == 400
    assert "Choose none, online, offline or both for each trigger." in refused.text
    assert "Traceback" not in refused.text
    assert not any(k.startswith("revocation.") for k in (await _attributes(realm))[0])


async def test_a_post_without_the_csrf_token_is_refused(realm: Env, admin: httpx.AsyncClient) -> None:
    missing = await admin.post(f"{BASE}/revocation/triggers", data={"password-change": "both"}, headers=ORIGIN)
    assert missing.status_code == 403
    assert not any(k.startswith("revocation.") for k in (await _attributes(realm))[0])


async def test_a_view_only_administrator_sees_the_policy_but_cannot_save_it(realm: Env) -> None:
    await make_admin(realm, "test", "viewer", "view-realm", "view-clients")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "viewer")
        page = await http.get(f"{BASE}/revocation/triggers", headers=HTML)
        assert page.status_code == 200 and "needs the manage-realm role" in page.text
        refused = await _post(http, f"{BASE}/revocation/triggers", **{"password-change": "both"})
        assert refused.status_code == 403
    response = await password_grant(realm.http, "test", "app")
    assert response.status_code == 200
