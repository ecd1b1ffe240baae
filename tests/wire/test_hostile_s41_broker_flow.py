"""Identity brokering's browser endpoints under attack: the broker callback's ``state`` is bound to the browser's
authentication session (IdentityBrokerService finds the login by AUTH_SESSION_ID and the state's tab), good for one
answer; nothing in a broker URL or parameter reaches a header or a page unescaped; the "Account already exists" link
confirmation needs the browser's own login and its password form counts failures (Brute Force Detection)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import jwt
import pytest

from broker_support import (
    ALIAS,
    Broker,
    browser,
    button,
    callback,
    query,
    served_with_fake,
    start_login,
    to_provider,
)
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from fake_idp import FakeIdp
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

INVALID_REQUEST = "Invalid Request"
EXPIRED = "Your login attempt timed out."


@pytest.fixture
async def pair(env: Env) -> AsyncIterator[tuple[Broker, FakeIdp]]:
    async with served_with_fake(env) as found:
        yield found


def refused(response: httpx.Response) -> None:
    assert response.status_code in (400, 502), response.text
    assert "location" not in response.headers


async def test_a_tampered_state_is_refused_before_any_code_exchange(pair: tuple[Broker, FakeIdp]) -> None:
    broker, idp = pair
    async with browser(broker) as http:
        state = (await to_provider(http, idp))["state"]
        secret, tab, client = state.split(".", 2)
        for forged in (f"x{secret}.{tab}.{client}", f"{secret}.{tab}.other-client", f"{secret}.{tab}", "a.b.c", "..."):
            answer = await callback(http, forged)
            refused(answer)
            assert INVALID_REQUEST in answer.text
        # No provider of that alias: IdentityBrokerService.getEndpoint's NotFoundException, before the state is read
        # (Doorkeep read the state first until session 60)
        unknown = await callback(http, state, alias="other")
        assert unknown.status_code == 404, unknown.text
        assert not idp.token_requests
        # the real state still works afterwards: the forgeries burnt nothing
        done = await callback(http, state)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_the_state_is_bound_to_the_browser_that_started_the_login(pair: tuple[Broker, FakeIdp]) -> None:
    """Cross-browser use (login CSRF through the broker): the victim's browser, holding no or another auth session,
    cannot finish the attacker's provider login; the code is never exchanged."""
    broker, idp = pair
    async with browser(broker) as attacker:
        state = (await to_provider(attacker, idp))["state"]
    async with browser(broker) as victim:
        answer = await callback(victim, state)
        refused(answer)
        await start_login(victim)  # the victim's own login: another root auth session
        refused(await callback(victim, state))
    assert not idp.token_requests


async def test_a_callback_is_good_for_one_answer(pair: tuple[Broker, FakeIdp]) -> None:
    broker, idp = pair
    async with browser(broker) as http:
        state = (await to_provider(http, idp))["state"]
        assert (await callback(http, state)).status_code == 302
        again = await callback(http, state)
        # the tab is gone and the browser signed in: SessionCodeChecks' ALREADY_LOGGED_IN, an error for the client
        # (by the state's client data), never a second code nor a second exchange
        assert again.headers["location"].startswith(REDIRECT + "?error=temporarily_unavailable&"), again.text
        assert "code" not in query(again.headers["location"])
    assert len(idp.token_requests) == 1


async def test_a_missing_state_is_keycloak_s_502(pair: tuple[Broker, FakeIdp]) -> None:
    broker, idp = pair
    async with browser(broker) as http:
        answer = await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params={"code": "c1"})
        assert answer.status_code == 502
        assert "Missing state parameter in response from identity provider." in answer.text
    assert not idp.token_requests


async def test_nothing_from_the_provider_s_answer_reaches_a_header_or_raw_html(pair: tuple[Broker, FakeIdp]) -> None:
    broker, idp = pair
    script = '<script>alert("x")</script>'
    async with browser(broker) as http:
        state = (await to_provider(http, idp))["state"]
        answer = await http.get(
            f"/realms/test/broker/{ALIAS}/endpoint",
            params={"state": state, "error": f"x\r\nSet-Cookie: a=b{script}", "error_description": script},
        )
        assert answer.status_code == 200, answer.text
        assert script not in answer.text and "set-cookie: a=b" not in str(answer.headers).lower()
        for junk in (f"/realms/test/broker/{script}/login", "/realms/test/broker/kc%0d%0aX-Evil:%201/endpoint"):
            odd = await http.get(junk, params={"state": f"{state}\r\nX-Evil: 1"})
            assert odd.status_code < 500 and "x-evil" not in odd.headers and script not in odd.text
        # kc_idp_hint names a provider only: junk is ignored, and the redirect goes to the provider's own URL
        page = await start_login(http, kc_idp_hint=f"{ALIAS}\r\nX-Evil: 1")
        assert page.status_code == 200 and "x-evil" not in page.headers
        # the Identity Provider Redirector's 303 (Response.seeOther) to the broker's login URL, then the provider's
        hinted = await start_login(http, kc_idp_hint=ALIAS)
        assert hinted.status_code == 303 and f"/realms/test/broker/{ALIAS}/login?" in hinted.headers["location"]
        sent = await http.get(hinted.headers["location"])
        assert sent.status_code == 302 and sent.headers["location"].startswith(idp.base + "/auth?")


