"""KcOidcBrokerIdpLinkActionTest (tests/base, keycloak @4421fd54): the methods test_broker_idp_link_action.py left out.

* testAccountLinkingUserNotAllowed: a user with neither ``manage-account`` nor ``manage-account-links`` (default roles
  taken away) is sent straight back to the client, before the provider; FEDERATED_IDENTITY_LINK_ERROR
  ``not_allowed`` naming the provider, then LOGIN; nothing linked.
* testAccountLinkingWithDirectRoleManageAccount / ...ManageAccountLinks: either account role held directly (default
  roles taken away) is enough; linked, FEDERATED_IDENTITY_LINK then LOGIN.
* testAccountLinkingCancel's events: CUSTOM_REQUIRED_ACTION_ERROR ``rejected_by_user`` with
  ``custom_required_action=idp_link``, then LOGIN.

* testAccountLinkingConsentRejectedAtIdp: the provider's client requires consent and alice refuses it; the provider's
  LOGIN_ERROR ``rejected_by_user`` (no session), the consumer's FEDERATED_IDENTITY_LINK_ERROR ``rejected_by_user``
  then LOGIN, back at the client with ``kc_action_status=cancelled``; nothing linked.

Keycloak's broker-app (the consumer's client) is Doorkeep's ``app`` here, the provider's client ``broker-app``.
testLegacyClientInitiatedAccountLinking_* are in test_legacy_account_linking_disabled.py and
test_broker_account_linking.py."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, SAVED, Broker, browser, button, query, served
from browser_flow import REDIRECT, form_action, form_fields, login, start
from login_test_realm import error, is_login_page
from support import update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
KEPT = (*SAVED, "FEDERATED_IDENTITY_LINK_ERROR", "CUSTOM_REQUIRED_ACTION_ERROR")


async def _admin(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, "/admin/realms/test" + path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


async def _user1(env: Env) -> str:
    [user] = await _admin(env, "GET", "/users?username=user1&exact=true")
    return str(user["id"])


async def _only_account_role(env: Env, role: str | None) -> None:
    """user1 without default-roles-test, and holding the account client's ``role`` directly (None: nothing)."""
    user_id = await _user1(env)
    default = await _admin(env, "GET", "/roles/default-roles-test")
    await _admin(env, "DELETE", f"/users/{user_id}/role-mappings/realm", [default])
    if role is not None:
        [account] = await _admin(env, "GET", "/clients?clientId=account")
        rep = await _admin(env, "GET", f"/clients/{account['id']}/roles/{role}")
        await _admin(env, "POST", f"/users/{user_id}/role-mappings/clients/{account['id']}", [rep])


async def _events(env: Env) -> list[dict[str, Any]]:
    """The consumer's events since the last clear, oldest first."""
    events: list[dict[str, Any]] = await _admin(env, "GET", "/events")
    return list(reversed(events))


async def _signed_in(broker: Broker, http: httpx.AsyncClient) -> None:
    await update_realm(broker.env.db, "test", enabled_event_types=KEPT)
    await broker.add_provider()
    await login(http, "test", "app")
    await _admin(broker.env, "DELETE", "/events")  # events.clear()


async def _links(env: Env) -> list[str]:
    got = await _admin(env, "GET", f"/users/{await _user1(env)}/federated-identity")
    return [link["identityProvider"] for link in got]


def _login_event(event: dict[str, Any], user_id: str) -> None:
    assert (event["type"], event["clientId"], event["userId"]) == ("LOGIN", "app", user_id), event
    assert event["details"]["username"] == "user1" and event.get("sessionId"), event


async def test_account_linking_user_not_allowed(env: Env) -> None:
    async with served(env) as broker:
        async with browser(broker) as http:
            await _signed_in(broker, http)
            await _only_account_role(env, None)
            back = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            assert back.status_code == 302, back.text
            assert back.headers["location"].startswith(REDIRECT) and query(back.headers["location"])["code"]
        user_id = await _user1(env)
        refused, logged_in = await _events(env)
        assert (refused["type"], refused["clientId"], refused["userId"]) == (
            "FEDERATED_IDENTITY_LINK_ERROR",
            "app",
            user_id,
        ), refused
        assert refused["error"] == "not_allowed"
        assert (refused["details"]["username"], refused["details"]["identity_provider"]) == ("user1", ALIAS)
        _login_event(logged_in, user_id)
        assert await _links(env) == []


