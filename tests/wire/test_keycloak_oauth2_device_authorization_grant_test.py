"""Keycloak's OAuth2DeviceAuthorizationGrantTest, method by method, over HTTP (no browser): the verification
page, the login form and the consent screen are driven as tests/browser_flow.py does, Keycloak's
``setTimeOffset`` is the fake clock, and its admin-client changes go through the admin REST API.

Ported already by test_device_grant.py, so not repeated here:
testConfidentialClient (test_confidential_client_gets_tokens_after_the_user_approves),
testPublicClientConsentWithoutScopes (test_a_client_with_no_consent_scopes_still_gets_a_consent_click_naming_it),
testConsentCancel (test_the_user_denies_at_the_consent_screen),
testInvalidUserCode (test_a_wrong_user_code_shows_keycloak_s_message),
testInvalidDeviceCode (test_unknown_and_other_clients_device_codes_are_invalid_grant),
testExpiredDeviceCode (test_an_expired_device_code_is_expired_token_then_unknown),
testDevicePollingIntervalPerClient (test_polling_faster_than_the_interval_is_slow_down);
offline_access through the device grant (test_public_client_with_offline_access_gets_an_offline_token_that_refreshes)
and the success events (test_events_name_the_device_steps) are there too. The error events Keycloak's
DeviceEndpoint and DeviceGrantType record are asserted below, next to the refusals that cause them.

Keycloak's page objects, read on Doorkeep's pages: the denied and approved pages by ``kc-page-title`` and the
``instruction`` paragraph, as Keycloak's; the code page's error is Doorkeep's ``input-error`` (Keycloak's
``kc-feedback-text``); no ``Sign in to test`` title check. Keycloak's OAuthClient puts ``openid`` in every
scope it sends (``start`` below does too). testVerifyHolderOfDeviceCode's intermediate browser login, undone by
clearing the cookies, changes nothing and is left out.

ensureDeviceFlowConfigNotPresentWhenDeviceFlowIsDisabled needs a server started with
``--features-disabled=device-flow`` (Keycloak's ``Profile.Feature.DEVICE_FLOW``): it is ported in
test_feature_switches.py (test_ensure_device_flow_config_not_present_when_device_flow_is_disabled, with the
404 device endpoint and the unsupported grant type in that module's other tests).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, form_action, form_fields, submit
from device_flow import DEVICE_URL, ENABLED, answer_consent, approve, authorize, login_to_consent, poll
from doorkeep.oauth.pkce import s256
from support import assert_error, claims, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CUSTOM_CONSENT = "This is the custom consent screen text."
SHORT_DEVICE_FLOW_URL = "https://keycloak.org/device"
# OAuthGrantPage's texts
PROFILE, EMAIL, ROLES, PHONE = "User profile", "Email address", "User roles", "Phone number"


@pytest.fixture
async def realm(env: Env) -> Env:
    """OAuth2DeviceAuthorizationGrantTest.addTestRealms with its @Before: lifespan 60, interval 5."""
    await seed_realm(env.db, env.clock, oauth2_device_code_lifespan=60, events_enabled=True)
    await seed_client(env.db, "test", "test-device", attributes=ENABLED)
    await seed_client(env.db, "test", "test-device-public", public=True, attributes=ENABLED, redirect_uris=[REDIRECT])
    await seed_client(
        env.db,
        "test",
        "test-device-public-custom-consent",
        public=True,
        consent_required=True,
        attributes={**ENABLED, "display.on.consent.screen": "true", "consent.screen.text": CUSTOM_CONSENT},
    )
    await seed_user(
        env.db,
        env.clock,
        "test",
        "device-login",
        email="device-login@localhost",
        attributes={"phoneNumber": ["211211211"]},
    )
    return env


async def start(
    env: Env, client_id: str = "test-device", secret: str | None = "secret", scope: str = "openid", **form: str
) -> Any:
    """The device authorization request as Keycloak's OAuthClient sends it: ``openid`` in the scope."""
    return await authorize(env, client_id, secret, scope=scope, **form)


def assert_codes(answer: dict[str, Any], expires_in: int = 60, interval: int = 5) -> None:
    for field in ("device_code", "user_code", "verification_uri", "verification_uri_complete"):
        assert answer[field], field
    assert (answer["expires_in"], answer["interval"]) == (expires_in, interval)


def page_title(page: httpx.Response) -> str:
    match = re.search(r'id="kc-page-title"[^>]*>\s*([^<]*?)\s*<', page.text)
    assert match, page.text[:1000]
    return match.group(1)


def assert_grants(consent: httpx.Response, *texts: str) -> None:
    for text in texts:
        assert f"<li><span>{text}</span></li>" in consent.text, (text, consent.text)


