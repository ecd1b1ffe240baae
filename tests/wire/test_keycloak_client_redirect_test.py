"""Keycloak's ClientRedirectTest (testsuite/.../client/ClientRedirectTest.java), every method, each named after the
Java one: ``GET /realms/{realm}/clients/{client_id}/redirect`` (RealmsResource.getRedirect) sends a 303 to the
client's URL, and a logout's ``post_logout_redirect_uri`` is judged against the ``id_token_hint``'s client, not
against another (disabled) client that allows every URI. The Java test reads the browser's URL after the
redirect; here the 303's Location is read. Two Doorkeep tests pin what getRedirect answers when it has nowhere
to send the browser (an empty 204) and for an unknown realm (404). Not ported: nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, exchange, login
from group_port import fresh_realm
from keycloak_port import get
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

USER = "test-user@localhost"
SERVER = "http://localhost"  # the test client's base URL, which the server sees


def realm_rep() -> dict[str, Any]:
    user = {
        "username": USER,
        "enabled": True,
        "email": USER,
        "credentials": [{"type": "password", "value": "password"}],
    }
    clients = [
        {"clientId": "test-app", "secret": "password", "redirectUris": [REDIRECT], "enabled": True},
        {"clientId": "launchpad-test", "baseUrl": "", "rootUrl": "http://example.org/launchpad"},
        {"clientId": "dummy-test", "baseUrl": "/base-path", "rootUrl": "http://example.org/dummy"},
        {"clientId": "no-url-test"},
    ]
    return {"realm": "test", "enabled": True, "eventsEnabled": True, "users": [user], "clients": clients}


@pytest.fixture(scope="module")
async def env(shared_env: Env) -> Env:
    await fresh_realm(shared_env, realm_rep())
    return shared_env


@pytest.fixture(autouse=True)
def no_cookies(env: Env) -> None:
    env.http.cookies.clear()


async def client_redirect(env: Env, client_id: str, realm: str = "test", **headers: str) -> httpx.Response:
    return await env.http.get(f"/realms/{realm}/clients/{client_id}/redirect", headers=headers)


async def tokens(env: Env) -> dict[str, Any]:
    """``oauth.doLogin`` with test-app, then its code exchanged (secret ``password``)."""
    code = (await login(env.http, "test", "test-app", username=USER))["code"]
    answer = await exchange(env.http, "test", "test-app", code, "password")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_client_redirect_endpoint(env: Env) -> None:
    """testClientRedirectEndpoint: the root URL when the base URL is empty, else the base URL under the root URL;
    the account client's ``${authBaseUrl}`` root is the server."""
    await login(env.http, "test", "test-app", username=USER)
    expected = {
        "launchpad-test": "http://example.org/launchpad",
        "dummy-test": "http://example.org/dummy/base-path",
        "account": f"{SERVER}/realms/test/account/",
    }
    for client_id, url in expected.items():
        answer = await client_redirect(env, client_id)
        assert (answer.status_code, answer.headers.get("location")) == (303, url), (client_id, answer.text)


async def test_redirect_status_code(env: Env) -> None:
    """testRedirectStatusCode: 303 See Other, a bearer token or not."""
    access_token = (await tokens(env))["access_token"]
    answer = await client_redirect(env, "launchpad-test", Authorization=f"Bearer {access_token}")
    assert answer.status_code == 303, answer.text


async def test_redirect_to_disabled_client_redirect_uri(env: Env) -> None:
    """testRedirectToDisabledClientRedirectURI (KEYCLOAK-7707): a disabled client allowing ``*`` does not make
    test-app's logout send the browser anywhere; LOGOUT_ERROR ``invalid_redirect_uri``."""
    made = await call(env, "POST", "/clients", {"clientId": "disabled-client", "enabled": False, "redirectUris": ["*"]})
    assert made.status_code == 201, made.text
    try:
        id_token = (await tokens(env))["id_token"]
        assert (await call(env, "DELETE", "/events")).status_code == 204  # events.poll()
        params = {"post_logout_redirect_uri": "http://example.org/redirected", "id_token_hint": id_token}
        out = await env.http.get("/realms/test/protocol/openid-connect/logout", params=params)
        assert out.headers.get("location") != "http://example.org/redirected", out.headers
        assert out.status_code == 400, out.text
        (event,) = await get(env, "/events", type="LOGOUT_ERROR")
        assert event["error"] == "invalid_redirect_uri", event
    finally:
        gone = await call(env, "DELETE", "/clients/" + made.headers["location"].rsplit("/", 1)[-1])
        assert gone.status_code == 204, gone.text


async def test_redirect_without_a_client_url_or_client_answers_no_content(env: Env) -> None:
    """getRedirect returns null for an unknown client and for one with neither a root nor a base URL: 204."""
    for client_id in ("no-url-test", "no-such-client"):
        answer = await client_redirect(env, client_id)
        assert (answer.status_code, answer.content) == (204, b""), (client_id, answer.text)


async def test_redirect_of_an_unknown_realm_is_not_found(env: Env) -> None:
    answer = await client_redirect(env, "account", realm="no-such-realm", Accept="application/json")
    assert (answer.status_code, answer.json()) == (404, {"error": "Realm does not exist"}), answer.text
