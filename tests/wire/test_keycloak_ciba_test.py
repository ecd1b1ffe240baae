"""Keycloak's CIBATest (the poll mode), method by method, over HTTP: the test application's authentication
channel is ``ciba_flow.Device`` (a receiver the server POSTs to), Keycloak's ``setTimeOffset`` the fake clock, and
its admin-client changes go through the admin REST API. Its realm: testrealm.json's ``test-app`` (secret
``password``), ``test-app-scope``, ``third-party`` (consent required) and the users of CIBATest.addTestRealms.

The ping mode's tests, the signed authentication request tests and the client policy executors' are in
test_keycloak_ciba_signed_and_policies_test.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ciba_flow import POLL, Device, answer, app_with_device, authenticate, device, events, token
from support import add_audience, assert_error, claims, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, APP_SECRET = "test-app", "password"
SECOND, SECOND_SECRET = "test-second-client", "passwort-test-second-client"
TOKEN = "/realms/test/protocol/openid-connect/token"


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    """CIBATest.addTestRealms, with prepareCIBASettings applied to test-app, test-app-scope and third-party."""
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            await seed_client(env.db, "test", APP, secret=APP_SECRET, attributes=dict(POLL))
            await add_audience(env.db, "test", APP)  # test-app introspects its tokens (Keycloak 26.6.2's check)
            await seed_client(env.db, "test", "test-app-scope", secret="password", attributes=dict(POLL))
            await seed_client(
                env.db, "test", "third-party", secret="password", consent_required=True, attributes=dict(POLL)
            )
            await seed_client(env.db, "test", SECOND, secret=SECOND_SECRET, service_accounts=True)
            for name in ("schwarz", "rot", "gelb"):
                await seed_user(env.db, env.clock, "test", f"nutzername-{name}", f"passwort-{name}")
            await seed_user(env.db, env.clock, "test", "nutzername-deaktiviert", enabled=False)
            yield env, dev


async def acknowledged(
    env: Env, client: str, secret: str, user: str | None, binding: str | None, /, **form: str
) -> dict[str, Any]:
    """doBackchannelAuthenticationRequest's 200 with an auth_req_id."""
    response = await authenticate(env, client, secret, user, binding, **form)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["auth_req_id"]
    return dict(body)


async def approved(env: Env, dev: Device, binding: str | None) -> None:
    """doAuthenticationChannelRequest then doAuthenticationChannelCallback(SUCCEED): 200."""
    sent = dev.take(binding)
    response = await answer(env, sent.bearer, "SUCCEED")
    assert response.status_code == 200, response.text


async def tokens(env: Env, client: str, secret: str, username: str, auth_req_id: str) -> dict[str, Any]:
    """doBackchannelAuthenticationTokenRequest + verifyBackchannelAuthenticationTokenRequest."""
    response = await token(env, client, secret, auth_req_id)
    assert response.status_code == 200, response.text
    body = dict(response.json())
    access, refresh, id_token = claims(body["access_token"]), claims(body["refresh_token"]), claims(body["id_token"])
    assert access["azp"] == client and refresh["azp"] == client
    assert refresh["aud"] == refresh["iss"]
    assert id_token["preferred_username"] == username and id_token["azp"] == client and id_token["aud"] == client
    found = await events(env, "AUTHREQID_TO_TOKEN")
    assert found and found[0]["clientId"] == client and found[0]["userId"] == access["sub"]
    return body


