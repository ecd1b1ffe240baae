"""Keycloak's BrokerLoginTest (tests/base/.../tests/broker/BrokerLoginTest.java @7167796b, the new framework's
interface behind AbstractBrokerTest) and KcOidcBrokerEventTest (tests/base/.../tests/broker/KcOidcBrokerEventTest.java
@6b3c5721, the events of a broker login and issue #10616: the username of a failed form login does not leak into
the broker login's events).

The provider realm ``provider`` and the consumer realm ``test`` are broker_support.py's; the provider user ``testuser``
has an e-mail and no names, as the Java's ``bc.getUserLogin()`` user, so the consumer's review-profile step shows the
"update account information" page (``updateAccountInformation``). ``events.poll()`` reads each realm's saved events
oldest first and clears them; the provider realm saves LOGIN, CODE_TO_TOKEN and USER_INFO_REQUEST as Keycloak's event
listener sees them. The consumer client is ``app`` (the Java's ``broker-app``).

Ported: ``testLogInAsUserInIDP`` and ``loginWithExistingUser`` (BrokerLoginTest, and again with KcOidcBrokerEventTest's
event checks), ``testLogInAsUserInIDPAfterError``, ``loginWithExistingUserAfterError``. ``testSingleLogout`` (a
helper of both) is each first test's second half.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, button, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

USER = "testuser"
EMAIL = "testuser@example.org"
BROKER_SESSION = "identity_provider_broker_session_id"
PROVIDER_SAVED = ("LOGIN", "LOGIN_ERROR", "CODE_TO_TOKEN", "USER_INFO_REQUEST")


async def _setup(broker: Broker) -> str:
    """The provider user without names and the provider realm saving its events; the provider user's id."""
    env = broker.env
    user = await seed_user(env.db, env.clock, "provider", USER, email=EMAIL, first_name=None, last_name=None)
    await update_realm(env.db, "provider", events_enabled=True, enabled_event_types=PROVIDER_SAVED)
    await broker.add_provider()
    return user.id


async def _poll(env: Env, realm: str) -> list[dict[str, Any]]:
    """Every event the realm saved since the last poll, oldest first (the API lists them newest first)."""
    headers = await env.admin_headers()
    got = await env.http.get(f"/admin/realms/{realm}/events", params={"max": "1000"}, headers=headers)
    assert got.status_code == 200, got.text
    cleared = await env.http.delete(f"/admin/realms/{realm}/events", headers=headers)
    assert cleared.status_code == 204, cleared.text
    return list(reversed(got.json()))


async def _users(env: Env) -> list[dict[str, Any]]:
    got = await env.http.get("/admin/realms/test/users", headers=await env.admin_headers())
    assert got.status_code == 200, got.text
    found: list[dict[str, Any]] = got.json()
    return found


async def _count(env: Env) -> int:
    got = await env.http.get("/admin/realms/test/users/count", headers=await env.admin_headers())
    assert got.status_code == 200, got.text
    return int(got.json())


