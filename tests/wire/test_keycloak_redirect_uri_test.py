"""Keycloak's OAuthRedirectUriTest, ported method by method
(testsuite/integration-arquillian/tests/base/.../oauth/OAuthRedirectUriTest.java @004b4f5, with #48978).

Each test is named after the Java method and says so in its docstring. The Java test's app root
``http://localhost:8180/auth/realms/master/app`` and its clients' URIs are kept as they are (nothing is
fetched from them); its auth server root is Doorkeep's ``http://localhost``. Keycloak's little server on
port 8280 only answers the browser, so it has no counterpart here: the redirect's Location is read.

Where Keycloak 26's source answers differently from this test, the test follows the source
(RedirectUtils.redirectUriEquals / UriUtils.schemeHostAndPortEqual compare the scheme and host
case-insensitively, as the test did before the 2024 rewrite): see ``test_test_different_case_in_hostname``
and ``test_test_different_case_in_scheme``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from access_token_realm import realm_rep, token_url
from authorize_port import authorize, error_page, is_login_page, log_in, sent_back
from wire_env import Env

pytestmark = pytest.mark.anyio

APP_ROOT = "http://localhost:8180/auth/realms/master/app"
AUTH_SERVER_ROOT = "http://localhost/auth"  # Keycloak's http://localhost:8180/auth: the origin plus /auth
PASSWORD = "password"
INSTALLED_APP_URN = "urn:ietf:wg:oauth:2.0:oob"


def _client(client_id: str, *redirects: str, root: str | None = None) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "clientId": client_id,
        "name": client_id,
        "secret": PASSWORD,
        "redirectUris": list(redirects),
    }
    if root is not None:
        rep["rootUrl"] = root
    return rep


def _realm() -> dict[str, Any]:
    """testrealm.json's test-app (its app root URIs) and the test's own clients."""
    rep = realm_rep()
    rep["clients"][0]["redirectUris"] = [APP_ROOT + "/auth/*", "https://localhost:8543/auth/realms/master/app/auth/*"]
    rep["clients"][0]["secret"] = PASSWORD
    rep["clients"] += [
        _client("test-installed", "urn:ietf:wg:oauth:2.0:oob", "http://localhost"),
        _client("test-installed2", "http://localhost/myapp"),
        _client(
            "test-wildcard",
            "http://example.com/foo/*",
            "http://with-dash.example.local/foo/*",
            "http://localhost:8280/foo/*",
            "http://something.com:80/*",
        ),
        _client("test-dash", "http://with-dash.example.local", "http://with-dash.example.local/foo"),
        _client("test-root-url", "/foo", root="http://with-dash.example.local"),
        _client("test-relative-url", "/auth", root=""),
        _client("test-query-component", "http://localhost?foo=bar", "http://localhost?foo=bar*"),
        _client("test-fragment", "http://localhost:8180/*", "https://localhost:8543/*"),
        _client(
            "test-encoded-path",
            "http://localhost:8280/foo/bar%20bar%2092%2F72/3",
            "http://localhost:8280/foo/bar%20bar%2092%2F72/44",
        ),
        _client(
            "custom-scheme",
            "android-app://org.keycloak.examples.cordova/https/keycloak-cordova-example.github.io/login",
        ),
        _client("test-installed-loopback", "http://127.0.0.1"),
        _client("test-installed-loopback2", "http://127.0.0.1/myapp"),
    ]
    return rep


@pytest.fixture
async def kc(env: Env) -> Env:
    response = await env.http.post("/admin/realms", json=_realm(), headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


async def set_redirects(env: Env, client_id: str, redirects: list[str]) -> None:
    """``ClientManager.addRedirectUris`` / ``removeRedirectUris``: the client's list replaced."""
    headers = await env.admin_headers()
    [rep] = (await env.http.get("/admin/realms/test/clients", params={"clientId": client_id}, headers=headers)).json()
    rep["redirectUris"] = redirects
    response = await env.http.put(f"/admin/realms/test/clients/{rep['id']}", json=rep, headers=headers)
    assert response.status_code == 204, response.text


def invalid(response: httpx.Response) -> None:
    assert error_page(response) == "Invalid parameter: redirect_uri"


