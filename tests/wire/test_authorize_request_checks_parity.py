"""The authorization endpoint's request checks against Keycloak 26, in its order.

``AuthorizationEndpoint.process``: ``getClientId`` (absent or repeated: the "Invalid Request" page),
``checkClient``, the request parser (``max_age`` must be a Java int), ``checkRedirectUri`` (a page),
then ``AuthorizationEndpointChecker.checkResponseType``, ``checkInvalidRequestMessage`` (duplicated
parameters), the scope, the nonce and PKCE, each sent back to the client by ``redirectErrorToClient``
with ``Cache-Control: no-store, must-revalidate, max-age=0`` (AuthorizationCodeTest).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import REDIRECT, exchange, login, start, submit
from support import claims, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

ISS = "http://localhost/realms/test"
NO_BACK = "no-store, must-revalidate, max-age=0"
IMPLICIT_DISABLED = (
    "Client is not allowed to initiate browser login with given response_type. "
    "Implicit flow is disabled for the client."
)
STANDARD_DISABLED = (
    "Client is not allowed to initiate browser login with given response_type. "
    "Standard flow is disabled for the client."
)


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def sent_back(response: httpx.Response, where: str = "query") -> dict[str, str]:
    """The parameters of a redirect to the client, read from the query or the fragment; never cached."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    assert response.headers["cache-control"] == NO_BACK
    location = response.headers["location"]
    assert location.startswith(REDIRECT), location
    parts = urlsplit(location)
    assert (parts.fragment if where == "query" else parts.query) == "", location
    return {k: v[0] for k, v in parse_qs(parts.query if where == "query" else parts.fragment).items()}


def page_error(response: httpx.Response, text: str) -> None:
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert text in response.text


# --- response_type (checkResponseType) -------------------------------------------------------------


async def test_an_unknown_response_type_is_unsupported_without_a_description(realm: Env) -> None:
    for raw in ("tokenn", "code  token", "", "none code", "code,token"):
        params = sent_back(await start(realm.http, "test", "app", response_type=raw, state="s1"))
        assert params == {"error": "unsupported_response_type", "state": "s1", "iss": ISS}, raw


async def test_a_bad_response_type_is_sent_back_in_the_mode_asked_for_if_known(realm: Env) -> None:
    response = await start(realm.http, "test", "app", response_type="tokenn", response_mode="fragment")
    assert sent_back(response, "fragment")["error"] == "unsupported_response_type"
    response = await start(realm.http, "test", "app", response_type="tokenn", response_mode="foo")
    assert sent_back(response)["error"] == "unsupported_response_type"


async def test_a_missing_response_type_is_an_invalid_request(realm: Env) -> None:
    query = {"client_id": "app", "redirect_uri": REDIRECT, "scope": "openid", "state": "s1"}
    response = await realm.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    assert sent_back(response) == {
        "error": "invalid_request",
        "error_description": "Missing parameter: response_type",
        "state": "s1",
        "iss": ISS,
    }


@pytest.mark.parametrize("response_type", ["token", "id_token", "id_token token", "code id_token", "code token"])
async def test_implicit_and_hybrid_types_on_a_client_without_implicit_flow_are_unauthorized(
    realm: Env, response_type: str
) -> None:
    response = await start(realm.http, "test", "app", response_type=response_type, nonce="n", state="s1")
    assert sent_back(response, "fragment") == {
        "error": "unauthorized_client",
        "error_description": IMPLICIT_DISABLED,
        "state": "s1",
        "iss": ISS,
    }


async def test_code_and_none_on_a_client_without_standard_flow_are_unauthorized(realm: Env) -> None:
    await update_client(realm.db, "test", "app", standard_flow_enabled=False)
    for response_type in ("code", "none"):
        params = sent_back(await start(realm.http, "test", "app", response_type=response_type))
        assert params["error"] == "unauthorized_client", response_type
        assert params["error_description"] == STANDARD_DISABLED


async def test_query_mode_for_tokens_is_refused_before_the_client_flags_in_query(realm: Env) -> None:
    response = await start(realm.http, "test", "app", response_type="id_token", response_mode="query", nonce="n")
    assert sent_back(response) == {
        "error": "invalid_request",
        "error_description": "Response_mode 'query' not allowed for implicit or hybrid flow",
        "state": "st4te",
        "iss": ISS,
    }


@pytest.mark.parametrize("mode", ["foo", "", "QUERY", "query.JWT", "jwt.query"])
async def test_an_invalid_response_mode_is_sent_back_in_query(realm: Env, mode: str) -> None:
    response = await start(realm.http, "test", "app", response_mode=mode, state="s1")
    assert sent_back(response) == {
        "error": "invalid_request",
        "error_description": "Invalid parameter: response_mode",
        "state": "s1",
        "iss": ISS,
    }


# --- duplicated parameters (AuthzEndpointQueryStringParser.checkDuplicated) -----------------------