async def test_backchannel_authentication_flow(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlow: request, channel request, approval, tokens, refresh, logout."""
    env, dev = ciba
    start = env.clock.now()
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "BASTION", user_device="mobile")
    assert (ack["expires_in"], ack["interval"]) == (120, 5)
    sent = dev.take("BASTION")
    assert sent.content_type.startswith("application/json")
    assert sent.body["binding_message"] == "BASTION" and "openid" in sent.body["scope"].split(" ")
    assert sent.body["user_device"] == "mobile" and sent.body["login_hint"] == "nutzername-rot"
    assert sent.body["is_consent_required"] is False
    bearer = claims(sent.bearer)
    assert bearer["typ"] == "Bearer" and bearer["azp"] == APP and bearer["aud"] == bearer["iss"]
    assert (await answer(env, sent.bearer)).status_code == 200
    body = await tokens(env, APP, APP_SECRET, "nutzername-rot", ack["auth_req_id"])
    id_token = claims(body["id_token"])
    assert start - 5 <= id_token["auth_time"] <= env.clock.now() + 5
    assert claims(body["access_token"])["jti"].startswith("onrtci:")  # CibaGrantTypeFactory.GRANT_SHORTCUT
    issued = (await events(env, "AUTHREQID_TO_TOKEN"))[0]
    assert issued["details"]["consent"] == "consent_granted" and issued["details"]["code_id"] == issued["sessionId"]
    refreshed = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": APP,
            "client_secret": APP_SECRET,
        },
    )
    assert refreshed.status_code == 200, refreshed.text
    logout = await env.http.post(
        "/realms/test/protocol/openid-connect/logout",
        data={"refresh_token": refreshed.json()["refresh_token"], "client_id": APP, "client_secret": APP_SECRET},
    )
    assert logout.status_code == 204
    again = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refreshed.json()["refresh_token"],
            "client_id": APP,
            "client_secret": APP_SECRET,
        },
    )
    assert_error(again, 400, "invalid_grant", "Session not active")


async def admin(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, f"/admin/realms/test{path}", json=body, headers=await env.admin_headers())
    assert response.status_code in (200, 201, 204), (method, path, response.status_code, response.text)
    return response.json() if response.content else None


async def client_rep(env: Env, client_id: str) -> dict[str, Any]:
    found = await admin(env, "GET", f"/clients?clientId={client_id}")
    return dict(found[0])


async def update_client(env: Env, client_id: str, **attributes: str | None) -> httpx.Response:
    """The admin REST API's client update with these attributes changed (None: removed)."""
    rep = await client_rep(env, client_id)
    rep["attributes"].update(attributes)  # null removes an attribute (RepresentationToModel.updateClient)
    return await env.http.put(f"/admin/realms/test/clients/{rep['id']}", json=rep, headers=await env.admin_headers())


async def set_policy(env: Env, **attributes: str | None) -> None:
    """backupCIBAPolicy, then the realm's CIBA attributes changed through the admin API."""
    rep = await admin(env, "GET", "")
    rep["attributes"].update(attributes)
    await admin(env, "PUT", "", rep)


async def test_attacker_client_use_victim_auth_req_id_attack(ciba: tuple[Env, Device]) -> None:
    """testAttackerClientUseVictimAuthReqIdAttack: another CIBA client's auth_req_id is "unauthorized client"."""
    env, dev = ciba
    ack = await acknowledged(env, "test-app-scope", "password", "nutzername-gelb", "asdfghjkl")
    await approved(env, dev, "asdfghjkl")
    response = await token(env, APP, APP_SECRET, ack["auth_req_id"])
    assert_error(response, 400, "invalid_grant", "unauthorized client")
    failed = (await events(env, "AUTHREQID_TO_TOKEN_ERROR"))[0]
    assert failed["error"] == "invalid_oauth2_device_code" and failed["details"]["reason"] == "unauthorized client"


async def test_attacker_client_use_auth_req_id_in_callback_endpoint(ciba: tuple[Env, Device]) -> None:
    """testAttackerClientUseAuthReqIdInCallbackEndpoint: the auth_req_id is no bearer token for the callback."""
    env, _ = ciba
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "BASTION")
    assert (await answer(env, ack["auth_req_id"], "SUCCEED")).status_code == 403
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "authorization_pending")


async def test_authentication_channel_unexpected_error(ciba: tuple[Env, Device]) -> None:
    """testAuthenticationChannelUnexpectedError: a device that does not answer 201 is 503, and nothing is kept."""
    env, dev = ciba
    dev.status = 400
    response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "GODOWN", scope="openid offline_access")
    assert_error(response, 503, "server_error", "Unexpected response from authentication device")
    assert_error(await token(env, APP, APP_SECRET, ""), 400, "invalid_grant", "Invalid Auth Req ID")


