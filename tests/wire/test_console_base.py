"""The shared console base, driven over HTTP: sign-in through the login page with PKCE, the sealed session
cookie, CSRF and origin checks, flash messages, sign-out through the end-session endpoint."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from console_support import HTML, csrf
from console_support import sign_in as sign_in_at
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.")  # a JWT's header and payload


async def sign_in(env: Env, path: str = f"{ACCOUNT}/") -> httpx.Response:
    return await sign_in_at(env.http, path)


async def test_a_console_page_without_a_session_redirects_to_the_login_with_pkce_state_and_nonce(realm: Env) -> None:
    response = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert location.path == "/realms/test/protocol/openid-connect/auth"
    assert query["client_id"] == "account-console"
    assert query["redirect_uri"] == "http://localhost/realms/test/account/callback"
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"]
    flow = response.headers["set-cookie"]
    assert "HttpOnly" in flow and "Path=/realms/test/account/" in flow and "SameSite=lax" in flow


async def test_signing_in_shows_the_page_asked_for_with_the_user_and_no_token_in_it(realm: Env) -> None:
    page = await sign_in(realm, f"{ACCOUNT}/applications")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "user1" in page.text and "<h1>Applications</h1>" in page.text
    assert not JWT.search(page.text)  # no JWT rendered
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"  # so Chromium sends a real Origin with forms


async def test_the_session_cookie_is_sealed_so_no_token_travels_in_clear(realm: Env) -> None:
    await sign_in(realm)
    jar = realm.http.cookies.jar
    values = [c.value for c in jar if c.name.startswith("DOORKEEP_CONSOLE_SESSION") and c.value is not None]
    # a JWT is dot-separated base64url; a Fernet token has no dot (and may hold "eyJ" by chance: 1 in ~250)
    assert values and not any("." in v or JWT.search(v) for v in values)


async def test_a_callback_with_a_wrong_state_is_refused_in_words(realm: Env) -> None:
    await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    response = await realm.http.get(f"{ACCOUNT}/callback", params={"state": "forged", "code": "x"})
    assert response.status_code == 400
    assert "The sign-in has expired or was started elsewhere" in response.text


async def test_an_expired_access_token_is_refreshed_and_the_page_still_shows(realm: Env) -> None:
    await sign_in(realm)
    realm.clock.advance(400)  # past the 300 s access token, within the 1800 s SSO idle
    page = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert page.status_code == 200 and "user1" in page.text
    assert any(c.name.startswith("DOORKEEP_CONSOLE_SESSION") for c in realm.http.cookies.jar)


async def test_an_action_without_the_csrf_token_is_refused(realm: Env) -> None:
    await sign_in(realm)
    response = await realm.http.post(
        f"{ACCOUNT}/", data={"firstName": "Mallory"}, headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 403
    assert "This form has expired or did not come from this page" in response.text


async def test_an_action_from_another_origin_is_refused_even_with_the_token(realm: Env) -> None:
    page = await sign_in(realm)
    response = await realm.http.post(
        f"{ACCOUNT}/",
        data={"csrf_token": csrf(page), "firstName": "Mallory"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


async def test_an_action_with_token_and_origin_runs_and_flashes_its_result_once(realm: Env) -> None:
    page = await sign_in(realm)
    response = await realm.http.post(
        f"{ACCOUNT}/",
        data={"csrf_token": csrf(page), "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303 and response.headers["location"] == f"{ACCOUNT}/"
    shown = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert "Your account has been updated." in shown.text and 'value="Ada"' in shown.text
    again = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert "Your account has been updated." not in again.text


async def test_signing_out_goes_through_the_end_session_endpoint_and_ends_the_session(realm: Env) -> None:
    page = await sign_in(realm)
    sid = None
    response = await realm.http.post(
        f"{ACCOUNT}/sign-out", data={"csrf_token": csrf(page)}, headers={"Origin": "http://localhost"}
    )
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    assert target.path == "/realms/test/protocol/openid-connect/logout"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["post_logout_redirect_uri"] == "http://localhost/realms/test/account/"
    sid = claims(query["id_token_hint"])["sid"]
    logout = await realm.http.get(response.headers["location"])
    assert logout.status_code == 302 and logout.headers["location"] == "http://localhost/realms/test/account/"
    again = await realm.http.get(f"{ACCOUNT}/", headers=HTML)
    assert again.status_code == 302 and "/protocol/openid-connect/auth" in again.headers["location"]
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(sid, False) is None


async def test_json_callers_still_get_the_account_rest_api_at_the_same_urls(realm: Env) -> None:
    token = (await password_grant(realm.http, "test", "app", "user1", "password")).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await realm.http.get(ACCOUNT, headers=bearer)).json()["username"] == "user1"
    assert isinstance((await realm.http.get(f"{ACCOUNT}/applications", headers=bearer)).json(), list)
    assert (await realm.http.get(ACCOUNT, headers={"Accept": "application/json"})).status_code == 401
    assert (await realm.http.get(ACCOUNT)).status_code == 302  # no JSON asked, no token: the console (AccountLoader)
    assert (await realm.http.get(f"{ACCOUNT}/", headers=bearer)).json()["username"] == "user1"
    mine = {"email": "user1@example.com", "firstName": "Rest", "lastName": "Tester"}
    update = await realm.http.post(f"{ACCOUNT}/", json=mine, headers=bearer)
    assert update.status_code == 204
    assert (await realm.http.get(ACCOUNT, headers=bearer)).json()["firstName"] == "Rest"


async def test_a_browser_at_the_account_url_without_slash_is_sent_to_the_console(realm: Env) -> None:
    response = await realm.http.get(ACCOUNT, headers=HTML)
    assert response.status_code == 302 and response.headers["location"] == f"{ACCOUNT}/"


@pytest.mark.parametrize("path", ["/resources/console/console.css"])
async def test_static_files_are_served_as_files_with_nosniff(realm: Env, path: str) -> None:
    response = await realm.http.get(path)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/css")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert (await realm.http.get("/resources/console/../../app.py")).status_code == 404
