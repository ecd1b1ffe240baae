"""The provider's answer (the broker endpoint's URL with code and state) of session 69's continuation flow (a
password form beside the provider's sub-flow, then OTP) replayed where it does not belong: in another browser, with
no login or with a login of its own under way, before and after the first browser finished; after a restart of the
login in the first browser. The state names the first browser's authentication session (IdentityBrokerService
.parseSessionCode: the tab and the client, with the browser's AUTH_SESSION_ID), so elsewhere it continues nothing:
no OTP form for alice, no code, no LOGIN for alice beyond her own."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from broker_continuation import at_client, give_code, idp_otp_and_forms, set_up_totp, through_provider
from broker_support import Broker, browser, button, provider_login, served, start_login
from browser_flow import form_action
from flow_builder import events, is_otp_form
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _alice_with_otp(env: Env, broker: Broker) -> str:
    await idp_otp_and_forms(env)
    async with browser(broker) as http:
        secret, done = await set_up_totp(env, await through_provider(http), http)
        at_client(done)
    env.clock.advance(30)
    return secret


async def _answer_url(http: httpx.AsyncClient) -> str:
    page = await start_login(http, kc_idp_hint="")
    return await provider_login(http, await http.get(button(page)))


def _nothing_for_alice(answer: httpx.Response) -> None:
    assert "code=" not in answer.headers.get("location", ""), answer.headers
    assert not is_otp_form(answer), answer.text[:300]
    assert answer.status_code == 400, answer.text[:300]  # an error page


async def _logins(env: Env) -> list[str]:
    return sorted(e.details["username"] for e in await events(env, "LOGIN"))


async def _replayed(http: httpx.AsyncClient, url: str) -> httpx.Response:
    answer = await http.get(url)
    while answer.status_code in (302, 303) and "/realms/test/" in answer.headers.get("location", ""):
        if "code=" in answer.headers["location"]:
            break
        answer = await http.get(answer.headers["location"])
    return answer


@pytest.mark.parametrize("own_login", [False, True])
async def test_the_answer_replayed_in_another_browser_continues_nothing(env: Env, own_login: bool) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        secret = await _alice_with_otp(env, broker)
        async with browser(broker) as first, browser(broker) as other:
            url = await _answer_url(first)
            if own_login:
                assert (await start_login(other, kc_idp_hint="")).status_code == 200
            _nothing_for_alice(await _replayed(other, url))
            page = await first.get(url)
            assert is_otp_form(page), page.text[:300]
            at_client(await give_code(env, page, first, secret))
            _nothing_for_alice(await _replayed(other, url))
            assert not other.cookies.get("KEYCLOAK_IDENTITY"), "the other browser got alice's session"
        assert await _logins(env) == ["alice", "alice"]


async def test_the_answer_replayed_after_a_restart_continues_nothing(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await _alice_with_otp(env, broker)
        async with browser(broker) as http:
            url = await _answer_url(http)
            page = await http.get(url)
            assert is_otp_form(page), page.text[:300]
            tab = {k: v[0] for k, v in parse_qs(urlsplit(form_action(page.text)).query).items()}
            params: dict[str, str] = {k: tab[k] for k in ("client_id", "tab_id") if k in tab}
            restarted = await http.get("/realms/test/login-actions/restart", params=params)
            assert restarted.status_code in (200, 302, 303), restarted.text[:300]
            _nothing_for_alice(await _replayed(http, url))
        assert await _logins(env) == ["alice"]
