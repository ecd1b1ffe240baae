"""Keycloak's ``org.keycloak.testsuite.oauth.LoginStatusIframeEndpointTest`` (testsuite/integration-arquillian),
ported: ``login-status-iframe.html`` and its ``/init`` check (LoginStatusIframeEndpoint, IframeUtil), one test per
Java method, against the master realm's ``security-admin-console`` and a realm ``test`` created through the admin
API. ``testingClient.server().fetch(new ServerVersion())`` is Doorkeep's ``RESOURCES_VERSION``.

``test_login_status_iframe.py`` covers the rest of the endpoint (a disabled client, unknown realms, other
versions, the script's empty-session answer); not repeated here.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import httpx
import pytest

from browser_flow import form_action
from doorkeep.web.browser_session import RESOURCES_VERSION
from wire_env import Env

pytestmark = pytest.mark.anyio

ROOT = "http://localhost"  # suiteContext.getAuthServerInfo().getContextRoot(), without Keycloak's old /auth
MASTER_OIDC = "/realms/master/protocol/openid-connect"
IFRAME = f"{MASTER_OIDC}/login-status-iframe.html"
INIT = f"{IFRAME}/init"
CONSOLE = "security-admin-console"  # Constants.ADMIN_CONSOLE_CLIENT_ID


@pytest.fixture
async def kc(env: Env) -> Env:
    """addTestRealms: ``RealmBuilder.create().name("test")``."""
    response = await env.http.post(
        "/admin/realms", json={"realm": "test", "enabled": True}, headers=await env.admin_headers()
    )
    assert response.status_code == 201, response.text
    return env


async def console_client(env: Env) -> tuple[str, dict[str, Any]]:
    headers = await env.admin_headers()
    (found,) = (
        await env.http.get("/admin/realms/master/clients", params={"clientId": CONSOLE}, headers=headers)
    ).json()
    rep = (await env.http.get(f"/admin/realms/master/clients/{found['id']}", headers=headers)).json()
    return str(found["id"]), dict(rep)


async def put_console_client(env: Env, uuid: str, rep: dict[str, Any]) -> None:
    response = await env.http.put(f"/admin/realms/master/clients/{uuid}", json=rep, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def init(env: Env, **params: str) -> int:
    return (await env.http.get(INIT, params=params)).status_code


def set_cookie(response: httpx.Response, name: str) -> str | None:
    return next((h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")), None)


# --- LoginStatusIframeEndpointTest ----------------------------------------------------------------------------


async def test_check_iframe(kc: Env) -> None:
    """The admin console's PKCE login sets KEYCLOAK_IDENTITY HttpOnly and KEYCLOAK_SESSION readable by the
    iframe's script; the iframe may be framed; ``/init`` wants a known client and one of its origins."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    page = await kc.http.get(
        f"{MASTER_OIDC}/auth",
        params={
            "response_type": "code",
            "client_id": CONSOLE,
            "redirect_uri": f"{ROOT}/admin/master/console",
            "scope": "openid",
            "code_challenge_method": "S256",
            "code_challenge": challenge,
        },
    )
    assert page.status_code == 200, page.text[:500]
    done = await kc.http.post(form_action(page.text), data={"username": "admin", "password": "admin"})
    assert done.status_code == 302, done.text[:500]
    identity, session = set_cookie(done, "KEYCLOAK_IDENTITY"), set_cookie(done, "KEYCLOAK_SESSION")
    assert identity is not None and "HttpOnly" in identity
    assert session is not None and "HttpOnly" not in session
    assert kc.http.cookies.get("KEYCLOAK_SESSION") is not None

    response = await kc.http.get(IFRAME)
    assert response.status_code == 200
    assert "x-frame-options" not in response.headers
    assert response.headers["content-security-policy"] == "frame-src 'self'; object-src 'none';"
    assert response.headers["x-robots-tag"] == "none"

    assert (await kc.http.get(INIT)).status_code == 403
    assert await init(kc, client_id="invalid", origin=ROOT) == 403
    assert await init(kc, client_id=CONSOLE, origin="http://invalid") == 403
    assert await init(kc, client_id=CONSOLE, origin=ROOT) == 204


async def test_check_iframe_wildcard_origin(kc: Env) -> None:
    uuid, rep = await console_client(kc)
    original = rep.get("webOrigins", [])
    try:
        await put_console_client(kc, uuid, {**rep, "webOrigins": ["*"]})
        assert await init(kc, client_id=CONSOLE, origin="http://anything") == 204
    finally:
        await put_console_client(kc, uuid, {**rep, "webOrigins": original})
    assert await init(kc, client_id=CONSOLE, origin="http://anything") == 403, "the original origins are back"


async def test_check_iframe_cache(kc: Env) -> None:
    """checkIframeCache, as IframeEndpointsNonceTest.iframePagesAreNotCacheable now has it: the server's
    ``version`` no longer makes the page cacheable (its inline script carries a per-response nonce)."""
    response = await kc.http.get(IFRAME)
    assert response.status_code == 200
    assert response.headers.get_list("cache-control")[0] == "no-cache, must-revalidate, no-transform, no-store"
    response = await kc.http.get(IFRAME, params={"version": RESOURCES_VERSION})
    assert response.status_code == 200
    assert response.headers.get_list("cache-control")[0] == "no-cache, must-revalidate, no-transform, no-store"


async def test_check_empty_csp(kc: Env) -> None:
    """RealmAttributeUpdater.setBrowserSecurityHeader(contentSecurityPolicy, ""): no CSP and still no
    X-Frame-Options on the iframe."""
    headers = await kc.admin_headers()
    realm = (await kc.http.get("/admin/realms/test", headers=headers)).json()
    browser = {**realm.get("browserSecurityHeaders", {}), "contentSecurityPolicy": ""}
    response = await kc.http.put("/admin/realms/test", json={"browserSecurityHeaders": browser}, headers=headers)
    assert response.status_code == 204, response.text
    page = await kc.http.get("/realms/test/protocol/openid-connect/login-status-iframe.html")
    assert page.status_code == 200
    assert "content-security-policy" not in page.headers
    assert "x-frame-options" not in page.headers


async def test_check_csp_with_newline(kc: Env) -> None:
    headers = await kc.admin_headers()
    realm = (await kc.http.get("/admin/realms/test", headers=headers)).json()
    browser = {**realm.get("browserSecurityHeaders", {}), "contentSecurityPolicy": "test\ntest"}
    response = await kc.http.put("/admin/realms/test", json={"browserSecurityHeaders": browser}, headers=headers)
    assert response.status_code == 400, "Validation should fail due to newline"
    assert response.json()["errorMessage"] == "Newline not allowed."
    after = (await kc.http.get("/admin/realms/test", headers=headers)).json()
    assert after["browserSecurityHeaders"]["contentSecurityPolicy"] != "test\ntest"
