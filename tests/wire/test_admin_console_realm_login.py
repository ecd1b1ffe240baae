"""Realm settings → Login and Localization tabs of the Admin Console, over HTTP against the real app (both
engines): the switches reach the login page, the values are read by the REST API's reader (its error texts),
view-realm reads and manage-realm saves, and each save is recorded as ``PUT /admin/realms/{realm}``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import httpx
import pytest

from admin_support import make_admin
from browser_flow import REDIRECT, start
from console_support import HTML, ORIGIN, csrf, sign_in
from support import seed_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test"
LOGIN = f"{CONSOLE}/realm-settings/login"
LOCALIZATION = f"{CONSOLE}/realm-settings/localization"
SWITCHES = (
    "registrationAllowed",
    "resetPasswordAllowed",
    "rememberMe",
    "registrationEmailAsUsername",
    "loginWithEmailAllowed",
    "duplicateEmailsAllowed",
    "verifyEmail",
    "editUsernameAllowed",
)
FORM = {**ORIGIN, "Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    await seed_client(realm.db, "test", "web", redirect_uris=(REDIRECT,))
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest_realm(env: Env) -> dict[str, object]:
    response = await env.http.get("/admin/realms/test", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def checked(page: str) -> set[str]:
    return set(re.findall(r'<input type="checkbox" id="f-(\w+)" name="\w+" value="on"\s+checked', page))


async def test_the_login_tab_shows_the_realm_switches_and_saving_them_reaches_the_login_page(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    tab = await admin.get(LOGIN, headers=HTML)
    assert tab.status_code == 200 and "User registration" in tab.text and "Duplicate emails" in tab.text
    before = await rest_realm(realm)
    assert checked(tab.text) == {name for name in SWITCHES if before[name] is True}
    form = {"csrf_token": csrf(tab), "registrationAllowed": "on", "rememberMe": "on", "verifyEmail": "on"}
    saved = await admin.post(LOGIN, data=form, headers=ORIGIN)
    assert saved.status_code == 303 and saved.headers["location"].endswith("/test/realm-settings/login")
    assert "Login settings saved." in (await admin.get(saved.headers["location"], headers=HTML)).text
    after = await rest_realm(realm)
    assert {k: after[k] for k in ("registrationAllowed", "rememberMe", "verifyEmail", "loginWithEmailAllowed")} == {
        "registrationAllowed": True,
        "rememberMe": True,
        "verifyEmail": True,
        "loginWithEmailAllowed": False,  # a switch left off is off, as the console PUTs it
    }
    login = await start(realm.http, "test", "web")
    assert login.status_code == 200 and 'id="kc-registration"' in login.text and 'id="rememberMe"' in login.text


async def test_the_localization_tab_saves_locales_and_the_login_page_offers_them(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    tab = await admin.get(LOCALIZATION, headers=HTML)
    assert tab.status_code == 200 and "Deutsch (de)" in tab.text and "English (en)" in tab.text
    form = [
        ("csrf_token", csrf(tab)),
        ("internationalizationEnabled", "on"),
        ("supportedLocales", "en"),
        ("supportedLocales", "de"),
        ("defaultLocale", "de"),
    ]
    saved = await admin.post(LOCALIZATION, content=urlencode(form), headers=FORM)
    assert saved.status_code == 303, saved.text[:500]
    after = await rest_realm(realm)
    assert (after["internationalizationEnabled"], after["supportedLocales"], after["defaultLocale"]) == (
        True,
        ["en", "de"],
        "de",
    )
    login = await start(realm.http, "test", "web")
    assert '<html lang="de"' in login.text and "English" in login.text  # the locale dropdown offers both


async def test_a_forged_locale_is_refused_in_words_and_nothing_is_saved(realm: Env, admin: httpx.AsyncClient) -> None:
    tab = await admin.get(LOCALIZATION, headers=HTML)
    form = [("csrf_token", csrf(tab)), ("supportedLocales", "<script>x</script>"), ("defaultLocale", "en")]
    refused = await admin.post(LOCALIZATION, content=urlencode(form), headers=FORM)
    assert refused.status_code == 400
    assert "Unknown locale: &lt;script&gt;x&lt;/script&gt;" in refused.text and "<script>x" not in refused.text
    assert (await rest_realm(realm))["supportedLocales"] == []


async def test_a_view_realm_administrator_reads_the_tabs_and_a_forged_save_is_refused(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        for path in (LOGIN, LOCALIZATION):
            tab = await http.get(path, headers=HTML)
            assert tab.status_code == 200 and "<fieldset disabled>" in tab.text and ">Save</button>" not in tab.text
            refused = await http.post(path, data={"csrf_token": csrf(tab), "registrationAllowed": "on"}, headers=ORIGIN)
            assert refused.status_code == 403 and "manage-realm" in refused.text
    assert (await rest_realm(realm))["registrationAllowed"] is False


async def test_a_save_without_the_csrf_token_is_refused(realm: Env, admin: httpx.AsyncClient) -> None:
    refused = await admin.post(LOGIN, data={"registrationAllowed": "on"}, headers=ORIGIN)
    assert refused.status_code == 403
    assert (await rest_realm(realm))["registrationAllowed"] is False
