"""Account Console entry as Keycloak 26's AccountLoader and AccountConsole answer it: a request that asks for
no JSON is the console (a browser is sent to sign in), the query of keycloak-js ``accountManagement()`` is kept
(``referrer``/``referrer_uri`` give a "Back to" link when the URI is one of the referrer's redirect URIs) and
``scope`` reaches the sign-in; a session without a known browser has no ``browser``."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from console_support import sign_in
from support import password_grant, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"


@pytest.mark.parametrize("accept", [None, "*/*"])
async def test_without_json_in_accept_and_without_a_token_the_account_url_is_the_console(
    realm: Env, accept: str | None
) -> None:
    headers = {"Accept": accept} if accept else {}
    if accept is None:
        realm.http.headers.pop("accept", None)
    response = await realm.http.get(ACCOUNT, headers=headers)
    assert (response.status_code, response.headers["location"]) == (302, f"{ACCOUNT}/")
    json = await realm.http.get(ACCOUNT, headers={"Accept": "application/json"})
    assert (json.status_code, json.json()) == (401, {"error": "HTTP 401 Unauthorized"})


async def test_the_console_redirect_keeps_referrer_and_scope(realm: Env) -> None:
    query = "referrer=app&referrer_uri=https%3A%2F%2Fapp.example%2Fhome&scope=phone%20address"
    response = await realm.http.get(f"{ACCOUNT}?{query}", headers={"Accept": "text/html"})
    assert (response.status_code, response.headers["location"]) == (302, f"{ACCOUNT}/?{query}")
    login = await realm.http.get(response.headers["location"], headers={"Accept": "text/html"})
    assert parse_qs(urlsplit(login.headers["location"]).query)["scope"] == ["openid phone address"]


async def test_a_valid_referrer_gives_a_back_link_and_an_unregistered_uri_none(realm: Env) -> None:
    await update_client(realm.db, "test", "app", name="My App", redirect_uris=("https://app.example/*",))
    page = await sign_in(realm.http, f"{ACCOUNT}/?referrer=app&referrer_uri=https://app.example/home")
    assert '<a class="back" href="https://app.example/home">Back to My App</a>' in page.text
    other = await realm.http.get(
        f"{ACCOUNT}/?referrer=app&referrer_uri=https://evil.example/", headers={"Accept": "text/html"}
    )
    assert other.status_code == 200 and "Back to" not in other.text
    unknown = await realm.http.get(f"{ACCOUNT}/?referrer=nope", headers={"Accept": "text/html"})
    assert "Back to" not in unknown.text


async def test_a_session_without_a_user_agent_has_no_browser(realm: Env) -> None:
    realm.http.headers.pop("user-agent", None)
    tokens = (await password_grant(realm.http, "test", "app", "user1")).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    [session] = (await realm.http.get(f"{ACCOUNT}/sessions", headers=headers)).json()
    assert "browser" not in session
