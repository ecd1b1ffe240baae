"""Drive the device flow over HTTP: the device's two requests and the user's verification in the browser."""

from __future__ import annotations

from typing import Any

import httpx

from browser_flow import form_action, form_fields, submit
from support import token_url
from wire_env import Env

DEVICE = "urn:ietf:params:oauth:grant-type:device_code"
ENABLED = {"oauth2.device.authorization.grant.enabled": "true"}
DEVICE_URL = "/realms/test/protocol/openid-connect/auth/device"


async def authorize(env: Env, client_id: str = "test-device", secret: str | None = "secret", **form: str) -> Any:
    """The device authorization request; asserts Keycloak's 200 with ``Cache-Control: no-store``."""
    data = {"client_id": client_id, **form}
    if secret is not None:
        data["client_secret"] = secret
    response = await env.http.post(DEVICE_URL, data=data)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


async def poll(
    env: Env, device_code: str, client_id: str = "test-device", secret: str | None = "secret", **form: str
) -> httpx.Response:
    """The device's token request with its device code."""
    data = {"grant_type": DEVICE, "device_code": device_code, "client_id": client_id, **form}
    if secret is not None:
        data["client_secret"] = secret
    return await env.http.post(token_url("test"), data=data)


async def login_to_consent(env: Env, answer: dict[str, Any]) -> httpx.Response:
    """Open verification_uri_complete and log in as device-login; answers the consent screen."""
    page = await env.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))
    assert page.status_code == 200 and 'name="username"' in page.text, page.text[:500]
    consent = await submit(env.http, page, username="device-login", password="password")
    assert consent.status_code == 200 and 'name="accept"' in consent.text, consent.text[:500]
    return consent


async def answer_consent(env: Env, consent: httpx.Response, *, accept: bool = True) -> httpx.Response:
    """Press Yes or No on the consent screen."""
    fields = {"accept": "yes"} if accept else {"cancel": "no"}
    return await env.http.post(form_action(consent.text), data={**form_fields(consent.text), **fields})


async def approve(env: Env, answer: dict[str, Any], *, accept: bool = True) -> httpx.Response:
    """The user opens verification_uri_complete, logs in, and answers the consent screen."""
    return await answer_consent(env, await login_to_consent(env, answer), accept=accept)