def without_response(location: str) -> str:
    """The browser URL with ``code``, ``state``, ``session_state`` and ``iss`` removed (KeycloakUriBuilder's
    replaceQueryParam) and a trailing ``/`` cut."""
    parts = urlsplit(location)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _RESPONSE]
    url = urlunsplit(parts._replace(query=urlencode(kept)))
    return url[:-1] if url.endswith("/") else url


_RESPONSE = frozenset({"code", "state", "session_state", "iss"})


async def check_redirect_uri(
    env: Env, client_id: str, redirect_uri: str, expect_valid: bool, check_code_to_token: bool = False
) -> None:
    """Keycloak's ``checkRedirectUri``: the error page; or the login page; or the login, the redirect to exactly
    that URI, the code exchanged with it, and the session logged out again."""
    response = await authorize(env.http, client_id, redirect_uri, state="st4te")
    if not expect_valid:
        invalid(response)
        return
    if not check_code_to_token:
        assert is_login_page(response), (redirect_uri, response.status_code, response.headers.get("location"))
        return
    done = await log_in(env.http, response)
    code = sent_back(done)["code"]
    landed = without_response(done.headers["location"])
    if redirect_uri == INSTALLED_APP_URN:  # the realm's page showing the code
        assert landed.endswith("oauth/oob"), landed
    else:
        assert landed == redirect_uri, done.headers["location"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    tokens = await env.http.post(token_url(), data=form, auth=(client_id, PASSWORD))
    assert tokens.status_code == 200, (redirect_uri, tokens.text)
    logout = await env.http.post(
        "/realms/test/protocol/openid-connect/logout",
        data={"refresh_token": tokens.json()["refresh_token"]},
        auth=(client_id, PASSWORD),
    )
    assert logout.status_code == 204, logout.text


async def test_test_no_param(kc: Env) -> None:
    """OAuthRedirectUriTest.testNoParam: an OpenID request must name its redirect URI."""
    invalid(await authorize(kc.http, redirect_uri=None))


async def test_test_relative_uri(kc: Env) -> None:
    """OAuthRedirectUriTest.testRelativeUri."""
    invalid(await authorize(kc.http, redirect_uri="/foo/../bar"))


async def test_test_file_uri(kc: Env) -> None:
    """OAuthRedirectUriTest.testFileUri."""
    invalid(await authorize(kc.http, redirect_uri="file://test"))


async def test_test_no_param_multiple_valid_uris(kc: Env) -> None:
    """OAuthRedirectUriTest.testNoParamMultipleValidUris."""
    await set_redirects(kc, "test-app", [APP_ROOT + "/auth/*", "http://localhost:8180/app2"])
    invalid(await authorize(kc.http, redirect_uri=None))


async def test_test_no_param_no_valid_uris(kc: Env) -> None:
    """OAuthRedirectUriTest.testNoParamNoValidUris."""
    await set_redirects(kc, "test-app", ["https://localhost:8543/auth/realms/master/app/auth/*"])
    invalid(await authorize(kc.http, redirect_uri=None))


async def test_test_no_valid_uris(kc: Env) -> None:
    """OAuthRedirectUriTest.testNoValidUris: the test-app URI removed, no redirect_uri sent."""
    await set_redirects(kc, "test-app", [])
    invalid(await authorize(kc.http, redirect_uri=None))
    invalid(await authorize(kc.http, redirect_uri=APP_ROOT + "/auth"))


async def test_test_valid(kc: Env) -> None:
    """OAuthRedirectUriTest.testValid: code and state go to the app."""
    done = await log_in(kc.http, await authorize(kc.http, redirect_uri=APP_ROOT + "/auth", state="st4te"))
    location = done.headers["location"]
    assert sent_back(done)["code"] and location.startswith(APP_ROOT)
    query = urlsplit(location).query
    assert "code=" in query and "state=" in query, location


async def test_test_invalid(kc: Env) -> None:
    """OAuthRedirectUriTest.testInvalid."""
    invalid(await authorize(kc.http, redirect_uri="http://localhost:8180/app2"))


async def test_test_with_params(kc: Env) -> None:
    """OAuthRedirectUriTest.testWithParams: the URI's own query is kept before the response."""
    redirect = APP_ROOT + "/auth?key=value"
    done = await log_in(kc.http, await authorize(kc.http, redirect_uri=redirect, state="st4te"))
    location = done.headers["location"]
    assert sent_back(done)["code"] and location.startswith(APP_ROOT)
    query = urlsplit(location).query
    assert "key=value" in query and "state=" in query and "code=" in query, location


async def test_test_with_fragment(kc: Env) -> None:
    """OAuthRedirectUriTest.testWithFragment: fragment mode after the URI's own fragment."""
    redirect = APP_ROOT + "/auth#key=value"
    page = await authorize(kc.http, "test-fragment", redirect, response_mode="fragment", state="st4te")
    done = await log_in(kc.http, page)
    location = done.headers["location"]
    assert sent_back(done, "fragment")["code"] and location.startswith(APP_ROOT)
    assert "key=value" in location, location


async def test_test_with_custom_scheme(kc: Env) -> None:
    """OAuthRedirectUriTest.testWithCustomScheme: a registered custom scheme gets the code."""
    redirect = "android-app://org.keycloak.examples.cordova/https/keycloak-cordova-example.github.io/login"
    done = await log_in(kc.http, await authorize(kc.http, "custom-scheme", redirect))
    assert done.status_code == 302
    assert done.headers["location"].startswith(redirect), done.headers["location"]


async def test_test_query_components(kc: Env) -> None:
    """OAuthRedirectUriTest.testQueryComponents (KEYCLOAK-3420, KEYCLOAK-3418): a query is matched exactly."""
    for uri, valid in [
        ("http://localhost?foo=bar", True),
        ("http://localhost?foo=bara", False),
        ("http://localhost?foo=bar/", False),
        ("http://localhost?foo2=bar2&foo=bar", False),
        ("http://localhost?foo=b", False),
        ("http://localhost?foo", False),
        ("http://localhost?foo=bar&bar=foo", False),
        ("http://localhost?foo&bar=foo", False),
        ("http://localhost?foo&bar", False),
        ("http://localhost", False),
    ]:
        await check_redirect_uri(kc, "test-query-component", uri, valid)
    await check_redirect_uri(kc, "test-installed", "http://localhost?foo=bar", False)


async def test_test_wildcard(kc: Env) -> None:
    """OAuthRedirectUriTest.testWildcard: prefixes, and no escape from them by an encoded ``..`` (once or
    twice encoded, #48978); three or more encodings are no dot to a server and stay allowed."""
    for uri, valid, exchange in [
        ("http://example.com", False, False),
        ("http://localhost:8080", False, True),
        ("http://example.com/foo", True, False),
        ("http://example.com/foo/bar", True, False),
        ("http://localhost:8280/foo", True, True),
        ("http://localhost:8280/foo/bar", True, True),
        ("http://example.com/foobar", False, False),
        ("http://localhost:8280/foobar", False, True),
        ("http://something.com:80/some", True, False),
        ("http://localhost:8280/foo/bar%20bar%2092%2F72/3", True, True),
        ("http://example.com/foo/../", False, False),
        ("http://example.com/foo/%2E%2E/", False, False),
        ("http://example.com/foo%2F%2E%2E%2F", False, False),
        ("http://example.com/foo/%252E%252E/", False, False),
        ("http://example.com/foo/%252E%252E/?some_query_param=some_value", False, False),
        ("http://example.com/foo/%252E%252E/?encodeTest=a%3Cb", False, False),
        ("http://example.com/foo/%252E%252E/#encodeTest=a%3Cb", False, False),
        ("http://example.com/foo/%25252E%25252E/", True, False),
        ("http://example.com/foo/%2525252525252E%2525252525252E/", True, False),
        ("http://example.com/foo?encodeTest=a%3Cb", True, False),
        ("http://example.com/foo?encodeTest=a%3Cb#encode2=a%3Cb", True, False),
        ("http://example.com/foo/#encode2=a%3Cb", True, False),
    ]:
        await check_redirect_uri(kc, "test-wildcard", uri, valid, exchange)


async def test_test_redirect_uri_with_encoded_path(kc: Env) -> None:
    """OAuthRedirectUriTest.testRedirectUriWithEncodedPath: an exact URI with an encoded path, end to end."""
    await check_redirect_uri(kc, "test-encoded-path", "http://localhost:8280/foo/bar%20bar%2092%2F72/3", True, True)


async def test_test_dash(kc: Env) -> None:
    """OAuthRedirectUriTest.testDash."""
    await check_redirect_uri(kc, "test-dash", "http://with-dash.example.local/foo", True)


async def test_test_different_case_in_hostname(kc: Env) -> None:
    """OAuthRedirectUriTest.testDifferentCaseInHostname: the host compares case-insensitively in Keycloak 26's
    RedirectUtils (UriUtils.hostsEqual: equalsIgnoreCase; the test at @004b4f5 still expects a refusal);
    the path compares exactly."""
    for uri, valid in [
        ("http://with-dash.example.local", True),
        ("http://wiTh-dAsh.example.local", True),
        ("http://with-dash.example.local/foo", True),
        ("http://wiTh-dAsh.example.local/foo", True),
        ("http://wiTh-dAsh.example.local/Foo", False),
        ("http://wiTh-dAsh.example.local/foO", False),
    ]:
        await check_redirect_uri(kc, "test-dash", uri, valid)


async def test_test_different_case_in_scheme(kc: Env) -> None:
    """OAuthRedirectUriTest.testDifferentCaseInScheme: the scheme compares case-insensitively in Keycloak 26's
    RedirectUtils (UriUtils.schemeAndHostEqual: equalsIgnoreCase; the test at @004b4f5 expects a refusal)."""
    for uri in ("http://with-dash.example.local", "HTTP://with-dash.example.local", "Http://wiTh-dAsh.example.local"):
        await check_redirect_uri(kc, "test-dash", uri, True)


async def test_test_relative_with_root(kc: Env) -> None:
    """OAuthRedirectUriTest.testRelativeWithRoot: ``/foo`` under the client's root URL."""
    await check_redirect_uri(kc, "test-root-url", "http://with-dash.example.local/foo", True)
    await check_redirect_uri(kc, "test-root-url", "http://localhost:8180/foo", False)


async def test_test_relative(kc: Env) -> None:
    """OAuthRedirectUriTest.testRelative: ``/auth`` with an empty root URL is under the server's origin."""
    await check_redirect_uri(kc, "test-relative-url", "http://with-dash.example.local/foo", False)
    await check_redirect_uri(kc, "test-relative-url", AUTH_SERVER_ROOT, True)


async def test_test_localhost(kc: Env) -> None:
    """OAuthRedirectUriTest.testLocalhost: a loopback URI registered without a port takes any port
    (RFC 8252 §7.3), and only with the registered path."""
    for uri, valid, exchange in [
        ("urn:ietf:wg:oauth:2.0:oob", True, True),
        ("http://localhost", True, False),
        ("http://localhost:8280", True, True),
        ("http://localhosts", False, False),
        ("http://localhost/myapp", False, False),
        ("http://localhost:8180/myapp", False, True),
    ]:
        await check_redirect_uri(kc, "test-installed", uri, valid, exchange)
    for uri, valid, exchange in [
        ("http://localhost/myapp", True, False),
        ("http://localhost:8280/myapp", True, True),
        ("http://localhosts/myapp", False, False),
        ("http://localhost", False, False),
        ("http://localhost/myapp2", False, False),
    ]:
        await check_redirect_uri(kc, "test-installed2", uri, valid, exchange)


async def test_test_loopback(kc: Env) -> None:
    """OAuthRedirectUriTest.testLoopback: the same for 127.0.0.1."""
    for uri, valid, exchange in [
        ("http://127.0.0.1", True, False),
        ("http://127.0.0.1:8280", True, True),
        ("http://127.0.0.1/myapp", False, False),
        ("http://127.0.0.1:8180/myapp", False, True),
    ]:
        await check_redirect_uri(kc, "test-installed-loopback", uri, valid, exchange)
    for uri, valid, exchange in [
        ("http://127.0.0.1/myapp", True, False),
        ("http://127.0.0.1:8280/myapp", True, True),
        ("http://127.0.0.1", False, False),
        ("http://127.0.0.1/myapp2", False, False),
    ]:
        await check_redirect_uri(kc, "test-installed-loopback2", uri, valid, exchange)


async def test_ok_then_null(kc: Env) -> None:
    """OAuthRedirectUriTest.okThenNull: a code issued for a redirect URI is refused without it."""
    page = await authorize(kc.http, "test-wildcard", "http://localhost:8280/foo")
    code = sent_back(await log_in(kc.http, page))["code"]
    form = {"grant_type": "authorization_code", "code": code}
    response = await kc.http.post(token_url(), data=form, auth=("test-wildcard", PASSWORD))
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Incorrect redirect_uri"}