async def test_backchannel_authn_req_with_deactivated_user(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthnReqWithDeactivatedUser."""
    env, dev = ciba
    response = await authenticate(env, APP, APP_SECRET, "nutzername-deaktiviert", None, acr_values="acr2")
    assert_error(response, 400, "invalid_request", "invalid user")
    assert not dev.requests


async def test_backchannel_authn_req_with_unknown_user(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthnReqWithUnknownUser."""
    env, _ = ciba
    response = await authenticate(env, APP, APP_SECRET, "Unbekannt", "BASTION")
    assert_error(response, 400, "invalid_request", "invalid user")


async def test_backchannel_authn_req_without_login_hint(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthnReqWithoutLoginHint."""
    env, _ = ciba
    response = await authenticate(env, APP, APP_SECRET, None, "BASTION", acr_values="ACR1")
    assert_error(response, 400, "invalid_request", "missing parameter : login_hint")


async def test_login_hint_token_required_but_not_send(ciba: tuple[Env, Device]) -> None:
    """testLoginHintTokenRequiredButNotSend: the realm's cibaAuthRequestedUserHint names login_hint_token."""
    env, _ = ciba
    await set_policy(env, cibaAuthRequestedUserHint="login_hint_token")
    response = await authenticate(env, APP, APP_SECRET, "nutzername-schwarz", None)
    assert_error(response, 400, "invalid_request", "missing parameter : login_hint_token")


async def test_bad_binding_message(ciba: tuple[Env, Device]) -> None:
    """testBadBindingMessage (fapi-ciba-id1-ensure-authorization-request-with-potentially-bad-binding-message)."""
    env, _ = ciba
    long = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore"
    for bad in ("1234 \U0001f44d\U0001f3ff 品川 Lor", long, ""):
        response = await authenticate(env, APP, APP_SECRET, "nutzername-schwarz", bad)
        assert_error(response, 400, "invalid_binding_message")
    assert (await authenticate(env, APP, APP_SECRET, "nutzername-schwarz", "Lorem_ipsum")).status_code == 200


async def test_token_revocation(ciba: tuple[Env, Device]) -> None:
    """testTokenRevocation: an offline token from CIBA, introspected, refreshed, then revoked."""
    env, dev = ciba
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "BASTION", scope="openid offline_access")
    sent = dev.take("BASTION")
    assert "offline_access" in sent.body["scope"].split(" ")
    assert (await answer(env, sent.bearer)).status_code == 200
    body = await tokens(env, APP, APP_SECRET, "nutzername-rot", ack["auth_req_id"])
    assert claims(body["refresh_token"])["typ"] == "Offline"
    await introspected(env, body, "nutzername-rot")
    refreshed = await refresh(env, body["refresh_token"])
    revoke = await env.http.post(
        "/realms/test/protocol/openid-connect/revoke",
        data={
            "token": refreshed["refresh_token"],
            "token_type_hint": "refresh_token",
            "client_id": APP,
            "client_secret": APP_SECRET,
        },
    )
    assert revoke.status_code == 200
    again = await refresh_response(env, refreshed["refresh_token"])
    assert_error(again, 400, "invalid_grant", "Offline user session not found")
    assert (await events(env, "REVOKE_GRANT"))[0]["clientId"] == APP


async def refresh_response(env: Env, refresh_token: str) -> httpx.Response:
    return await env.http.post(
        TOKEN,
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": APP,
            "client_secret": APP_SECRET,
        },
    )


async def refresh(env: Env, refresh_token: str) -> dict[str, Any]:
    """doRefreshTokenRequest."""
    response = await refresh_response(env, refresh_token)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def introspected(env: Env, body: dict[str, Any], username: str) -> None:
    """doIntrospectAccessTokenWithClientCredential: the access, refresh and ID tokens are active."""
    for kind in ("access_token", "refresh_token", "id_token"):
        found = await env.http.post(
            f"{TOKEN}/introspect", data={"token": body[kind], "client_id": APP, "client_secret": APP_SECRET}
        )
        rep = found.json()
        assert rep["active"] is True and rep["client_id"] == APP and rep["azp"] == APP, (kind, rep)
        if kind != "refresh_token":
            assert rep["username"] == username


async def test_change_interval(ciba: tuple[Env, Device]) -> None:
    """testChangeInterval: the acknowledgement's interval follows the realm's cibaInterval."""
    env, dev = ciba
    assert (await acknowledged(env, APP, APP_SECRET, "nutzername-schwarz", "lbies8e"))["interval"] == 5
    dev.take("lbies8e")
    await set_policy(env, cibaExpiresIn="1200", cibaInterval="10")
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "Keb9eser")
    assert (ack["interval"], ack["expires_in"]) == (10, 1200)


