"""CIBA's endpoints against bad input: each refusal is Keycloak's error, never a 500, and nothing is kept for a
request the device never accepted (beyond Keycloak's CIBATest)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ciba_flow import (
    CALLBACK_URL,
    CIBA_URL,
    POLL,
    Device,
    answer,
    app_with_device,
    authenticate,
    basic,
    device,
    events,
    token,
)
from receiver import closed_port
from support import assert_error, password_grant, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, SECRET = "test-app", "password"


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            await seed_client(env.db, "test", APP, secret=SECRET, attributes=dict(POLL))
            await seed_user(env.db, env.clock, "test", "alice")
            yield env, dev


async def test_a_wrong_secret_is_401_invalid_client_and_a_login_error(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    response = await authenticate(env, APP, "wrong", "alice", "B")
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    failed = (await events(env, "LOGIN_ERROR"))[0]
    assert (failed["error"], failed["clientId"]) == ("invalid_client_credentials", APP)
    assert not dev.requests


async def test_malformed_numbers_are_java_s_messages(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    response = await authenticate(env, APP, SECRET, "alice", "B", requested_expiry="soon")
    assert_error(response, 400, "invalid_request", 'For input string: "soon"')
    response = await authenticate(env, APP, SECRET, "alice", "B", max_age="99999999999")
    assert_error(response, 400, "invalid_request", 'For input string: "99999999999"')


async def test_request_and_request_uri_together_are_refused(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    response = await authenticate(env, APP, SECRET, None, None, request="a.b.c", request_uri="http://x/r")
    assert_error(
        response, 400, "invalid_request", "Illegal to use both 'request' and 'request_uri' parameters together"
    )


async def test_junk_request_objects_and_unregistered_request_uris_are_invalid_request(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    for junk in ("junk", "a.b", "e30.e30.", "x.y.z.w.v"):
        response = await authenticate(env, APP, SECRET, None, None, request=junk)
        assert response.status_code == 400 and response.json()["error"] == "invalid_request", (junk, response.text)
    response = await authenticate(env, APP, SECRET, None, None, request_uri="http://127.0.0.1:1/r")
    assert_error(response, 400, "invalid_request", "Specified 'request_uri' not allowed for this client.")


async def test_the_user_code_parameter_is_not_supported(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    response = await authenticate(env, APP, SECRET, "alice", "B", user_code="1234")
    assert_error(response, 400, "invalid_request", "User code not supported")


async def test_a_missing_scope_is_keycloak_s_message(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    response = await env.http.post(CIBA_URL, data={"login_hint": "alice"}, headers=basic(APP, SECRET))
    assert_error(response, 400, "invalid_request", "missing parameter : scope")


async def test_an_unreachable_channel_is_503(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """HttpAuthenticationChannelProvider's IOException: "Failed to send authentication request"."""
    async with app_with_device(request, tmp_path, f"http://127.0.0.1:{closed_port()}/channel") as env:
        await seed_realm(env.db, env.clock)
        await seed_client(env.db, "test", APP, secret=SECRET, attributes=dict(POLL))
        await seed_user(env.db, env.clock, "test", "alice")
        response = await authenticate(env, APP, SECRET, "alice", "B")
        assert_error(response, 503, "server_error", "Failed to send authentication request")


