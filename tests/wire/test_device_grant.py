"""The OAuth 2.0 Device Authorization Grant (RFC 8628) as Keycloak 26 serves it: the device authorization
endpoint, the verification pages with the ordinary browser login and consent, and the device_code grant
(after Keycloak's OAuth2DeviceAuthorizationGrantTest)."""

from __future__ import annotations

import asyncio
import json
import re

import pytest

from browser_flow import form_action, form_fields, submit
from device_flow import DEVICE, DEVICE_URL, ENABLED, approve, authorize, poll
from support import assert_error, claims, refresh, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, oauth2_device_code_lifespan=60)
    await seed_client(env.db, "test", "test-device", attributes=ENABLED)
    await seed_client(env.db, "test", "test-device-public", public=True, attributes=ENABLED)
    await seed_client(env.db, "test", "plain-app")
    await seed_user(env.db, env.clock, "test", "device-login", realm_roles=("offline_access",))
    return env


async def test_the_device_authorization_response_has_keycloak_s_fields(realm: Env) -> None:
    answer = await authorize(realm)
    assert list(answer) == [
        "device_code",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
        "expires_in",
        "interval",
    ]
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", answer["user_code"])
    assert answer["verification_uri"] == "http://localhost/realms/test/device"
    assert answer["verification_uri_complete"] == f"http://localhost/realms/test/device?user_code={answer['user_code']}"
    assert (answer["expires_in"], answer["interval"]) == (60, 5)


async def test_confidential_client_gets_tokens_after_the_user_approves(realm: Env) -> None:
    answer = await authorize(realm, scope="openid")
    pending = await poll(realm, answer["device_code"])
    assert_error(pending, 400, "authorization_pending", "The authorization request is still pending")
    page = await realm.http.get("/realms/test/device")
    assert "Enter the code provided by your device and click Submit" in page.text
    login_page = await realm.http.post(
        "/realms/test/device", data={"device_user_code": answer["user_code"].lower().replace("-", "")}
    )
    assert 'name="username"' in login_page.text
    consent = await submit(realm.http, login_page, username="device-login", password="password")
    assert "User profile" in consent.text and "Email address" in consent.text  # consent asked of a device
    done = await submit(realm.http, consent, accept="yes")
    assert done.status_code == 302
    assert done.headers["location"] == "http://localhost/realms/test/device/status"
    status = await realm.http.get("/realms/test/device/status")
    assert "Device Login Successful" in status.text
    realm.clock.advance(5)
    tokens = await poll(realm, answer["device_code"])
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    access = claims(body["access_token"])
    assert access["preferred_username"] == "device-login" and access["azp"] == "test-device"
    assert access["jti"].startswith("onrtdg:")
    assert claims(body["id_token"])["sid"] == body["session_state"]
    assert tokens.headers["cache-control"] == "no-store"


async def test_public_client_with_offline_access_gets_an_offline_token_that_refreshes(realm: Env) -> None:
    answer = await authorize(realm, "test-device-public", None, scope="openid offline_access")
    done = await approve(realm, answer)
    assert done.headers["location"].endswith("/device/status")
    tokens = await poll(realm, answer["device_code"], "test-device-public", None)
    assert tokens.status_code == 200, tokens.text
    body = tokens.json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    realm.clock.advance(3600)
    again = await refresh(realm.http, "test", "test-device-public", body["refresh_token"], secret=None)
    assert again.status_code == 200, again.text
    assert claims(again.json()["refresh_token"])["typ"] == "Offline"


async def test_a_device_code_works_once(realm: Env) -> None:
    answer = await authorize(realm)
    await approve(realm, answer)
    assert (await poll(realm, answer["device_code"])).status_code == 200
    realm.clock.advance(5)
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "Device code not valid")


async def test_two_workers_polling_an_approved_code_at_once_get_one_set_of_tokens(realm: Env) -> None:
    """Two processes on one database redeem the same approved code in the same instant: the conditional
    UPDATE lets exactly one of them mint tokens; the other finds the code spent."""
    answer = await authorize(realm)
    await approve(realm, answer)
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": answer["device_code"],
        "client_id": "test-device",
        "client_secret": "secret",
    }
    async with another_worker(realm) as other:
        first, second = await asyncio.gather(
            realm.http.post(token_url("test"), data=form), other.post(token_url("test"), data=form)
        )
    assert sorted([first.status_code, second.status_code]) == [200, 400]
    refused = first if first.status_code == 400 else second
    assert refused.json()["error"] in ("invalid_grant", "slow_down")


