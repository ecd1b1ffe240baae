"""Hostile sweep s65: ambiguous and oversized request bodies, methods and parameters on the protocol endpoints.

Fixed here: a client that drops the connection mid-body was logged as an unhandled error with its traceback (any
anonymous client could fill the log); the CIBA callback and two admin routes read a body of any size (the callback
before its bearer token is looked at); HEAD on the authorization endpoint read the (empty) body instead of the query.
The rest pins what already held, as Keycloak answers it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.types import Message

from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "/realms/test/protocol/openid-connect"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "grant_type=password&username=user1&password=password"
TOO_BIG = b"[" * (1_048_576 + 1)


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
    }


async def test_a_client_that_disconnects_mid_body_is_no_server_error(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """uvicorn tells the app ``http.disconnect`` when the client closes, or when it refuses a bogus chunk size."""
    messages: list[Message] = []
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"50")]
    for path in (f"{OIDC}/token", f"{OIDC}/token/introspect", "/realms/test/account"):
        messages[:] = [
            {"type": "http.request", "body": b"grant_type=pass", "more_body": True},
            {"type": "http.disconnect"},
        ]
        with caplog.at_level(logging.INFO, logger="doorkeep"):
            await realm.apps[0](_scope(path, headers), receive, send)
        assert not [r for r in caplog.records if r.levelno >= logging.WARNING], (path, caplog.text)
        assert "Traceback" not in caplog.text


async def test_the_ciba_callback_refuses_a_body_over_the_limit_before_looking_at_its_token(realm: Env) -> None:
    response = await realm.http.post(
        f"{OIDC}/ext/ciba/auth/callback", content=TOO_BIG, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {"error": "invalid_request", "error_description": "Request entity too large"}

    async def chunks() -> Any:
        for _ in range(17):
            yield b"[" * 65_536

    chunked = await realm.http.post(
        f"{OIDC}/ext/ciba/auth/callback", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert chunked.status_code == 413
    small = await realm.http.post(f"{OIDC}/ext/ciba/auth/callback", json={"status": "SUCCEED"})
    assert small.status_code == 401  # unchanged below the limit: the bearer token is looked at


async def test_admin_routes_that_read_raw_bodies_hold_the_limit_too(realm: Env) -> None:
    bearer = {"Authorization": f"Bearer {await realm.admin_token()}"}
    paths = ["/admin/realms/test/client-description-converter"]
    for path in paths:
        response = await realm.http.post(path, content=TOO_BIG, headers={**bearer, "Content-Type": "text/plain"})
        assert response.status_code == 413, path
        assert response.json() == {"error": "Request entity too large"}


async def test_head_on_the_authorization_endpoint_reads_the_query_as_get_does(env: Env) -> None:
    await seed_login_realm(env.db, env.clock)
    query = {
        "client_id": "app",
        "redirect_uri": "http://127.0.0.1:9999/cb",
        "response_type": "code",
        "scope": "openid",
    }
    get = await env.http.get(f"{OIDC}/auth", params=query)
    head = await env.http.head(f"{OIDC}/auth", params=query)
    assert get.status_code == 200
    assert head.status_code == 200 and head.content == b""
    bad = await env.http.head(f"{OIDC}/auth", params={**query, "redirect_uri": "http://evil.example/cb"})
    assert bad.status_code == 400


async def test_token_parameters_come_from_the_body_only_and_repeats_there_are_refused(realm: Env) -> None:
    url = f"{OIDC}/token"
    in_query = await realm.http.post(
        f"{url}?grant_type=client_credentials", content=PASSWORD, headers=FORM, auth=("app", "secret")
    )
    assert in_query.status_code == 200 and "refresh_token" in in_query.json()  # the query's grant_type is not read
    only_query = await realm.http.post(f"{url}?{PASSWORD}", content=b"", headers=FORM, auth=("app", "secret"))
    assert only_query.status_code == 400
    twice = await realm.http.post(url, content=PASSWORD + "&username=user1", headers=FORM, auth=("app", "secret"))
    assert twice.status_code == 400
    assert twice.json() == {"error": "invalid_request", "error_description": "duplicated parameter"}
    brackets = PASSWORD.replace("username=", "username[]=")
    assert (await realm.http.post(url, content=brackets, headers=FORM, auth=("app", "secret"))).status_code == 401


async def test_a_form_client_id_wins_over_basic_as_keycloaks_client_secret_authenticator_has_it(realm: Env) -> None:
    body = PASSWORD + "&client_id=nobody"
    response = await realm.http.post(f"{OIDC}/token", content=body, headers=FORM, auth=("app", "secret"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("application/x-www-form-urlencoded; charset=ISO-8859-1", 200),
        ("APPLICATION/X-WWW-FORM-URLENCODED", 200),
        ("application/json", 415),
        ("multipart/form-data; boundary=x", 415),
        ("text/plain", 415),
    ],
)
async def test_token_endpoint_content_types(realm: Env, content_type: str, status: int) -> None:
    response = await realm.http.post(
        f"{OIDC}/token", content=PASSWORD, headers={"Content-Type": content_type}, auth=("app", "secret")
    )
    assert response.status_code == status, response.text


@pytest.mark.parametrize("value", [b"%C0%AF", b"%ED%A0%80", b"\xff\xfe", b"%E0%80%AF"])
@pytest.mark.parametrize("endpoint", ["token", "token/introspect", "revoke", "logout", "ext/par/request"])
async def test_invalid_utf8_in_a_form_is_a_400_on_every_form_endpoint(realm: Env, value: bytes, endpoint: str) -> None:
    body = b"token=x&username=" + value + b"&grant_type=password&password=password"
    response = await realm.http.post(f"{OIDC}/{endpoint}", content=body, headers=FORM, auth=("app", "secret"))
    assert response.status_code == 400, (endpoint, value, response.text)


@pytest.mark.parametrize(
    ("method", "headers"),
    [("TRACE", {}), ("PATCH", FORM), ("PUT", FORM), ("POST", {**FORM, "X-HTTP-Method-Override": "DELETE"})],
)
async def test_other_methods_and_method_overrides_on_form_endpoints(
    realm: Env, method: str, headers: dict[str, str]
) -> None:
    response = await realm.http.request(
        method, f"{OIDC}/token", content=PASSWORD, headers=headers, auth=("app", "secret")
    )
    assert response.status_code == (200 if method == "POST" else 405)  # the override header is not read


async def test_json_bodies_go_to_json_endpoints_only(realm: Env) -> None:
    bearer = {"Authorization": f"Bearer {await realm.admin_token()}"}
    form = await realm.http.put("/admin/realms/test", content=b"enabled=true", headers={**bearer, **FORM})
    assert form.status_code == 415
    bad = await realm.http.put(
        "/admin/realms/test", content=b'{"displayName":"\xff"}', headers={**bearer, "Content-Type": "application/json"}
    )
    assert bad.status_code == 400
