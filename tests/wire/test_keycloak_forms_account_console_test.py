"""Keycloak's old-testsuite forms/AccountConsoleTest over HTTP: the Account Console sends a browser that is not
signed in to the login page of ``account-console`` (redirectToLoginIfNotAuthenticated), and the ``scope`` its URL
names reaches that authorization request beside ``openid`` (testScopesPresentInAuthorizationRequest: "openid
phone", "openid address", "openid phone address"). The Java method reads the scope back from the React console's
environment JSON and checks that a later visit without ``scope`` keeps the last one (keycloak-js state); Doorkeep's
console is server-rendered, so those reads are not ported."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account/"
HTML = {"Accept": "text/html"}


async def test_redirect_to_login_if_not_authenticated(realm: Env) -> None:
    """AccountConsoleTest#redirectToLoginIfNotAuthenticated."""
    started = await realm.http.get(ACCOUNT, headers=HTML)
    assert started.status_code == 302, started.text[:300]
    assert parse_qs(urlsplit(started.headers["location"]).query)["client_id"] == ["account-console"]
    login = await realm.http.get(started.headers["location"], headers=HTML)
    assert login.status_code == 200 and 'name="password"' in login.text


@pytest.mark.parametrize("scope", ["openid phone", "openid address", "openid phone address"])
async def test_scopes_present_in_authorization_request(realm: Env, scope: str) -> None:
    """AccountConsoleTest#testScopesPresentInAuthorizationRequest: the requested scopes, openid once."""
    started = await realm.http.get(ACCOUNT, params={"scope": scope}, headers=HTML)
    assert started.status_code == 302, started.text[:300]
    assert parse_qs(urlsplit(started.headers["location"]).query)["scope"] == [scope]
