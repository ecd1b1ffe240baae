"""``prompt=none`` forwarded to an identity provider that accepts it (KEYCLOAK-8043), ported from Keycloak's
KcOidcBrokerPromptNoneRedirectTest (testsuite/.../tests/broker/, keycloak@032dfc16; @Ignore'd there for GH 20642,
its assertions are what IdentityProviderAuthenticator, AuthorizationEndpointBase and IdentityBrokerService do) over
real HTTP, the provider another realm of the same server (tests/broker_support.py), its ``prompt`` unset and
``acceptsPromptNoneForwardFromClient`` on:

* testUnauthenticatedUserReturnsLoginRequired: nobody signed in anywhere; the provider's ``login_required`` comes
  back to the client.
* testSuccessfulRedirectToProviderWithPromptNone: signed in at the provider, the client's ``prompt=none`` with
  ``kc_idp_hint`` signs the user in here with no page; without the hint (and no session) it is ``login_required``.
* testUpdateProfileReturnsInteractionRequired, testLinkExistingAccountReturnsInteractionRequired,
  testRequireConsentReturnsInteractionRequired: a page the first broker login would show, or the provider's consent,
  is ``interaction_required`` at the client.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

FLOW = quote("first broker login", safe="")


async def _accepting(broker: Broker, **config: str) -> None:
    """Provider ``kc`` accepting a forwarded ``prompt=none`` (KcOidcBrokerPromptNoneConfiguration)."""
    await broker.add_provider(config=broker.provider_rep(acceptsPromptNoneForwardFromClient="true", **config)["config"])


async def _review(env: Env, mode: str) -> None:
    """The Review Profile execution's ``update.profile.on.first.login`` (disableUpdateProfileOnFirstLogin: off)."""
    base = "/admin/realms/test/authentication"
    rows = (await admin(env, "GET", f"{base}/flows/{FLOW}/executions", status=200)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await admin(env, "GET", f"{base}/config/{review['authenticationConfig']}", status=200)).json()
    config["config"]["update.profile.on.first.login"] = mode
    await admin(env, "PUT", f"{base}/config/{config['id']}", config, status=204)


async def _signed_in_at_provider(http: httpx.AsyncClient, broker: Broker) -> None:
    """authenticateDirectlyInIDP: alice signs in at the provider realm, which keeps her session in the browser."""
    params = {
        "client_id": "broker-app",
        "redirect_uri": f"{broker.base}/realms/test/broker/{ALIAS}/endpoint",
        "response_type": "code",
        "scope": "openid",
    }
    page = await http.get("/realms/provider/protocol/openid-connect/auth", params=params)
    assert page.status_code == 200, page.text
    fields = {**form_fields(page.text), "username": "alice", "password": "password"}
    posted = await http.post(form_action(page.text), data=fields)
    assert posted.status_code == 302 and "code=" in posted.headers["location"], posted.text


async def _passive(http: httpx.AsyncClient, hint: bool = True) -> dict[str, str]:
    """The client's ``prompt=none`` (with ``kc_idp_hint=kc``), every redirect followed on this server (to the
    provider and back) until one leaves for the client: its query."""
    params = {"prompt": "none", "state": "client-state", **({"kc_idp_hint": ALIAS} if hint else {})}
    answer = await start_login(http, **params)
    seen: list[str] = []
    while answer.status_code in (302, 303) and not answer.headers["location"].startswith(REDIRECT):
        location = answer.headers["location"]
        seen.append(location)
        assert len(seen) < 10, seen
        answer = await http.get(location)
    assert answer.status_code == 302, (seen, answer.status_code, answer.text)
    found: dict[str, Any] = query(answer.headers["location"])
    found["_via_provider"] = str(any("/realms/provider/protocol/openid-connect/auth" in s for s in seen))
    if found["_via_provider"] == "True":
        (to_provider,) = [s for s in seen if "/realms/provider/protocol/openid-connect/auth" in s]
        assert query(to_provider).get("prompt") == "none", to_provider
    return found


