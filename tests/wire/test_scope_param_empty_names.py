"""An empty name in the ``scope`` parameter is ``invalid_scope``, as Keycloak answers it.

TokenManager.isValidScope reads the parameter with parseScopeParameter, ``scopeParam.split(" ")``: Java keeps a
leading and an inner empty name (``" openid"``, ``"openid  phone"``) and a parameter without a space is one name,
even the empty one (``scope=``), while trailing empty names are dropped (``"openid "``, ``" "``). An empty name is
no client scope of the client and no dynamic one, so the request is refused with "Invalid scopes: <parameter>"
(OAuth2GrantTypeBase.getRequestedScopes for the password, client_credentials and refresh_token grants;
AuthorizationEndpointChecker.checkValidScope at the authorization endpoint). Clients that send ``scope=`` meet it
(keycloak-nodejs-admin-client PR 100: ``{"error":"invalid_scope","error_description":"Invalid scopes: "}``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_flow import start
from keycloak_port import poll
from oidc_scope_realm import EVENT_TYPES, SECRET, base_realm, import_test_realm, refresh
from support import claims, password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

REFUSED = ["", "openid  phone", " openid", " phone"]
ACCEPTED = ["openid ", " ", "openid phone  "]


@pytest.fixture
async def kc(env: Env) -> Env:
    rep = base_realm()
    rep["enabledEventTypes"] = [*EVENT_TYPES, "CLIENT_LOGIN", "CLIENT_LOGIN_ERROR"]
    rep["clients"].append({"clientId": "svc", "secret": SECRET, "serviceAccountsEnabled": True})
    rep["users"].append(
        {
            "username": "john",
            "enabled": True,
            "email": "john@email.cz",
            "firstName": "John",
            "lastName": "Doe",
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
        }
    )
    return await import_test_realm(env, rep)


def refused(body: dict[str, Any], scope: str) -> None:
    assert body == {"error": "invalid_scope", "error_description": f"Invalid scopes: {scope}"}, body


@pytest.mark.parametrize("scope", REFUSED)
async def test_password_grant_refuses_an_empty_scope_name(kc: Env, scope: str) -> None:
    response = await password_grant(kc.http, "test", "test-app", "john", secret=SECRET, scope=scope)
    assert response.status_code == 400, response.text
    refused(response.json(), scope)
    [event] = await poll(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "invalid_request"), event
    assert event["details"]["reason"] == f"Invalid scopes: {scope}", event


@pytest.mark.parametrize("scope", ACCEPTED)
async def test_password_grant_drops_trailing_spaces(kc: Env, scope: str) -> None:
    response = await password_grant(kc.http, "test", "test-app", "john", secret=SECRET, scope=scope)
    assert response.status_code == 200, response.text
    wanted = {"openid"} & set(scope.split())
    assert wanted <= set(response.json()["scope"].split()), response.json()


async def test_refresh_refuses_an_empty_scope_parameter(kc: Env) -> None:
    """``scope=`` on a refresh is getRequestedScopes' invalid_scope too, before the token is read; the token still
    refreshes without the parameter and with trailing spaces."""
    issued = await password_grant(kc.http, "test", "test-app", "john", secret=SECRET, scope="openid")
    token = issued.json()["refresh_token"]
    await poll(kc)
    for scope in ("", "openid  email"):
        response = await refresh(kc, token, scope=scope)
        assert response.status_code == 400, response.text
        refused(response.json(), scope)
        [event] = await poll(kc)
        assert (event["type"], event["error"]) == ("REFRESH_TOKEN_ERROR", "invalid_request"), event
        assert event["details"]["reason"] == f"Invalid scopes: {scope}", event
    response = await refresh(kc, token, scope="openid ")
    assert response.status_code == 200, response.text
    assert "openid" in claims(response.json()["access_token"])["scope"].split()


async def test_client_credentials_refuses_an_empty_scope_parameter(kc: Env) -> None:
    """A grant without ``scope`` first (its transient grant kept), then ``scope=``: still refused."""
    form = {"grant_type": "client_credentials", "client_id": "svc", "client_secret": SECRET}
    response = await kc.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    await poll(kc)
    response = await kc.http.post(token_url("test"), data={**form, "scope": ""})
    assert response.status_code == 400, response.text
    refused(response.json(), "")
    [event] = await poll(kc)
    assert (event["type"], event["error"]) == ("CLIENT_LOGIN_ERROR", "invalid_request"), event
    assert event["details"]["reason"] == "Invalid scopes: ", event


@pytest.mark.parametrize("scope", ["", "openid  email"])
async def test_authorization_endpoint_redirects_invalid_scope(kc: Env, scope: str) -> None:
    response = await start(kc.http, "test", "test-app", scope=scope)
    assert response.status_code == 302, response.text[:300]
    query = parse_qs(urlsplit(response.headers["location"]).query, keep_blank_values=True)
    assert query["error"] == ["invalid_scope"], query
    assert query["error_description"] == [f"Invalid scopes: {scope}"], query


async def test_password_grant_unknown_scope_event(kc: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantType calls getRequestedScopes before the direct grant flow runs: the
    LOGIN_ERROR of an unknown scope is Errors.INVALID_REQUEST with the reason, like every grant's."""
    response = await password_grant(kc.http, "test", "test-app", "john", secret=SECRET, scope="openid foo")
    assert response.status_code == 400, response.text
    refused(response.json(), "openid foo")
    [event] = await poll(kc)
    assert (event["type"], event["error"], event["clientId"]) == ("LOGIN_ERROR", "invalid_request", "test-app")
    assert event["details"]["reason"] == "Invalid scopes: openid foo", event