async def test_access_throttling(ciba: tuple[Env, Device]) -> None:
    """testAccessThrottling: pending, then slow_down while polling faster than the interval."""
    env, dev = ciba
    await set_policy(env, cibaInterval="3")
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "BASTION")
    sent = dev.take("BASTION")
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "authorization_pending")
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "slow_down", "too early to access")
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "slow_down")
    assert (await answer(env, sent.bearer)).status_code == 200
    env.clock.advance(3)
    body = await tokens(env, APP, APP_SECRET, "nutzername-rot", ack["auth_req_id"])
    await introspected(env, body, "nutzername-rot")
    await refresh(env, body["refresh_token"])


async def test_token_request_after_interval_but_not_yet_authenticated(ciba: tuple[Env, Device]) -> None:
    """testTokenRequestAfterIntervalButNotYetAuthenticated."""
    env, dev = ciba
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "BASTION")
    pending = await token(env, APP, APP_SECRET, ack["auth_req_id"])
    assert_error(
        pending,
        400,
        "authorization_pending",
        "The authorization request is still pending as the end-user hasn't yet been authenticated.",
    )
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "slow_down")
    await approved(env, dev, "BASTION")
    env.clock.advance(5)
    await tokens(env, APP, APP_SECRET, "nutzername-rot", ack["auth_req_id"])
    assert not await events(env, "AUTHREQID_TO_TOKEN_ERROR")  # pending and slow_down record no event


async def test_ciba_policy(ciba: tuple[Env, Device]) -> None:
    """testCIBAPolicy: the realm's attributes always hold the CIBA policy, its defaults when unset."""
    env, _ = ciba
    rep = await admin(env, "GET", "")
    expected = {"cibaBackchannelTokenDeliveryMode": "poll", "cibaExpiresIn": "120", "cibaInterval": "5"}
    assert {k: rep["attributes"][k] for k in expected} == expected
    assert rep["attributes"]["cibaAuthRequestedUserHint"] == "login_hint"
    await set_policy(env, cibaBackchannelTokenDeliveryMode="poll", cibaExpiresIn="736", cibaInterval="7")
    rep = await admin(env, "GET", "")
    assert (rep["attributes"]["cibaExpiresIn"], rep["attributes"]["cibaInterval"]) == ("736", "7")


async def test_ciba_policy_null_attributes_fall_back_to_the_defaults(ciba: tuple[Env, Device]) -> None:
    """testCIBAPolicy's null input: attributes sent as null are removed, and the defaults read back."""
    env, _ = ciba
    await set_policy(env, cibaExpiresIn="736", cibaInterval="7")
    await set_policy(
        env,
        cibaBackchannelTokenDeliveryMode=None,
        cibaExpiresIn=None,
        cibaInterval=None,
        cibaAuthRequestedUserHint=None,
    )
    attributes = (await admin(env, "GET", ""))["attributes"]
    assert (attributes["cibaExpiresIn"], attributes["cibaInterval"]) == ("120", "5")
    assert attributes["cibaBackchannelTokenDeliveryMode"] == "poll"
    assert attributes["cibaAuthRequestedUserHint"] == "login_hint"


async def full_flow(env: Env, dev: Device, *, offline: bool, binding: str | None, client_in_body: bool = False) -> None:
    """CIBATest.testBackchannelAuthenticationFlow(isOfflineAccess, bindingMessage, additionalParameters)."""
    extra = {"user_device": "mobile"}
    if client_in_body:  # client_secret_post: neither reaches the authentication device
        extra |= {"client_id": APP, "client_secret": APP_SECRET}
    scope = "openid offline_access" if offline else "openid"
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", binding, scope=scope, **extra)
    sent = dev.take(binding)
    assert sent.body.get("binding_message") == binding
    assert ("offline_access" in sent.body["scope"].split(" ")) == offline
    assert sent.body["user_device"] == "mobile"
    assert "client_id" not in sent.body and "client_secret" not in sent.body
    assert (await answer(env, sent.bearer)).status_code == 200
    body = await tokens(env, APP, APP_SECRET, "nutzername-rot", ack["auth_req_id"])
    await introspected(env, body, "nutzername-rot")
    refreshed = await refresh(env, body["refresh_token"])
    await introspected(env, refreshed, "nutzername-rot")
    logout = await env.http.post(
        "/realms/test/protocol/openid-connect/logout",
        data={"refresh_token": refreshed["refresh_token"], "client_id": APP, "client_secret": APP_SECRET},
    )
    assert logout.status_code == 204
    gone = "Offline user session not found" if offline else "Session not active"
    assert_error(await refresh_response(env, refreshed["refresh_token"]), 400, "invalid_grant", gone)


