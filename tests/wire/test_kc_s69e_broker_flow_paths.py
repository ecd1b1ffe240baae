"""Keycloak's KcOidcBrokerFlowContinuationTest, its last two OIDC flows, over real HTTP.

- testBrokerLoginWithIdpOtpSubflowAndBrowserForms: the cookie, a sub-flow of the Identity Provider Redirector
  (``defaultProvider`` kc) then the OTP form, both REQUIRED, and the username and password form, all ALTERNATIVE.
  The redirector runs first: the login goes to the provider and continues with the sub-flow's OTP form (set up on the
  first login, asked on the next). A login it sends nowhere (``kc_idp_hint`` sent empty) is "attempted", its sub-flow
  fails and the next alternative, the password form, signs in with the password alone, as the flow says.
- testBrokerLoginInConditionalSubflow: the redirector ALTERNATIVE alone in a CONDITIONAL sub-flow under
  conditional-user-configured, then the OTP form. That condition holds before any user is known
  (IdentityProviderAuthenticator.configuredFor is true with no user), so the redirector runs; the OTP form follows.
  No provider to go to: the top flow ends with no user (UNKNOWN_USER: ``user_not_found``, "Invalid username or
  password.").

Doorkeep continues any broker login of such a flow with the sub-flow's steps, from a button of the login page too
(the way Keycloak resumes its flow there is not in the stored source; Doorkeep keeps the steps the admin put after
the provider). The hostile variants are in test_hostile_s69e_broker_flow_paths.py.
"""

from __future__ import annotations

from functools import partial

import httpx
import pytest

from broker_continuation import (
    at_client,
    brokered_logins,
    conditional_idp_and_otp,
    flow_served,
    give_code,
    idp_and_otp,
    idp_otp_and_forms,
    otp_set_up_then_asked,
    password_form,
    redirector_config_removed,
    set_up_totp,
    through_provider,
)
from broker_support import ALIAS, browser, button, provider_login, query, start_login
from flow_builder import events
from wire_env import Env

pytestmark = pytest.mark.anyio


async def password_login(http: httpx.AsyncClient, username: str = "user1") -> httpx.Response:
    """The password path: ``kc_idp_hint`` sent empty (the redirector attempted), the login form posted."""
    page = await start_login(http, kc_idp_hint="")
    assert page.status_code == 200 and 'name="password"' in page.text, page.text
    return await password_form(http, page, username)


async def test_broker_login_with_idp_otp_subflow_and_browser_forms(env: Env) -> None:
    """The provider first (no login page), OTP set up after it, the code; the next login asks the OTP code."""
    async with flow_served(env, idp_otp_and_forms) as broker:
        await otp_set_up_then_asked(env, broker)


async def test_the_password_form_beside_the_provider_signs_in_with_the_password(env: Env) -> None:
    """The other alternative: the OTP form belongs to the provider's sub-flow, not to the password path."""
    async with flow_served(env, idp_otp_and_forms) as broker:
        async with browser(broker) as http:
            at_client(await password_login(http))
        [login] = await events(env, "LOGIN")
        assert login.details["username"] == "user1" and "identity_provider" not in login.details


async def test_an_unknown_hint_falls_through_to_the_password_form(env: Env) -> None:
    """redirect() finds no such provider: attempted, no event, the next alternative's login form."""
    async with flow_served(env, idp_otp_and_forms) as broker:
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint="nope")
            assert page.status_code == 200 and 'name="password"' in page.text, page.text
        assert await events(env, "LOGIN_ERROR") == []


async def test_a_login_button_of_that_form_continues_with_the_otp_form(env: Env) -> None:
    """The provider's button on the password page: the broker login goes on to the sub-flow's OTP step too."""
    async with flow_served(env, idp_otp_and_forms) as broker:
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint="")
            answer = await http.get(await provider_login(http, await http.get(button(page))))
            _, done = await set_up_totp(env, answer, http)
            at_client(done)
        assert len(await brokered_logins(env)) == 1


