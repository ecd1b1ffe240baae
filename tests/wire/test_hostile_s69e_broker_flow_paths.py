"""Attacks on the two flows of test_kc_s69e_broker_flow_paths.py (a password form beside the provider's sub-flow, and
the redirector under conditional-user-configured): once the provider named the user, the OTP form after it cannot be
skipped (a new authorization request, a password form posted from the other path, the provider's answer replayed, a
restart of the login), and the provider's identity never reaches a login by password."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from broker_continuation import (
    at_client,
    conditional_idp_and_otp,
    give_code,
    idp_otp_and_forms,
    set_up_totp,
    through_provider,
)
from broker_support import Broker, browser, button, provider_login, served, start_login
from browser_flow import form_action, form_fields
from flow_builder import events, is_otp_form
from wire_env import Env

pytestmark = pytest.mark.anyio

FLOWS: dict[str, Callable[[Env], Awaitable[None]]] = {
    "forms": idp_otp_and_forms,
    "conditional": conditional_idp_and_otp,
}


async def alice_with_otp(env: Env, broker: Broker, flow: str) -> str:
    """The flow bound, alice's first login through the provider with OTP set up: her OTP secret."""
    await FLOWS[flow](env)
    async with browser(broker) as http:
        secret, done = await set_up_totp(env, await through_provider(http), http)
        at_client(done)
    env.clock.advance(30)
    return secret


def no_code(answer: httpx.Response) -> None:
    assert "code=" not in answer.headers.get("location", ""), answer.headers


async def logins(env: Env) -> list[str]:
    return [e.details["username"] for e in await events(env, "LOGIN")]


async def test_a_password_form_posted_at_the_otp_step_signs_nobody_in(env: Env) -> None:
    """The password page of the same tab (before its provider button was taken), or the password posted to the OTP
    step's own form: neither gets a code, nor signs user1 in; alice's login goes on at her OTP code."""
    async with served(env) as broker:
        await broker.add_provider()
        secret = await alice_with_otp(env, broker, "forms")
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint="")
            answer = await http.get(await provider_login(http, await http.get(button(page))))
            assert is_otp_form(answer), answer.text
            old = await http.post(
                form_action(page.text), data={**form_fields(page.text), "username": "user1", "password": "password"}
            )
            no_code(old)
            otp = await http.get(str(answer.request.url))  # the answer again: no second broker login
            no_code(otp)
            page_now = await http.get(f"{broker.base}{urlsplit(form_action(answer.text)).path}", params=_tab(answer))
            assert is_otp_form(page_now), page_now.text
            typed = {**form_fields(page_now.text), "username": "user1", "password": "password"}
            posted = await http.post(form_action(page_now.text), data=typed)
            no_code(posted)
            assert is_otp_form(posted), posted.text
            at_client(await give_code(env, posted, http, secret))
        assert sorted(await logins(env)) == ["alice", "alice"]


def _tab(page: httpx.Response) -> dict[str, str]:
    query = parse_qs(urlsplit(form_action(page.text)).query)
    return {k: query[k][0] for k in ("client_id", "tab_id") if k in query}


@pytest.mark.parametrize("flow", sorted(FLOWS))
async def test_the_otp_step_after_the_provider_cannot_be_skipped(env: Env, flow: str) -> None:
    """At the OTP form after the provider: the authorization request again goes back to the provider and comes back to
    the OTP form; an empty or wrong code gets none; the provider's answer replayed gets none, before and after."""
    async with served(env) as broker:
        await broker.add_provider()
        secret = await alice_with_otp(env, broker, flow)
        async with browser(broker) as http:
            page = await through_provider(http)
            assert is_otp_form(page), page.text
            again = await start_login(http)
            assert again.status_code == 303, again.text
            to_provider = await http.get(again.headers["location"])
            back = await http.get(to_provider.headers["location"])  # the provider's SSO session answers at once
            assert back.status_code == 302 and "/broker/kc/endpoint" in back.headers["location"], back.text
            page = await http.get(back.headers["location"])
            assert is_otp_form(page), page.text
            for code in ("", "000000"):
                wrong = await http.post(form_action(page.text), data={**form_fields(page.text), "otp": code})
                no_code(wrong)
                assert is_otp_form(wrong), wrong.text
                page = wrong
            no_code(await http.get(back.headers["location"]))
            at_client(await give_code(env, page, http, secret))
            no_code(await http.get(back.headers["location"]))
        assert sorted(await logins(env)) == ["alice", "alice"]


async def test_a_restart_at_the_otp_step_forgets_the_provider(env: Env) -> None:
    """ "Restart login" at the OTP form a provider button led to (resetFlow: the broker login's notes go): user1's
    password then signs user1 in by the password path, without the provider's identity or its OTP step."""
    async with served(env) as broker:
        await broker.add_provider()
        await alice_with_otp(env, broker, "forms")
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint="")
            answer = await http.get(await provider_login(http, await http.get(button(page))))
            assert is_otp_form(answer), answer.text
            restarted = await http.get("/realms/test/login-actions/restart", params=_tab(answer))
            while restarted.status_code in (302, 303) and "/realms/test/" in restarted.headers["location"]:
                restarted = await http.get(restarted.headers["location"])
            assert restarted.status_code == 200 and 'name="password"' in restarted.text, restarted.text
            fields = {**form_fields(restarted.text), "username": "user1", "password": "password"}
            at_client(await http.post(form_action(restarted.text), data=fields))
        found = {e.details["username"]: e.details for e in await events(env, "LOGIN")}
        assert found["alice"]["identity_provider"] == "kc"
        assert "identity_provider" not in found["user1"], found["user1"]