async def test_backchannel_authentication_flow_offline_access(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlowOfflineAccess."""
    await full_flow(*ciba, offline=True, binding="BASTION")


async def test_backchannel_authentication_flow_without_binding_message(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlowWithoutBindingMessage."""
    await full_flow(*ciba, offline=False, binding=None)


async def test_backchannel_authentication_flow_offline_access_without_binding_message(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlowOfflineAccessWithoutBindingMessage."""
    await full_flow(*ciba, offline=True, binding=None)


async def test_backchannel_authentication_flow_with_client_id_and_secret_in_body(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlowWithClientIdAndSecretInBody."""
    await full_flow(*ciba, offline=True, binding="ABCDE", client_in_body=True)


async def test_backchannel_client_validations(ciba: tuple[Env, Device]) -> None:
    """testBackchannelClientValidations: CibaClientValidation on the admin API's client update."""
    env, _ = ciba
    mode, endpoint = "ciba.backchannel.token.delivery.mode", "ciba.backchannel.client.notification.endpoint"
    alg = "ciba.backchannel.auth.request.signing.alg"
    refused = await update_client(env, APP, **{mode: "ping", endpoint: None})
    assert refused.status_code == 400, refused.text
    assert "CIBA Backchannel Client Notification Endpoint must be set" in refused.json()["error_description"]
    notify = "http://localhost:8280/ciba-notification"
    assert (await update_client(env, APP, **{mode: "ping", endpoint: notify})).status_code == 204
    attributes = (await client_rep(env, APP))["attributes"]
    assert (attributes[mode], attributes[endpoint]) == ("ping", notify)
    assert (await update_client(env, APP, **{mode: "push"})).status_code == 400
    hs256 = await update_client(env, APP, **{mode: "ping", alg: "HS256"})
    assert_error(
        hs256, 400, "invalid_input", "Unsupported requested CIBA Backchannel Authentication Request Signing Algorithm"
    )
    assert (await update_client(env, APP, **{alg: "PS256"})).status_code == 204
    assert (await client_rep(env, APP))["attributes"][alg] == "PS256"


async def test_multiple_users_backchannel_authentication_flows(ciba: tuple[Env, Device]) -> None:
    """testMultipleUsersBackchannelAuthenticationFlows."""
    env, dev = ciba
    first = await acknowledged(env, APP, APP_SECRET, "nutzername-schwarz", "Pjb9eD8w")
    await approved(env, dev, "Pjb9eD8w")
    second = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "dEkg8vDdsl")
    await approved(env, dev, "dEkg8vDdsl")
    await tokens(env, APP, APP_SECRET, "nutzername-rot", second["auth_req_id"])
    await tokens(env, APP, APP_SECRET, "nutzername-schwarz", first["auth_req_id"])


async def test_explicit_consent_required_backchannel_authentication_flows(ciba: tuple[Env, Device]) -> None:
    """testExplicitConsentRequiredBackchannelAuthenticationFlows: the device learns the client wants consent, and
    the scope it shows holds the client's consent-screen default scopes; the approval grants them."""
    env, dev = ciba
    ack = await acknowledged(env, "third-party", "password", "nutzername-gelb", "asdfghjkl")
    sent = dev.take("asdfghjkl")
    assert sent.body["is_consent_required"] is True
    assert {"openid", "email", "profile", "roles"} <= set(sent.body["scope"].split(" "))
    assert (await answer(env, sent.bearer)).status_code == 200
    await tokens(env, "third-party", "password", "nutzername-gelb", ack["auth_req_id"])
    user = (await admin(env, "GET", "/users?username=nutzername-gelb"))[0]
    consents = await admin(env, "GET", f"/users/{user['id']}/consents")
    assert [c["clientId"] for c in consents] == ["third-party"]


async def test_multiple_clients_backchannel_authentication_flows(ciba: tuple[Env, Device]) -> None:
    """testMultipleClientsBackchannelAuthenticationFlows."""
    env, dev = ciba
    first = await acknowledged(env, "test-app-scope", "password", "nutzername-gelb", "asdfghjkl")
    await approved(env, dev, "asdfghjkl")
    second = await acknowledged(env, APP, APP_SECRET, "nutzername-gelb", "qwertyui")
    await approved(env, dev, "qwertyui")
    await tokens(env, APP, APP_SECRET, "nutzername-gelb", second["auth_req_id"])
    await tokens(env, "test-app-scope", "password", "nutzername-gelb", first["auth_req_id"])


async def test_request_token_before_authentication_not_completed(ciba: tuple[Env, Device]) -> None:
    """testRequestTokenBeforeAuthenticationNotCompleted."""
    env, dev = ciba
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "kvoDKw98")
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "authorization_pending")
    await approved(env, dev, "kvoDKw98")
    env.clock.advance(6)
    response = await token(env, APP, APP_SECRET, ack["auth_req_id"])
    assert response.status_code == 200, response.text
    assert claims(response.json()["id_token"])["preferred_username"] == "nutzername-rot"


