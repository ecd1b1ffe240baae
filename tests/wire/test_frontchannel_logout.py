"""OIDC Front-Channel Logout 1.0 at RP-initiated logout, as Keycloak 26 serves it: the
``frontchannel-logout.ftl`` page with one hidden iframe per front-channel client (FrontChannelLogoutHandler),
``sid`` and ``iss`` on its URL unless ``frontchannel.logout.session.required`` is false, the CSP that lets the
iframes load, and the ``logoutRedirectUri`` the page continues to (OIDCLoginProtocol.finishBrowserLogout).
Scenarios of Keycloak's RPInitiatedFrontChannelLogoutTest, plus who is told what beside it
(AuthenticationManager.browserLogoutAllClients)."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import exchange, form_fields, login, start, submit
from receiver import receiver
from support import claims, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
LOGOUT = "/realms/test/protocol/openid-connect/logout"
ISSUER = "http://localhost/realms/test"
FC_URL = "frontchannel.logout.url"
FC_SESSION = "frontchannel.logout.session.required"
BC_URL = "backchannel.logout.url"
APP_LOGOUT = "http://127.0.0.1:9999/admin/frontchannelLogout"
AFTER = "http://127.0.0.1:9999/after-logout"
PAGE_CSP = "frame-src 'self'; frame-ancestors 'self'; object-src 'none';"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def front_client(env: Env, client_id: str = "app", url: str | None = APP_LOGOUT, **kw: Any) -> None:
    attributes = {"post.logout.redirect.uris": "http://127.0.0.1:9999/*", **kw.pop("attributes", {})}
    if url is not None:
        attributes[FC_URL] = url
    kw.setdefault("frontchannel_logout", True)
    await seed_client(
        env.db, "test", client_id, redirect_uris=("http://127.0.0.1:9999/*",), attributes=attributes, **kw
    )


async def signed_in(env: Env, client_id: str = "app") -> dict[str, Any]:
    """The browser logs in to ``client_id``; the ID token's claims and the raw token."""
    code = (await login(env.http, "test", client_id))["code"]
    response = await exchange(env.http, "test", client_id, code)
    assert response.status_code == 200, response.text
    token = response.json()["id_token"]
    return {**claims(token), "raw": token}


async def still_logged_in(env: Env) -> bool:
    return (await start(env.http, "test", "app")).status_code == 302


def iframes(page: str) -> list[str]:
    return [html.unescape(src) for src in re.findall(r'<iframe src="([^"]*)" style="display:none;"></iframe>', page)]


