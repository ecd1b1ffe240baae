"""Keycloak's KcOidcMultipleTabsBrokerTest (testsuite/.../testsuite/broker/, keycloak@032dfc16) over real HTTP:
MultipleTabsLoginTest's two tabs of one browser (one cookie jar; a tab is the page it last got), with realm ``test``
brokering realm ``provider`` of the same server (tests/broker_support.py) through provider ``kc`` whose ``prompt``
is ``login`` (KcOidcBrokerConfiguration). ``setTimeOffset`` is the fake clock.

* testAuthenticationExpiredWithMoreBrowserTabs_clickIdpLoginInTab1AfterExpiration: two tabs on the consumer's login
  page; far later, tab 2's provider button says the login timed out and the login then goes through; tab 1's
  provider button, its tab gone meanwhile, sends the browser to the client with ``temporarily_unavailable`` /
  ``authentication_expired`` (SessionCodeChecks' ALREADY_LOGGED_IN through the link's ``client_data``).
* ..._loginExpiredInBothConsumerAndProvider: tab 1 stopped at the provider's login form; after tab 2's login, tab
  1's form posted: the provider's tab is gone and the browser signed in there, so the provider sends
  ``temporarily_unavailable`` / ``authentication_expired`` to the consumer's broker endpoint (LOGIN_ERROR
  ``already_logged_in`` in the provider realm), and the consumer, its tab gone too, sends the same on to its client
  from the ``client_data`` its state carries (IDENTITY_PROVIDER_LOGIN_ERROR ``already_logged_in``).
* ..._requiresShortStateParameter: the same with the provider's ``requiresShortStateParameter``: the state carries
  no ``client_data``, so the consumer cannot reach its client and shows "You are already logged in.".
* ..._loginExpiredInProvider: the consumer's tab still alive (Login timeout 7200 s, an hour later): it answers the
  provider's ``authentication_expired`` by asking the provider again (IDENTITY_PROVIDER_LOGIN ``login_retry``),
  which asks to re-authenticate (``prompt=login``); the login ends at the client with a code.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, SAVED, Broker, browser, button, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from login_test_realm import LOGIN_TIMEOUT, error, is_login_page
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

FAR = 7200000  # the Java test's setTimeOffset
AUTHENTICATION_EXPIRED = "authentication_expired"  # Constants.AUTHENTICATION_EXPIRED_MESSAGE


async def _configured(broker: Broker, **config: str) -> None:
    """KcOidcBrokerConfiguration's provider (``prompt=login``); events saved in both realms."""
    await broker.add_provider(config=broker.provider_rep(prompt="login", **config)["config"])
    await update_realm(broker.env.db, "provider", events_enabled=True)
    saved = (*SAVED, "IDENTITY_PROVIDER_LOGIN")
    await update_realm(broker.env.db, "test", enabled_event_types=saved)


async def _events(env: Env, realm: str, since: int) -> list[tuple[str, str | None, dict[str, Any]]]:
    """The realm's events from second ``since`` on (``events.clear()``: the clock moved a second before)."""
    async with env.db.transaction(write=False) as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        rows = await tx.events.find(found.id)
    kept = [e for e in rows if e.time >= since * 1000]
    return [(e.type, e.error, {**e.details, "_client": e.client_id, "_user": e.user_id}) for e in kept]


def _cleared(env: Env) -> int:
    """``events.clear()``: the clock a second on, the time later events are read from."""
    env.clock.advance(1)
    return env.clock.now()


