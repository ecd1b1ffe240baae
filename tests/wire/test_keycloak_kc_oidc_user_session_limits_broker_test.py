"""Keycloak's old-testsuite sessionlimits/KcOidcUserSessionLimitsBrokerTest (AbstractUserSessionLimitsBrokerTest)
over real HTTP, a second realm as the OIDC provider: the User Session Count Limiter alone, REQUIRED, as the
provider's post broker login flow (UserSessionLimitsUtil.configureSessionLimits, errorMessage "This account has
too many sessions"). alice logs in through the provider (her first login, which creates her), both realms' cookies
are dropped, and she logs in through it again: "Deny new session" refuses the second login with the 403 error
page and the message; "Terminate oldest session" lets it in and leaves her one session. Doorkeep refused such a
post broker login flow before (it ran only the OTP form there)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import Broker, broker_login, browser, provider_running, query, served
from browser_flow import REDIRECT
from flow_builder import ADMIN, AUTH, REQ, add, admin, events
from wire_env import Env

pytestmark = pytest.mark.anyio
POST = "post-broker"
ERROR_TO_DISPLAY = "This account has too many sessions"  # UserSessionLimitsUtil.ERROR_TO_DISPLAY
DENY, TERMINATE = "Deny new session", "Terminate oldest session"


async def configure_flow(broker: Broker, behavior: str, realm_limit: str, client_limit: str) -> None:
    """``configureFlow``: the top-level ``post-broker`` flow holding the limiter, named by the provider."""
    env = broker.env
    body = {"alias": POST, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": POST}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    config = {
        "behavior": behavior,
        "userRealmLimit": realm_limit,
        "userClientLimit": client_limit,
        "errorMessage": ERROR_TO_DISPLAY,
    }
    await add(env, POST, "user-session-limits", REQ, config)
    await provider_running(broker, "postBrokerLoginFlowAlias", POST)


async def sessions_of(env: Env, username: str) -> list[dict[str, Any]]:
    [user] = (await admin(env, "GET", f"{ADMIN}/users?username={username}&exact=true", status=200)).json()
    found: list[dict[str, Any]] = (await admin(env, "GET", f"{ADMIN}/users/{user['id']}/sessions", status=200)).json()
    return found


def signed_in(done: httpx.Response) -> bool:
    return (
        done.status_code == 302
        and "code" in query(done.headers["location"])
        and done.headers["location"].startswith(REDIRECT + "?")
    )


async def login_twice_and_verify_behavior(broker: Broker, behavior: str) -> None:
    """``loginTwiceAndVerifyBehavior``: two logins through the provider from fresh browsers."""
    async with browser(broker) as http:  # logInAsUserInIDPForFirstTime, assertLoggedInAccountManagement
        first = await broker_login(http)
    assert signed_in(first), (first.status_code, first.headers.get("location"), first.text[:400])
    async with browser(broker) as http:  # deleteAllCookiesForRealm of both realms, logInAsUserInIDP
        second = await broker_login(http)
    if behavior == TERMINATE:
        assert signed_in(second), (second.status_code, second.text[:400])
        assert len(await sessions_of(broker.env, "alice")) == 1
        assert len(await events(broker.env, "LOGOUT")) == 1
    else:
        assert second.status_code == 403 and ERROR_TO_DISPLAY in second.text, (second.status_code, second.text[:400])
        assert "location" not in second.headers
        assert len(await sessions_of(broker.env, "alice")) == 1


@pytest.mark.parametrize(
    ("behavior", "realm_limit", "client_limit"),
    [(DENY, "0", "1"), (TERMINATE, "0", "1"), (DENY, "1", "0"), (TERMINATE, "1", "0")],
    ids=["client-deny", "client-terminate", "realm-deny", "realm-terminate"],
)
async def test_session_count_exceeded_first_broker_login_flow(
    env: Env, behavior: str, realm_limit: str, client_limit: str
) -> None:
    """AbstractUserSessionLimitsBrokerTest#testSessionCountExceededAndNewSessionDeniedFirstBrokerLoginFlow,
    #testSessionCountExceededAndOldestSessionRemovedFirstBrokerLoginFlow,
    #testRealmSessionCountExceededAndNewSessionDeniedFirstBrokerLoginFlow and
    #testRealmSessionCountExceededAndOldestFirstBrokerLoginFlow."""
    async with served(env) as broker:
        await admin(env, "PUT", ADMIN, {"enabledEventTypes": [], "eventsEnabled": True}, 204)
        await configure_flow(broker, behavior, realm_limit, client_limit)
        await login_twice_and_verify_behavior(broker, behavior)


async def test_a_limiter_without_config_ends_the_login_as_an_unexpected_error(env: Env) -> None:
    """A limiter with no config: Keycloak's AuthenticationFlowException, the unexpected-error page, no session."""
    async with served(env) as broker:
        body = {"alias": POST, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": POST}
        await admin(env, "POST", f"{AUTH}/flows", body, 201)
        await add(env, POST, "user-session-limits", REQ)
        await provider_running(broker, "postBrokerLoginFlowAlias", POST)
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code != 302 and "location" not in done.headers, done.text[:400]
        assert await sessions_of(env, "alice") == []
