"""Keycloak's new-framework MalformedContentTypeTest (tests/base/.../tests/error/) and MalformedContentTypeHeaderTest
(tests/base/.../tests/oidc/) over HTTP: a Content-Type that is no media type at all (``invalid/@@##``, empty,
``</>"alert(1)``, ``application/jso@n``, blanks) is a 400 with ``invalid_request`` (Keycloak 26.8's
ContentTypeValidationUtil), never a 500, on the token endpoint, userinfo and the discovery document alike; a
well-formed one is left to the endpoint (userinfo without a token stays 401). One test per Java method; the
master realm's ``admin-cli`` as in the Java class."""

from __future__ import annotations

import pytest

import group_port
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

TOKEN = "/realms/master/protocol/openid-connect/token"
USERINFO = "/realms/master/protocol/openid-connect/userinfo"
WELL_KNOWN = "/realms/master/.well-known/openid-configuration"
BODY = b"grant_type=password&client_id=admin-cli&username=admin&password=admin"
DESCRIPTION = "The content-type header value did not correspond to a valid media type"
MALFORMED_CONTENT_TYPE = "application/jso@n"


async def token_request(env: Env, content_type: str) -> None:
    response = await env.http.post(TOKEN, content=BODY, headers={"Content-Type": content_type})
    assert_error(response, 400, "invalid_request", DESCRIPTION)


async def test_malformed_content_type_on_token_endpoint(env: Env) -> None:
    """MalformedContentTypeTest#malformedContentTypeOnTokenEndpoint."""
    await token_request(env, "invalid/@@##")


async def test_empty_content_type_on_token_endpoint(env: Env) -> None:
    """MalformedContentTypeTest#emptyContentTypeOnTokenEndpoint."""
    await token_request(env, "")


async def test_xss_payload_content_type_on_token_endpoint(env: Env) -> None:
    """MalformedContentTypeTest#xssPayloadContentTypeOnTokenEndpoint: the payload is refused, never echoed."""
    await token_request(env, '</>"alert(1)')
    response = await env.http.post(TOKEN, content=BODY, headers={"Content-Type": '</>"alert(1)'})
    assert "alert" not in response.text and response.headers["content-type"].startswith("application/json")


async def test_malformed_content_type_on_user_info_returns_bad_request(env: Env) -> None:
    """MalformedContentTypeHeaderTest#malformedContentTypeOnUserInfoReturnsBadRequest."""
    response = await env.http.get(USERINFO, headers={"Content-Type": MALFORMED_CONTENT_TYPE})
    assert response.status_code == 400, response.text


async def test_malformed_content_type_on_well_known_returns_bad_request(env: Env) -> None:
    """MalformedContentTypeHeaderTest#malformedContentTypeOnWellKnownReturnsBadRequest."""
    response = await env.http.get(WELL_KNOWN, headers={"Content-Type": MALFORMED_CONTENT_TYPE})
    assert response.status_code == 400, response.text


async def test_blank_content_type_on_user_info_returns_bad_request(env: Env) -> None:
    """MalformedContentTypeHeaderTest#blankContentTypeOnUserInfoReturnsBadRequest."""
    response = await env.http.get(USERINFO, headers={"Content-Type": "   "})
    assert response.status_code == 400, response.text


async def test_valid_content_type_on_user_info_is_not_rejected(env: Env) -> None:
    """MalformedContentTypeHeaderTest#validContentTypeOnUserInfoIsNotRejected: no token, so Keycloak's 401."""
    response = await env.http.get(USERINFO, headers={"Content-Type": "application/json"})
    assert response.status_code == 401, response.text


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", 'text/plain; a="b;c"'],
)
async def test_well_formed_content_types_reach_the_endpoint(env: Env, content_type: str) -> None:
    """The other side of the same check: a well-formed type (parameters, quoted strings) is the endpoint's to judge
    (the form gets its tokens; a text body the endpoint's own 415)."""
    response = await env.http.post(TOKEN, content=BODY, headers={"Content-Type": content_type})
    expected = 415 if content_type.startswith("text/") else 200
    assert response.status_code == expected, response.text
