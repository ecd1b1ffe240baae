"""Keycloak's new-framework input-validation classes that had no port (``org.keycloak.tests.oauth``):
TokenInputValidationTest (@1fac0fe3), DirectGrantInputValidationTest (@c4e55647), MalformedContentTypeTest
(@442abfb1) and UserInfoBearerChallengeTest (@47112966), one test per method (a @ParameterizedTest is one test
per value), each naming the method it follows.

The realm is imported through ``POST /admin/realms``: the confidential client test-app (secret test-secret, direct
grants and the device grant on) and the users each class configures. Keycloak's ``timeOffSet.set(n)`` moves the
fake clock ``n`` seconds on."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import pytest

import keycloak_port as port
from support import password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, SECRET = "test-app", "test-secret"
MAX_USERNAME_LENGTH = 255  # Validation.MAX_USERNAME_LENGTH (the USER_ENTITY.USERNAME column)


def user(username: str, email: str, first: str, last: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": email,
        "emailVerified": True,
        "firstName": first,
        "lastName": last,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }


@pytest.fixture
async def kc(env: Env) -> Env:
    await port.import_realm(
        env,
        {
            "realm": "test",
            "enabled": True,
            "eventsEnabled": True,
            "clients": [
                {
                    "clientId": APP,
                    "secret": SECRET,
                    "redirectUris": ["http://127.0.0.1:9999/*"],
                    "directAccessGrantsEnabled": True,
                    "attributes": {"oauth2.device.authorization.grant.enabled": "true"},
                }
            ],
            "users": [
                user("test-user@localhost", "test-user@localhost", "first", "last"),
                user("test-user", "test-user@example.org", "Test", "User"),
                user("validuser", "validuser@localhost", "Valid", "User"),
            ],
        },
    )
    return env


async def grant(env: Env, username: str = "test-user@localhost", password: str = "password") -> httpx.Response:
    return await password_grant(env.http, "test", APP, username, password, secret=SECRET)


async def tokens(env: Env, username: str = "test-user@localhost") -> dict[str, Any]:
    """The test framework's OAuthClient asks for ``openid`` by default."""
    response = await password_grant(env.http, "test", APP, username, secret=SECRET, scope="openid")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def none_token(env: Env) -> str:
    """TokenInputValidationTest.createDefaultToken signed with ``alg: none`` (JWSBuilder.none: an empty signature)."""
    now = env.clock.now()
    body = {
        "jti": str(uuid.uuid4()),
        "iss": "http://127.0.0.1:8500",
        "aud": "http://localhost/realms/test",
        "iat": now,
        "exp": now + 300,
        "sub": "attacker",
    }
    return f"{b64({'alg': 'none'})}.{b64(body)}."


async def userinfo(env: Env, token: str | None, **headers: str) -> httpx.Response:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return await env.http.get(token_url("test", "userinfo"), headers=headers)


def assert_invalid_token(response: httpx.Response) -> None:
    """401 with ``invalid_token`` in the challenge (the body is empty: OAuth2Error.json(false))."""
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"], response.headers


# --- TokenInputValidationTest -----------------------------------------------------------------------------------


async def test_user_info_rejects_alg_none_token(kc: Env) -> None:
    """TokenInputValidationTest.userInfoRejectsAlgNoneToken: 401 invalid_token."""
    assert_invalid_token(await userinfo(kc, none_token(kc)))


@pytest.mark.parametrize(
    "token",
    [
        "eyJhbGciOm51bGx9.eyJzdWIiOiJ0ZXN0In0.ZmFrZQ",  # {"alg":null}
        "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ0ZXN0In0.ZmFrZQ",  # {"typ":"JWT"}
        "e30.eyJzdWIiOiJ0ZXN0In0.ZmFrZQ",  # {}
    ],
)
async def test_user_info_rejects_tokens_without_algorithm_header(kc: Env, token: str) -> None:
    """TokenInputValidationTest.userInfoRejectsTokensWithoutAlgorithmHeader: a header with a null or no ``alg`` is
    401 invalid_token, never a 500."""
    assert_invalid_token(await userinfo(kc, token))


async def test_introspection_rejects_alg_none_token(kc: Env) -> None:
    """TokenInputValidationTest.introspectionRejectsAlgNoneToken: inactive."""
    form = {"token": none_token(kc), "client_id": APP, "client_secret": SECRET}
    response = await kc.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    assert response.json()["active"] is False


# --- DirectGrantInputValidationTest -----------------------------------------------------------------------------


async def test_direct_grant_rejects_username_longer_than_max_length(kc: Env) -> None:
    """DirectGrantInputValidationTest.directGrantRejectsUsernameLongerThanMaxLength: 400 invalid_grant."""
    await port.poll(kc)
    response = await grant(kc, "a" * (MAX_USERNAME_LENGTH + 1))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_grant" and "access_token" not in response.json()
    event = await port.one_event(kc)  # refused before any lookup: USER_NOT_FOUND, no username detail (PR 51129)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "user_not_found"), event
    assert "username" not in event.get("details", {}), event


async def test_direct_grant_event_names_the_trimmed_username(kc: Env) -> None:
    """Not in the Java class: ValidateUsername sets the username detail after trimming it."""
    await port.poll(kc)
    assert (await grant(kc, "  validuser  ")).status_code == 200
    event = await port.one_event(kc)
    assert event["type"] == "LOGIN" and event["details"]["username"] == "validuser", event