def continue_link(page: str) -> str | None:
    match = re.search(r'<a id="continue"[^>]*href="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


async def logout(env: Env, **params: str) -> httpx.Response:
    return await env.http.get(LOGOUT, params=params)


# --- testFrontChannelLogoutWithPostLogoutRedirectUri ----------------------------------------------
async def test_the_page_frames_the_client_with_sid_and_iss_and_continues_to_the_redirect(realm: Env) -> None:
    await front_client(realm)
    id_token = await signed_in(realm)
    page = await logout(realm, id_token_hint=id_token["raw"], post_logout_redirect_uri=AFTER, state="s1")
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    [src] = iframes(page.text)
    parts = urlsplit(src)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == APP_LOGOUT
    assert parse_qs(parts.query) == {"sid": [id_token["sid"]], "iss": [id_token["iss"]]}
    assert src == f"{APP_LOGOUT}?sid={id_token['sid']}&iss={ISSUER}", "iss is sent as UriBuilder.queryParam writes it"
    assert continue_link(page.text) == AFTER + "?state=s1"
    assert f'window.location.replace("{AFTER}?state=s1")' in page.text
    assert not await still_logged_in(realm)


async def test_the_page_lets_the_iframes_load_and_is_not_framed_by_others(realm: Env) -> None:
    await front_client(realm)
    id_token = await signed_in(realm)
    page = await logout(realm, id_token_hint=id_token["raw"], post_logout_redirect_uri=AFTER)
    # DefaultSecurityHeadersProvider: the page CSP with each logout URL's authority added to frame-src
    # (ContentSecurityPolicyBuilder.addFrameSrc, the trailing space of FrontChannelLogoutHandler included).
    assert page.headers["content-security-policy"] == (
        "frame-src 'self' 127.0.0.1:9999 ; frame-ancestors 'self'; object-src 'none';"
    )
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["cache-control"] == "no-store, must-revalidate, max-age=0"


# --- testFrontChannelLogout ---------------------------------------------------------------------------
async def test_without_a_redirect_the_page_names_the_apps_and_stays(realm: Env) -> None:
    await front_client(realm, name="My Testing App")
    id_token = await signed_in(realm)
    page = await logout(realm, id_token_hint=id_token["raw"])
    assert page.status_code == 200
    assert re.search(r"<title>Logging out</title>", page.text)
    assert "You are logging out from following apps" in page.text and "My Testing App" in page.text
    assert len(iframes(page.text)) == 1
    assert continue_link(page.text) is None and "window.location.replace" not in page.text
    assert not await still_logged_in(realm)


async def test_a_client_without_a_name_is_listed_by_its_client_id(realm: Env) -> None:
    await front_client(realm)
    page = await logout(realm, id_token_hint=(await signed_in(realm))["raw"])
    assert re.search(r"<li>\s*app\s*<iframe", page.text), page.text


# --- testFrontChannelLogoutWithoutSessionRequired ----------------------------------------------------
async def test_without_session_required_the_url_carries_neither_sid_nor_iss(realm: Env) -> None:
    await front_client(realm, attributes={FC_SESSION: "false"})
    page = await logout(realm, id_token_hint=(await signed_in(realm))["raw"], post_logout_redirect_uri=AFTER)
    assert iframes(page.text) == [APP_LOGOUT]


async def test_the_logout_url_keeps_its_own_query_and_fragment(realm: Env) -> None:
    await front_client(realm, url="http://127.0.0.1:9999/fc?tenant=a%20b#top")
    id_token = await signed_in(realm)
    page = await logout(realm, id_token_hint=id_token["raw"])
    assert iframes(page.text) == [f"http://127.0.0.1:9999/fc?tenant=a%20b&sid={id_token['sid']}&iss={ISSUER}#top"]


# --- the confirmation page (no id_token_hint) -------------------------------------------------------
async def test_after_the_confirmation_the_page_frames_the_client(realm: Env) -> None:
    await front_client(realm)
    id_token = await signed_in(realm)
    confirm = await logout(realm, client_id="app", post_logout_redirect_uri=AFTER, state="st")
    assert confirm.status_code == 200 and "Do you want to log out?" in confirm.text
    assert await still_logged_in(realm)
    done = await submit(realm.http, confirm)
    assert done.status_code == 200, done.text
    assert iframes(done.text) == [f"{APP_LOGOUT}?sid={id_token['sid']}&iss={ISSUER}"]
    assert continue_link(done.text) == AFTER + "?state=st"
    assert not await still_logged_in(realm)


async def test_confirmed_without_any_parameter_the_page_has_no_redirect(realm: Env) -> None:
    await front_client(realm)
    await signed_in(realm)
    confirm = await logout(realm)
    assert form_fields(confirm.text)["session_code"]
    done = await submit(realm.http, confirm)
    assert done.status_code == 200 and len(iframes(done.text)) == 1
    assert continue_link(done.text) is None


# --- who is told what (browserLogoutAllClients) ----------------------------------------------------
async def test_a_back_channel_client_gets_its_token_and_only_front_channel_clients_are_framed(realm: Env) -> None:
    await front_client(realm, name="Front")
    with receiver() as got:
        await front_client(realm, "back", url=None, frontchannel_logout=False, attributes={BC_URL: f"{got.url}/bc"})
        await signed_in(realm, "back")
        id_token = await signed_in(realm)
        page = await logout(realm, id_token_hint=id_token["raw"], post_logout_redirect_uri=AFTER)
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/bc"]
    assert iframes(page.text) == [f"{APP_LOGOUT}?sid={id_token['sid']}&iss={ISSUER}"]
    assert "Front" in page.text and "back" not in re.sub(r"<iframe[^>]*>", "", page.text.split("<ul>")[1])


async def test_a_front_channel_client_without_a_url_is_told_nothing_and_the_logout_redirects(realm: Env) -> None:
    with receiver() as got:
        await front_client(realm, url=None, attributes={BC_URL: f"{got.url}/bc"})
        id_token = await signed_in(realm)
        done = await logout(realm, id_token_hint=id_token["raw"], post_logout_redirect_uri=AFTER, state="s")
        await realm.drain()
    assert done.status_code == 302 and done.headers["location"] == AFTER + "?state=s"
    assert got.requests == [], "isFrontChannelLogoutEnabled is false, and backchannel skips frontchannelLogout clients"
    assert not await still_logged_in(realm)


async def test_a_url_without_the_front_channel_switch_is_not_framed(realm: Env) -> None:
    await front_client(realm, frontchannel_logout=False)
    done = await logout(realm, id_token_hint=(await signed_in(realm))["raw"], post_logout_redirect_uri=AFTER)
    assert done.status_code == 302 and done.headers["location"] == AFTER


async def test_admin_logout_cannot_frame_and_tells_a_front_channel_client_nothing(realm: Env) -> None:
    with receiver() as got:
        await front_client(realm, attributes={BC_URL: f"{got.url}/bc"})
        id_token = await signed_in(realm)
        response = await realm.http.post(
            f"/admin/realms/test/users/{id_token['sub']}/logout", headers=await realm.admin_headers()
        )
        assert response.status_code == 204
        await realm.drain()
    assert got.requests == []
    assert not await still_logged_in(realm)


# --- escaping and hardening -----------------------------------------------------------------------------
async def test_the_redirect_is_a_double_quoted_script_string_and_every_value_is_escaped(realm: Env) -> None:
    # RPInitiatedFrontChannelLogoutTest.testFrontChannelLogoutRedirectUriIsEscapedInJs
    await front_client(realm, name="<b>App</b>")
    hostile = "http://127.0.0.1:9999/');alert(document.cookie);//"
    page = await logout(realm, id_token_hint=(await signed_in(realm))["raw"], post_logout_redirect_uri=hostile)
    assert page.status_code == 200, page.text
    assert "window.location.replace('" not in page.text
    assert f'window.location.replace("{hostile}")' in page.text
    assert continue_link(page.text) == hostile
    assert "<b>App</b>" not in page.text and "&lt;b&gt;App&lt;/b&gt;" in page.text


async def test_the_script_string_cannot_end_its_script_element(realm: Env) -> None:
    await front_client(realm)
    target = "http://127.0.0.1:9999/x?a=1&b=2"
    page = await logout(realm, id_token_hint=(await signed_in(realm))["raw"], post_logout_redirect_uri=target)
    assert 'window.location.replace("http://127.0.0.1:9999/x?a=1\\u0026b=2")' in page.text
    assert continue_link(page.text) == target


@pytest.mark.parametrize("url", ["javascript:alert(1)", "/relative/logout", "http://a;script-src *@evil/x"])
async def test_a_logout_url_that_is_no_plain_web_url_is_never_framed(realm: Env, url: str) -> None:
    await front_client(realm, url=url)
    done = await logout(realm, id_token_hint=(await signed_in(realm))["raw"], post_logout_redirect_uri=AFTER)
    assert done.status_code == 302 and done.headers["location"] == AFTER
    assert not await still_logged_in(realm)


async def test_a_logout_that_ends_no_session_redirects_without_a_page(realm: Env) -> None:
    await front_client(realm)
    await signed_in(realm)
    first = await logout(realm, client_id="app")
    await submit(realm.http, first)
    again = await logout(realm, client_id="app", post_logout_redirect_uri=AFTER)
    assert again.status_code == 302 and again.headers["location"] == AFTER