def assert_approved_page(page: httpx.Response) -> None:
    assert page_title(page) == "Device Login Successful", page.text[:1000]


def assert_denied_page(page: httpx.Response) -> None:
    assert page_title(page) == "Device Login Failed", page.text[:1000]
    assert re.search(r'class="instruction"[^>]*>\s*Consent denied for connecting the device.\s*<', page.text)


def assert_user_code_page(page: httpx.Response, message: str) -> None:
    """The code page with its error (Keycloak's ``kc-feedback-text``; Doorkeep's pages show it as ``input-error``)."""
    assert page.status_code == 200 and 'id="device-user-code"' in page.text, page.text[:1000]
    assert page_title(page) == "Device Login"
    assert f'<div id="input-error" class="error">{message}</div>' in page.text, page.text


async def follow(env: Env, response: httpx.Response) -> httpx.Response:
    """The browser following the redirect to the verification status page."""
    assert response.status_code == 302, response.text[:500]
    return await env.http.get(response.headers["location"].removeprefix("http://localhost"))


async def events(env: Env) -> list[dict[str, Any]]:
    found = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return list(found.json())


async def admin_client(env: Env, client_id: str) -> tuple[str, dict[str, Any], dict[str, str]]:
    headers = await env.admin_headers()
    found = await env.http.get("/admin/realms/test/clients", params={"clientId": client_id}, headers=headers)
    rep = found.json()[0]
    return f"/admin/realms/test/clients/{rep['id']}", rep, headers


async def update_client_attributes(env: Env, client_id: str, **changes: Any) -> None:
    """ClientResource.update with the representation's attributes (and top-level fields) changed."""
    url, rep, headers = await admin_client(env, client_id)
    attributes = changes.pop("attributes", {})
    rep = {**rep, **changes, "attributes": {**rep["attributes"], **attributes}}
    updated = await env.http.put(url, json=rep, headers=headers)
    assert updated.status_code == 204, updated.text


async def update_realm(env: Env, **changes: Any) -> dict[str, Any]:
    headers = await env.admin_headers()
    rep = (await env.http.get("/admin/realms/test", headers=headers)).json()
    rep.update(changes)
    updated = await env.http.put("/admin/realms/test", json=rep, headers=headers)
    assert updated.status_code == 204, updated.text
    return dict((await env.http.get("/admin/realms/test", headers=headers)).json())


async def test_public_client(realm: Env) -> None:
    answer = await start(realm, "test-device-public", None)
    assert_codes(answer)
    await approve(realm, answer)
    tokens = await poll(realm, answer["device_code"], "test-device-public", None)
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["access_token"])["azp"] == "test-device-public"


async def test_custom_verification_uri(realm: Env) -> None:
    rep = await update_realm(realm, attributes={"shortVerificationUri": SHORT_DEVICE_FLOW_URL})
    assert rep["attributes"]["shortVerificationUri"] == SHORT_DEVICE_FLOW_URL
    answer = await start(realm, "test-device-public", None)
    assert answer["device_code"] and answer["user_code"]
    assert answer["verification_uri"] == SHORT_DEVICE_FLOW_URL
    assert answer["verification_uri_complete"] == f"{SHORT_DEVICE_FLOW_URL}?user_code={answer['user_code']}"
    rep["attributes"].pop("shortVerificationUri")
    await update_realm(realm, attributes=rep["attributes"])
    again = await start(realm, "test-device-public", None)
    assert again["verification_uri"] == "http://localhost/realms/test/device"


async def test_verify_holder_of_device_code(realm: Env) -> None:
    answer = await start(realm, "test-device-public", None)
    assert_codes(answer)
    await approve(realm, answer)
    tokens = await poll(realm, answer["device_code"], "test-device-public", None)
    assert tokens.status_code == 200, tokens.text
    realm.http.cookies.clear()  # Keycloak's test deletes the browser's cookies
    other = await start(realm, "test-device-public-custom-consent", None)
    consent = await login_to_consent(realm, other)
    assert_grants(consent, CUSTOM_CONSENT)
    await answer_consent(realm, consent)
    stolen = await poll(realm, other["device_code"], "test-device-public", None)
    assert_error(stolen, 400, "invalid_grant", "unauthorized client")
    error = (await events(realm))[0]
    assert (error["type"], error["clientId"], error["error"]) == (
        "OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR",
        "test-device-public",
        "invalid_oauth2_device_code",
    )
    # the holder's code still works for its own client
    mine = await poll(realm, other["device_code"], "test-device-public-custom-consent", None)
    assert mine.status_code == 200, mine.text


