"""The authorization endpoint against Keycloak 26: PKCE parameter checks, and redirect URIs with a fragment.

PKCE follows ``AuthorizationEndpointChecker.checkPKCEParams`` (OAuthProofKeyForCodeExchangeTest);
fragments follow ``RedirectUtils.verifyRedirectUri`` and ``OIDCRedirectUriBuilder``
(OAuthRedirectUriTest.testWithFragment, testWildcard).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import exchange, form_fields, start, submit
from doorkeep.oauth.pkce import s256
from support import assert_error, seed_client, seed_realm, seed_user, update_client
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


# --- redirect URIs with a fragment (RedirectUtils.verifyRedirectUri, OIDCRedirectUriBuilder) ---------


async def log_in(http: httpx.AsyncClient, client_id: str, redirect_uri: str, **params: str) -> httpx.Response:
    page = await start(http, "test", client_id, redirect_uri=redirect_uri, **params)
    assert_login_page(page)
    return await submit(http, page, username="user1", password="password")


def query_and_fragment(response: httpx.Response, prefix: str) -> tuple[dict[str, str], str]:
    assert response.status_code == 302, (response.status_code, response.text[:300])
    location = response.headers["location"]
    assert location.startswith(prefix), location
    parts = urlsplit(location)
    return {k: v[0] for k, v in parse_qs(parts.query).items()}, parts.fragment


async def test_query_mode_puts_the_code_before_the_fragment_it_keeps(realm: Env) -> None:
    uri = "http://localhost:8180/auth#key=value"
    query, fragment = query_and_fragment(await log_in(realm.http, "wild", uri), "http://localhost:8180/auth?")
    assert fragment == "key=value"
    assert query["state"] == "st4te" and query["iss"] == "http://localhost/realms/test"
    token = await exchange(realm.http, "test", "wild", query["code"], redirect_uri=uri)
    assert token.status_code == 200, token.text


async def test_the_code_exchange_still_wants_the_same_uri_fragment_included(realm: Env) -> None:
    query, _ = query_and_fragment(
        await log_in(realm.http, "wild", "http://localhost:8180/auth#key=value"), "http://localhost:8180/auth?"
    )
    response = await exchange(realm.http, "test", "wild", query["code"], redirect_uri="http://localhost:8180/auth")
    assert_error(response, 400, "invalid_grant", "Incorrect redirect_uri")


async def test_fragment_mode_appends_the_response_to_the_uris_own_fragment(realm: Env) -> None:
    uri = "http://localhost:8180/auth#key=value"
    response = await log_in(realm.http, "wild", uri, response_mode="fragment")
    query, fragment = query_and_fragment(response, "http://localhost:8180/auth#key=value&")
    assert query == {}
    params = {k: v[0] for k, v in parse_qs(fragment).items()}
    assert params["key"] == "value" and params["state"] == "st4te" and "code" in params
    assert (await exchange(realm.http, "test", "wild", params["code"], redirect_uri=uri)).status_code == 200


async def test_a_wildcard_client_keeps_an_encoded_query_and_fragment(realm: Env) -> None:
    uri = "http://example.com/foo?encodeTest=a%3Cb#encode2=a%3Cb"
    response = await log_in(realm.http, "wild", uri)
    # the response parameters follow in OIDCLoginProtocol.authenticated's order: state first
    assert response.headers["location"].startswith("http://example.com/foo?encodeTest=a%3Cb&state=st4te&")
    assert response.headers["location"].endswith("#encode2=a%3Cb")


async def test_form_post_posts_to_the_uri_with_its_fragment(realm: Env) -> None:
    page = await start(
        realm.http, "test", "wild", redirect_uri="http://localhost:8180/auth#k", response_mode="form_post"
    )
    done = await submit(realm.http, page, username="user1", password="password")
    assert done.status_code == 200 and 'action="http://localhost:8180/auth#k"' in done.text
    assert "code" in form_fields(done.text)


async def test_errors_go_before_the_fragment_too(realm: Env) -> None:
    response = await start(realm.http, "test", "wild", redirect_uri="http://localhost:8180/auth#k", scope="openid nope")
    query, fragment = query_and_fragment(response, "http://localhost:8180/auth?error=invalid_scope")
    assert fragment == "k" and query["error_description"] == "Invalid scopes: openid nope"


@pytest.mark.parametrize(
    "uri",
    [
        "http://evil.example#@localhost:8180/",  # the fragment never supplies the host
        "http://evil.example/#http://localhost:8180/",
        "http://localhost:8180/../x#y",  # nor hides a dot-segment
        "http://localhost:8180/a/%2e%2e/x#y",
        "http://localhost:8180@evil.example/#x",
        "http://example.com/foo#a#b",  # a second "#"
        "http://example.com/foo#<script>",
        "javascript:alert(1)//#http://localhost:8180/",
    ],
)
async def test_a_fragment_does_not_change_what_is_matched(realm: Env, uri: str) -> None:
    response = await start(realm.http, "test", "wild", redirect_uri=uri)
    assert response.status_code == 400 and "location" not in response.headers
    assert "Invalid parameter: redirect_uri" in response.text


async def test_an_exact_pattern_does_not_match_a_fragment(realm: Env) -> None:
    await update_client(realm.db, "test", "wild", redirect_uris=("http://localhost:8180/auth",))
    response = await start(realm.http, "test", "wild", redirect_uri="http://localhost:8180/auth#key=value")
    assert response.status_code == 400 and "Invalid parameter: redirect_uri" in response.text


async def test_logout_puts_state_before_the_fragment_of_the_post_logout_uri(realm: Env) -> None:
    query, _ = query_and_fragment(
        await log_in(realm.http, "wild", "http://localhost:8180/cb"), "http://localhost:8180/cb?"
    )
    body = (await exchange(realm.http, "test", "wild", query["code"], redirect_uri="http://localhost:8180/cb")).json()
    response = await realm.http.get(
        "/realms/test/protocol/openid-connect/logout",
        params={
            "id_token_hint": body["id_token"],
            "post_logout_redirect_uri": "http://localhost:8180/bye#x",
            "state": "s",
        },
    )
    assert response.status_code == 302 and response.headers["location"] == "http://localhost:8180/bye?state=s#x"
