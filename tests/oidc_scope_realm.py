"""What the ports of Keycloak's ``AbstractOIDCScopeTest`` subclasses share (OIDCScopeTest, AudienceTest;
testsuite/integration-arquillian/tests/base/.../oidc/AbstractOIDCScopeTest.java @110a6242).

The realm is the part of ``testrealm.json`` those tests read: the confidential ``test-app`` and the
consent-requiring ``third-party`` (full scope off, scoped to the realm role ``user``), both with the secret
``password``; each test class adds its own roles, clients and users. It is imported through
``POST /admin/realms`` with events kept for every type the tests assert, as Keycloak's AssertEvents sees them.
``send_token_request`` is ``sendTokenRequest``: the code exchanged, the scope checked in the response, the
access token and the CODE_TO_TOKEN event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import httpx

from browser_flow import code_from, exchange, start, submit
from keycloak_port import admin_headers, import_realm, poll
from support import claims
from wire_env import Env

SECRET = "password"
REDIRECT_URIS = ["http://127.0.0.1:9999/*"]
EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "CODE_TO_TOKEN",
    "CODE_TO_TOKEN_ERROR",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "LOGOUT",
    "LOGOUT_ERROR",
]


def base_realm() -> dict[str, Any]:
    """The slice of testrealm.json both test classes start from."""
    client = {"secret": SECRET, "redirectUris": REDIRECT_URIS, "directAccessGrantsEnabled": True}
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "roles": {"realm": [{"name": "user"}], "client": {}},
        "groups": [],
        "clients": [
            {"clientId": "test-app", **client},
            {"clientId": "third-party", **client, "consentRequired": True, "fullScopeAllowed": False},
        ],
        "scopeMappings": [{"client": "third-party", "roles": ["user"]}],
        "users": [],
    }


async def import_test_realm(env: Env, rep: dict[str, Any]) -> Env:
    await import_realm(env, rep)
    return env


def with_openid(scope: str | None) -> str:
    """Keycloak's OAuthClient sends ``openid`` always, in front of the test's own scope parameter."""
    names = (scope or "").split()
    return " ".join(names if "openid" in names else ["openid", *names])


async def login_page(env: Env, client_id: str = "test-app", scope: str | None = None) -> httpx.Response:
    return await start(env.http, "test", client_id, scope=with_openid(scope))


async def do_login(
    env: Env, username: str = "john", client_id: str = "test-app", scope: str | None = None
) -> httpx.Response:
    """``oauth.doLogin``: the login form filled in, or the SSO session's redirect; the response (a redirect with
    the code, or the consent page)."""
    page = await login_page(env, client_id, scope)
    if page.status_code == 302 or 'name="accept"' in page.text:  # the SSO session: a code, or the consent page
        return page
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:500])
    return await submit(env.http, page, username=username, password="password")


def grants(page: httpx.Response) -> list[str]:
    """``grantPage.assertCurrent()`` and the consent texts it lists."""
    assert page.status_code == 200 and 'name="accept"' in page.text, (page.status_code, page.text[:500])
    return sorted(re.findall(r"<li><span>([^<]*)</span></li>", page.text))


async def accept(env: Env, page: httpx.Response) -> httpx.Response:
    return await submit(env.http, page, accept="yes")


async def expect_login(
    env: Env, user_id: str, client_id: str = "test-app", consent: str | None = None
) -> dict[str, Any]:
    """``events.expectLogin().user(..).client(..)[.detail(consent)].assertEvent()``: the one event since the last
    poll is that LOGIN, with a session and a code id."""
    found = await poll(env)
    assert [e["type"] for e in found] == ["LOGIN"], [(e["type"], e.get("error")) for e in found]
    event = found[0]
    assert (event["userId"], event["clientId"]) == (user_id, client_id), event
    assert event["sessionId"] and event["details"]["code_id"], event
    if consent is not None:
        assert event["details"]["consent"] == consent, event
    return event


def assert_scopes(expected: str, received: str) -> None:
    """AbstractOIDCScopeTest.assertScopes: the same names, in any order."""
    assert set(expected.split()) == set(received.split()), (expected, received)


@dataclass(frozen=True)
class Tokens:
    id_token: dict[str, Any]
    access_token: dict[str, Any]
    refresh_token: str


async def send_token_request(
    env: Env, redirect: httpx.Response, login: dict[str, Any], expected_scope: str, client_id: str = "test-app"
) -> Tokens:
    """AbstractOIDCScopeTest.sendTokenRequest: the code exchanged; the scope in the response, the access token
    and the CODE_TO_TOKEN event (with the login's code id and session) is ``expected_scope``."""
    code = code_from(redirect)["code"]
    response = await exchange(env.http, "test", client_id, code, secret=SECRET)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_scopes(expected_scope, body["scope"])
    access = claims(body["access_token"])
    assert_scopes(expected_scope, access["scope"])
    found = await poll(env)
    assert [e["type"] for e in found] == ["CODE_TO_TOKEN"], [(e["type"], e.get("error")) for e in found]
    event = found[0]
    assert (event["userId"], event["clientId"], event["sessionId"]) == (
        login["userId"],
        client_id,
        login["sessionId"],
    ), event
    assert event["details"]["code_id"] == login["details"]["code_id"], event
    assert_scopes(expected_scope, event["details"]["scope"])
    return Tokens(claims(body["id_token"]), access, str(body["refresh_token"]))


async def logout(env: Env, tokens: Tokens, user_id: str, client_id: str = "test-app") -> None:
    """``oauth.doLogout(refreshToken)`` and ``events.expectLogout(sid).client(..).user(..)``."""
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/logout",
        data={"refresh_token": tokens.refresh_token, "client_id": client_id, "client_secret": SECRET},
    )
    assert response.status_code == 204, response.text
    found = await poll(env)
    assert [e["type"] for e in found] == ["LOGOUT"], [(e["type"], e.get("error")) for e in found]
    event = found[0]
    assert (event["sessionId"], event["clientId"], event["userId"]) == (tokens.id_token["sid"], client_id, user_id)


async def refresh(env: Env, refresh_token: str, client_id: str = "test-app", **extra: str) -> httpx.Response:
    """``oauth.doRefreshTokenRequest``: client_secret_post with the secret ``password``."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id, **extra}
    return await env.http.post("/realms/test/protocol/openid-connect/token", data={**form, "client_secret": SECRET})


async def create_client_scope(env: Env, name: str, **extra: Any) -> str:
    """``testRealm().clientScopes().create(rep)``; the new scope's id."""
    response = await env.http.post(
        "/admin/realms/test/client-scopes",
        json={"name": name, "protocol": "openid-connect", **extra},
        headers=await admin_headers(env),
    )
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]


async def create_mapper(env: Env, scope_id: str, mapper: dict[str, Any]) -> str:
    """``clientScope.getProtocolMappers().createMapper(rep)``; the new mapper's id."""
    response = await env.http.post(
        f"/admin/realms/test/client-scopes/{scope_id}/protocol-mappers/models",
        json=mapper,
        headers=await admin_headers(env),
    )
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[1]
