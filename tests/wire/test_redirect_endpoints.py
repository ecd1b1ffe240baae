"""Redirect URIs over HTTP (H1, H4): /auth, the code exchange, logout, and client URLs on the admin API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import exchange, login, start
from support import assert_error, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTH = "/realms/test/protocol/openid-connect/auth"
LOGOUT = "/realms/test/protocol/openid-connect/logout"
CLIENTS = "/admin/realms/test/clients"
LOOSE = ("http://localhost:*", "http://127.0.0.1:*")  # what the demo realm used to register
HOSTILE = [
    "http://localhost:@evil.example/cb",
    "http://localhost:x@evil.example/",
    "http://localhost:8080@evil.example/",
    "http://127.0.0.1:@evil.example/",
    "http://localhost:8080/../../evil",
    "http://localhost:8080/%2e%2e/%2e%2e/x",
    "http://localhost:8080/a%2f..%2fb",
    "http://localhost:8080/a/..",
    "http://localhost:3000\\..\\x",
    "http://localhost:3000%2f@evil.example/",
    "http://localhost:3000/a b",
    "http://localhost:3000/%zz",
    "http://localhost:3000.evil.example/",
    "http:///localhost:3000",
    "\thttp://localhost:3000/",
    "javascript:alert(document.domain)//",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=LOOSE, attributes={"post.logout.redirect.uris": "+"})
    await seed_client(env.db, "test", "star", public=True, redirect_uris=("*",))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def assert_refused_page(response: Any, message: str) -> None:
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert "location" not in response.headers
    assert message in response.text
    assert "document.forms" not in response.text and 'action="javascript' not in response.text.lower()


async def test_auth_refuses_every_hostile_redirect_uri_with_an_error_page(realm: Env) -> None:
    await login(realm.http, "test", "app", redirect_uri="http://localhost:3000/cb")  # an SSO session exists
    for uri in HOSTILE:
        for mode in ("query", "form_post"):
            response = await start(realm.http, "test", "app", redirect_uri=uri, response_mode=mode)
            assert_refused_page(response, "Invalid parameter: redirect_uri")


async def test_auth_accepts_an_honest_uri_under_a_port_wildcard(realm: Env) -> None:
    params = await login(realm.http, "test", "app", redirect_uri="http://localhost:3000/cb?x=1")
    response = await exchange(realm.http, "test", "app", params["code"], redirect_uri="http://localhost:3000/cb?x=1")
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(document.domain)//",
        "data:text/html,x",
        "vbscript:x",
        "myapp://cb",
        "JAVASCRIPT:alert(1)",
        "java\tscript:alert(1)",
    ],
)
async def test_a_star_client_never_sends_a_non_http_scheme_even_unauthenticated(realm: Env, uri: str) -> None:
    response = await start(
        realm.http, "test", "star", redirect_uri=uri, response_type="token", response_mode="form_post"
    )
    assert_refused_page(response, "Invalid parameter: redirect_uri")
    assert "document.forms" not in response.text


async def test_a_script_scheme_is_refused_even_when_registered_exactly(realm: Env) -> None:
    await update_client(realm.db, "test", "star", redirect_uris=("javascript:alert(1)", "javascript:*"))
    for uri in ("javascript:alert(1)", None):
        params = {"redirect_uri": uri} if uri else {"redirect_uri": ""}
        response = await start(realm.http, "test", "star", response_mode="form_post", **params)
        assert_refused_page(response, "Invalid parameter: redirect_uri")


async def test_a_star_client_still_accepts_https(realm: Env) -> None:
    response = await start(realm.http, "test", "star", redirect_uri="https://anywhere.example/cb")
    assert response.status_code == 200 and 'name="password"' in response.text


async def test_the_code_exchange_requires_the_exact_uri_of_the_authorization_request(realm: Env) -> None:
    accepted = "http://localhost:3000/cb"
    variants = [
        "http://localhost:@evil.example/cb",
        "http://LOCALHOST:3000/cb",
        "http://localhost:3000/cb/",
        "http://localhost:3000/x/../cb",
        "http://localhost:3000/%63b",
        "http://localhost:3000/cb?x",
        "http://localhost:3001/cb",
        "javascript:alert(1)",
        "",
    ]
    for variant in variants:
        params = await login(realm.http, "test", "app", redirect_uri=accepted)
        response = await exchange(realm.http, "test", "app", params["code"], redirect_uri=variant)
        assert_error(response, 400, "invalid_grant", "Incorrect redirect_uri")


async def test_logout_refuses_a_hostile_post_logout_redirect_uri_and_keeps_the_session(realm: Env) -> None:
    params = await login(realm.http, "test", "app", redirect_uri="http://localhost:3000/cb")
    body = (await exchange(realm.http, "test", "app", params["code"], redirect_uri="http://localhost:3000/cb")).json()
    for uri in HOSTILE:
        response = await realm.http.get(
            LOGOUT, params={"id_token_hint": body["id_token"], "post_logout_redirect_uri": uri, "state": "s"}
        )
        assert_refused_page(response, "Invalid redirect uri")
    again = await start(realm.http, "test", "app", redirect_uri="http://localhost:3000/cb")
    assert again.status_code == 302  # still logged in
    done = await realm.http.get(
        LOGOUT, params={"id_token_hint": body["id_token"], "post_logout_redirect_uri": "http://localhost:3000/bye"}
    )
    assert done.status_code == 302 and done.headers["location"] == "http://localhost:3000/bye"


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:3000/cb?code=ATTACKER",
        "http://localhost:3000/cb?st%61te=forged",
        "http://localhost:3000/cb?ISS=http://evil",
        "http://localhost:3000/cb#&code=ATTACKER&state=forged",
        "http://localhost:3000/cb#id_token=x",
    ],
)
async def test_auth_refuses_a_redirect_uri_already_carrying_response_parameters(realm: Env, uri: str) -> None:
    """RedirectUtils.containsForbiddenOidcParameters (Keycloak 26.4.14+): the client would see two codes."""
    for mode in ("query", "fragment"):
        response = await start(realm.http, "test", "app", redirect_uri=uri, response_mode=mode)
        assert_refused_page(response, "Invalid parameter: redirect_uri")


@pytest.mark.parametrize("path", ["/..%09/x", "/..%0a/x", "/..%0D/x", "/a/..%00"])
async def test_auth_refuses_a_dot_segment_ended_by_an_encoded_control_character(realm: Env, path: str) -> None:
    response = await start(realm.http, "test", "app", redirect_uri="http://localhost:3000" + path)
    assert_refused_page(response, "Invalid parameter: redirect_uri")


async def _logout_to(realm: Env, post_logout_uri: str) -> httpx.Response:
    params = await login(realm.http, "test", "app", redirect_uri="http://localhost:3000/cb")
    body = (await exchange(realm.http, "test", "app", params["code"], redirect_uri="http://localhost:3000/cb")).json()
    query = {"id_token_hint": body["id_token"], "post_logout_redirect_uri": post_logout_uri, "state": "s"}
    return await realm.http.get(LOGOUT, params=query)


async def test_logout_refuses_a_post_logout_uri_carrying_response_parameters(realm: Env) -> None:
    """Keycloak 26.7.3 (CVE-2026-18209) moved this: a post_logout_redirect_uri with ``state``, ``code``, ... is
    refused like a redirect_uri (26.6.7's #51712 fix had let logout take them)."""
    refused = await _logout_to(realm, "http://localhost:3000/x?state=evil&code=1#f")
    assert_refused_page(refused, "Invalid redirect uri")


async def test_the_client_attribute_lets_logout_take_them_and_replace_the_state(realm: Env) -> None:
    """``allow.oidc.params.in.redirect.uris`` (26.7.3's per-client escape hatch); LogoutUtil.getRedirectUriWithAttached
    State: every ``state`` already in the query gives way to the request's."""
    await update_client(realm.db, "test", "app", attributes={"allow.oidc.params.in.redirect.uris": "true"})
    done = await _logout_to(realm, "http://localhost:3000/x?state=evil&code=1#f")
    assert done.status_code == 302 and done.headers["location"] == "http://localhost:3000/x?code=1&state=s#f"


@pytest.mark.server_options(oidc_allow_oidc_params_in_redirect_uris=True)
async def test_the_server_option_lets_the_authorization_endpoint_take_them(realm: Env) -> None:
    """``--spi-login-protocol--openid-connect--allow-oidc-params-in-redirect-uris=true`` (26.7.3, deprecated): the
    requested redirect_uri is matched as if it carried none, and the code goes after its own parameters."""
    params = await login(realm.http, "test", "app", redirect_uri="http://localhost:3000/cb?state=old")
    assert params["code"] and params["state"] == "old"
    done = await _logout_to(realm, "http://localhost:3000/x?code=1")
    assert done.status_code == 302 and done.headers["location"] == "http://localhost:3000/x?code=1&state=s"


async def test_logout_confirmation_refuses_a_hostile_uri_before_asking(realm: Env) -> None:
    response = await realm.http.get(
        LOGOUT, params={"client_id": "app", "post_logout_redirect_uri": "http://localhost:@evil.example/"}
    )
    assert_refused_page(response, "Invalid redirect uri")


async def test_post_logout_star_does_not_allow_script_schemes(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"post.logout.redirect.uris": "*"})
    for uri in ("javascript:alert(1)", "data:text/html,x", "myapp://bye"):
        response = await realm.http.get(LOGOUT, params={"client_id": "app", "post_logout_redirect_uri": uri})
        assert_refused_page(response, "Invalid redirect uri")