async def _through_provider(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    """logInWithBroker: the provider's button on the consumer's login page, the provider's login form filled in;
    the consumer broker endpoint's answer."""
    assert page.status_code == 200, page.text
    to_provider = await http.get(button(page))
    return await http.get(await provider_login(http, to_provider, USER))


async def _update_account_information(http: httpx.AsyncClient, review: httpx.Response) -> None:
    """updateAccountInformationPage.updateAccountInformation(login, email, "Firstname", "Lastname"): back at the
    client with a code."""
    assert review.status_code == 200 and 'name="lastName"' in review.text, review.text
    assert "/realms/test/" in form_action(review.text), "not on the consumer realm"
    names = {"username": USER, "email": EMAIL, "firstName": "Firstname", "lastName": "Lastname"}
    done = await http.post(form_action(review.text), data={**form_fields(review.text), **names})
    _assert_logged_in(done)


def _assert_logged_in(done: httpx.Response) -> None:
    """oauth.parseLoginResponse().isSuccess(): at the client's redirect URI with a code, no error."""
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    answer = query(done.headers["location"])
    assert answer.get("code") and "error" not in answer, answer


def _provider_events(found: list[dict[str, Any]], provider_user: str) -> None:
    """The provider realm's LOGIN, CODE_TO_TOKEN and USER_INFO_REQUEST for the broker's client there."""
    assert [e["type"] for e in found] == ["LOGIN", "CODE_TO_TOKEN", "USER_INFO_REQUEST"], found
    for event in found:
        assert event["userId"] == provider_user and event["clientId"] == "broker-app", event
        assert event.get("sessionId"), event
    assert found[0]["details"]["username"] == USER


def _assert_brokered(event: dict[str, Any]) -> None:
    assert event["details"]["identity_provider"] == ALIAS, event
    assert event["details"]["identity_provider_identity"] == USER, event


def _first_login_events(found: list[dict[str, Any]], consumer_user: str | None = None) -> None:
    """checkFirstLoginEvents' consumer half."""
    kinds = [e["type"] for e in found]
    assert kinds == ["IDENTITY_PROVIDER_FIRST_LOGIN", "UPDATE_PROFILE", "REGISTER", "LOGIN"], kinds
    first, update, register, login = found
    assert first["clientId"] == "app" and first.get("userId") is None, first
    _assert_brokered(first)
    assert first["details"][BROKER_SESSION].startswith(f"{ALIAS}."), first
    assert update["clientId"] == "app" and update.get("userId") is None, update
    assert update["details"]["context"] == "IDP_REVIEW", update
    # the flow's event builder (brokerLoginFlow) names the provider session; afterFirstBrokerLogin's REGISTER does not
    assert update["details"]["identity_provider_broker_session_id"] == first["details"][BROKER_SESSION], update
    assert BROKER_SESSION not in register["details"], register
    assert register["clientId"] == "app" and register.get("sessionId") is None and register.get("userId"), register
    assert register["details"]["username"] == USER, register
    _assert_brokered(register)
    assert login["clientId"] == "app" and login.get("sessionId") and login.get("userId"), login
    assert login["details"]["username"] == USER, login
    _assert_brokered(login)
    if consumer_user is not None:
        assert register["userId"] == consumer_user and login["userId"] == consumer_user


def _login_events(found: list[dict[str, Any]], consumer_user: str) -> None:
    """checkLoginEvents' consumer half: the linked user's LOGIN, nothing else."""
    assert [e["type"] for e in found] == ["LOGIN"], found
    [login] = found
    assert login["clientId"] == "app" and login.get("sessionId"), login
    assert login.get("userId") in (None, consumer_user), login
    assert login["details"]["username"] == USER, login
    _assert_brokered(login)


async def _login_user(broker: Broker, provider_user: str) -> None:
    """KcOidcBrokerEventTest.loginUser: BrokerLoginTest.loginUser with checkFirstLoginEvents."""
    env = broker.env
    async with browser(broker) as http:
        review = await _through_provider(http, await start_login(http))
        await _update_account_information(http, review)
        [user] = [u for u in await _users(env) if u["username"] == USER]
        renamed = await env.http.put(
            f"/admin/realms/test/users/{user['id']}",
            json=user | {"firstName": "Firstname", "lastName": "Lastname"},
            headers=await env.admin_headers(),
        )
        assert renamed.status_code == 204, renamed.text
        assert await _count(env) > 0
        assert any(u["username"] == USER and u["email"] == EMAIL for u in await _users(env))
        _provider_events(await _poll(env, "provider"), provider_user)
        _first_login_events(await _poll(env, "test"))
        await _single_logout(broker, http)


async def _single_logout(broker: Broker, http: httpx.AsyncClient) -> None:
    """BrokerLoginTest.testSingleLogout: signed in at the consumer, then both realms' administrators sign the user
    out (AccountHelper.logout): the next authorization request shows the login page."""
    env = broker.env
    _assert_logged_in(await start_login(http))
    headers = await env.admin_headers()
    for realm in ("test", "provider"):
        found = await env.http.get(
            f"/admin/realms/{realm}/users", params={"username": USER, "exact": "true"}, headers=headers
        )
        [user] = found.json()
        out = await env.http.post(f"/admin/realms/{realm}/users/{user['id']}/logout", headers=headers)
        assert out.status_code == 204, out.text
    page = await start_login(http)
    assert page.status_code == 200 and 'name="username"' in page.text, page.text  # loginPage.assertCurrent()
    await _poll(env, "provider")
    await _poll(env, "test")  # events.clear()


async def _login_error(http: httpx.AsyncClient, env: Env) -> httpx.Response:
    """doALoginError: a form login of a user the consumer does not know, LOGIN_ERROR ``user_not_found``; the login
    page it answers."""
    page = await start_login(http)
    failed = await http.post(
        form_action(page.text), data={**form_fields(page.text), "username": "wrong-user", "password": "wrong-password"}
    )
    assert failed.status_code == 200, failed.text
    [error] = await _poll(env, "test")
    assert error["type"] == "LOGIN_ERROR" and error["error"] == "user_not_found", error
    assert error.get("userId") is None and error.get("sessionId") is None and error["clientId"] == "app", error
    assert error["details"]["username"] == "wrong-user", error
    return failed


async def _consumer_user(env: Env) -> str:
    [user] = [u for u in await _users(env) if u["username"] == USER]
    user_id: str = user["id"]
    return user_id


async def test_log_in_as_user_in_idp(env: Env) -> None:
    """BrokerLoginTest.testLogInAsUserInIDP, KcOidcBrokerEventTest's too (loginUser with checkFirstLoginEvents, then
    testSingleLogout)."""
    async with served(env) as broker:
        await _login_user(broker, await _setup(broker))


async def test_login_with_existing_user(env: Env) -> None:
    """BrokerLoginTest.loginWithExistingUser and KcOidcBrokerEventTest.loginWithExistingUser: after the first
    login, a second one through the provider (its login form again) goes straight back to the client, makes no
    user, and the consumer records the linked user's LOGIN."""
    async with served(env) as broker:
        provider_user = await _setup(broker)
        before = await _count(env)
        await _login_user(broker, provider_user)
        count = await _count(env)
        assert count == before + 1
        consumer_user = await _consumer_user(env)
        async with browser(broker) as http:
            _assert_logged_in(await _through_provider(http, await start_login(http)))
        assert await _count(env) == count
        _provider_events(await _poll(env, "provider"), provider_user)
        _login_events(await _poll(env, "test"), consumer_user)


async def test_log_in_as_user_in_idp_after_error(env: Env) -> None:
    """KcOidcBrokerEventTest.testLogInAsUserInIDPAfterError: a failed form login, then the first login through the
    provider from the same page; its events name the brokered user, not ``wrong-user`` (issue #10616)."""
    async with served(env) as broker:
        provider_user = await _setup(broker)
        async with browser(broker) as http:
            failed = await _login_error(http, env)
            review = await _through_provider(http, failed)
            await _update_account_information(http, review)
            users = [u for u in await _users(env) if u["username"] == USER]
            assert len(users) == 1 and users[0]["email"] == EMAIL, users
            _provider_events(await _poll(env, "provider"), provider_user)
            _first_login_events(await _poll(env, "test"), users[0]["id"])
            await _single_logout(broker, http)


async def test_login_with_existing_user_after_error(env: Env) -> None:
    """KcOidcBrokerEventTest.loginWithExistingUserAfterError: the linked user's login through the provider after a
    failed form login: straight back to the client, no new user, its LOGIN naming the brokered user."""
    async with served(env) as broker:
        provider_user = await _setup(broker)
        await _login_user(broker, provider_user)
        consumer_user = await _consumer_user(env)
        count = await _count(env)
        async with browser(broker) as http:
            failed = await _login_error(http, env)
            _assert_logged_in(await _through_provider(http, failed))
        assert await _count(env) == count
        _provider_events(await _poll(env, "provider"), provider_user)
        _login_events(await _poll(env, "test"), consumer_user)
