"""The ``idp_link`` application-initiated action over real HTTP, with a second realm as the provider (Keycloak 26's
IdpLinkAction, KcOidcBrokerIdpLinkActionTest): the confirmation page, Continue to the provider, the link made and
the login going on with ``kc_action_status``; Cancel, an unknown provider and an identity someone else has."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, SAVED, Broker, broker_login, browser, query, served
from browser_flow import REDIRECT, form_action, form_fields, login, start, submit_forged
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _setup(broker: Broker) -> None:
    await update_realm(broker.env.db, "test", enabled_event_types=(*SAVED, "FEDERATED_IDENTITY_LINK_ERROR"))
    await broker.add_provider()


async def _links(broker: Broker, username: str) -> list[dict[str, Any]]:
    headers = await broker.env.admin_headers()
    params = {"username": username, "exact": "true"}
    [user] = (await broker.env.http.get("/admin/realms/test/users", params=params, headers=headers)).json()
    got = await broker.env.http.get(f"/admin/realms/test/users/{user['id']}/federated-identity", headers=headers)
    result: list[dict[str, Any]] = got.json()
    return result


async def _asked(http: httpx.AsyncClient, action: str = f"idp_link:{ALIAS}") -> httpx.Response:
    await login(http, "test", "app")
    return await start(http, "test", "app", kc_action=action)


async def _provider(http: httpx.AsyncClient, to_provider: httpx.Response) -> str:
    assert to_provider.status_code == 302, to_provider.text
    page = await http.get(to_provider.headers["location"])
    fields = {**form_fields(page.text), "username": "alice", "password": "password"}
    posted = await http.post(form_action(page.text), data=fields)
    assert posted.status_code == 302, posted.text
    return str(posted.headers["location"])


async def test_the_action_links_the_provider_and_the_login_goes_on(env: Env) -> None:
    """KcOidcBrokerIdpLinkActionTest.testAccountLinkingSuccess: linked, back at the client, FEDERATED_IDENTITY_LINK
    naming the provider, its user and its session."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            page = await _asked(http)
            assert page.status_code == 200, page.text
            assert "Linking Provider Realm" in page.text
            assert "Do you want to link your account with Provider Realm?" in page.text
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            assert query(to_provider.headers["location"])["client_id"] == "broker-app"
            done = await http.get(await _provider(http, to_provider))
            assert done.status_code == 302, done.text
            assert done.headers["location"].startswith(REDIRECT)
            back = query(done.headers["location"])
            assert (back["kc_action"], back["kc_action_status"]) == ("idp_link", "success") and back["code"]
        assert [(link["identityProvider"], link["userName"]) for link in await _links(broker, "user1")] == [
            (ALIAS, "alice")
        ]
        events = await env.http.get(
            "/admin/realms/test/events", params={"type": "FEDERATED_IDENTITY_LINK"}, headers=await env.admin_headers()
        )
        [linked] = events.json()
        assert linked["details"]["identity_provider"] == ALIAS
        assert linked["details"]["identity_provider_identity"] == "alice"
        # KcOidcBrokerIdpLinkActionTest.assertConsumerSuccessLinkEvents: the provider session, ``{alias}.{sid}``
        assert linked["details"]["identity_provider_broker_session_id"].startswith(f"{ALIAS}."), linked


async def test_cancel_and_an_unknown_provider_link_nothing(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            page = await _asked(http)
            cancelled = await http.post(form_action(page.text), data={**form_fields(page.text), "cancel-aia": ""})
            assert cancelled.status_code == 302, cancelled.text
            assert query(cancelled.headers["location"])["kc_action_status"] == "cancelled"
            for action in ("idp_link:nope", "idp_link"):
                unknown = await start(http, "test", "app", kc_action=action)
                assert unknown.status_code == 302, unknown.text
                assert query(unknown.headers["location"])["kc_action_status"] == "error"
        assert await _links(broker, "user1") == []


async def test_an_identity_of_another_user_is_refused(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as first:
            assert (await broker_login(first)).status_code == 302  # the user "alice", linked
        async with browser(broker) as http:
            page = await _asked(http)
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            refused = await http.get(await _provider(http, to_provider))
            assert refused.status_code == 400
            assert "Federated identity returned by Provider Realm is already linked to another user." in refused.text
        assert await _links(broker, "user1") == []


async def test_a_forged_form_code_does_not_reach_the_provider(env: Env) -> None:
    """CSRF: the confirmation's POST needs the page's own session code; another browser's answer is no use."""
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            page = await _asked(http)
            forged = await submit_forged(http, page, "forged-code", **{"continue": ""})
            assert "broker-app" not in forged.headers.get("location", ""), forged.text
            async with browser(broker) as stranger:  # no cookies of this browser: its tab cannot be found
                posted = await stranger.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
                assert "broker-app" not in posted.headers.get("location", ""), posted.text
        assert await _links(broker, "user1") == []
