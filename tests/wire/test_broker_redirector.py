"""The Identity Provider Redirector of the browser flow (IdentityProviderAuthenticator): ``kc_idp_hint`` and the
execution's ``defaultProvider``, as KcOidcBrokerIdpHintTest and IdentityProviderAuthenticator's tests use them; a
DISABLED redirector follows neither."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import ALIAS, Broker, browser, provider_login, served, start_login
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test/authentication"


async def _redirector(broker: Broker) -> dict[str, Any]:
    rows = await broker.env.http.get(f"{BASE}/flows/browser/executions", headers=await broker.env.admin_headers())
    [found] = [r for r in rows.json() if r.get("providerId") == "identity-provider-redirector"]
    result: dict[str, Any] = found
    return result


async def _default_provider(broker: Broker, alias: str) -> None:
    execution = await _redirector(broker)
    config = {"alias": "redirect-to-kc", "config": {"defaultProvider": alias}}
    headers = await broker.env.admin_headers()
    made = await broker.env.http.post(f"{BASE}/executions/{execution['id']}/config", json=config, headers=headers)
    assert made.status_code == 201, made.text


async def _requirement(broker: Broker, requirement: str) -> None:
    execution = await _redirector(broker) | {"requirement": requirement}
    headers = await broker.env.admin_headers()
    put = await broker.env.http.put(f"{BASE}/flows/browser/executions", json=execution, headers=headers)
    assert put.status_code == 202, put.text


async def test_default_provider_sends_every_login_to_the_provider(env: Env) -> None:
    """IdentityProviderAuthenticator with ``defaultProvider``: no hint needed; the login ends at the client."""
    async with served(env) as broker:
        await broker.add_provider()
        await _default_provider(broker, ALIAS)
        async with browser(broker) as http:
            sent = await start_login(http)
            assert sent.status_code == 303, sent.text
            assert sent.headers["location"].startswith(f"{broker.base}/realms/test/broker/{ALIAS}/login?")
            to_provider = await http.get(sent.headers["location"])
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        async with browser(broker) as http:
            empty = await start_login(http, kc_idp_hint="")  # a hint sent empty: attempted, no default
            assert empty.status_code == 200 and "kc-form-login" in empty.text
            unknown = await start_login(http, kc_idp_hint="nope")  # an unknown hint: attempted, no default either
            assert unknown.status_code == 200 and "kc-form-login" in unknown.text


async def test_a_default_provider_that_is_missing_or_disabled_shows_the_login_page(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider(enabled=False)
        await _default_provider(broker, ALIAS)
        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and "kc-form-login" in page.text


async def test_a_disabled_redirector_follows_no_hint(env: Env) -> None:
    """The redirector DISABLED in the browser flow: ``kc_idp_hint`` is a parameter nothing reads."""
    async with served(env) as broker:
        await broker.add_provider()
        await _requirement(broker, "DISABLED")
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint=ALIAS)
            assert page.status_code == 200 and "kc-form-login" in page.text
        await _requirement(broker, "ALTERNATIVE")
        async with browser(broker) as http:
            sent = await start_login(http, kc_idp_hint=ALIAS)
            assert sent.status_code == 303, sent.text
