"""The login-status iframe and its ``/init`` check, as Keycloak 26's LoginStatusIframeEndpoint and IframeUtil answer.

keycloak-js frames ``login-status-iframe.html`` and posts ``"<client_id> <session_state>"`` to it; the iframe asks
``/init`` whether the embedding origin may use the client, then compares the session state with the
``KEYCLOAK_SESSION`` cookie (login-status-iframe.ftl).
"""

from __future__ import annotations

import pytest

from doorkeep.web.browser_session import RESOURCES_VERSION
from support import token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

IFRAME = token_url("test", "login-status-iframe.html")
INIT = IFRAME + "/init"
NO_CACHE = "no-cache, must-revalidate, no-transform, no-store"


async def test_init_accepts_the_servers_own_origin(realm: Env) -> None:
    """preCheck adds the request's own origin to the client's valid web origins."""
    assert (await realm.http.get(INIT, params={"client_id": "app", "origin": "http://localhost"})).status_code == 204
    assert (await realm.http.get(INIT, params={"client_id": "app", "origin": "http://evil.example"})).status_code == 403


async def test_init_refuses_a_disabled_client(realm: Env) -> None:
    await update_client(realm.db, "test", "app", web_origins=("*",))
    assert (await realm.http.get(INIT, params={"client_id": "app", "origin": "http://a.example"})).status_code == 204
    await update_client(realm.db, "test", "app", enabled=False)
    assert (await realm.http.get(INIT, params={"client_id": "app", "origin": "http://a.example"})).status_code == 403


async def test_the_iframe_is_never_cached_and_may_be_framed_by_anyone(realm: Env) -> None:
    page = await realm.http.get(IFRAME)
    assert page.status_code == 200
    assert page.headers["cache-control"] == NO_CACHE
    assert page.headers["content-security-policy"] == "frame-src 'self'; object-src 'none';"
    assert "x-frame-options" not in page.headers


@pytest.mark.parametrize("path", ["login-status-iframe.html", "3p-cookies/step1.html", "3p-cookies/step2.html"])
async def test_a_version_other_than_the_servers_is_404_and_the_servers_is_not_cached(realm: Env, path: str) -> None:
    """The page's script nonce is made per response: not even the server's ``version`` is cacheable (Keycloak's
    IframeEndpointsNonceTest.iframePagesAreNotCacheable)."""
    url = token_url("test", path)
    assert (await realm.http.get(url, params={"version": "bogus"})).status_code == 404
    current = await realm.http.get(url, params={"version": RESOURCES_VERSION})
    assert current.status_code == 200
    assert current.headers["cache-control"] == NO_CACHE


@pytest.mark.parametrize("path", ["login-status-iframe.html", "login-status-iframe.html/init", "3p-cookies/step1.html"])
async def test_an_unknown_realm_is_404(realm: Env, path: str) -> None:
    response = await realm.http.get(token_url("nosuch", path), params={"client_id": "app", "origin": "x"})
    assert response.status_code == 404
    assert response.json() == {"error": "Realm does not exist"}


async def test_without_a_session_cookie_an_empty_session_state_is_unchanged(realm: Env) -> None:
    """login-status-iframe.ftl: ``if (!cookie) return sessionState !== "" ? "changed" : "unchanged"`` (keycloak-js
    check-sso posts an empty state when nobody is logged in; "changed" would send it on a full-page redirect)."""
    script = (await realm.http.get(IFRAME)).text
    assert "if (!cookie) { return sessionState !== '' ? 'changed' : 'unchanged'; }" in script
