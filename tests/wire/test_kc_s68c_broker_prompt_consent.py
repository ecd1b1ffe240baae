"""Two of Keycloak's broker tests (testsuite/.../testsuite/broker/, keycloak@032dfc16) over real HTTP, realm ``test``
brokering realm ``provider`` of the same server (tests/broker_support.py):

* KcOidcBrokerPromptParameterTest (its ``loginUser``, which every AbstractBrokerTest method runs with a provider
  whose ``prompt`` is removed): the client's ``prompt=consent`` goes on to the provider
  (AbstractOAuth2IdentityProvider.createAuthorizationUrl: the provider's own ``prompt``, else the client's), no
  ``prompt=login``; the first broker login then makes the user. With the provider's own ``prompt`` set, it wins.
* KcOidcBrokerWithConsentTest: the provider's client requires consent; the consumer realm's Login timeout is 30 s
  (Login Action 30 s, code 300 s). testConsentDeniedWithExpiredClientSession and
  testConsentDeniedWithExpiredAndClearedClientSession: the consent refused 60 s later comes back (``access_denied``)
  to a consumer login that has timed out: its login form says so. testLoginCancelConsent: refused in time, the
  consumer's login form again, saying "Access denied when authenticating with <provider>" (IdentityBrokerService.cancelled
  forwards the message; KcOidcBrokerIdpLinkActionTest.testConsumerReauthentication asserts it).
  ``removeBrokerExpiredSessions`` (the provider realm's expired sessions removed) has no Doorkeep counterpart to call:
  expired sessions are never read as live (sessions/liveness), so that test's run is the first's with the clock
  moved the same.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, button, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from login_test_realm import LOGIN_TIMEOUT, error, is_login_page
from support import update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER_PATH = "/realms/provider/"


def _is_consent(page: httpx.Response) -> bool:
    """``grantPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-oauth"' in page.text


async def _cancel(http: httpx.AsyncClient, consent: httpx.Response) -> httpx.Response:
    """``grantPage.cancel()``: the consent form posted with ``cancel``, then the provider's redirect followed back
    to the consumer's broker endpoint: its answer."""
    posted = await http.post(form_action(consent.text), data={**form_fields(consent.text), "cancel": "no"})
    assert posted.status_code == 302, posted.text[:1500]
    back = posted.headers["location"]
    assert f"/realms/test/broker/{ALIAS}/endpoint?" in back and query(back)["error"] == "access_denied", back
    return await http.get(back)


async def _consent_page(http: httpx.AsyncClient) -> httpx.Response:
    """The consumer's login page, its provider button, alice's password at the provider: the provider's consent."""
    page = await start_login(http)
    to_provider = await http.get(button(page))
    assert to_provider.status_code == 302, to_provider.text[:1500]
    form = await http.get(to_provider.headers["location"])
    fields = {**form_fields(form.text), "username": "alice", "password": "password"}
    consent = await http.post(form_action(form.text), data=fields)
    assert _is_consent(consent), consent.text[:1500]
    assert PROVIDER_PATH in str(consent.url)
    return consent


async def _with_consent(broker: Broker) -> None:
    """beforeBrokerTest: the provider's client requires consent; the consumer realm's shorter timeouts."""
    env = broker.env
    await broker.add_provider()
    await update_client(env.db, "provider", "broker-app", consent_required=True)
    await update_realm(
        env.db, "test", access_code_lifespan_login=30, access_code_lifespan=300, access_code_lifespan_user_action=30
    )


async def _review_profile(env: Env, mode: str) -> None:
    """The Review Profile execution's ``update.profile.on.first.login`` (disableUpdateProfileOnFirstLogin: off)."""
    base = "/admin/realms/test/authentication"
    flow = "first%20broker%20login"
    rows = (await admin(env, "GET", f"{base}/flows/{flow}/executions", status=200)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await admin(env, "GET", f"{base}/config/{review['authenticationConfig']}", status=200)).json()
    config["config"]["update.profile.on.first.login"] = mode
    await admin(env, "PUT", f"{base}/config/{config['id']}", config, status=204)