async def test_the_broker_login_url_needs_the_tab_s_session_code(pair: tuple[Broker, FakeIdp]) -> None:
    """A login link forged or replayed into another browser does not send that browser to the provider."""
    broker, _ = pair
    async with browser(broker) as http:
        page = await start_login(http)
        link = button(page)
    async with browser(broker) as other:
        await start_login(other)
        answer = await other.get(link)
        # a tab this browser does not have: its own login restarted from its KC_RESTART (SessionCodeChecks), to
        # its own login form, never to the provider
        assert answer.status_code < 500, answer.text
        assert "/login-actions/authenticate?" in answer.headers.get("location", "/login-actions/authenticate?")
        forged = link.replace("session_code=", "session_code=x")
        answer = await other.get(forged)
        assert "/broker/" not in answer.headers.get("location", "") and "/auth?" not in answer.headers.get(
            "location", ""
        )


async def _to_confirm_page(broker: Broker, http: httpx.AsyncClient, idp: FakeIdp) -> httpx.Response:
    """The provider's identity has the e-mail of the existing user ``mallory``: the "Account already exists" page."""
    state = (await to_provider(http, idp))["state"]
    page = await callback(http, state)
    assert page.status_code == 200 and "already exists" in page.text, page.text
    return page


@pytest.fixture
async def existing(pair: tuple[Broker, FakeIdp]) -> tuple[Broker, FakeIdp]:
    broker, _ = pair
    await seed_user(broker.env.db, broker.env.clock, "test", "mallory", email="mallory@idp.example")
    return pair


async def test_the_link_confirmation_is_refused_from_another_browser(existing: tuple[Broker, FakeIdp]) -> None:
    """CSRF on login-idp-link-confirm: its form posted by a page in a browser without the login's auth session
    links nothing."""
    broker, idp = existing
    async with browser(broker) as http:
        page = await _to_confirm_page(broker, http, idp)
        target, fields = form_action(page.text), form_fields(page.text)
    async with browser(broker) as victim:
        await start_login(victim)
        answer = await victim.post(target, data={**fields, "submitAction": "linkAccount"})
        assert answer.status_code < 500 and "location" not in answer.headers
        assert "password" not in form_fields(answer.text) and EXPIRED in answer.text
    await _assert_not_linked(broker)


async def test_the_link_password_form_is_brute_force_protected(existing: tuple[Broker, FakeIdp]) -> None:
    """IdpUsernamePasswordForm is a password form: with Brute Force Detection on, failures lock the account and the
    right password then links nothing."""
    broker, idp = existing
    await update_realm(broker.env.db, "test", brute_force_protected=True, failure_factor=2)
    async with browser(broker) as http:
        page = await _to_confirm_page(broker, http, idp)
        page = await http.post(form_action(page.text), data={**form_fields(page.text), "submitAction": "linkAccount"})
        assert page.status_code == 200 and "password" in page.text
        for _ in range(3):
            page = await http.post(form_action(page.text), data={**typed_fields(page.text), "password": "wrong"})
            assert page.status_code == 200 and "Invalid" in page.text
        page = await http.post(form_action(page.text), data={**typed_fields(page.text), "password": "password"})
        assert "location" not in page.headers, page.headers
        # the locked user's answer is the generic message (disabledByBruteForceError: Messages.INVALID_USER)
        assert page.status_code == 200 and "Invalid username or password." in page.text
    await _assert_not_linked(broker)


async def _assert_not_linked(broker: Broker) -> None:
    headers = await broker.env.admin_headers()
    users = await broker.env.http.get("/admin/realms/test/users", params={"username": "mallory"}, headers=headers)
    user_id = users.json()[0]["id"]
    links = await broker.env.http.get(f"/admin/realms/test/users/{user_id}/federated-identity", headers=headers)
    assert links.json() == []


async def test_broker_urls_follow_the_host_as_the_token_endpoint_s_issuer_does(pair: tuple[Broker, FakeIdp]) -> None:
    """The redirect URI sent to the provider is built on the same base URL as the issuer of the token endpoint:
    the request's Host in development mode, and ``X-Forwarded-Host`` is ignored while no proxy headers are
    trusted."""
    broker, _ = pair
    for headers, expected in (
        ({"X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}, broker.base),
        ({"Host": "forged.example:8443"}, "http://forged.example:8443"),
    ):
        async with browser(broker) as http:
            query_params = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
            page = await http.get("/realms/test/protocol/openid-connect/auth", params=query_params, headers=headers)
            link = button(page).replace(expected, broker.base, 1)
            sent = await http.get(link, headers=headers)
            assert sent.status_code == 302, sent.text
            assert query(sent.headers["location"])["redirect_uri"] == f"{expected}/realms/test/broker/{ALIAS}/endpoint"
            token = await http.post(
                "/realms/test/protocol/openid-connect/token",
                data={"grant_type": "password", "username": "user1", "password": "password"},
                auth=("app", "secret"),
                headers=headers,
            )
            assert token.status_code == 200, token.text
            issuer = jwt.decode(token.json()["access_token"], options={"verify_signature": False})["iss"]
            assert issuer == f"{expected}/realms/test"
