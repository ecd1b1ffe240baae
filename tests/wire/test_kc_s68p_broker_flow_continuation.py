"""Keycloak's KcOidcBrokerFlowContinuationTest over real HTTP: a browser flow whose way in is the Identity Provider
Redirector (ALTERNATIVE beside the cookie alone, or REQUIRED first in a sub-flow followed by the OTP form) binds, the
login goes to the provider and, once the broker login names the user, the flow's steps after the redirector run
(the OTP form, CONFIGURE_TOTP for a user without OTP) before the provider's post broker login flow and the code.

Safety beside it: such a flow has no sign-in form, so a login the redirector sends nowhere (no hint, no default
provider) ends on Keycloak's "Invalid username or password." (its flow ends with no user) and a login form posted
anyway signs nobody in; a sub-flow whose redirector has conditions beside it, or sits under a condition other than
conditional-user-configured, is still refused at binding.

Not ported: testSamlBrokerLoginWithOtpContinuation (Doorkeep brokers no SAML provider).
testBrokerLoginInConditionalSubflow and testBrokerLoginWithIdpOtpSubflowAndBrowserForms are in
test_kc_s69e_broker_flow_paths.py.
"""

from __future__ import annotations

import pytest

from broker_continuation import (
    at_client,
    brokered_logins,
    give_code,
    idp_and_otp,
    idp_only,
    otp_set_up_then_asked,
    post_broker_otp,
    redirector_config_removed,
    sessions_of,
    set_up_totp,
    through_provider,
    top_flow,
    totp_set_up_through_provider,
)
from broker_support import ALIAS, browser, provider_login, served, start_login, user_named
from browser_flow import form_action, form_fields
from flow_builder import ADMIN, ALT, COND, REQ, add, add_flow, admin, bind, events, is_otp_form
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_broker_login_with_otp_continuation(env: Env) -> None:
    """testBrokerLoginWithOtpContinuation (and testBrokerLoginWithMultipleFollowingAuthenticators, the same flow):
    the first login sets OTP up after the provider, the second asks its code."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_and_otp(env)
        await otp_set_up_then_asked(env, broker)


async def test_a_wrong_code_after_the_provider_gets_no_code(env: Env) -> None:
    """The OTP form after the broker login is the flow's: a wrong code is refused and counted, nothing issued."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_and_otp(env)
        async with browser(broker) as http:
            secret = await totp_set_up_through_provider(env, http)
        env.clock.advance(30)
        async with browser(broker) as http:
            page = await through_provider(http)
            wrong = await http.post(form_action(page.text), data={**form_fields(page.text), "otp": "000000"})
            assert is_otp_form(wrong) and "Invalid authenticator code." in wrong.text, wrong.text
            answer = str(page.request.url)  # the provider's answer replayed: good once
            again = await http.get(answer)
            assert "location" not in again.headers or "code=" not in again.headers["location"], again.text
            at_client(await give_code(env, wrong, http, secret))
        assert [e.error for e in await events(env, "LOGIN_ERROR")] == ["invalid_user_credentials"]


async def test_broker_login_without_additional_authenticators(env: Env) -> None:
    """testBrokerLoginWithoutAdditionalAuthenticators: the redirector alone beside the cookie; straight in."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_only(env)
        async with browser(broker) as http:
            at_client(await through_provider(http))
        assert len(await sessions_of(env, "alice")) == 1
        assert len(await brokered_logins(env)) == 1


async def test_first_broker_login_with_otp_continuation(env: Env) -> None:
    """testFirstBrokerLoginWithOtpContinuation: a provider user new here is created and linked, then sets OTP up."""
    async with served(env) as broker:
        await broker.add_provider()
        await seed_user(env.db, env.clock, "provider", "newuser", email="newuser@test.com", first_name="NewFirst")
        await idp_and_otp(env)
        async with browser(broker) as http:
            _, done = await set_up_totp(env, await through_provider(http, "newuser"), http)
            at_client(done)
        user = await user_named(env, "newuser")
        assert user is not None
        linked = (await admin(env, "GET", f"{ADMIN}/users/{user['id']}/federated-identity", status=200)).json()
        assert [link["identityProvider"] for link in linked] == [ALIAS]
        assert len(await sessions_of(env, "newuser")) == 1


async def test_otp_continuation_then_post_broker_login(env: Env) -> None:
    """testBrokerLoginWithOtpContinuationAndPostBrokerLogin: the browser flow's OTP form, then the provider's post
    broker login flow's, then the code (Keycloak's test lets the code be reused; here the clock moves instead)."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_and_otp(env)
        async with browser(broker) as http:
            secret = await totp_set_up_through_provider(env, http)
        await post_broker_otp(env)
        env.clock.advance(30)
        async with browser(broker) as http:
            first = await give_code(env, await through_provider(http), http, secret)
            assert is_otp_form(first), first.text  # the post broker login flow's OTP form now
            env.clock.advance(30)
            at_client(await give_code(env, first, http, secret))
        assert len(await brokered_logins(env)) == 2