async def _users(env: Env) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await admin(env, "GET", "/admin/realms/test/users", status=200)).json()
    return found


async def test_prompt_consent_goes_to_a_provider_without_its_own_prompt(env: Env) -> None:
    """KcOidcBrokerPromptParameterTest.loginUser: the provider's config has no ``prompt``; the client's
    ``prompt=consent`` is in the redirect to the provider (``prompt=login`` is not), the provider's login page is
    shown, and after it the consumer's Review Profile (update account information); posted, alice is a user of the
    consumer realm and the login ends at the client."""
    async with served(env) as broker:
        await broker.add_provider()
        await _review_profile(env, "on")
        async with browser(broker) as http:
            page = await start_login(http, prompt="consent")
            to_provider = await http.get(button(page))
            assert to_provider.status_code == 302, to_provider.text[:1500]
            location = to_provider.headers["location"]
            assert PROVIDER_PATH in location
            assert query(location)["prompt"] == "consent" and "prompt=login" not in location
            review = await http.get(await provider_login(http, to_provider))
            assert review.status_code == 200 and 'id="kc-idp-review-profile-form"' in review.text, review.text[:1500]
            assert "/realms/test/" in form_action(review.text)
            fields = {**form_fields(review.text), "username": "alice", "email": "alice@example.org"}
            fields.update(firstName="Firstname", lastName="Lastname")
            done = await http.post(form_action(review.text), data=fields)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:1500]
        assert [u["email"] for u in await _users(env) if u["username"] == "alice"] == ["alice@example.org"]


async def test_the_providers_own_prompt_wins_over_the_clients(env: Env) -> None:
    """createAuthorizationUrl: with the provider's ``prompt`` (``login``, as KcOidcBrokerConfiguration's), the
    client's ``prompt=consent`` does not go on; without any, no ``prompt`` goes at all."""
    async with served(env) as broker:
        await broker.add_provider(config=broker.provider_rep(prompt="login")["config"])
        await broker.add_provider(alias="kc2")
        async with browser(broker) as http:
            page = await start_login(http, prompt="consent")
            to_provider = await http.get(button(page))
            assert query(to_provider.headers["location"])["prompt"] == "login"
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page, "kc2"))
            assert "prompt" not in query(to_provider.headers["location"])


async def test_consent_denied_with_expired_client_session(env: Env) -> None:
    """testConsentDeniedWithExpiredClientSession (and ...AndClearedClientSession): 60 s after alice's password, past
    the consumer's 30 s Login timeout, she refuses the provider's consent: the provider sends ``access_denied`` back
    and the consumer's login has timed out, so its login form says "Your login attempt timed out. Login will start
    from the beginning."."""
    async with served(env) as broker:
        await _with_consent(broker)
        async with browser(broker) as http:
            consent = await _consent_page(http)
            env.clock.advance(60)
            answer = await _cancel(http, consent)
            page = answer if answer.status_code == 200 else await http.get(answer.headers["location"])
        assert is_login_page(page) and error(page) == LOGIN_TIMEOUT, (answer.status_code, page.text[:1500])
        assert "/realms/test/" in form_action(page.text)


async def test_login_cancel_consent(env: Env) -> None:
    """testLoginCancelConsent: Review Profile off; alice refuses the provider's consent in time: the consumer's login
    form ("Sign in to test") again with the forwarded "Access denied when authenticating with Provider Realm", and no
    user made."""
    async with served(env) as broker:
        await _with_consent(broker)
        await _review_profile(env, "off")
        async with browser(broker) as http:
            consent = await _consent_page(http)
            answer = await _cancel(http, consent)
            page = answer if answer.status_code == 200 else await http.get(answer.headers["location"])
        assert is_login_page(page), (answer.status_code, page.text[:1500])
        assert error(page) == "Access denied when authenticating with Provider Realm"
        assert "<title>Sign in to test</title>" in page.text
        assert "/realms/test/" in form_action(page.text)
        assert [u for u in await _users(env) if u["username"] == "alice"] == []