async def test_public_client_optional_scope(realm: Env) -> None:
    answer = await start(realm, "test-device-public", None, scope="openid phone")
    assert_codes(answer)
    consent = await login_to_consent(realm, answer)
    assert_grants(consent, PROFILE, EMAIL, ROLES, PHONE)
    await answer_consent(realm, consent)
    tokens = await poll(realm, answer["device_code"], "test-device-public", None)
    assert tokens.status_code == 200, tokens.text
    access = tokens.json()["access_token"]
    info = await realm.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {access}"}
    )
    assert info.status_code == 200, info.text
    body = info.json()
    assert (body["preferred_username"], body["email"], body["phone_number"]) == (
        "device-login",
        "device-login@localhost",
        "211211211",
    )


async def test_public_client_with_pkce_success(realm: Env) -> None:
    verifier = "s" * 20 + "-._~" + "0123456789" * 3
    answer = await start(realm, "test-device-public", None, code_challenge=s256(verifier), code_challenge_method="S256")
    assert_codes(answer)
    await approve(realm, answer)
    tokens = await poll(realm, answer["device_code"], "test-device-public", None, code_verifier=verifier)
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["access_token"]


async def test_public_client_with_pkce_fail(realm: Env) -> None:
    verifier = "f" * 43
    answer = await start(realm, "test-device-public", None, code_challenge=s256(verifier), code_challenge_method="S256")
    assert_codes(answer)
    await approve(realm, answer)
    refused = await poll(realm, answer["device_code"], "test-device-public", None, code_verifier=verifier + "a")
    assert_error(refused, 400, "invalid_grant", "PKCE verification failed: Code mismatch")
    error = (await events(realm))[0]
    assert (error["type"], error["error"]) == ("OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR", "pkce_verification_failed")


async def test_public_client_custom_consent(realm: Env) -> None:
    answer = await start(realm, "test-device-public-custom-consent", None)
    assert_codes(answer)
    consent = await login_to_consent(realm, answer)
    assert_grants(consent, CUSTOM_CONSENT)
    await answer_consent(realm, consent)
    tokens = await poll(realm, answer["device_code"], "test-device-public-custom-consent", None)
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["access_token"]


async def test_no_refresh_token(realm: Env) -> None:
    await update_client_attributes(realm, "test-device", attributes={"use.refresh.tokens": "false"})
    answer = await start(realm)
    page = await realm.http.get("/realms/test/device")
    login_page = await submit(realm.http, page, device_user_code=answer["user_code"])
    consent = await submit(realm.http, login_page, username="device-login", password="password")
    await answer_consent(realm, consent)
    tokens = await poll(realm, answer["device_code"])
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["access_token"] and "refresh_token" not in tokens.json()


async def test_expired_user_code_test(realm: Env) -> None:
    answer = await start(realm)
    assert_codes(answer)
    realm.clock.advance(610)
    page = await realm.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))
    # gone from the store (Keycloak: "device code not found in the cache because of expiration")
    assert_user_code_page(page, "Invalid code, please try again.")
    error = (await events(realm))[0]
    assert (error["type"], error["error"]) == ("OAUTH2_DEVICE_VERIFY_USER_CODE_ERROR", "invalid_oauth2_user_code")


async def test_success_verification_uri_complete(realm: Env) -> None:
    answer = await start(realm)
    assert_codes(answer)
    consent = await login_to_consent(realm, answer)
    assert_grants(consent, PROFILE, EMAIL, ROLES)
    assert_approved_page(await follow(realm, await answer_consent(realm, consent)))
    tokens = await poll(realm, answer["device_code"])
    assert tokens.status_code == 200, tokens.text


async def test_duplicated_request_params(realm: Env) -> None:
    body = "client_id=test-device-public&scope=profile&scope=foo"
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    refused = await realm.http.post(DEVICE_URL, content=body, headers=headers)
    assert_error(refused, 400, "invalid_grant", "duplicated parameter")
    error = (await events(realm))[0]
    assert (error["type"], error["error"]) == ("OAUTH2_DEVICE_AUTH_ERROR", "invalid_request")


async def test_device_code_lifespan_per_client(realm: Env) -> None:
    assert_codes(await start(realm))
    lifespan, interval = "oauth2.device.code.lifespan", "oauth2.device.polling.interval"
    await update_client_attributes(realm, "test-device", attributes={lifespan: "120", interval: "600000"})
    answer = await start(realm)
    assert answer["expires_in"] == 120
    realm.clock.advance(100)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    realm.clock.advance(25)
    assert_error(await poll(realm, answer["device_code"]), 400, "expired_token")
    await update_client_attributes(realm, "test-device", attributes={lifespan: "", interval: ""})
    assert_codes(await start(realm))  # blank attributes: the realm's settings again