async def _at_provider_form(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    """``loginPage.clickSocial``: the provider's login form."""
    sent = await http.get(button(page))
    assert sent.status_code == 302, sent.text[:1500]
    form = await http.get(sent.headers["location"])
    assert form.status_code == 200 and "/realms/provider/" in form_action(form.text), form.text[:1500]
    return form


async def _post_password(http: httpx.AsyncClient, form: httpx.Response) -> httpx.Response:
    fields = {**form_fields(form.text), "username": "alice", "password": "password"}
    return await http.post(form_action(form.text), data=fields)


async def _follow_here(http: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """Redirects followed on this server until one leaves for the client or a page shows."""
    for _ in range(10):
        if answer.status_code not in (302, 303) or answer.headers["location"].startswith(REDIRECT):
            return answer
        answer = await http.get(answer.headers["location"])
    raise AssertionError("too many redirects")


async def _tab2_logs_in_after_timeout(http: httpx.AsyncClient, tab2: httpx.Response) -> None:
    """Tab 2's provider button after the clock moved: the login form saying the login timed out; its button again,
    the provider's form, alice's password: back at the client with a code."""
    timed_out = await _follow_here(http, await http.get(button(tab2)))
    assert is_login_page(timed_out) and error(timed_out) == LOGIN_TIMEOUT, timed_out.text[:1500]
    done = await _follow_here(http, await _post_password(http, await _at_provider_form(http, timed_out)))
    assert done.status_code == 302 and "code" in query(done.headers["location"]), done.text[:1500]


def _already_logged_in_at_client(answer: httpx.Response) -> None:
    """assertOnAppPageWithAlreadyLoggedInError."""
    assert answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT + "?"), answer.text[:1500]
    params = query(answer.headers["location"])
    assert params["error"] == "temporarily_unavailable", params
    assert params["error_description"] == AUTHENTICATION_EXPIRED, params


async def test_click_idp_login_in_tab1_after_expiration(env: Env) -> None:
    """..._clickIdpLoginInTab1AfterExpiration."""
    async with served(env) as broker:
        await _configured(broker)
        async with browser(broker) as http:
            tab1 = await start_login(http)
            tab2 = await start_login(http)
            env.clock.advance(FAR)
            await _tab2_logs_in_after_timeout(http, tab2)
            answer = await _follow_here(http, await http.get(button(tab1)))
        _already_logged_in_at_client(answer)


def _provider_already_logged_in(broker: Broker, found: list[tuple[str, str | None, dict[str, Any]]]) -> None:
    """The provider realm's LOGIN_ERROR ``already_logged_in``: client ``broker-app``, no user, redirected to the
    consumer's broker endpoint."""
    errors = [d for t, e, d in found if t == "LOGIN_ERROR" and e == "already_logged_in"]
    assert len(errors) == 1, found
    [details] = errors
    assert details["_client"] == "broker-app" and details["_user"] is None, details
    assert details["redirect_uri"] == f"{broker.base}/realms/test/broker/{ALIAS}/endpoint", details
    assert details["redirected_to_client"] == "true", details
    assert details["response_type"] == "code" and details["response_mode"] == "query", details
    assert "consent" not in details and "code_id" not in details, details  # removeDetail(CONSENT), (CODE_ID)


async def _password_after_both_expired(env: Env, broker: Broker) -> tuple[httpx.Response, int]:
    """Tab 1 at the provider's form, tab 2 started, both expired, tab 2 logged in, the events cleared; then tab 1's
    password posted and followed: the page it ends on and the events' start."""
    async with browser(broker) as http:
        form = await _at_provider_form(http, await start_login(http))
        tab2 = await start_login(http)
        env.clock.advance(FAR)
        await _tab2_logs_in_after_timeout(http, tab2)
        since = _cleared(env)
        return await _follow_here(http, await _post_password(http, form)), since


async def test_login_expired_in_both_consumer_and_provider(env: Env) -> None:
    """..._loginExpiredInBothConsumerAndProvider."""
    async with served(env) as broker:
        await _configured(broker)
        answer, since = await _password_after_both_expired(env, broker)
        _already_logged_in_at_client(answer)
        _provider_already_logged_in(broker, await _events(env, "provider", since))
        consumer = [(t, e, d) for t, e, d in await _events(env, "test", since)]
        [(kind, err, details)] = consumer
        assert (kind, err) == ("IDENTITY_PROVIDER_LOGIN_ERROR", "already_logged_in"), consumer
        assert details["_client"] == "app" and details["_user"] is None, details
        assert details["redirect_uri"] == REDIRECT and details["redirected_to_client"] == "true", details
        assert details["response_type"] == "code" and details["response_mode"] == "query", details


async def test_login_expired_in_both_requires_short_state_parameter(env: Env) -> None:
    """..._loginExpiredInBothConsumerAndProvider_requiresShortStateParameter."""
    async with served(env) as broker:
        await _configured(broker, requiresShortStateParameter="true")
        page, since = await _password_after_both_expired(env, broker)
        assert page.status_code == 200 and "You are already logged in." in page.text, page.text[:1500]
        _provider_already_logged_in(broker, await _events(env, "provider", since))
        consumer = [(t, e, d) for t, e, d in await _events(env, "test", since)]
        [(kind, err, details)] = consumer
        assert (kind, err) == ("IDENTITY_PROVIDER_LOGIN_ERROR", "already_logged_in"), consumer
        assert details["_client"] == "app" and "redirect_uri" not in details, details
        assert details["redirected_to_client"] == "false", details


async def test_login_expired_in_provider(env: Env) -> None:
    """..._loginExpiredInProvider."""
    async with served(env) as broker:
        await _configured(broker)
        await update_realm(env.db, "test", access_code_lifespan_login=7200)
        async with browser(broker) as http:
            form = await _at_provider_form(http, await start_login(http))
            tab2 = await start_login(http)
            env.clock.advance(3600)
            done = await _follow_here(http, await _post_password(http, await _at_provider_form(http, tab2)))
            assert done.status_code == 302 and "code" in query(done.headers["location"]), done.text[:1500]
            since = _cleared(env)
            again = await _follow_here(http, await _post_password(http, form))
            assert again.status_code == 200 and "Please re-authenticate to continue" in again.text, again.text[:1500]
            assert "/realms/provider/" in form_action(again.text)
            answer = await _follow_here(http, await _post_password(http, again))
        assert answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT + "?"), answer.text
        params = query(answer.headers["location"])
        assert "code" in params and "error" not in params, params
        _provider_already_logged_in(broker, [e for e in await _events(env, "provider", since) if e[1]])
        consumer = [(t, e, d) for t, e, d in await _events(env, "test", since)]
        retry = [d for t, e, d in consumer if t == "IDENTITY_PROVIDER_LOGIN" and e is None]
        assert retry and retry[0]["identity_provider"] == ALIAS and retry[0]["login_retry"] == "true", consumer
        assert [d["identity_provider"] for t, e, d in consumer if t == "LOGIN"] == [ALIAS], consumer
