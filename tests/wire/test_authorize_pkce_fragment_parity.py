"""The authorization endpoint against Keycloak 26: PKCE parameter checks, and redirect URIs with a fragment.

PKCE follows ``AuthorizationEndpointChecker.checkPKCEParams`` (OAuthProofKeyForCodeExchangeTest);
fragments follow ``RedirectUtils.verifyRedirectUri`` and ``OIDCRedirectUriBuilder``
(OAuthRedirectUriTest.testWithFragment, testWildcard).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_fields, start
from doorkeep.oauth.pkce import s256
from support import seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

CALLBACK = "http://127.0.0.1:9999/callback"
VERIFIER = "v" * 50
CHALLENGE = s256(VERIFIER)
SHORT = "A" * 42  # RFC 7636 §4.2: 43 to 128 characters


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "wild", redirect_uris=("http://example.com/foo/*", "http://localhost:8180/*"))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def redirected_error(response: httpx.Response, where: str = "query") -> dict[str, str]:
    """The error parameters of a redirect back to the callback, read from the query or the fragment."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    location = response.headers["location"]
    assert location.startswith(CALLBACK), location
    parts = urlsplit(location)
    assert (parts.query if where == "fragment" else parts.fragment) == "", location
    found = parse_qs(parts.fragment if where == "fragment" else parts.query)
    return {k: v[0] for k, v in found.items()}


def assert_pkce_error(response: httpx.Response, description: str, where: str = "query") -> None:
    params = redirected_error(response, where)
    assert params == {
        "error": "invalid_request",
        "error_description": description,
        "state": "st4te",
        "iss": "http://localhost/realms/test",
    }, params


def assert_login_page(response: httpx.Response) -> None:
    assert response.status_code == 200, (response.status_code, response.headers.get("location"))
    assert 'name="password"' in response.text


# --- PKCE, a client that does not require it (checkParamsForPkceNotEnforcedClient) -------------------


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"code_challenge_method": "S256"}, "Missing parameter: code_challenge"),
        ({"code_challenge_method": "plain"}, "Missing parameter: code_challenge"),
        ({"code_challenge_method": "foo"}, "Missing parameter: code_challenge"),  # the challenge is asked first
        ({"code_challenge_method": ""}, "Missing parameter: code_challenge"),
        ({"code_challenge": CHALLENGE, "code_challenge_method": "foo"}, "Invalid parameter: code_challenge_method"),
        ({"code_challenge": CHALLENGE, "code_challenge_method": "s256"}, "Invalid parameter: code_challenge_method"),
        ({"code_challenge": SHORT, "code_challenge_method": "S256"}, "Invalid parameter: code_challenge"),
        ({"code_challenge": "x" * 129}, "Invalid parameter: code_challenge"),
        ({"code_challenge": CHALLENGE + "\n"}, "Invalid parameter: code_challenge"),
        ({"code_challenge": ""}, "Invalid parameter: code_challenge"),
    ],
)
async def test_a_client_without_pkce_required_refuses_bad_pkce_parameters(
    realm: Env, params: dict[str, str], description: str
) -> None:
    assert_pkce_error(await start(realm.http, "test", "app", **params), description)


async def test_a_client_without_pkce_required_accepts_no_pkce_or_a_challenge_alone(realm: Env) -> None:
    assert_login_page(await start(realm.http, "test", "app"))
    assert_login_page(await start(realm.http, "test", "app", code_challenge=CHALLENGE))
    assert_login_page(await start(realm.http, "test", "app", code_challenge=CHALLENGE, code_challenge_method="plain"))


# --- PKCE, a client with pkce.code.challenge.method (checkParamsForPkceEnforcedClient) -------------


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({}, "Missing parameter: code_challenge_method"),
        ({"code_challenge": CHALLENGE}, "Missing parameter: code_challenge_method"),  # the method is asked first
        (
            {"code_challenge": CHALLENGE, "code_challenge_method": "plain"},
            "Invalid parameter: code challenge method is not matching the configured one",
        ),
        (
            {"code_challenge_method": "foo"},
            "Invalid parameter: code challenge method is not matching the configured one",
        ),
        ({"code_challenge_method": "S256"}, "Missing parameter: code_challenge"),
        ({"code_challenge": SHORT, "code_challenge_method": "S256"}, "Invalid parameter: code_challenge"),
    ],
)
async def test_a_client_requiring_s256_checks_the_method_first(
    realm: Env, params: dict[str, str], description: str
) -> None:
    await update_client(realm.db, "test", "app", attributes={"pkce.code.challenge.method": "S256"})
    assert_pkce_error(await start(realm.http, "test", "app", **params), description)


async def test_pkce_errors_follow_the_response_mode(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"pkce.code.challenge.method": "S256"})
    missing = "Missing parameter: code_challenge_method"
    assert_pkce_error(await start(realm.http, "test", "app", response_mode="fragment"), missing, "fragment")
    page = await start(realm.http, "test", "app", response_mode="form_post")
    assert page.status_code == 200 and f'action="{CALLBACK}"' in page.text
    assert form_fields(page.text)["error_description"] == missing


async def test_a_client_requiring_s256_logs_in_with_s256(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"pkce.code.challenge.method": "S256"})
    page = await start(realm.http, "test", "app", code_challenge=CHALLENGE, code_challenge_method="S256")
    assert_login_page(page)
