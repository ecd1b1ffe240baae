"""Bad input gets Keycloak's error, never a 500 (a table of hostile requests against every endpoint)."""

from __future__ import annotations

import base64
import json

import pytest

from support import assert_error, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"


def b64(data: object) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


WEIRD_TOKENS = [
    "",
    ".",
    "..",
    "a.b.c",
    "a.b",
    "%%%",
    "x" * 5000,
    f"{b64([1, 2])}.{b64({'typ': 'Offline'})}.sig",
    f"{b64({'alg': 'HS512', 'kid': 5})}.{b64({'typ': 'Offline'})}.sig",
    f"{b64({'alg': 'HS512', 'kid': 'nope'})}.{b64({'typ': 'Offline', 'iat': 'soon', 'sid': []})}.sig",
    f"{b64({'alg': 'none'})}.{b64('just a string')}.",
    b64(b"\xff\xfe") + "." + b64(b"\x00") + ".x",
]


@pytest.mark.parametrize("token", WEIRD_TOKENS)
async def test_weird_tokens_never_crash_any_endpoint(realm: Env, token: str) -> None:
    creds = {"client_id": "app", "client_secret": "secret"}
    calls = [
        ("token", {"grant_type": "refresh_token", "refresh_token": token, **creds}),
        ("token", {"grant_type": "authorization_code", "code": token, "redirect_uri": "http://x", **creds}),
        ("token/introspect", {"token": token, **creds}),
        ("revoke", {"token": token, **creds}),
        ("logout", {"refresh_token": token, **creds}),
        ("userinfo", {"access_token": token}),
    ]
    for path, form in calls:
        response = await realm.http.post(f"{OIDC}/{path}", data=form)
        assert response.status_code < 500, (path, response.status_code, response.text)
        if path == "userinfo":  # Keycloak's OAuth2Error.json(false): the challenge, no JSON
            assert response.headers["www-authenticate"].startswith('Bearer realm="test"'), response.headers
        else:
            assert response.headers["content-type"].startswith("application/json") or response.status_code in (200, 204)
    for headers in ({"Authorization": f"Bearer {token}"}, {"Authorization": token}):
        for url in (f"{OIDC}/userinfo", "/admin/realms/test/users", "/realms/test/account/applications"):
            # Account REST callers ask for JSON; without it the account URL is the console (AccountLoader).
            response = await realm.http.get(url, headers={**headers, "Accept": "application/json"})
            assert response.status_code in (400, 401, 403), (url, response.status_code, response.text)


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic",
        "Basic !!!",
        "Basic " + base64.b64encode(b"\xff\xfe").decode(),
        "Basic " + base64.b64encode(b"nocolon").decode(),
        "Bearer",
        "Digest x",
    ],
)
async def test_broken_authorization_headers_are_client_errors(realm: Env, authorization: str) -> None:
    response = await realm.http.post(
        f"{OIDC}/token", data={"grant_type": "client_credentials"}, headers={"Authorization": authorization}
    )
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize("body", [b"=", b"&&&", b"a=%zz", b"grant_type", b"\x00\x01", "grant_type=pässword".encode()])
async def test_odd_form_bodies_are_client_errors(realm: Env, body: bytes) -> None:
    response = await realm.http.post(
        f"{OIDC}/token", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b"[]",
        b"null",
        b"42",
        b'"x"',
        b'{"realm": 5}',
        b'{"realm": ""}',
        b'{"realm": "ok", "accessTokenLifespan": "forever"}',
        b"\xff",
    ],
)
async def test_odd_admin_json_is_a_client_error(realm: Env, body: bytes) -> None:
    headers = {**await realm.admin_headers(), "Content-Type": "application/json"}
    for url in ("/admin/realms", "/admin/realms/test/clients", "/admin/realms/test/users", "/admin/realms/test/roles"):
        response = await realm.http.post(url, content=body, headers=headers)
        assert 400 <= response.status_code < 500, (url, body, response.status_code, response.text)
    response = await realm.http.put("/admin/realms/test", content=body, headers=headers)
    assert 400 <= response.status_code < 500 or response.status_code == 204, (body, response.text)