async def _link_with_direct_role(env: Env, role: str) -> None:
    async with served(env) as broker:
        async with browser(broker) as http:
            await _signed_in(broker, http)
            await _only_account_role(env, role)
            page = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            assert page.status_code == 200, page.text
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            assert to_provider.status_code == 302, to_provider.text
            provider_page = await http.get(to_provider.headers["location"])
            fields = {**form_fields(provider_page.text), "username": "alice", "password": "password"}
            posted = await http.post(form_action(provider_page.text), data=fields)
            assert posted.status_code == 302, posted.text
            await _admin(env, "DELETE", "/events")  # the Java test clears before the consent page
            done = await http.get(posted.headers["location"])
            assert done.status_code == 302, done.text
            back = query(done.headers["location"])
            assert (back["kc_action"], back["kc_action_status"]) == ("idp_link", "success") and back["code"]
        user_id = await _user1(env)
        linked, logged_in = await _events(env)
        assert (linked["type"], linked["clientId"], linked["userId"]) == ("FEDERATED_IDENTITY_LINK", "app", user_id)
        assert linked["details"]["username"] == "user1"
        assert (linked["details"]["identity_provider"], linked["details"]["identity_provider_identity"]) == (
            ALIAS,
            "alice",
        )
        assert linked["details"]["identity_provider_broker_session_id"].startswith(ALIAS)
        _login_event(logged_in, user_id)
        assert await _links(env) == [ALIAS]


async def test_account_linking_with_direct_role_manage_account(env: Env) -> None:
    await _link_with_direct_role(env, "manage-account")


async def test_account_linking_with_direct_role_manage_account_links(env: Env) -> None:
    await _link_with_direct_role(env, "manage-account-links")


async def test_account_linking_cancel_events(env: Env) -> None:
    async with served(env) as broker:
        async with browser(broker) as http:
            await _signed_in(broker, http)
            page = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            assert page.status_code == 200, page.text
            cancelled = await http.post(form_action(page.text), data={**form_fields(page.text), "cancel-aia": ""})
            assert cancelled.status_code == 302, cancelled.text
            back = query(cancelled.headers["location"])
            assert (back["kc_action"], back["kc_action_status"]) == ("idp_link", "cancelled") and back["code"]
        user_id = await _user1(env)
        rejected, logged_in = await _events(env)
        assert (rejected["type"], rejected["clientId"], rejected["userId"]) == (
            "CUSTOM_REQUIRED_ACTION_ERROR",
            "app",
            user_id,
        ), rejected
        assert rejected["error"] == "rejected_by_user"
        assert rejected["details"]["custom_required_action"] == "idp_link"
        assert rejected["details"]["username"] == "user1"
        _login_event(logged_in, user_id)
        assert await _links(env) == []


async def test_account_linking_consent_rejected_at_idp(env: Env) -> None:
    async with served(env) as broker:
        await update_client(env.db, "provider", "broker-app", consent_required=True)
        await update_realm(env.db, "provider", events_enabled=True, enabled_event_types=KEPT)
        async with browser(broker) as http:
            await _signed_in(broker, http)
            page = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            form = await http.get(to_provider.headers["location"])
            fields = {**form_fields(form.text), "username": "alice", "password": "password"}
            consent = await http.post(form_action(form.text), data=fields)
            assert consent.status_code == 200 and 'id="kc-oauth"' in consent.text, consent.text[:1500]
            await _admin(env, "DELETE", "/events")
            posted = await http.post(form_action(consent.text), data={**form_fields(consent.text), "cancel": "no"})
            assert posted.status_code == 302, posted.text
            done = await http.get(posted.headers["location"])
            assert done.status_code == 302, done.text
            back = query(done.headers["location"])
            assert (back["kc_action"], back["kc_action_status"]) == ("idp_link", "cancelled") and back["code"]
        user_id = await _user1(env)
        refused, logged_in = await _events(env)
        assert (refused["type"], refused["clientId"], refused["userId"]) == (
            "FEDERATED_IDENTITY_LINK_ERROR",
            "app",
            user_id,
        ), refused
        assert refused["error"] == "rejected_by_user"
        assert (refused["details"]["username"], refused["details"]["identity_provider"]) == ("user1", ALIAS)
        _login_event(logged_in, user_id)
        assert await _links(env) == []
        headers = await env.admin_headers()
        provider_events = (await env.http.get("/admin/realms/provider/events", headers=headers)).json()
        [error] = [e for e in provider_events if e["type"] == "LOGIN_ERROR"]
        assert (error["clientId"], error["error"], error["details"]["username"]) == (
            "broker-app",
            "rejected_by_user",
            "alice",
        ), error
        assert error.get("userId") and not error.get("sessionId"), error


