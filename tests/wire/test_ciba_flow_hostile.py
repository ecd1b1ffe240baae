"""CIBA attacked across requests and clients (beyond test_ciba_hostile.py's bad input): another client's
auth_req_id, polling after success, denial and expiry, one request's callback token used for another, a client
disabled between the request and the poll, a realm that requires HTTPS, and what the server logs at DEBUG while
a whole flow runs (no auth_req_id, channel bearer token, binding message secret or client secret)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ciba_flow import CALLBACK_URL, CIBA_URL, POLL, Device, answer, app_with_device, authenticate, basic, device, token
from debug_logs import all_at_debug
from support import assert_error, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, OTHER, SECRET = "test-app", "other-app", "password"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            await seed_client(env.db, "test", APP, secret=SECRET, attributes=dict(POLL))
            await seed_client(env.db, "test", OTHER, secret="other-secret-value", attributes=dict(POLL))
            await seed_user(env.db, env.clock, "test", "alice")
            await seed_user(env.db, env.clock, "test", "bob")
            yield env, dev


async def started(env: Env, dev: Device, client: str, secret: str, user: str, binding: str) -> tuple[str, str]:
    """A request accepted: its auth_req_id and the bearer token the channel was sent."""
    ack = await authenticate(env, client, secret, user, binding)
    assert ack.status_code == 200, ack.text
    return str(ack.json()["auth_req_id"]), dev.take(binding).bearer


async def test_another_client_s_auth_req_id_is_unauthorized_client(ciba: tuple[Env, Device]) -> None:
    """CibaGrantType: the client polling is not the one the request was made for."""
    env, dev = ciba
    handle, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    assert (await answer(env, bearer)).status_code == 200
    assert_error(await token(env, OTHER, "other-secret-value", handle), 400, "invalid_grant", "unauthorized client")
    assert (await token(env, APP, SECRET, handle)).status_code == 200  # the owner still gets its tokens


async def test_polling_after_success_is_invalid(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    handle, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    assert (await answer(env, bearer)).status_code == 200
    assert (await token(env, APP, SECRET, handle)).status_code == 200
    env.clock.advance(10)
    assert_error(await token(env, APP, SECRET, handle), 400, "invalid_grant", "Invalid auth_req_id")


async def test_polling_after_denial_is_access_denied(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    handle, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    assert (await answer(env, bearer, "UNAUTHORIZED")).status_code == 200
    assert_error(await token(env, APP, SECRET, handle), 400, "access_denied", "not authorized")
    assert_error(await answer(env, bearer), 403, "invalid_token", "Invalid token")  # no approval after a denial


async def test_polling_after_expiry_is_expired_token(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    handle, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    env.clock.advance(3600)
    response = await token(env, APP, SECRET, handle)
    # CibaGrantType: the request is gone from the store once it expired ("Invalid auth_req_id")
    assert_error(response, 400, "invalid_grant", "Invalid auth_req_id")
    assert_error(await answer(env, bearer), 403, "invalid_token", "Invalid token")


async def test_one_request_s_callback_token_answers_only_that_request(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    alice, alice_bearer = await started(env, dev, APP, SECRET, "alice", "A")
    bob, _ = await started(env, dev, APP, SECRET, "bob", "B")
    assert (await answer(env, alice_bearer)).status_code == 200
    pending = await token(env, APP, SECRET, bob)
    assert pending.status_code == 400 and pending.json()["error"] == "authorization_pending", pending.text
    assert (await token(env, APP, SECRET, alice)).status_code == 200


async def test_a_callback_token_is_no_access_token(ciba: tuple[Env, Device]) -> None:
    """The channel's bearer token (HttpAuthenticationChannelProvider.createBearerToken: a realm-signed token
    without scope or session) answers only the callback: userinfo refuses it as Keycloak's UserInfoEndpoint
    does (no openid scope), and it opens no admin API."""
    env, dev = ciba
    _, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    info = await env.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {bearer}"}
    )
    assert info.status_code == 403, info.text
    assert 'error="insufficient_scope"' in info.headers["www-authenticate"]
    admin = await env.http.get("/admin/realms/test/users", headers={"Authorization": f"Bearer {bearer}"})
    assert admin.status_code in (401, 403), admin.text


async def test_a_client_disabled_mid_flow_cannot_poll(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    handle, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    assert (await answer(env, bearer)).status_code == 200
    headers = await env.admin_headers()
    found = (await env.http.get("/admin/realms/test/clients", params={"clientId": APP}, headers=headers)).json()[0]
    await env.http.put(f"/admin/realms/test/clients/{found['id']}", json={**found, "enabled": False}, headers=headers)
    response = await token(env, APP, SECRET, handle)
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_a_realm_requiring_https_refuses_plain_http(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    await update_realm(env.db, "test", ssl_required="all")
    response = await authenticate(env, APP, SECRET, "alice", "A")
    assert_error(response, 401, "invalid_request", "HTTPS required")
    assert not dev.requests


async def test_debug_logs_carry_no_ciba_secrets(ciba: tuple[Env, Device], caplog: pytest.LogCaptureFixture) -> None:
    env, dev = ciba
    # Doorkeep's own loggers at DEBUG too: a test that ran the CLI earlier in this process may have left
    # "doorkeep" at another level (logs.configure sets it), which would silence the records looked at here.
    with all_at_debug(caplog):
        handle, bearer = await started(env, dev, APP, SECRET, "alice", "secret-binding-7")
        await token(env, APP, SECRET, handle)
        assert (await answer(env, bearer)).status_code == 200
        env.clock.advance(10)
        minted = await token(env, APP, SECRET, handle)
        assert minted.status_code == 200, minted.text
        await token(env, OTHER, "other-secret-value", handle)
        await authenticate(env, OTHER, "wrong-secret-value", "alice", "B")
    logged = "\n".join(r.getMessage() + " " + repr(r.args) for r in caplog.records)
    body = minted.json()
    assert caplog.records  # the run did log at DEBUG
    for secret in (handle, bearer, "secret-binding-7", "other-secret-value", "wrong-secret-value"):
        assert secret not in logged, secret
    for value in (body["access_token"], body["refresh_token"], body["id_token"]):
        assert value not in logged


async def test_a_deeply_nested_callback_body_is_invalid_request_not_a_500(ciba: tuple[Env, Device]) -> None:
    """The callback parses its body before it reads the bearer token: JSON nested past Python's recursion limit
    is Keycloak's "Invalid authentication status", with or without a token."""
    env, dev = ciba
    _, bearer = await started(env, dev, APP, SECRET, "alice", "A")
    for depth in (5000, 100_000):
        for headers in ({}, {"Authorization": f"Bearer {bearer}"}):
            body = b"[" * depth + b"]" * depth
            response = await env.http.post(CALLBACK_URL, content=body, headers={**headers, **JSON})
            assert_error(response, 400, "invalid_request", "Invalid authentication status")
    deep_status = b'{"status": "SUCCEED", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = await env.http.post(
        CALLBACK_URL, content=deep_status, headers={"Authorization": f"Bearer {bearer}", **JSON}
    )
    assert_error(response, 400, "invalid_request", "Invalid authentication status")


