"""A provider's post broker login flow over real HTTP, with a second realm as the provider (Keycloak's
PostBrokerLoginAuthenticator path): the OTP Form, REQUIRED or under "Condition - user configured", asked after
every login through the provider; a flow Doorkeep cannot run refused when named or edited; and the provider's
answer replayed at the OTP form gets no code."""

from __future__ import annotations

import pytest

from broker_post_flow import POST, alice_with_otp, post_flow, provider_after
from broker_support import ALIAS, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import ADMIN, AUTH, REQ, add, add_otp, admin, events, is_otp_form, is_totp_setup, totp
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_the_post_broker_login_flow_must_exist_and_be_one_doorkeep_runs(env: Env) -> None:
    async with served(env) as broker:
        missing = await provider_after(broker, "nothing", 400)
        assert missing["errorMessage"] == "No available authentication flow with alias: nothing"
        body = {"alias": "odd", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": "x"}
        await admin(env, "POST", f"{AUTH}/flows", body, 201)
        await add(env, "odd", "auth-username-password-form", REQ)
        odd = await provider_after(broker, "odd", 400)
        assert "auth-username-password-form (REQUIRED) in 'odd'" in odd["errorMessage"], odd
        await post_flow(env, conditional=False)
        await provider_after(broker, POST)
        got = (await admin(env, "GET", f"{ADMIN}/identity-provider/instances/{ALIAS}", status=200)).json()
        assert got["postBrokerLoginFlowAlias"] == POST
        # the admin then adds a password form to it and makes it REQUIRED: refused, naming the step
        await add(env, POST, "auth-cookie", "DISABLED")
        rows = (await admin(env, "GET", f"{AUTH}/flows/post%20otp/executions", status=200)).json()
        put = await admin(env, "PUT", f"{AUTH}/flows/post%20otp/executions", {**rows[-1], "requirement": REQ})
        assert put.status_code == 400 and "auth-cookie (REQUIRED)" in put.json()["errorMessage"], put.text


async def test_otp_required_makes_a_new_brokered_user_set_it_up(env: Env) -> None:
    async with served(env) as broker:
        await post_flow(env, conditional=False)
        await provider_after(broker, POST)
        async with browser(broker) as http:
            page = await broker_login(http)
        assert is_totp_setup(page), page.text


async def test_a_user_with_otp_gives_the_code_after_every_provider_login(env: Env) -> None:
    async with served(env) as broker:
        await post_flow(env, conditional=True)
        await provider_after(broker, POST)
        async with browser(broker) as http:  # the first login creates alice, who has no OTP yet: straight in
            done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        await add_otp(env, "alice")
        async with browser(broker) as http:
            page = await broker_login(http)
            assert is_otp_form(page), page.text
            wrong = await http.post(form_action(page.text), data={**form_fields(page.text), "otp": "000000"})
            assert is_otp_form(wrong) and "Invalid authenticator code." in wrong.text, wrong.text
            right = {**form_fields(wrong.text), "otp": totp(env.clock.now())}
            done = await http.post(form_action(wrong.text), data=right)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text
        assert "code=" in done.headers["location"]


async def test_replaying_the_provider_answer_at_the_otp_form_gets_no_code(env: Env) -> None:
    async with served(env) as broker:
        await alice_with_otp(broker)
        logins = len(await events(env, "LOGIN"))
        async with browser(broker) as http:
            page = await broker_login(http)
            assert is_otp_form(page), page.text
            answer = str(page.request.url)  # the provider's answer at the broker endpoint
            again = await http.get(answer)
            assert again.status_code == 400 and "location" not in again.headers, again.text
            # the "Try another way" field posted to the OTP form chooses nothing else
            other = await http.post(form_action(page.text), data={**form_fields(page.text), "tryAnotherWay": "on"})
            assert other.status_code == 200 and "location" not in other.headers, other.text
        assert len(await events(env, "LOGIN")) == logins
