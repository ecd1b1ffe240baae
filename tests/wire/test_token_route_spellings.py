"""Spellings of the token endpoint's path and methods other than POST (web/token_route.py serves the POST
itself, before Starlette's middleware): each answers without a 500 and with the security headers, whichever way
it is routed; a spelling that is not normalized (a percent-encoded realm name, a doubled slash) is Keycloak 26's
400 missingNormalization, ahead of every route."""

from __future__ import annotations

import pytest

import group_port
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

TOKEN = "/realms/master/protocol/openid-connect/token"
SECURITY = ("referrer-policy", "strict-transport-security", "x-content-type-options", "x-frame-options")
FORM = {"grant_type": "password", "client_id": "nobody"}


# Refused before any route since Keycloak 26 (RejectNonNormalizedPathFilter): an encoded unreserved character or a
# doubled slash is not the normalized path. Its 400 carries none of the security headers. (A leading "//" is a
# host to httpx: test_non_normalized_paths.py sends that one over a socket.)
NOT_NORMALIZED = [
    "/realms/%6Daster/protocol/openid-connect/token",
    "/realms//master/protocol/openid-connect/token",
    "/realms/master/protocol//openid-connect/token",
    "/realms/master/protocol/openid-connect/token;x",
]
REFUSED = {"error": "missingNormalization", "error_description": "Request path not normalized"}


async def test_every_spelling_and_method_answers_with_the_security_headers_and_no_500(env: Env) -> None:
    spellings = [
        TOKEN,
        "/realms/master/protocol/openid-connect/token/",
        "/realms/master/protocol/openid-connect/./token",  # httpx sends it without the dot segment
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


async def test_a_spelling_that_is_not_normalized_is_refused_for_every_method_without_security_headers(
    env: Env,
) -> None:
    for path in NOT_NORMALIZED:
        for method in ("POST", "OPTIONS", "GET"):
            answer = await env.http.request(method, path, data=FORM if method == "POST" else None)
            assert (answer.status_code, answer.json()) == (400, REFUSED), (method, path, answer.text)
            assert answer.headers["content-type"] == "application/json; charset=UTF-8"
            assert not [h for h in SECURITY if h in answer.headers], (method, path, answer.headers)


async def test_a_bad_body_is_an_oauth_error(env: Env) -> None:
    plain = await env.http.post(TOKEN, data=FORM)
    assert plain.status_code == 401, plain.text
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
