"""The device grant's failures other than the user's denial, as Keycloak 26's DeviceGrantType and
DeviceEndpoint answer them: what happens to an approved code when the user is disabled or the session ends
before the device polls, a consent screen answered after the code expired, and a code used twice."""

from __future__ import annotations

from typing import Any

import pytest

from device_flow import ENABLED, answer_consent, approve, authorize, login_to_consent, poll
from support import assert_error, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

EXPIRED = "The code has expired. Please go back to your device and try connecting again."


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, oauth2_device_code_lifespan=60, events_enabled=True)
    await seed_client(env.db, "test", "test-device", attributes=ENABLED)
    await seed_user(env.db, env.clock, "test", "device-login")
    return env


async def events(env: Env) -> list[dict[str, Any]]:
    found = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return list(found.json())


async def user_url(env: Env) -> tuple[str, dict[str, str]]:
    headers = await env.admin_headers()
    found = await env.http.get("/admin/realms/test/users", params={"username": "device-login"}, headers=headers)
    return f"/admin/realms/test/users/{found.json()[0]['id']}", headers


async def test_a_user_disabled_after_approving_gets_user_disabled_and_the_code_is_spent(realm: Env) -> None:
    answer = await authorize(realm)
    await approve(realm, answer)
    url, headers = await user_url(realm)
    assert (await realm.http.put(url, json={"enabled": False}, headers=headers)).status_code == 204
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "User disabled")
    error = (await events(realm))[0]
    assert (error["type"], error["error"]) == ("OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR", "user_disabled")
    assert error["sessionId"] and error["details"]["code_id"] == error["sessionId"]
    # DeviceGrantType removes the code before checking the user: enabling the user again does not revive it
    assert (await realm.http.put(url, json={"enabled": True}, headers=headers)).status_code == 204
    realm.clock.advance(5)
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "Device code not valid")


async def test_an_approved_code_whose_session_ended_stays_pending_until_it_expires(realm: Env) -> None:
    answer = await authorize(realm)
    await approve(realm, answer)
    url, headers = await user_url(realm)
    assert (await realm.http.post(f"{url}/logout", headers=headers)).status_code == 204
    pending = await poll(realm, answer["device_code"])
    assert_error(
        pending,
        400,
        "authorization_pending",
        "The authorization request is verified but can not lookup the user session yet",
    )
    realm.clock.advance(61)
    assert_error(await poll(realm, answer["device_code"]), 400, "expired_token", "Device code is expired")


async def test_accepting_the_consent_after_the_code_expired_ends_on_the_expired_page(realm: Env) -> None:
    answer = await authorize(realm)
    consent = await login_to_consent(realm, answer)
    realm.clock.advance(76)  # past lifespan + interval + 10: gone from the store, as from Keycloak's
    accepted = await answer_consent(realm, consent)
    assert accepted.status_code == 302, accepted.text[:500]
    assert accepted.headers["location"] == "http://localhost/realms/test/device/status?error=expired_token"
    page = await realm.http.get("/realms/test/device/status", params={"error": "expired_token"})
    assert "Device Login Failed" in page.text and EXPIRED in page.text
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "Device code not valid")


async def test_declining_the_consent_after_the_code_expired_ends_on_the_expired_page(realm: Env) -> None:
    answer = await authorize(realm)
    consent = await login_to_consent(realm, answer)
    realm.clock.advance(76)  # past lifespan + interval + 10: gone from the store, as from Keycloak's
    declined = await answer_consent(realm, consent, accept=False)
    assert declined.headers["location"] == "http://localhost/realms/test/device/status?error=expired_token"
    # the device never sees access_denied: its code is gone
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "Device code not valid")


async def test_an_unknown_status_error_shows_keycloak_s_generic_failure(realm: Env) -> None:
    page = await realm.http.get("/realms/test/device/status", params={"error": "server_error"})
    assert page.status_code == 200 and "Device Login Failed" in page.text
    generic = "You may close this browser window and go back to your device and try connecting again."
    assert generic in page.text and EXPIRED not in page.text


async def test_a_spent_device_code_is_refused_and_its_user_code_too(realm: Env) -> None:
    answer = await authorize(realm)
    await approve(realm, answer)
    assert (await poll(realm, answer["device_code"])).status_code == 200
    realm.clock.advance(5)
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "Device code not valid")
    error = (await events(realm))[0]
    assert (error["type"], error["error"]) == ("OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR", "invalid_oauth2_device_code")
    page = await realm.http.get("/realms/test/device", params={"user_code": answer["user_code"]})
    assert "Invalid code, please try again." in page.text


async def test_accepting_just_after_expiry_still_approves_but_the_device_gets_expired_token(realm: Env) -> None:
    """Keycloak keeps a code in its store for lifespan + interval + 10 s so the device can be told
    ``expired_token``; ``approveUserCode`` only asks the store, so within that window the user sees success."""
    answer = await authorize(realm)
    consent = await login_to_consent(realm, answer)
    realm.clock.advance(61)
    accepted = await answer_consent(realm, consent)
    assert accepted.headers["location"] == "http://localhost/realms/test/device/status"
    assert_error(await poll(realm, answer["device_code"]), 400, "expired_token", "Device code is expired")