async def test_odd_requests_at_the_endpoint_are_keycloak_s_errors(ciba: tuple[Env, Device]) -> None:
    env, dev = ciba
    url, auth = CIBA_URL, basic(APP, SECRET)
    probes = {
        "json": await env.http.post(url, json={"scope": "openid", "login_hint": "alice"}, headers=auth),
        "twice": await env.http.post(
            url, content="scope=openid&login_hint=alice&login_hint=bob", headers={**auth, **FORM}
        ),
        "long": await authenticate(env, APP, SECRET, "alice", "x" * 100_000),
        "unicode": await authenticate(env, APP, SECRET, "alice", "\u202eé\U0001f600"),
        "hint": await authenticate(env, APP, SECRET, "\x00" * 10 + "a" * 10_000, "B"),
        "scope": await authenticate(env, APP, SECRET, "alice", "B", scope="openid " + "x" * 50_000),
    }
    assert_error(probes["json"], 415, "invalid_request", "Unsupported Media Type")
    assert probes["twice"].status_code == 200, probes["twice"].text  # getFirst: the first login_hint
    assert "alice" in str(dev.requests[-1].body) and "bob" not in str(dev.requests[-1].body)
    for name in ("long", "unicode"):  # CibaAuthenticationRequest's binding_message rule
        assert probes[name].status_code == 400 and probes[name].json()["error"] == "invalid_binding_message"
    assert_error(probes["hint"], 400, "invalid_request", "invalid user")
    assert probes["scope"].status_code == 400 and probes["scope"].json()["error"] == "invalid_scope"