async def test_required_action_then_post_broker_login(env: Env) -> None:
    """testBrokerLoginWithRequiredActionThenPostBrokerLogin: alice came in by the redirector alone; the flow then
    wants OTP after the provider and the provider's post broker login flow wants it too. She has none: the browser
    flow's REQUIRED OTP form leaves CONFIGURE_TOTP, which runs first; then the post broker login flow asks the code
    of the OTP she just set up (finishedRequiredActions' BROKER_CONTINUATION_PBL_PENDING)."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_only(env, "browser-simple-for-pbl")
        async with browser(broker) as http:
            at_client(await through_provider(http))
        await idp_and_otp(env, "browser-idp-otp-reqaction-pbl")
        await post_broker_otp(env)
        env.clock.advance(30)
        async with browser(broker) as http:
            secret, asked = await set_up_totp(env, await through_provider(http), http)
            env.clock.advance(30)
            at_client(await give_code(env, asked, http, secret))
        assert len(await brokered_logins(env)) == 2


async def test_a_login_the_redirector_sends_nowhere_signs_nobody_in(env: Env) -> None:
    """No hint and no default provider: Keycloak's flow ends with no user (UNKNOWN_USER: the redirector "attempted",
    beside the cookie alone or REQUIRED in its sub-flow, processResult throws nothing): the error page, never a
    password form; a login form posted there anyway (an old tab) signs nobody in."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_only(env, default=None)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 400 and "Invalid username or password." in page.text, page.text
            assert 'name="password"' not in page.text
            unknown = await start_login(http, kc_idp_hint="nope")
            assert unknown.status_code == 400 and 'name="password"' not in unknown.text
            hinted = await start_login(http, kc_idp_hint=ALIAS)  # the hint still reaches the provider
            assert hinted.status_code == 303, hinted.text
        assert {e.error for e in await events(env, "LOGIN_ERROR")} == {"user_not_found"}
        await idp_and_otp(env, "required-redirector")
        await redirector_config_removed(env)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 400 and 'name="password"' not in page.text, page.text
        assert {e.error for e in await events(env, "LOGIN_ERROR")} == {"user_not_found"}


async def test_a_password_posted_in_a_flow_without_a_form_signs_nobody_in(env: Env) -> None:
    """The login form of a tab opened while the flow had one, posted after the flow lost it: refused, no code."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and 'name="password"' in page.text
            await idp_only(env)
            fields = {**form_fields(page.text), "username": "user1", "password": "password"}
            posted = await http.post(form_action(page.text), data=fields)
            assert posted.status_code == 400 and "Invalid username or password." in posted.text, posted.text
        assert await events(env, "LOGIN") == []


async def test_flows_doorkeep_does_not_continue_are_still_refused(env: Env) -> None:
    """The redirector under another condition than conditional-user-configured (false with no user: the OTP form
    would run for nobody), or beside a condition in its own sub-flow: not bound. (A sign-in form beside the provider
    sub-flow and the redirector under conditional-user-configured bind: test_kc_s69e_broker_flow_paths.py.)"""
    async with served(env) as broker:
        await broker.add_provider()
        await top_flow(env, "conditional-idp")
        await add_flow(env, "conditional-idp", "auth", ALT)
        await add_flow(env, "auth", "cond idp", COND)
        await add(env, "cond idp", "conditional-user-role", REQ, {"condUserRole": "admin"})
        await add(env, "cond idp", "identity-provider-redirector", ALT, {"defaultProvider": ALIAS})
        await add(env, "auth", "auth-otp-form", REQ)
        await bind(env, "browserFlow", "conditional-idp", 400)
        await top_flow(env, "idp-beside")
        await add_flow(env, "idp-beside", "idp alt", ALT)
        await add(env, "idp alt", "identity-provider-redirector", REQ, {"defaultProvider": ALIAS})
        await add(env, "idp alt", "conditional-user-configured", REQ)
        await bind(env, "browserFlow", "idp-beside", 400)


async def test_a_re_authentication_goes_back_to_the_provider_and_its_steps(env: Env) -> None:
    """``prompt=login`` beside an SSO session of such a flow: no password form (the user may have no password),
    the provider again, then the OTP form after it."""
    async with served(env) as broker:
        await broker.add_provider()
        await idp_and_otp(env)
        async with browser(broker) as http:
            secret = await totp_set_up_through_provider(env, http)
            env.clock.advance(30)
            again = await start_login(http, prompt="login")
            assert again.status_code == 303, again.text
            assert again.headers["location"].startswith(f"{broker.base}/realms/test/broker/{ALIAS}/login?")
            to_provider = await http.get(again.headers["location"])
            page = await http.get(await provider_login(http, to_provider))
            at_client(await give_code(env, page, http, secret))
