"""``Content-Language`` on the themed pages: FreeMarkerLoginFormsProvider answers every login, error and info page
with ``.language(locale)``, the locale the page was rendered in (its ``<html lang>``)."""

from __future__ import annotations

import re

import httpx
import pytest

from browser_flow import start
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
AUTH = "/realms/test/protocol/openid-connect/auth"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    await update_realm(env.db, "test", internationalization_enabled=True, supported_locales=("en", "de", "pt-BR"))
    return env


def html_lang(page: httpx.Response) -> str:
    found = re.search(r'<html lang="([^"]+)"', page.text)
    assert found, page.text[:300]
    return found.group(1)


async def test_the_login_page_names_its_language(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200 and page.headers["content-language"] == "en" == html_lang(page)
    german = await start(realm.http, "test", "app", ui_locales="de")
    assert german.headers["content-language"] == "de" == html_lang(german)
    brazilian = await start(realm.http, "test", "app", ui_locales="pt-BR")
    assert brazilian.headers["content-language"] == "pt-BR" == html_lang(brazilian)


async def test_the_error_page_names_its_language(realm: Env) -> None:
    params = {"client_id": "nobody", "response_type": "code"}
    refused = await realm.http.get(AUTH, params=params, headers={"Accept-Language": "de"})
    assert refused.status_code == 400 and refused.headers["content-language"] == "de" == html_lang(refused)


async def test_the_logout_pages_name_their_language(realm: Env) -> None:
    page = await realm.http.get(
        "/realms/test/protocol/openid-connect/logout", params={"client_id": "nobody", "ui_locales": "de"}
    )
    assert page.status_code == 200 and page.headers["content-language"] == "de" == html_lang(page)


async def test_a_page_that_is_no_themed_page_names_none(realm: Env) -> None:
    iframe = await realm.http.get("/realms/test/protocol/openid-connect/login-status-iframe.html")
    assert iframe.status_code == 200 and "content-language" not in iframe.headers