# --- client URLs on the admin API ----------------------------------------------------------------
BAD_CLIENT_URLS: list[tuple[dict[str, Any], str]] = [
    ({"redirectUris": ["javascript:alert(document.domain)//"]}, "A redirect URI uses an illegal scheme"),
    ({"redirectUris": ["https://ok.example/*", "DATA:text/html,x"]}, "A redirect URI uses an illegal scheme"),
    ({"redirectUris": ["vbscript:msgbox(1)"]}, "A redirect URI uses an illegal scheme"),
    ({"redirectUris": ["https://ok.example/a b"]}, "A redirect URI is not a valid URI"),
    ({"redirectUris": ["https://ok.example\\cb"]}, "A redirect URI is not a valid URI"),
    ({"redirectUris": ["https://ok.example/cb#x"]}, "Redirect URIs must not contain an URI fragment"),
    ({"rootUrl": "javascript:alert(1)"}, "Root URL uses an illegal scheme"),
    ({"rootUrl": "invalid"}, "Root URL is not a valid URL"),
    ({"rootUrl": "myapp://some-fake-app"}, "Root URL is not a valid URL"),
    ({"rootUrl": "https://ok.example/#x"}, "Root URL must not contain an URL fragment"),
    ({"baseUrl": "javascript:alert(1)"}, "Base URL uses an illegal scheme"),
    ({"baseUrl": "https://ok.example:99999/"}, "Base URL is not a valid URL"),
    ({"adminUrl": "data:text/html,x"}, "Admin URL uses an illegal scheme"),
    (
        {"attributes": {"post.logout.redirect.uris": "+##javascript:alert(1)"}},
        "A post logout redirect URI uses an illegal scheme",
    ),
    (
        {"attributes": {"post.logout.redirect.uris": "https://ok.example/%zz"}},
        "A post logout redirect URI is not a valid URI",
    ),
    (
        {"rootUrl": "javascript:x", "baseUrl": "data:x"},
        "Root URL uses an illegal scheme; Base URL uses an illegal scheme",
    ),
]


