"""A brokered login reaches its required actions and the consent screen as the browser login does: by a 302 to
``login-actions/required-action?execution=…&client_id=…&tab_id=…&client_data=…`` whose GET renders the page
(IdentityBrokerService.finishBrokerAuthentication: nextRequiredAction, then AuthenticationManager.
redirectToRequiredActions), after a returning user's provider login, a first broker login, the first broker login's
link to an existing account, and the post broker login flow. The request that ends the authentication records its
events and sends the e-mail; the page's GET, however often, records and sends nothing.

Over real HTTP with a second realm as the provider (tests/broker_support.py); these tests read the raw answers.
"""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from broker_post_flow import POST, post_flow, provider_after
from broker_support import Broker, broker_tokens, browser, button, provider_login, served, start_login
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from flow_builder import is_totp_setup
from login_client import raw
from mail_sink import Sink
from support import seed_user, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ACTION_PATH = "/realms/test/login-actions/required-action"


def action_params(answer: httpx.Response) -> dict[str, str]:
    """The redirect to a required action: its path checked, its query (Keycloak's order) as a dict."""
    assert answer.status_code == 302, (answer.status_code, answer.text[:500])
    location = urlsplit(answer.headers["location"])
    assert location.path == ACTION_PATH, answer.headers["location"]
    query = parse_qsl(location.query)
    assert [k for k, _ in query] == ["execution", "client_id", "tab_id", "client_data"], query
    return dict(query)


async def saved(env: Env) -> list[str]:
    """The consumer realm's saved event types, oldest first."""
    answer = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    return [e["type"] for e in reversed(answer.json())]


async def delivered(mail: Sink, count: int) -> None:
    for _ in range(200):
        if len(mail.received) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{len(mail.received)} mails arrived, not {count}")


async def provider_answer(http: httpx.AsyncClient) -> str:
    """The client's login, the provider button, alice at the provider: the broker endpoint's URL with the answer."""
    page = await start_login(http)
    assert page.status_code == 200, page.text[:500]
    return await provider_login(http, await http.get(button(page)))


async def consent_required(broker: Broker) -> None:
    """Provider ``kc``, alice's first login through it (straight in), then ``app`` asking for consent."""
    await broker.add_provider()
    async with browser(broker) as http:
        await broker_tokens(http)
    await update_client(broker.env.db, "test", "app", consent_required=True)


async def accept(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    assert page.status_code == 200 and 'name="accept"' in page.text, page.text[:800]
    return await http.post(form_action(page.text), data={**form_fields(page.text), "accept": "Yes"})


async def test_a_returning_brokered_user_is_redirected_to_the_consent_screen(env: Env) -> None:
    async with served(env) as broker:
        await consent_required(broker)
        before = await saved(env)
        async with browser(broker) as http:
            endpoint = await provider_answer(http)
            with raw(http):
                answer = await http.get(endpoint)
            params = action_params(answer)
            assert params["execution"] == "OAUTH_GRANT" and params["client_id"] == "app"
            assert await saved(env) == before  # not signed in yet: no LOGIN
            page = await http.get(answer.headers["location"])
            again = await http.get(answer.headers["location"])  # a refresh shows it again
            assert form_action(again.text) == form_action(page.text)
            with raw(http):
                done = await accept(http, again)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:500]
        assert "code=" in done.headers["location"]
        assert (await saved(env))[len(before) :] == ["LOGIN"]


async def test_a_first_broker_login_is_redirected_to_verify_email_and_mails_once(env: Env, mail: Sink) -> None:
    async with served(env) as broker:
        await update_realm(env.db, "test", verify_email=True, smtp_server=mail.settings())
        await broker.add_provider()
        async with browser(broker) as http:
            endpoint = await provider_answer(http)
            with raw(http):
                answer = await http.get(endpoint)
            assert action_params(answer)["execution"] == "VERIFY_EMAIL"
            await delivered(mail, 1)  # sent once the redirect is answered (the response's background task)
            assert [m.recipients for m in mail.received] == [["alice@example.org"]]
            recorded = await saved(env)
            assert "REGISTER" in recorded and "LOGIN" not in recorded, recorded
            for _ in range(2):  # the page's GET, then a refresh: the page, nothing mailed or recorded again
                page = await http.get(answer.headers["location"])
                assert page.status_code == 200 and "verify" in page.text.lower(), page.text[:800]
            await asyncio.sleep(0.5)  # time for a (wrong) second mail's background delivery to arrive
            assert len(mail.received) == 1
            assert await saved(env) == recorded


async def test_linking_an_existing_account_is_redirected_to_the_consent_screen(env: Env) -> None:
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider()
        await update_client(env.db, "test", "app", consent_required=True)
        async with browser(broker) as http:
            confirm = await http.get(await provider_answer(http))
            assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text[:500]
            data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            reauth = await http.post(form_action(confirm.text), data=data)
            assert reauth.status_code == 200 and 'name="password"' in reauth.text, reauth.text[:500]
            with raw(http):
                posted = await http.post(
                    form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
                )
            assert action_params(posted)["execution"] == "OAUTH_GRANT"
            assert "FEDERATED_IDENTITY_LINK" in await saved(env)
            with raw(http):
                done = await accept(http, await http.get(posted.headers["location"]))
        assert done.status_code == 302 and "code=" in done.headers["location"], done.text[:500]


async def test_the_post_broker_login_flow_is_redirected_to_its_otp_setup(env: Env) -> None:
    async with served(env) as broker:
        await post_flow(env, conditional=False)
        await provider_after(broker, POST)
        async with browser(broker) as http:
            endpoint = await provider_answer(http)
            with raw(http):
                answer = await http.get(endpoint)
            assert action_params(answer)["execution"] == "CONFIGURE_TOTP"
            page = await http.get(answer.headers["location"])
        assert is_totp_setup(page), page.text[:800]


async def test_a_returning_user_without_pending_steps_still_goes_straight_to_the_client(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            await broker_tokens(http)
        async with browser(broker) as http:
            with raw(http):
                done = await http.get(await provider_answer(http))
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:500]