async def test_the_user_code_works_once(realm: Env) -> None:
    answer = await authorize(realm)
    await approve(realm, answer)
    again = await realm.http.get("/realms/test/device", params={"user_code": answer["user_code"]})
    assert again.status_code == 200 and "Invalid code, please try again." in again.text


async def test_the_user_denies_at_the_consent_screen(realm: Env) -> None:
    answer = await authorize(realm)
    denied = await approve(realm, answer, accept=False)
    assert denied.headers["location"] == "http://localhost/realms/test/device/status?error=access_denied"
    status = await realm.http.get("/realms/test/device/status", params={"error": "access_denied"})
    assert "Device Login Failed" in status.text and "Consent denied for connecting the device." in status.text
    refused = await poll(realm, answer["device_code"])
    assert_error(refused, 400, "access_denied", "The end user denied the authorization request")


async def test_polling_faster_than_the_interval_is_slow_down(realm: Env) -> None:
    await update_client(realm.db, "test", "test-device", attributes={**ENABLED, "oauth2.device.polling.interval": "10"})
    answer = await authorize(realm)
    assert answer["interval"] == 10
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    assert_error(await poll(realm, answer["device_code"]), 400, "slow_down", "Slow down")
    realm.clock.advance(7)
    assert_error(await poll(realm, answer["device_code"]), 400, "slow_down")
    realm.clock.advance(3)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")


async def test_an_expired_device_code_is_expired_token_then_unknown(realm: Env) -> None:
    answer = await authorize(realm)
    realm.clock.advance(61)
    assert_error(await poll(realm, answer["device_code"]), 400, "expired_token", "Device code is expired")
    page = await realm.http.get("/realms/test/device", params={"user_code": answer["user_code"]})
    assert "The code has expired. Please go back to your device and try connecting again." in page.text
    realm.clock.advance(60)  # past lifespan + interval + 10: gone, as from Keycloak's store
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "Device code not valid")


async def test_the_client_lifespan_attribute_overrides_the_realm(realm: Env) -> None:
    await update_client(realm.db, "test", "test-device", attributes={**ENABLED, "oauth2.device.code.lifespan": "120"})
    answer = await authorize(realm)
    assert answer["expires_in"] == 120
    realm.clock.advance(100)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    realm.clock.advance(25)
    assert_error(await poll(realm, answer["device_code"]), 400, "expired_token")


async def test_unknown_and_other_clients_device_codes_are_invalid_grant(realm: Env) -> None:
    answer = await authorize(realm)
    assert_error(await poll(realm, "x"), 400, "invalid_grant", "Device code not valid")
    other = await poll(realm, answer["device_code"], "test-device-public", None)
    assert_error(other, 400, "invalid_grant", "unauthorized client")
    missing = await realm.http.post(
        token_url("test"), data={"grant_type": DEVICE, "client_id": "test-device", "client_secret": "secret"}
    )
    assert_error(missing, 400, "invalid_request", "Missing parameter: device_code")


async def test_a_client_without_the_grant_is_refused_at_both_endpoints(realm: Env) -> None:
    refused = await realm.http.post(DEVICE_URL, data={"client_id": "plain-app", "client_secret": "secret"})
    assert_error(
        refused,
        400,
        "unauthorized_client",
        "Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client.",
    )
    assert refused.headers["cache-control"] == "no-store"
    token = await realm.http.post(
        token_url("test"),
        data={"grant_type": DEVICE, "device_code": "x", "client_id": "plain-app", "client_secret": "secret"},
    )
    assert_error(token, 400, "invalid_grant", "Client not allowed OAuth 2.0 Device Authorization Grant")