async def test_unauthenticated_user_returns_login_required(env: Env) -> None:
    """testUnauthenticatedUserReturnsLoginRequired: no session here nor at the provider; the request goes to the
    provider with ``prompt=none``, which answers ``login_required``, and the client gets it (with its state)."""
    async with served(env) as broker:
        await _accepting(broker)
        async with browser(broker) as http:
            answer = await _passive(http)
        assert answer["error"] == "login_required" and answer["_via_provider"] == "True", answer
        assert answer["state"] == "client-state"


async def test_a_provider_that_does_not_accept_prompt_none_is_not_asked(env: Env) -> None:
    """IdentityProviderAuthenticator sets FORWARDED_PASSIVE_LOGIN only for a provider with
    ``acceptsPromptNoneForwardFromClient``: without it the client's ``prompt=none`` is ``login_required`` here, the
    provider never asked."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            await _signed_in_at_provider(http, broker)
            answer = await _passive(http)
        assert answer["error"] == "login_required" and answer["_via_provider"] == "False", answer


async def test_successful_redirect_to_provider_with_prompt_none(env: Env) -> None:
    """testSuccessfulRedirectToProviderWithPromptNone: Review Profile off; alice signed in at the provider; the
    client's ``prompt=none`` with ``kc_idp_hint`` comes back with a code, no page shown. A new browser (no session
    anywhere) asking ``prompt=none`` without the hint gets ``login_required`` from here."""
    async with served(env) as broker:
        await _review(env, "off")
        await _accepting(broker)
        async with browser(broker) as http:
            await _signed_in_at_provider(http, broker)
            answer = await _passive(http)
        assert "code" in answer and "error" not in answer and answer["_via_provider"] == "True", answer
        async with browser(broker) as http:
            answer = await _passive(http, hint=False)
        assert answer["error"] == "login_required" and answer["_via_provider"] == "False", answer


async def test_update_profile_returns_interaction_required(env: Env) -> None:
    """testUpdateProfileReturnsInteractionRequired: Review Profile ``on``; the page it would show is
    ``interaction_required`` at the client, and no user is made."""
    async with served(env) as broker:
        await _review(env, "on")
        await _accepting(broker)
        async with browser(broker) as http:
            await _signed_in_at_provider(http, broker)
            answer = await _passive(http)
        assert answer["error"] == "interaction_required", answer
        users = (await admin(env, "GET", "/admin/realms/test/users?username=alice&exact=true", status=200)).json()
        assert users == []


async def test_link_existing_account_returns_interaction_required(env: Env) -> None:
    """testLinkExistingAccountReturnsInteractionRequired: a user of this realm has alice's e-mail; the "Account
    already exists" page the first broker login would show is ``interaction_required``."""
    async with served(env) as broker:
        await _review(env, "off")
        await seed_user(env.db, env.clock, "test", "consumer", email="alice@example.org")
        await _accepting(broker)
        async with browser(broker) as http:
            await _signed_in_at_provider(http, broker)
            answer = await _passive(http)
        assert answer["error"] == "interaction_required", answer


async def test_require_consent_returns_interaction_required(env: Env) -> None:
    """testRequireConsentReturnsInteractionRequired: the provider's client asks consent; under ``prompt=none`` the
    provider answers ``interaction_required``, which the client gets."""
    async with served(env) as broker:
        await _accepting(broker)
        async with browser(broker) as http:
            await _signed_in_at_provider(http, broker)  # before the consent is required, as through another client
            found = await admin(env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)
            (client,) = found.json()
            changed = client | {"consentRequired": True}
            await admin(env, "PUT", f"/admin/realms/provider/clients/{client['id']}", changed, status=204)
            answer = await _passive(http)
        assert answer["error"] == "interaction_required" and answer["_via_provider"] == "True", answer