async def test_a_duplicated_parameter_is_sent_back_as_an_invalid_request(realm: Env) -> None:
    query = (
        ("client_id", "app"),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "openid"),
        ("state", "abcdefg"),
        ("scope", "pop push"),
    )
    response = await realm.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    assert sent_back(response) == {
        "error": "invalid_request",
        "error_description": "duplicated parameter",
        "state": "abcdefg",
        "iss": ISS,
    }


async def test_a_duplicated_extra_parameter_counts_too_but_not_a_client_secret(realm: Env) -> None:
    base = [("client_id", "app"), ("redirect_uri", REDIRECT), ("response_type", "code"), ("scope", "openid")]
    response = await realm.http.get("/realms/test/protocol/openid-connect/auth", params=[*base, ("x", "1"), ("x", "")])
    assert sent_back(response)["error_description"] == "duplicated parameter"
    pairs = (*base, ("client_secret", "a"), ("client_secret", "b"))
    response = await realm.http.get("/realms/test/protocol/openid-connect/auth", params=pairs)
    assert response.status_code == 200 and 'name="password"' in response.text


async def test_the_response_type_is_checked_before_duplicates(realm: Env) -> None:
    query = (
        ("client_id", "app"),
        ("redirect_uri", REDIRECT),
        ("response_type", "tokenn"),
        ("state", "a"),
        ("state", "b"),
    )
    response = await realm.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    assert sent_back(response) == {"error": "unsupported_response_type", "state": "a", "iss": ISS}


async def test_a_duplicated_or_missing_client_id_is_the_invalid_request_page(realm: Env) -> None:
    query = (("client_id", "app"), ("client_id", "app"), ("redirect_uri", REDIRECT), ("response_type", "code"))
    page_error(await realm.http.get("/realms/test/protocol/openid-connect/auth", params=query), "Invalid Request")
    response = await realm.http.get(
        "/realms/test/protocol/openid-connect/auth", params={"redirect_uri": REDIRECT, "response_type": "code"}
    )
    page_error(response, "Invalid Request")


# --- max_age (AuthzEndpointQueryStringParser.getIntParameter, isAuthTimeExpired) -----------------


async def test_a_bad_max_age_is_the_error_page_even_before_the_redirect_uri(realm: Env) -> None:
    page = await start(realm.http, "test", "app", max_age="x", redirect_uri="http://evil.example/cb")
    page_error(page, "Invalid Request")


async def test_a_negative_max_age_asks_an_signed_in_user_to_log_in_again(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await start(realm.http, "test", "app", max_age="-1")
    assert page.status_code == 200 and 'name="password"' in page.text
    assert page.headers["cache-control"] == NO_BACK
    done = await submit(realm.http, page, username="user1", password="password")
    assert done.status_code == 302 and "code=" in done.headers["location"]


async def test_an_sso_answer_from_the_authorization_endpoint_is_never_cached(realm: Env) -> None:
    await login(realm.http, "test", "app")
    response = await start(realm.http, "test", "app")
    assert response.status_code == 302 and "code=" in response.headers["location"]
    assert response.headers["cache-control"] == NO_BACK


# --- parameter length (AuthzEndpointRequestParser.getAndValidateParameter) ------------------------


def unknown_scopes(count: int) -> str:
    """OIDCScopeTest.getLongScopeParameter: ``openid`` and ``count`` scopes the client does not have."""
    return "openid" + "".join(f" s{i}" for i in range(count))


async def test_an_over_long_scope_is_ignored_rather_than_validated(realm: Env) -> None:
    """A scope over 4000 characters is dropped by the parser, as the token endpoint does
    (OIDCScopeTest.testLengthyScopeParameter): the login goes on as a plain OAuth 2.0 request (no ``openid``,
    no ID token); one just under the limit is validated and its unknown scopes are ``invalid_scope``."""
    assert len(unknown_scopes(1000)) > 4000 > len(unknown_scopes(800))
    answer = await login(realm.http, "test", "app", scope=unknown_scopes(1000))
    assert "code" in answer, answer
    tokens = (await exchange(realm.http, "test", "app", answer["code"])).json()
    assert "openid" not in claims(tokens["access_token"])["scope"].split()
    assert "id_token" not in tokens
    refused = sent_back(await start(realm.http, "test", "app", scope=unknown_scopes(800), state="s1"))
    assert refused["error"] == "invalid_scope" and refused["state"] == "s1"


async def test_an_over_long_state_or_login_hint_is_left_out(realm: Env) -> None:
    """``state`` keeps up to 4000 characters and ``login_hint`` up to 255 (DEFAULT_MAX_PARAMS_SIZES); one
    character more and the parameter is ignored: the error goes back without a state, the login page without
    the username filled in."""
    for state, kept in (("s" * 4000, True), ("s" * 4001, False)):
        params = sent_back(await start(realm.http, "test", "app", response_mode="foo", state=state))
        assert params["error"] == "invalid_request" and ("state" in params) is kept, len(state)
    hint = "h" * 250 + "@x.io"
    assert len(hint) == 255
    assert f'value="{hint}"' in (await start(realm.http, "test", "app", login_hint=hint)).text
    page = await start(realm.http, "test", "app", login_hint="h" + hint)
    assert page.status_code == 200 and 'name="password"' in page.text and "h" * 250 not in page.text