async def test_consumer_reauthentication(env: Env) -> None:
    """testConsumerReauthentication: user1, linked to the provider, signed in; ``max_age=1`` two seconds later asks
    the login again; re-authenticating at the provider with its consent refused brings back the consumer's login
    page with "Access denied when authenticating with <provider>"; the provider's LOGIN_ERROR is the only event."""
    async with served(env) as broker:
        await update_client(env.db, "provider", "broker-app", consent_required=True)
        await update_realm(env.db, "provider", events_enabled=True, enabled_event_types=KEPT)
        async with browser(broker) as http:
            await _signed_in(broker, http)
            headers = await env.admin_headers()
            [alice] = (await env.http.get("/admin/realms/provider/users?username=alice", headers=headers)).json()
            link = {"identityProvider": ALIAS, "userId": alice["id"], "userName": "alice"}
            await _admin(env, "POST", f"/users/{await _user1(env)}/federated-identity/{ALIAS}", link)
            env.clock.advance(2)
            page = await start(http, "test", "app", max_age="1")
            assert is_login_page(page), page.text[:1500]
            to_provider = await http.get(button(page))
            form = await http.get(to_provider.headers["location"])
            fields = {**form_fields(form.text), "username": "alice", "password": "password"}
            consent = await http.post(form_action(form.text), data=fields)
            assert consent.status_code == 200 and 'id="kc-oauth"' in consent.text, consent.text[:1500]
            await _admin(env, "DELETE", "/events")
            await env.http.delete("/admin/realms/provider/events", headers=headers)
            posted = await http.post(form_action(consent.text), data={**form_fields(consent.text), "cancel": "no"})
            again = await http.get(posted.headers["location"])
            assert is_login_page(again), again.text[:1500]
            assert error(again) == "Access denied when authenticating with Provider Realm"
        assert await _events(env) == []
        provider_events = (await env.http.get("/admin/realms/provider/events", headers=headers)).json()
        assert [(e["type"], e["clientId"], e["error"], e["details"]["username"]) for e in provider_events] == [
            ("LOGIN_ERROR", "broker-app", "rejected_by_user", "alice")
        ]
        assert provider_events[0]["userId"] == alice["id"] and not provider_events[0].get("sessionId")


async def test_account_linking_success_triggered_when_user_not_authenticated(env: Env) -> None:
    """testAccountLinkingSuccessTriggeredWhenUserNotAuthenticated: ``kc_action=idp_link:<alias>`` before anyone signed
    in: the login form, user1's password, then the confirmation page, the provider, linked; back at the client with
    ``kc_action_status=success``; FEDERATED_IDENTITY_LINK then LOGIN."""
    async with served(env) as broker:
        await update_realm(env.db, "test", enabled_event_types=KEPT)
        await broker.add_provider()
        async with browser(broker) as http:
            form = await start(http, "test", "app", kc_action=f"idp_link:{ALIAS}")
            assert is_login_page(form), form.text[:1500]
            fields = {**form_fields(form.text), "username": "user1", "password": "password"}
            page = await http.post(form_action(form.text), data=fields)
            assert page.status_code == 200 and "Do you want to link your account with Provider Realm?" in page.text
            to_provider = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            provider_page = await http.get(to_provider.headers["location"])
            fields = {**form_fields(provider_page.text), "username": "alice", "password": "password"}
            posted = await http.post(form_action(provider_page.text), data=fields)
            assert posted.status_code == 302, posted.text
            await _admin(env, "DELETE", "/events")
            done = await http.get(posted.headers["location"])
            assert done.status_code == 302, done.text
            back = query(done.headers["location"])
            assert (back["kc_action"], back["kc_action_status"]) == ("idp_link", "success") and back["code"]
        user_id = await _user1(env)
        linked, logged_in = await _events(env)
        assert (linked["type"], linked["clientId"], linked["userId"]) == ("FEDERATED_IDENTITY_LINK", "app", user_id)
        assert (linked["details"]["identity_provider"], linked["details"]["identity_provider_identity"]) == (
            ALIAS,
            "alice",
        )
        _login_event(logged_in, user_id)
        assert await _links(env) == [ALIAS]
