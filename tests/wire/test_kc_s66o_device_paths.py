"""The device verification page under the authorization endpoint, as Keycloak 26 serves it: AuthorizationEndpoint's
``device`` locator is the DeviceEndpoint of ``/realms/{realm}/device``, so ``auth/device`` (GET, ``user_code``)
and ``auth/device/status`` answer what those do."""

from __future__ import annotations

import pytest

from browser_flow import form_action
from device_flow import DEVICE_URL, ENABLED, authorize
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "test-device", attributes=ENABLED)
    await seed_user(env.db, env.clock, "test", "device-login")
    return env


async def test_the_verification_page_is_served_under_auth_device(realm: Env) -> None:
    page = await realm.http.get(DEVICE_URL)
    assert page.status_code == 200 and 'name="device_user_code"' in page.text
    assert form_action(page.text) == "http://localhost/realms/test/device"
    assert page.headers["cache-control"] == (await realm.http.get("/realms/test/device")).headers["cache-control"]


async def test_a_user_code_there_starts_the_login_as_at_realms_device(realm: Env) -> None:
    code = (await authorize(realm))["user_code"]
    here = await realm.http.get(DEVICE_URL, params={"user_code": code})
    assert here.status_code == 200 and 'name="username"' in here.text
    wrong = await realm.http.get(DEVICE_URL, params={"user_code": "XXXX-XXXX"})
    assert wrong.status_code == 200 and "Invalid code, please try again." in wrong.text


async def test_the_status_page_is_served_under_auth_device(realm: Env) -> None:
    done = await realm.http.get(DEVICE_URL + "/status")
    assert done.status_code == 200 and "Device Login Successful" in done.text
    denied = await realm.http.get(DEVICE_URL + "/status", params={"error": "access_denied"})
    assert "Device Login Failed" in denied.text and "Consent denied for connecting the device." in denied.text
