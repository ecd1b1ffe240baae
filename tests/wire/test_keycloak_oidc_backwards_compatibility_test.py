"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.OIDCBackwardsCompatibilityTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/, KEYCLOAK-6286).

A client may leave ``session_state`` (``exclude.session.state.from.auth.response``) and ``iss``
(``exclude.issuer.from.auth.response``) out of its authorization responses, the error redirect included
(OIDCConfigAttributes; OIDCLoginProtocol.authenticated, AuthorizationEndpoint.redirectErrorToClient). The second
login of each test is the SSO session's (``oauth.openLoginForm()`` with the cookie). The realm is
``oidc_port_realm``'s slice of ``testrealm.json``; each test starts from a fresh realm, so the reverts are left out.
"""

from __future__ import annotations

from typing import Any

import pytest

from access_token_realm import APP, REDIRECT, client_uuid, do_login, events, get, send
from browser_flow import code_from, start
from oidc_port_realm import clear_events, expect_login, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


async def set_attribute(env: Env, name: str, value: str) -> None:
    """``OIDCAdvancedConfigWrapper.fromClientRepresentation(rep).setExclude…(true)`` then ``client.update(rep)``."""
    uuid = await client_uuid(env)
    rep = await get(env, f"/clients/{uuid}")
    await send(env, "PUT", f"/clients/{uuid}", {**rep, "attributes": {**rep.get("attributes", {}), name: value}})


def issuer(env: Env) -> str:
    return f"{env.http.base_url}".rstrip("/") + "/realms/test"


async def expect_login_error(env: Env) -> dict[str, Any]:
    """``events.expectLogin().error(INVALID_REQUEST).user(null).session(null).clearDetails()
    .detail(RESPONSE_TYPE, "tokenn")``."""
    (event,) = await events(env, "LOGIN", "LOGIN_ERROR")
    assert event["type"] == "LOGIN_ERROR" and event["error"] == "invalid_request", event
    assert event["clientId"] == APP and event.get("userId") is None and event.get("sessionId") is None, event
    assert event["details"]["response_type"] == "tokenn", event
    await clear_events(env)
    return event


async def test_exclude_session_state_parameter(kc: Env) -> None:
    response = await do_login(kc)
    assert response["code"] and response["session_state"]
    login = await expect_login(kc)
    assert response["session_state"] == login["sessionId"]

    await set_attribute(kc, "exclude.session.state.from.auth.response", "true")

    response = await do_login(kc)  # the SSO session answers at once
    assert response["code"]
    await expect_login(kc)
    assert "session_state" not in response
    assert response["iss"] == issuer(kc)  # only session_state goes


async def test_exclude_issuer_parameter(kc: Env) -> None:
    response = await do_login(kc)
    await expect_login(kc)
    assert response["code"] and response["iss"] == issuer(kc)

    await set_attribute(kc, "exclude.issuer.from.auth.response", "true")

    response = await do_login(kc)
    assert response["code"]
    await expect_login(kc)
    assert "iss" not in response
    assert response["session_state"]  # only iss goes


async def test_exclude_issuer_parameter_on_error(kc: Env) -> None:
    redirect = await start(kc.http, "test", APP, response_type="tokenn")
    assert redirect.headers["location"].startswith(REDIRECT + "?"), redirect.headers.get("location")
    error = code_from(redirect)
    assert error["error"] == "unsupported_response_type"
    assert error["iss"] == issuer(kc)
    await expect_login_error(kc)

    await set_attribute(kc, "exclude.issuer.from.auth.response", "true")

    error = code_from(await start(kc.http, "test", APP, response_type="tokenn"))
    assert error["error"] == "unsupported_response_type"
    assert "iss" not in error
    await expect_login_error(kc)