async def test_direct_grant_accepts_username_length_at_max_length(kc: Env) -> None:
    """DirectGrantInputValidationTest.directGrantAcceptsUsernameLengthAtMaxLength: past the length check, the
    unknown user's 400 invalid_grant, as every unknown user's since Keycloak 26.6 (keycloak/keycloak#46528: the
    direct grant's invalid_grant is 400, RFC 6749 §5.2); it is looked up (LOGIN_ERROR ``user_not_found`` naming
    the username), unlike the over-long one."""
    await port.poll(kc)
    response = await grant(kc, "a" * MAX_USERNAME_LENGTH)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    event = await port.one_event(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "user_not_found"), event
    assert event["details"]["username"] == "a" * MAX_USERNAME_LENGTH, event


async def test_direct_grant_rejects_whitespace_only_username_as_missing(kc: Env) -> None:
    """DirectGrantInputValidationTest.directGrantRejectsWhitespaceOnlyUsernameAsMissing: 401 invalid_request
    "Missing parameter: username"."""
    response = await grant(kc, "   ")
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_request", "error_description": "Missing parameter: username"}


@pytest.mark.parametrize("username", ["  validuser  ", "validuser"])
async def test_direct_grant_accepts_username(kc: Env, username: str) -> None:
    """DirectGrantInputValidationTest.directGrantAcceptsUsernameWithSurroundingWhitespace and
    directGrantAcceptsUsernameHappyPath: the username is trimmed."""
    response = await grant(kc, username)
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]


# --- MalformedContentTypeTest -----------------------------------------------------------------------------------

MALFORMED = ["invalid/@@##", "</><script>alert(1)</script>", "text", "text/[html]", ""]


def assert_invalid_request(response: httpx.Response) -> None:
    assert response.status_code == 400, (response.status_code, response.text)
    assert response.json()["error"] == "invalid_request", response.text


async def post_form(env: Env, path: str, form: dict[str, str], content_type: str) -> httpx.Response:
    """A form body sent under ``content_type`` (as the test client's ``.header("Content-Type", ...)`` does)."""
    body = httpx.QueryParams(form).__str__().encode()
    return await env.http.post(token_url("test", path), content=body, headers={"Content-Type": content_type})


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_user_info_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.userInfoEndpoint."""
    access = (await tokens(kc))["access_token"]
    assert_invalid_request(await userinfo(kc, access, **{"Content-Type": content_type}))


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_token_introspection(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.tokenIntrospection."""
    access = (await tokens(kc))["access_token"]
    form = {"token": access, "token_type_hint": "access_token", "client_id": APP, "client_secret": SECRET}
    assert_invalid_request(await post_form(kc, "token/introspect", form, content_type))


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_token_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.tokenEndpoint."""
    form = {"grant_type": "password", "username": "test-user@localhost", "password": "password"}
    form |= {"client_id": APP, "client_secret": SECRET}
    assert_invalid_request(await post_form(kc, "token", form, content_type))


@pytest.mark.parametrize("content_type", [*MALFORMED, "text/html"])
async def test_malformed_content_type_device_authorization_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.deviceAuthorizationEndpoint, and deviceAuthorizationEndpointIncompatibleType
    (``text/html``)."""
    assert_invalid_request(
        await post_form(kc, "auth/device", {"client_id": APP, "client_secret": SECRET}, content_type)
    )


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_logout_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.logoutEndpoint."""
    form = {"refresh_token": (await tokens(kc))["refresh_token"], "client_id": APP, "client_secret": SECRET}
    assert_invalid_request(await post_form(kc, "logout", form, content_type))


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_token_revocation_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.tokenRevocationEndpoint."""
    form = {"token": (await tokens(kc))["access_token"], "client_id": APP, "client_secret": SECRET}
    assert_invalid_request(await post_form(kc, "revoke", form, content_type))


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_backchannel_logout_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.backchannelLogoutEndpoint (the refresh token as the logout_token)."""
    form = {"logout_token": (await tokens(kc))["refresh_token"]}
    assert_invalid_request(await post_form(kc, "logout/backchannel-logout", form, content_type))


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_par_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.parEndpoint."""
    form = {
        "client_id": APP,
        "client_secret": SECRET,
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:9999/x",
    }
    assert_invalid_request(await post_form(kc, "ext/par/request", form, content_type))


@pytest.mark.parametrize("content_type", MALFORMED)
async def test_malformed_content_type_ciba_endpoint(kc: Env, content_type: str) -> None:
    """MalformedContentTypeTest.cibaEndpoint."""
    form = {"client_id": APP, "client_secret": SECRET, "login_hint": "test-user@localhost", "scope": "openid"}
    assert_invalid_request(await post_form(kc, "ext/ciba/auth", form, content_type))


# --- UserInfoBearerChallengeTest --------------------------------------------------------------------------------


async def test_no_token(kc: Env) -> None:
    """UserInfoBearerChallengeTest.noToken: 401, ``Bearer realm="test"`` and an empty body."""
    response = await userinfo(kc, None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="test"'
    assert response.text == ""


async def test_expired_token(kc: Env) -> None:
    """UserInfoBearerChallengeTest.expiredToken: at +600 s, the one generic description for every token failure,
    and an empty body."""
    access = (await tokens(kc, "test-user"))["access_token"]
    kc.clock.advance(600)
    response = await userinfo(kc, access)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == (
        'Bearer realm="test", error="invalid_token", error_description="Token verification failed"'
    )
    assert response.text == ""