async def test_request_token_after_auth_req_id_expired(ciba: tuple[Env, Device]) -> None:
    """testRequestTokenAfterAuthReqIdExpired: cibaExpiresIn 60, polled 70 seconds later."""
    env, dev = ciba
    await set_policy(env, cibaExpiresIn="60")
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "obkes8dke1")
    await approved(env, dev, "obkes8dke1")
    env.clock.advance(70)
    assert_error(
        await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "expired_token", "authentication timed out"
    )


async def test_callback_after_authentication_request_expired(ciba: tuple[Env, Device]) -> None:
    """testCallbackAfterAuthenticationRequestExpired: the bearer token expired with the request; a LOGIN_ERROR
    ``invalid_token`` naming no client, user or session."""
    env, dev = ciba
    await set_policy(env, cibaExpiresIn="60")
    await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "3FIekcs9")
    sent = dev.take("3FIekcs9")
    env.clock.advance(70)
    assert_error(await answer(env, sent.bearer), 403, "invalid_token", "Invalid token")
    failed = (await events(env, "LOGIN_ERROR"))[0]
    assert failed["error"] == "invalid_token"
    assert all(failed.get(k) is None for k in ("clientId", "userId", "sessionId")), failed


async def test_duplicated_token_request_with_same_auth_req_id(ciba: tuple[Env, Device]) -> None:
    """testDuplicatedTokenRequestWithSameAuthReqId: an auth_req_id works once."""
    env, dev = ciba
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-gelb", "kciwje86")
    await approved(env, dev, "kciwje86")
    first = await token(env, APP, APP_SECRET, ack["auth_req_id"])
    assert first.status_code == 200 and claims(first.json()["id_token"])["preferred_username"] == "nutzername-gelb"
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, "invalid_grant", "Invalid auth_req_id")


async def test_other_client_send_token_request(ciba: tuple[Env, Device]) -> None:
    """testOtherClientSendTokenRequest: a client without the grant."""
    env, dev = ciba
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "ldkq366")
    await approved(env, dev, "ldkq366")
    response = await token(env, SECOND, SECOND_SECRET, ack["auth_req_id"])
    assert_error(response, 400, "invalid_grant", "Client not allowed OIDC CIBA Grant")


async def channel_error_case(env: Env, dev: Device, status: str | None, callback: int, error: str, event: str) -> None:
    """CIBATest.testAuthenticationChannelErrorCase."""
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "kwq26rfjs73")
    sent = dev.take("kwq26rfjs73")
    assert (await answer(env, sent.bearer, status)).status_code == callback
    failed = (await events(env, "LOGIN_ERROR"))[0]
    assert (failed["error"], failed["clientId"], failed.get("userId"), failed.get("sessionId")) == (
        event,
        APP,
        None,
        None,
    )
    assert_error(await token(env, APP, APP_SECRET, ack["auth_req_id"]), 400, error)


async def test_authentication_channel_unauthorized(ciba: tuple[Env, Device]) -> None:
    """testAuthenticationChannelUnauthorized."""
    await channel_error_case(*ciba, "UNAUTHORIZED", 200, "access_denied", "consent_denied")


async def test_authentication_channel_cancelled(ciba: tuple[Env, Device]) -> None:
    """testAuthenticationChannelCancelled."""
    await channel_error_case(*ciba, "CANCELLED", 200, "access_denied", "not_allowed")