async def test_polling(realm: Env) -> None:
    rep = await update_realm(realm, oauth2DeviceCodeLifespan=600)
    answer = await start(realm)
    assert (answer["expires_in"], answer["interval"]) == (600, 5)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    assert_error(await poll(realm, answer["device_code"]), 400, "slow_down")
    realm.clock.advance(5)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    await update_realm(realm, **{**rep, "oauth2DevicePollingInterval": 10})
    answer = await start(realm)
    assert (answer["expires_in"], answer["interval"]) == (600, 10)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    realm.clock.advance(5)
    assert_error(await poll(realm, answer["device_code"]), 400, "slow_down")
    realm.clock.advance(5)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")


async def test_update_config(realm: Env) -> None:
    rep = await update_realm(realm, oauth2DevicePollingInterval=5, oauth2DeviceCodeLifespan=600)
    assert (rep["oauth2DevicePollingInterval"], rep["oauth2DeviceCodeLifespan"]) == (5, 600)
    rep = await update_realm(realm, oauth2DevicePollingInterval=10, oauth2DeviceCodeLifespan=15)
    assert (rep["oauth2DevicePollingInterval"], rep["oauth2DeviceCodeLifespan"]) == (10, 15)


async def test_consent_cancel_cannot_be_reused(realm: Env) -> None:
    answer = await start(realm)
    assert_codes(answer)
    assert_denied_page(await follow(realm, await approve(realm, answer, accept=False)))
    again = await realm.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))
    assert_user_code_page(again, "Invalid code, please try again.")


async def test_consent_cancel_cannot_be_reused_after_back_clicked(realm: Env) -> None:
    answer = await start(realm)
    assert_codes(answer)
    consent = await login_to_consent(realm, answer)
    await answer_consent(realm, consent, accept=False)
    # the back button shows the consent screen again; accepting it now ends on the denied page
    assert_grants(consent, PROFILE, EMAIL, ROLES)
    accepted = await realm.http.post(form_action(consent.text), data={**form_fields(consent.text), "accept": "yes"})
    page = await follow(realm, accepted) if accepted.status_code == 302 else accepted
    assert_denied_page(page)
    refused = await poll(realm, answer["device_code"])
    assert_error(refused, 400, "access_denied")
    # processConsent's LOGIN_ERROR for the No, then for the Yes refused; the device's poll last
    found = [(e["type"], e["error"]) for e in (await events(realm))[:3]]
    assert found == [
        ("OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR", "access_denied"),
        ("LOGIN_ERROR", "rejected_by_user"),
        ("LOGIN_ERROR", "rejected_by_user"),
    ]


async def test_not_found_client(realm: Env) -> None:
    refused = await realm.http.post(DEVICE_URL, data={"client_id": "test-device-public2"})
    assert_error(refused, 401, "invalid_client", "Invalid client or Invalid client credentials")
    error = (await events(realm))[0]
    assert (error["type"], error["clientId"], error["error"]) == (
        "OAUTH2_DEVICE_AUTH_ERROR",
        "test-device-public2",
        "client_not_found",
    )


async def test_client_with_errors(realm: Env) -> None:
    await update_client_attributes(
        realm, "test-device-public", attributes={"oauth2.device.authorization.grant.enabled": "false"}
    )
    disabled = await realm.http.post(DEVICE_URL, data={"client_id": "test-device-public"})
    assert_error(
        disabled,
        400,
        "unauthorized_client",
        "Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client.",
    )
    await update_client_attributes(realm, "test-device-public", attributes=ENABLED, bearerOnly=True)
    bearer_only = await realm.http.post(DEVICE_URL, data={"client_id": "test-device-public"})
    assert_error(
        bearer_only, 403, "unauthorized_client", "Bearer-only applications are not allowed to initiate browser login."
    )
    errors = [(e["type"], e["clientId"], e["error"]) for e in (await events(realm))[:2]]
    assert errors == [("OAUTH2_DEVICE_AUTH_ERROR", "test-device-public", "not_allowed")] * 2
    await update_client_attributes(realm, "test-device-public", bearerOnly=False)
    assert_codes(await start(realm, "test-device-public", None))


async def test_ensure_device_flow_config_present_when_device_flow_is_enabled(realm: Env) -> None:
    doc = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert doc["device_authorization_endpoint"] == f"http://localhost{DEVICE_URL}"
    assert doc["mtls_endpoint_aliases"]["device_authorization_endpoint"] == f"http://localhost{DEVICE_URL}"