@pytest.mark.parametrize(("rep", "message"), BAD_CLIENT_URLS)
async def test_admin_create_and_update_refuse_invalid_client_urls(env: Env, rep: dict[str, Any], message: str) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    response = await env.http.post(CLIENTS, headers=headers, json={"clientId": "bad", **rep})
    assert response.status_code == 400 and response.json() == {"error": "invalid_input", "error_description": message}
    listed = await env.http.get(CLIENTS, headers=headers, params={"clientId": "bad"})
    assert listed.json() == []
    created = await env.http.post(
        CLIENTS,
        headers=headers,
        json={
            "clientId": "good",
            "rootUrl": "https://ok.example",
            "redirectUris": ["https://ok.example/cb/*", "myapp:*", "*"],
        },
    )
    assert created.status_code == 201, created.text
    uuid = created.headers["location"].rsplit("/", 1)[-1]
    response = await env.http.put(f"{CLIENTS}/{uuid}", headers=headers, json=rep)
    assert response.status_code == 400 and response.json() == {"error": "invalid_input", "error_description": message}
    stored = (await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)).json()
    assert stored["rootUrl"] == "https://ok.example" and stored["redirectUris"] == [
        "https://ok.example/cb/*",
        "myapp:*",
        "*",
    ]


async def test_the_builtin_clients_can_still_be_updated(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    for client in (await env.http.get(CLIENTS, headers=headers)).json():
        response = await env.http.put(f"{CLIENTS}/{client['id']}", headers=headers, json={"description": "x"})
        assert response.status_code == 204, (client["clientId"], response.text)


async def test_an_openid_request_needs_a_redirect_uri_and_plain_oauth_may_default_to_the_only_one(realm: Env) -> None:
    await update_client(realm.db, "test", "app", redirect_uris=("http://localhost:3000/cb",))
    query = {"client_id": "app", "response_type": "code", "state": "s"}
    refused = await realm.http.get(AUTH, params={**query, "scope": "openid"})
    assert_refused_page(refused, "Invalid parameter: redirect_uri")
    page = await realm.http.get(AUTH, params={**query, "scope": "profile"})
    assert page.status_code == 200 and 'name="password"' in page.text
    await update_client(realm.db, "test", "app", redirect_uris=("javascript:alert(1)",))
    assert_refused_page(await realm.http.get(AUTH, params=query), "Invalid parameter: redirect_uri")