async def test_authentication_channel_unknown(ciba: tuple[Env, Device]) -> None:
    """testAuthenticationChannelUnknown: no status is 400 ``invalid_request``; the request stays pending."""
    await channel_error_case(*ciba, None, 400, "authorization_pending", "invalid_request")


async def test_ciba_grant_deactivated(ciba: tuple[Env, Device]) -> None:
    """testCibaGrantDeactivated: without the grant the endpoint answers 401 invalid_grant; with it switched off
    after the approval, the token request is refused."""
    env, dev = ciba
    grant, alg = "oidc.ciba.grant.enabled", "ciba.backchannel.auth.request.signing.alg"
    assert (await update_client(env, APP, **{grant: None, alg: "RS256"})).status_code == 204
    attributes = (await client_rep(env, APP))["attributes"]
    assert grant not in attributes and attributes[alg] == "RS256"
    refused = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "gilwekDe3", acr_values="acr2")
    assert_error(refused, 401, "invalid_grant", "Client not allowed OIDC CIBA Grant")
    failed = (await events(env, "LOGIN_ERROR"))[0]
    assert (failed["error"], failed["clientId"], failed["details"]["client_auth_method"]) == (
        "not_allowed",
        APP,
        "client-secret",
    )
    assert (await update_client(env, APP, **{grant: "true", alg: "ES256"})).status_code == 204
    ack = await acknowledged(env, APP, APP_SECRET, "nutzername-rot", "Fkb4T3s")
    await approved(env, dev, "Fkb4T3s")
    assert (await update_client(env, APP, **{grant: "false", alg: "none"})).status_code == 204
    attributes = (await client_rep(env, APP))["attributes"]
    assert (attributes[grant], attributes[alg]) == ("false", "none")
    response = await token(env, SECOND, SECOND_SECRET, ack["auth_req_id"])
    assert_error(response, 400, "invalid_grant", "Client not allowed OIDC CIBA Grant")
    response = await token(env, APP, APP_SECRET, ack["auth_req_id"])
    assert_error(response, 400, "invalid_grant", "Client not allowed OIDC CIBA Grant")


async def test_backchannel_authentication_flow_with_invalid_scope(ciba: tuple[Env, Device]) -> None:
    """testBackchannelAuthenticationFlowWithInvalidScope: Keycloak 26 answers invalid_scope (isValidScope)."""
    env, _ = ciba
    response = await authenticate(
        env, APP, APP_SECRET, "nutzername-rot", "valid_binding_message", scope="openid not_exist_scope"
    )
    assert_error(response, 400, "invalid_scope", "Invalid scopes: openid not_exist_scope")


async def test_the_realm_s_user_hint_picks_the_parameter_and_an_unknown_one_is_refused(
    ciba: tuple[Env, Device],
) -> None:
    """BackchannelAuthenticationEndpoint.resolveUser: with ``id_token_hint`` the login_hint is not read (missing
    id_token_hint), the default resolver finds nobody by an id_token_hint ("invalid user"), and a hint the
    endpoint does not know is "invalid user hint"."""
    env, dev = ciba
    await set_policy(env, cibaAuthRequestedUserHint="id_token_hint")
    missing = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "BASTION")
    assert_error(missing, 400, "invalid_request", "missing parameter : id_token_hint")
    nobody = await authenticate(env, APP, APP_SECRET, None, "BASTION", id_token_hint="eyJ.x.y")
    assert_error(nobody, 400, "invalid_request", "invalid user")
    await set_policy(env, cibaAuthRequestedUserHint="email")
    assert (await admin(env, "GET", ""))["attributes"]["cibaAuthRequestedUserHint"] == "email"
    refused = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "BASTION")
    assert_error(refused, 400, "invalid_request", "invalid user hint")
    assert not dev.requests


async def test_backchannel_authentication_with_an_empty_scope_name(ciba: tuple[Env, Device]) -> None:
    """Beyond the port: isValidScope's ``String.split(" ")`` keeps an empty name (``scope=``, two spaces), no
    client scope of the client, so invalid_scope as for an unknown one."""
    env, _ = ciba
    for scope in ("", "openid  profile"):
        response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "valid_binding_message", scope=scope)
        assert_error(response, 400, "invalid_scope", f"Invalid scopes: {scope}")
