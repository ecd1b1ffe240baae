"""Keycloak's old-testsuite i18n/InfoPageTest (KEYCLOAK-18846) over HTTP: a browser signed in opens
``login-actions/authenticate`` with no login in progress and gets info.ftl's "You are already logged in." with the
locale dropdown (English), and the dropdown's Deutsch link shows the same page in German (SessionCodeChecks.
initialVerifyAuthSession: no tab, the identity cookie's session, no client data: the info page). A blank
``client_data`` is no client data (ClientData.decodeClientDataFromParameter's isBlank); a malformed one stays the
"Invalid Request" error page."""

from __future__ import annotations

import re

import httpx
import pytest

from browser_flow import login
from flow_builder import events
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
AUTHENTICATE = "/realms/test/login-actions/authenticate"


@pytest.fixture
async def realm(env: Env) -> Env:
    """Realm ``test`` with internationalization on, English and German supported (AbstractI18NTest), and
    ``user1`` signed in to ``app`` in this browser."""
    await seed_realm(env.db, env.clock)
    await update_realm(
        env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"), events_enabled=True
    )
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    assert "code" in await login(env.http, "test", "app")
    return env


def dropdown_text(page: httpx.Response) -> str:
    """InfoPage.getLanguageDropdownText: the current locale's label."""
    found = re.search(r'<span id="kc-current-locale-link"[^>]*>([^<]+)<', page.text)
    assert found is not None, page.text[:800]
    return found.group(1)


def dropdown_link(page: httpx.Response, label: str) -> str:
    links: dict[str, str] = {b: a for a, b in re.findall(r'role="menuitem"[^>]*href="([^"]+)">([^<]+)<', page.text)}
    return links[label].replace("&amp;", "&")


async def test_change_language(realm: Env) -> None:
    """InfoPageTest#changeLanguage."""
    info = await realm.http.get(AUTHENTICATE)
    assert info.status_code == 200 and "You are already logged in." in info.text, info.text[:800]
    assert dropdown_text(info) == "English"
    german = await realm.http.get(dropdown_link(info, "Deutsch"))
    assert german.status_code == 200 and "Sie sind bereits angemeldet." in german.text, german.text[:800]
    assert dropdown_text(german) == "Deutsch"
    errors = await events(realm, "LOGIN_ERROR")
    assert [(e.error, e.details.get("redirected_to_client")) for e in errors] == [("already_logged_in", "false")] * 2


async def test_a_blank_client_data_is_none_and_a_malformed_one_an_invalid_request(realm: Env) -> None:
    """decodeClientDataFromParameter: blank is null (the info page); not base64url JSON is INVALID_REQUEST."""
    blank = await realm.http.get(AUTHENTICATE, params={"client_id": "app", "client_data": " "})
    assert blank.status_code == 200 and "You are already logged in." in blank.text
    malformed = await realm.http.get(AUTHENTICATE, params={"client_id": "app", "client_data": "%%%"})
    assert malformed.status_code == 400 and "Invalid Request" in malformed.text
