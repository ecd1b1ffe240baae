"""Spellings of the token endpoint's path and methods other than POST (web/token_route.py serves the POST
itself, before Starlette's middleware): each answers without a 500 and with the security headers, whichever way
it is routed; a percent-encoded realm segment reaches the same realm as its plain spelling."""

from __future__ import annotations

import pytest

import group_port
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

TOKEN = "/realms/master/protocol/openid-connect/token"
SECURITY = ("referrer-policy", "strict-transport-security", "x-content-type-options", "x-frame-options")
FORM = {"grant_type": "password", "client_id": "nobody"}


async def test_every_spelling_and_method_answers_with_the_security_headers_and_no_500(env: Env) -> None:
    spellings = [
        TOKEN,
        "/realms/%6Daster/protocol/openid-connect/token",
        "//realms/master/protocol/openid-connect/token",
        "/realms//master/protocol/openid-connect/token",
        "/realms/master/protocol//openid-connect/token",
        "/realms/master/protocol/openid-connect/token/",
        "/realms/master/protocol/openid-connect/./token",
        "/realms/mas%2Fter/protocol/openid-connect/token",
        "/realms/%00/protocol/openid-connect/token",
        "/REALMS/master/protocol/openid-connect/token",
    ]
    for path in spellings:
        for method in ("POST", "HEAD", "OPTIONS", "GET"):
            answer = await env.http.request(method, path, data=FORM if method == "POST" else None)
            assert answer.status_code < 500, (method, path, answer.status_code, answer.text)
            # a CORS preflight or a redirect is no page: X-Frame-Options is left off them, as before the direct route
            framed = method != "OPTIONS" and not 300 <= answer.status_code < 400
            missing = [h for h in SECURITY if h not in answer.headers and (framed or h != "x-frame-options")]
            assert not missing, (method, path, answer.status_code, missing)


async def test_a_percent_encoded_realm_is_the_same_realm_and_a_bad_body_is_an_oauth_error(env: Env) -> None:
    plain = await env.http.post(TOKEN, data=FORM)
    encoded = await env.http.post("/realms/%6Daster/protocol/openid-connect/token", data=FORM)
    assert (plain.status_code, plain.json()) == (encoded.status_code, encoded.json()) == (401, plain.json())
    for body, ctype in (
        (b"\xff\xfe=\xff", "application/x-www-form-urlencoded"),
        (b"grant_type=password&" + b"a=" * 5000, "application/x-www-form-urlencoded"),
        (b'{"grant_type": "password"}', "application/json"),
        (b"--x\r\nContent-Disposition: form-data; name=grant_type\r\n\r\npassword\r\n--x--", "multipart/form-data"),
        (b"grant_type=password", "multipart/form-data; boundary=x"),
    ):
        answer = await env.http.post(TOKEN, content=body, headers={"Content-Type": ctype})
        assert 400 <= answer.status_code < 500, (body[:40], ctype, answer.status_code, answer.text)
        assert "error" in answer.json() and all(h in answer.headers for h in SECURITY), (body[:40], answer.text)
