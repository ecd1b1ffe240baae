"""The events of a provider's post broker login flow over real HTTP (LoginActionsService.brokerLoginFlow): one
IDENTITY_PROVIDER_POST_LOGIN for the flow's run and one for each OTP form posted, a refusal recorded twice as
IDENTITY_PROVIDER_POST_LOGIN_ERROR naming the user (event.error() then event.success() of the same builder), no
LOGIN_ERROR, and nothing for a provider without such a flow."""

from __future__ import annotations

from typing import Any

import pytest

from broker_post_flow import POST, alice_with_otp, post_flow, provider_after
from broker_support import ALIAS, SAVED, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import is_otp_form, totp
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

KINDS = ("IDENTITY_PROVIDER_POST_LOGIN", "IDENTITY_PROVIDER_POST_LOGIN_ERROR", "LOGIN", "LOGIN_ERROR")


async def _recorded(env: Env) -> list[dict[str, Any]]:
    """The events of KINDS, oldest first."""
    got = await env.http.get(
        "/admin/realms/test/events", params=[("type", k) for k in KINDS], headers=await env.admin_headers()
    )
    found: list[dict[str, Any]] = got.json()
    return found[::-1]


async def _keep_events(env: Env) -> None:
    await update_realm(env.db, "test", enabled_event_types=(*SAVED, *KINDS))


async def test_the_flow_run_records_post_login_without_a_user_then_login(env: Env) -> None:
    """A user without OTP under the conditional OTP flow: the flow runs and passes, IDENTITY_PROVIDER_POST_LOGIN
    names the provider, the identity and the client, no user; then the login's LOGIN."""
    async with served(env) as broker:
        await _keep_events(env)
        await post_flow(env, conditional=True)
        await provider_after(broker, POST)
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        post, login = await _recorded(env)
        assert post["type"] == "IDENTITY_PROVIDER_POST_LOGIN" and "userId" not in post and post["clientId"] == "app"
        details = post["details"]
        assert details["identity_provider"] == ALIAS and details["identity_provider_identity"] == "alice"
        assert details["auth_method"] == "openid-connect" and details["redirect_uri"] == REDIRECT
        assert login["type"] == "LOGIN" and login["details"]["identity_provider"] == ALIAS


async def test_a_wrong_code_is_recorded_twice_as_post_login_error_and_never_as_login_error(env: Env) -> None:
    """The OTP form shown (one event), a wrong code (IDENTITY_PROVIDER_POST_LOGIN_ERROR twice, naming alice and
    the credential), the right one (one event, then LOGIN)."""
    async with served(env) as broker:
        await alice_with_otp(broker)
        await _keep_events(env)
        before = len(await _recorded(env))  # the first login's
        async with browser(broker) as http:
            page = await broker_login(http)
            assert is_otp_form(page), page.text
            wrong = await http.post(form_action(page.text), data={**form_fields(page.text), "otp": "000000"})
            assert "Invalid authenticator code." in wrong.text, wrong.text
            right = {**form_fields(wrong.text), "otp": totp(env.clock.now())}
            done = await http.post(form_action(wrong.text), data=right)
        assert done.status_code == 302 and "code=" in done.headers["location"], done.text
        recorded = (await _recorded(env))[before:]
        assert [e["type"] for e in recorded] == [
            "IDENTITY_PROVIDER_POST_LOGIN",
            "IDENTITY_PROVIDER_POST_LOGIN_ERROR",
            "IDENTITY_PROVIDER_POST_LOGIN_ERROR",
            "IDENTITY_PROVIDER_POST_LOGIN",
            "LOGIN",
        ]
        shown, failed, again, passed, login = recorded
        assert failed["error"] == again["error"] == "invalid_user_credentials"
        assert failed["userId"] == again["userId"] == login["userId"] and "userId" not in passed
        assert failed["details"]["selected_credential_id"] == "otp-alice" == passed["details"]["selected_credential_id"]
        assert "selected_credential_id" not in shown["details"]
        assert failed["details"]["identity_provider_identity"] == "alice"


async def test_a_provider_without_a_post_broker_login_flow_records_none(env: Env) -> None:
    async with served(env) as broker:
        await _keep_events(env)
        await broker.add_provider()
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 302, done.text
        assert [e["type"] for e in await _recorded(env)] == ["LOGIN"]