async def test_a_confidential_client_must_authenticate(realm: Env) -> None:
    wrong = await realm.http.post(DEVICE_URL, data={"client_id": "test-device", "client_secret": "nope"})
    assert_error(wrong, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    unknown = await realm.http.post(DEVICE_URL, data={"client_id": "nobody"})
    assert_error(unknown, 401, "invalid_client")


async def test_a_wrong_user_code_shows_keycloak_s_message(realm: Env) -> None:
    page = await realm.http.post("/realms/test/device", data={"device_user_code": "x"})
    assert page.status_code == 200 and "Invalid code, please try again." in page.text
    cancelled = await realm.http.post("/realms/test/device", data={"cancel": "Cancel"})
    assert "Consent denied for connecting the device." in cancelled.text


async def test_an_sso_session_skips_the_login_but_never_the_consent_click(realm: Env) -> None:
    # RFC 8628 §5.4 (remote phishing): an attacker starts the flow and sends the victim the
    # verification_uri_complete. Opening it with an SSO session and an earlier consent must not hand the
    # attacker tokens: Keycloak ignores the stored consent for a device verification.
    first = await authorize(realm)
    await approve(realm, first)
    second = await authorize(realm)
    page = await realm.http.get("/realms/test/device", params={"user_code": second["user_code"]})
    assert page.status_code == 200 and 'name="accept"' in page.text and 'name="username"' not in page.text
    assert_error(await poll(realm, second["device_code"]), 400, "authorization_pending")
    data = {**form_fields(page.text), "accept": "yes"}
    done = await realm.http.post(form_action(page.text), data=data)
    assert done.status_code == 302 and done.headers["location"].endswith("/device/status")
    realm.clock.advance(6)  # past the polling interval
    assert (await poll(realm, second["device_code"])).status_code == 200


async def test_device_tokens_carry_the_acr_of_the_verification_login(realm: Env) -> None:
    """AcrProtocolMapper.getAcr reads the client session of the verification's browser login, as for the code
    flow: level 1 for a login with the password, 0 for one the SSO cookie answered, named through the client's
    default.acr.values and acr.loa.map (DeviceEndpoint notes neither ``claims`` nor ``acr_values``)."""
    loa = {"acr.loa.map": json.dumps({"silver": 1, "gold": 2}), "default.acr.values": "gold##silver"}
    await update_client(realm.db, "test", "test-device", attributes={**ENABLED, **loa})
    first = await authorize(realm, scope="openid")
    await approve(realm, first)
    tokens = (await poll(realm, first["device_code"])).json()
    assert claims(tokens["access_token"])["acr"] == claims(tokens["id_token"])["acr"] == "silver"
    again = await refresh(realm.http, "test", "test-device", tokens["refresh_token"])
    assert claims(again.json()["access_token"])["acr"] == "silver"
    second = await authorize(realm, scope="openid")
    page = await realm.http.get("/realms/test/device", params={"user_code": second["user_code"]})
    assert 'name="username"' not in page.text  # the SSO cookie logs the user in
    await realm.http.post(form_action(page.text), data={**form_fields(page.text), "accept": "yes"})
    realm.clock.advance(6)
    sso = (await poll(realm, second["device_code"])).json()
    assert claims(sso["access_token"])["acr"] == claims(sso["id_token"])["acr"] == "0"


async def test_a_client_with_no_consent_scopes_still_gets_a_consent_click_naming_it(realm: Env) -> None:
    await update_client(realm.db, "test", "test-device", name="Living room TV")
    tv = await realm.http.get(
        "/admin/realms/test/clients", headers=await realm.admin_headers(), params={"clientId": "test-device"}
    )
    uuid = tv.json()[0]["id"]
    headers = await realm.admin_headers()
    for kind in ("default-client-scopes", "optional-client-scopes"):
        for scope in (await realm.http.get(f"/admin/realms/test/clients/{uuid}/{kind}", headers=headers)).json():
            removed = await realm.http.delete(
                f"/admin/realms/test/clients/{uuid}/{kind}/{scope['id']}", headers=headers
            )
            assert removed.status_code == 204, removed.text
    answer = await authorize(realm)
    page = await realm.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))
    consent = await submit(realm.http, page, username="device-login", password="password")
    assert consent.status_code == 200 and 'name="accept"' in consent.text, consent.text[:500]
    assert "<li><span>Living room TV</span></li>" in consent.text  # the client itself is the screen's one line
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")


async def test_pkce_is_checked_when_the_device_sent_a_challenge(realm: Env) -> None:
    from doorkeep.oauth.pkce import s256

    verifier = "v" * 43
    answer = await authorize(realm, code_challenge=s256(verifier), code_challenge_method="S256")
    await approve(realm, answer)
    assert_error(await poll(realm, answer["device_code"]), 400, "invalid_grant", "PKCE code verifier not specified")
    realm.clock.advance(5)
    tokens = await realm.http.post(
        token_url("test"),
        data={
            "grant_type": DEVICE,
            "device_code": answer["device_code"],
            "client_id": "test-device",
            "client_secret": "secret",
            "code_verifier": verifier,
        },
    )
    assert tokens.status_code == 200, tokens.text