async def test_junk_auth_req_ids_are_invalid_grant(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    for junk in ("", "x", "a.b.c.d.e", "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0..AAAA.AAAA.AAAA"):
        assert_error(await token(env, APP, SECRET, junk), 400, "invalid_grant", "Invalid Auth Req ID")
    assert_error(await token(env, APP, SECRET, None), 400, "invalid_request", "Missing parameter: auth_req_id")
    failed = (await events(env, "AUTHREQID_TO_TOKEN_ERROR"))[0]
    assert (failed["error"], failed["details"]["reason"]) == ("invalid_code", "Missing parameter: auth_req_id")


async def test_callback_refuses_junk_without_a_500(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    assert (await answer(env, None)).status_code == 401
    assert (await answer(env, "not-a-token")).status_code == 403
    assert (await answer(env, "a.b.c")).status_code == 403
    for body in (b"not json", b"[1]", b'{"status": "MAYBE"}', b'{"status": 3}'):
        response = await env.http.post(
            CALLBACK_URL, content=body, headers={"Authorization": "Bearer x", "Content-Type": "application/json"}
        )
        assert_error(response, 400, "invalid_request", "Invalid authentication status")
    await authenticate(env, APP, SECRET, "alice", "B")
    sent = dev.take("B")
    twice = {"Authorization": f"Bearer {sent.bearer}", "Content-Type": "application/json"}
    response = await env.http.post(
        CALLBACK_URL, content=b'{"status":"SUCCEED"}', headers=[*twice.items(), ("Authorization", "Bearer y")]
    )
    assert response.status_code == 401  # two Authorization headers: no bearer token


async def test_a_second_answer_ends_the_request(ciba: tuple[Env, Device]) -> None:
    """BackchannelAuthenticationCallbackEndpoint.cancelRequest: a request already answered is removed."""
    env, dev = ciba
    ack = (await authenticate(env, APP, SECRET, "alice", "B")).json()
    sent = dev.take("B")
    assert (await answer(env, sent.bearer)).status_code == 200
    assert_error(await answer(env, sent.bearer, "CANCELLED"), 403, "invalid_token", "Invalid token")
    assert_error(await token(env, APP, SECRET, ack["auth_req_id"]), 400, "invalid_grant", "Invalid auth_req_id")


async def test_a_user_disabled_after_the_approval_is_refused(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    ack = (await authenticate(env, APP, SECRET, "alice", "B")).json()
    assert (await answer(env, dev.take("B").bearer)).status_code == 200
    headers = await env.admin_headers()
    user = (await env.http.get("/admin/realms/test/users?username=alice", headers=headers)).json()[0]
    await env.http.put(f"/admin/realms/test/users/{user['id']}", json={**user, "enabled": False}, headers=headers)
    assert_error(await token(env, APP, SECRET, ack["auth_req_id"]), 400, "invalid_grant", "User disabled")
    assert (await events(env, "AUTHREQID_TO_TOKEN_ERROR"))[0]["error"] == "user_disabled"


async def test_a_user_locked_by_brute_force_after_the_approval_is_refused(ciba: tuple[Env, Device]) -> None:
    """Beyond Keycloak's CibaGrantType, as its device grant since CVE-2026-88770 (DeviceGrantBruteForceTest): a
    lock that brute force detection puts on the user after the device approved stops the token, "Invalid user
    credentials" with the lock's event error; the auth_req_id then gives nothing either."""
    env, dev = ciba
    await update_realm(env.db, "test", brute_force_protected=True, failure_factor=1)
    ack = (await authenticate(env, APP, SECRET, "alice", "B")).json()
    assert (await answer(env, dev.take("B").bearer)).status_code == 200
    wrong = await password_grant(env.http, "test", APP, "alice", "WRONG", secret=SECRET)
    assert wrong.status_code == 400, wrong.text
    response = await token(env, APP, SECRET, ack["auth_req_id"])
    assert_error(response, 400, "invalid_grant", "Invalid user credentials")
    assert "access_token" not in response.json()
    assert (await events(env, "AUTHREQID_TO_TOKEN_ERROR"))[0]["error"] == "user_temporarily_disabled"


async def test_a_user_with_required_actions_is_refused(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    ack = (await authenticate(env, APP, SECRET, "alice", "B")).json()
    assert (await answer(env, dev.take("B").bearer)).status_code == 200
    headers = await env.admin_headers()
    user = (await env.http.get("/admin/realms/test/users?username=alice", headers=headers)).json()[0]
    await env.http.put(
        f"/admin/realms/test/users/{user['id']}", json={**user, "requiredActions": ["UPDATE_PASSWORD"]}, headers=headers
    )
    assert_error(await token(env, APP, SECRET, ack["auth_req_id"]), 400, "invalid_grant", "Account is not fully set up")


async def test_a_disabled_realm_is_401_as_authenticate_client_rethrows_it(ciba: tuple[Env, Device]) -> None:
    """AbstractCibaEndpoint.checkRealm's 403, rethrown by authorizeClient as 401 with its error."""
    env, dev = ciba
    await update_realm(env.db, "test", enabled=False)
    assert_error(await authenticate(env, APP, SECRET, "alice", "B"), 401, "access_denied", "Realm not enabled")
    assert not dev.requests


async def test_an_unknown_realm_is_404_at_both_endpoints(ciba: tuple[Env, Device]) -> None:
    env, _ = ciba
    base = "/realms/nope/protocol/openid-connect/ext/ciba/auth"
    assert (await env.http.post(base, data={"scope": "openid"}, headers=basic(APP, SECRET))).status_code == 404
    assert (await env.http.post(f"{base}/callback", json={"status": "SUCCEED"})).status_code == 404