async def test_huge_scope_and_long_values_are_refused_cleanly(realm: Env) -> None:
    """Over 4000 characters, an ordinary token-request parameter is dropped (TokenEndpoint.checkParameters):
    the huge scope is ignored, the huge username is a missing one."""
    response = await password_grant(realm.http, "test", "app", scope="openid " + "x" * 20000)
    assert response.status_code == 200, response.text
    assert "openid" not in response.json()["scope"].split()
    response = await password_grant(realm.http, "test", "app", username="u" * 20000)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_request", "error_description": "Missing parameter: username"}


async def test_authorization_endpoint_with_odd_parameters(realm: Env) -> None:
    for params in (
        {},
        {"client_id": ""},
        {"client_id": "app", "redirect_uri": "javascript:alert(1)"},
        {"client_id": "app", "response_type": "code", "max_age": "-5"},
        {"client_id": "x" * 3000},
    ):
        response = await realm.http.get(f"{OIDC}/auth", params=params)
        assert response.status_code < 500, (params, response.text)


def _respell_last_char(segment: str) -> str:
    """The same bytes under another spelling: set a spare bit of the last base64url character."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    assert len(segment) % 4 in (2, 3), "no spare bits to set"
    return segment[:-1] + alphabet[alphabet.index(segment[-1]) | 1]


async def test_a_real_refresh_token_respelled_or_padded_is_refused_and_the_token_keeps_working(realm: Env) -> None:
    """Every other spelling of a genuine token (standard base64, padding, a spare bit set, junk) is refused
    as an invalid refresh token, never a 500, and none of them harms the genuine token."""
    response = await password_grant(realm.http, "test", "app", scope="offline_access")
    assert response.status_code == 200, response.text
    token = response.json()["refresh_token"]
    head, body, sig = token.split(".")
    standard = body.replace("-", "+").replace("_", "/")
    variants = [
        f"{head}.{body}.{_respell_last_char(sig)}",  # decodes to the same signature bytes
        f"{head}.{body}.{sig}===",
        f"{head}.{body}.{sig}=" if len(sig) % 4 else f"{head}.{body}.{sig}==",  # padding off a quantum
        f"{head}.{body}!.{sig}",
        f"{head}.{body}.{sig}\x00",
        f"{head} .{body}.{sig}",
        f"{head}.{body}.{sig}.",
        f"{head}.{body[:-1]}.{sig}",
    ]
    if standard != body:
        variants.append(f"{head}.{standard}.{sig}")
    for variant in variants:
        refused = await refresh(realm.http, "test", "app", variant)
        assert_error(refused, 400, "invalid_grant", "Invalid refresh token")
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200


async def test_a_genuine_refresh_tokens_header_with_a_hostile_payload_or_header_is_refused(realm: Env) -> None:
    """Before its signature is checked only a token's header is parsed: a payload nested five thousand
    deep, or a header asking for an unencoded (``b64: false``) or ``crit`` payload, is an invalid refresh
    token like any other, never a 500, and the genuine token keeps working."""
    response = await password_grant(realm.http, "test", "app", scope="offline_access")
    assert response.status_code == 200, response.text
    token = response.json()["refresh_token"]
    head, body, sig = token.split(".")
    header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    deep = b64(b"[" * 5_000 + b"]" * 5_000)  # json.loads would raise RecursionError
    detached = b64({**header, "b64": False, "crit": ["b64"]})
    critical = b64({**header, "crit": ["exp"], "exp": 1})
    for variant in (
        f"{head}.{deep}.{sig}",
        f"{detached}..{sig}",
        f"{detached}.{body}.{sig}",
        f"{critical}.{body}.{sig}",
    ):
        refused = await refresh(realm.http, "test", "app", variant)
        assert_error(refused, 400, "invalid_grant", "Invalid refresh token")
        introspected = await realm.http.post(
            f"{OIDC}/token/introspect", data={"token": variant, "client_id": "app", "client_secret": "secret"}
        )
        assert introspected.status_code == 200 and introspected.json() == {"active": False}
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