async def test_events_name_the_device_steps(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (
        await realm.http.put("/admin/realms/test", json={"eventsEnabled": True}, headers=headers)
    ).status_code == 204
    answer = await authorize(realm)
    await poll(realm, answer["device_code"])  # pending: no event
    await approve(realm, answer)
    realm.clock.advance(5)
    assert (await poll(realm, answer["device_code"])).status_code == 200
    types = [e["type"] for e in (await realm.http.get("/admin/realms/test/events", headers=headers)).json()]
    assert types == ["OAUTH2_DEVICE_CODE_TO_TOKEN", "LOGIN", "OAUTH2_DEVICE_VERIFY_USER_CODE"]


async def test_the_realm_settings_round_trip_through_the_admin_api(realm: Env) -> None:
    headers = await realm.admin_headers()
    rep = (await realm.http.get("/admin/realms/test", headers=headers)).json()
    assert (rep["oauth2DeviceCodeLifespan"], rep["oauth2DevicePollingInterval"]) == (60, 5)
    update = {"oauth2DeviceCodeLifespan": 15, "oauth2DevicePollingInterval": 10}
    assert (await realm.http.put("/admin/realms/test", json=update, headers=headers)).status_code == 204
    rep = (await realm.http.get("/admin/realms/test", headers=headers)).json()
    assert (rep["oauth2DeviceCodeLifespan"], rep["oauth2DevicePollingInterval"]) == (15, 10)
    answer = await authorize(realm)
    assert (answer["expires_in"], answer["interval"]) == (15, 10)


async def test_the_cleaner_removes_device_codes_past_their_keep_until(realm: Env) -> None:
    from doorkeep.sessions.cleaner import clean_once

    answer = await authorize(realm)
    await clean_once(realm.db, realm.clock.now() + 60 + 5 + 10, batch=1)
    realm.clock.advance(30)
    assert_error(await poll(realm, answer["device_code"]), 400, "authorization_pending")
    await authorize(realm)
    await clean_once(realm.db, realm.clock.now() + 200, batch=1)
    async with realm.db.transaction(write=False) as tx:
        from doorkeep.store.tables import device_codes

        assert await tx._conn.scalar(device_codes.select().with_only_columns(device_codes.c.realm_id)) is None


async def test_realm_import_and_export_keep_the_device_settings(env: Env) -> None:
    from doorkeep.realms.exportimport import files

    rep = {
        "realm": "imported",
        "enabled": True,
        "oauth2DeviceCodeLifespan": 300,
        "oauth2DevicePollingInterval": 7,
        "clients": [{"clientId": "tv", "publicClient": True, "attributes": ENABLED}],
    }
    async with env.db.transaction() as tx:
        assert await files.import_realm(tx, rep, env.clock.now(), skip_existing=True) == "imported"
    exported = await files.export_realm(env.db, "imported")
    assert (exported["oauth2DeviceCodeLifespan"], exported["oauth2DevicePollingInterval"]) == (300, 7)
    tv = next(c for c in exported["clients"] if c["clientId"] == "tv")
    assert tv["attributes"]["oauth2.device.authorization.grant.enabled"] == "true"
    answer = await env.http.post("/realms/imported/protocol/openid-connect/auth/device", data={"client_id": "tv"})
    assert (answer.json()["expires_in"], answer.json()["interval"]) == (300, 7)


async def test_a_client_created_through_the_admin_api_has_the_grant_off(realm: Env) -> None:
    headers = await realm.admin_headers()
    created = await realm.http.post(
        "/admin/realms/test/clients", json={"clientId": "new-tv", "publicClient": True}, headers=headers
    )
    assert created.status_code == 201
    refused = await realm.http.post(DEVICE_URL, data={"client_id": "new-tv"})
    assert_error(refused, 400, "unauthorized_client")


async def test_after_a_denial_the_same_browser_approves_another_device(realm: Env) -> None:
    """A denial keeps its authentication session (for the back button, as Keycloak's does): a second device's
    code typed in the same browser still runs its own login and approves only the second device."""
    first = await authorize(realm)
    denied = await approve(realm, first, accept=False)
    assert denied.headers["location"].endswith("/device/status?error=access_denied")
    second = await authorize(realm)
    done = await approve(realm, second)
    assert done.headers["location"] == "http://localhost/realms/test/device/status"
    assert_error(await poll(realm, first["device_code"]), 400, "access_denied")
    assert (await poll(realm, second["device_code"])).status_code == 200