async def test_broker_login_in_conditional_subflow(env: Env) -> None:
    """testBrokerLoginInConditionalSubflow: the provider, then OTP set up (the parent sub-flow's OTP form)."""
    async with flow_served(env, conditional_idp_and_otp) as broker:
        await otp_set_up_then_asked(env, broker)


async def test_a_conditional_redirector_sending_nowhere_ends_with_no_user(env: Env) -> None:
    """No default provider and no hint: the conditional sub-flow fails, then its parent, then the top flow with no
    user: UNKNOWN_USER (LOGIN_ERROR ``user_not_found``, a 400 "Invalid username or password."), never a form."""
    async with flow_served(env, partial(conditional_idp_and_otp, default=None)) as broker:
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 400 and "Invalid username or password." in page.text, page.text
            assert 'name="password"' not in page.text and 'name="otp"' not in page.text
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text
        assert [e.error for e in await events(env, "LOGIN_ERROR")] == ["user_not_found"]


async def test_a_required_redirector_sending_nowhere_is_unknown_user_too(env: Env) -> None:
    """The REQUIRED redirector of KcOidcBrokerFlowContinuationTest's "Auth Subflow", its provider gone: Keycloak's
    processResult records ATTEMPTED without throwing, REQUIRED or not, so the error is the top flow's UNKNOWN_USER."""
    async with flow_served(env, idp_and_otp) as broker:
        await redirector_config_removed(env)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 400 and 'name="password"' not in page.text, page.text
        assert [e.error for e in await events(env, "LOGIN_ERROR")] == ["user_not_found"]


async def test_a_re_authentication_goes_back_to_the_provider_then_its_otp_form(env: Env) -> None:
    """``prompt=login`` beside the SSO session of a broker login: the cookie does not answer, the sub-flow's
    redirector sends the login to the provider again, and the OTP form follows it."""
    async with flow_served(env, idp_otp_and_forms) as broker:
        async with browser(broker) as http:
            secret, done = await set_up_totp(env, await through_provider(http), http)
            at_client(done)
            env.clock.advance(30)
            again = await start_login(http, prompt="login")
            assert again.status_code == 303, again.text
            assert again.headers["location"].startswith(f"{broker.base}/realms/test/broker/{ALIAS}/login?")
            page = await http.get(await provider_login(http, await http.get(again.headers["location"])))
            at_client(await give_code(env, page, http, secret))
        assert len(await brokered_logins(env)) == 2


async def cancel_at_provider(http: httpx.AsyncClient) -> httpx.Response:
    """The redirector's login sent to the provider, the provider answering ``access_denied`` (the user cancelled)."""
    sent = await start_login(http)
    assert sent.status_code == 303, sent.text
    state = query((await http.get(sent.headers["location"])).headers["location"])["state"]
    return await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params={"error": "access_denied", "state": state})


async def test_a_cancel_at_the_provider_falls_back_to_the_password_form(env: Env) -> None:
    """IdentityBrokerService.cancelled runs the flow again with the error forwarded: the redirector steps aside
    (a forwarded error), its sub-flow fails, the password form beside it shows."""
    async with flow_served(env, idp_otp_and_forms) as broker, browser(broker) as http:
        page = await cancel_at_provider(http)
        assert page.status_code == 200 and 'name="password"' in page.text, page.text
        at_client(await password_form(http, page))


async def test_a_cancel_at_the_provider_of_a_flow_without_a_form_ends_on_its_error(env: Env) -> None:
    """No form to fall back to: the flow ends with no user and authenticateOnly answers with the forwarded message
    (Messages.ACCESS_DENIED_WHEN_IDP_AUTH) on a 400 error page, never a login form."""
    async with flow_served(env, idp_and_otp) as broker:
        async with browser(broker) as http:
            page = await cancel_at_provider(http)
            assert page.status_code == 400 and "Access denied when authenticating with " in page.text, page.text
            assert 'name="password"' not in page.text
        assert await events(env, "LOGIN") == []
