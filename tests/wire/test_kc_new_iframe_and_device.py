"""Keycloak's new-framework classes IframeEndpointsNonceTest (@79e6def4) and DeviceGrantBruteForceTest (@4d73a849),
one test per method, each naming the method it follows."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

import keycloak_port as port
from browser_flow import form_action, form_fields, submit
from device_flow import DEVICE_URL, poll
from doorkeep.web.browser_session import RESOURCES_VERSION
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "/realms/master/protocol/openid-connect"
PAGES = ["login-status-iframe.html", "3p-cookies/step1.html", "3p-cookies/step2.html"]
SCRIPT = re.compile(r"<script\b([^>]*)>")


def inline_scripts(page: str) -> list[str]:
    """InlineScriptNonceUtil: the attributes of each ``<script>`` without a ``src``."""
    return [attrs for attrs in SCRIPT.findall(page) if "src=" not in attrs]


def nonces(page: str) -> list[str]:
    return [m.group(1) for attrs in inline_scripts(page) if (m := re.search(r'nonce="([^"]+)"', attrs))]


@pytest.mark.parametrize("path", PAGES)
async def test_page_contains_unique_nonce(env: Env, path: str) -> None:
    """IframeEndpointsNonceTest.loginStatusIframeContainsNonce, thirdPartyCookiesStep1ContainsNonce and
    thirdPartyCookiesStep2ContainsNonce: every inline script has a nonce, new for each response."""
    first, second = await env.http.get(f"{OIDC}/{path}"), await env.http.get(f"{OIDC}/{path}")
    assert first.status_code == second.status_code == 200
    assert all("nonce=" in attrs for attrs in inline_scripts(first.text)), first.text
    assert nonces(first.text) and nonces(first.text) != nonces(second.text)


@pytest.mark.parametrize("version", [None, RESOURCES_VERSION])
@pytest.mark.parametrize("path", PAGES)
async def test_iframe_pages_are_not_cacheable(env: Env, path: str, version: str | None) -> None:
    """IframeEndpointsNonceTest.iframePagesAreNotCacheable: with or without the server's ``version``."""
    params = {} if version is None else {"version": version}
    response = await env.http.get(f"{OIDC}/{path}", params=params)
    assert response.status_code == 200
    cache_control = response.headers["cache-control"]
    assert "max-age" not in cache_control and "no-store" in cache_control


# --- DeviceGrantBruteForceTest ----------------------------------------------------------------------------------

CLIENT, USER = "device-bf-client", "device-bf-user"


@pytest.fixture
async def bf(env: Env) -> Env:
    """DeviceBruteForceRealmConfig, its public device client and its user."""
    await port.import_realm(
        env,
        {
            "realm": "test",
            "enabled": True,
            "bruteForceProtected": True,
            "failureFactor": 2,
            "maxTemporaryLockouts": 3,
            "permanentLockout": False,
            "maxDeltaTimeSeconds": 900,
            "clients": [
                {
                    "clientId": CLIENT,
                    "publicClient": True,
                    "directAccessGrantsEnabled": True,
                    "attributes": {"oauth2.device.authorization.grant.enabled": "true"},
                }
            ],
            "users": [
                {
                    "username": USER,
                    "enabled": True,
                    "firstName": "Device",
                    "lastName": "User",
                    "email": "device-user@example.com",
                    "emailVerified": True,
                    "credentials": [{"type": "password", "value": "password", "temporary": False}],
                }
            ],
        },
    )
    return env


async def approve(env: Env, answer: dict[str, Any]) -> None:
    """The user approves the device in the browser (Keycloak's test approves the code on the server)."""
    page = await env.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))
    assert page.status_code == 200, page.text[:300]
    done = await submit(env.http, page, username=USER, password="password")
    if done.status_code == 200 and 'name="accept"' in done.text:  # a consent screen
        done = await env.http.post(form_action(done.text), data={**form_fields(done.text), "accept": "yes"})
    assert done.status_code in (200, 302), done.text[:300]


async def status(env: Env) -> dict[str, Any]:
    found: dict[str, Any] = await port.get(env, f"/attack-detection/brute-force/users/{await port.user_id(env, USER)}")
    return found


async def test_should_reject_device_token_endpoint_when_user_is_temporarily_locked(bf: Env) -> None:
    """DeviceGrantBruteForceTest.shouldRejectDeviceTokenEndpointWhenUserIsTemporarilyLocked: an approved device code
    of a user brute force detection then locks (enabled all along) gets 400 invalid_grant "Invalid user
    credentials" and no tokens."""
    answer = (await bf.http.post(DEVICE_URL, data={"client_id": CLIENT})).json()
    await approve(bf, answer)
    for failures in (1, 2):
        wrong: httpx.Response = await password_grant(bf.http, "test", CLIENT, USER, "WRONG_PASSWORD", secret=None)
        assert wrong.status_code == 400
        assert (await status(bf))["numFailures"] == failures
    assert (await status(bf))["disabled"] is True
    response = await poll(bf, answer["device_code"], CLIENT, None)
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["error"], body["error_description"]) == ("invalid_grant", "Invalid user credentials"), body
    assert "access_token" not in body and "refresh_token" not in body
