"""Attacker sweep of redirect URIs (security review H1, H4): every spelling of an escape from a registered
pattern, sent to every place that redirects to a client-supplied URI, against the one validator
(oauth/redirect_uris.py, Keycloak 26's RedirectUtils.verifyRedirectUri).

The places: the authorization endpoint in each response mode (``query``, ``fragment``, ``form_post``,
``query.jwt``), with ``kc_action``, in a request object, given twice, a pushed authorization request, ``post_logout_redirect_uri`` at logout,
and the account console's ``referrer_uri``. Each refusal is checked together with an honest URI that the same
client is allowed, so that a test cannot pass by refusing everything.

The registered patterns follow Keycloak's wildcard rules (RedirectUtils.checkValidRedirectWildcard,
redirectUriStartsWith): ``https://app.example.com*`` ends its ``*`` in the authority, so it means
``https://app.example.com/*`` and never reaches another host (``https://app.example.com.evil.example``) or
another port; ``http://localhost:*`` is a port wildcard and needs an explicit port; ``myapp:/cb/*`` allows that
custom scheme, ``*`` allows ``http(s)`` only.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from browser_flow import exchange, login, start
from console_support import sign_in
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTH = "/realms/test/protocol/openid-connect/auth"
PAR = "/realms/test/protocol/openid-connect/ext/par/request"
LOGOUT = "/realms/test/protocol/openid-connect/logout"
ACCOUNT = "/realms/test/account"
PATTERNS = ("https://app.example.com*", "http://localhost:*", "https://ok.example/cb/*", "myapp:/cb/*")
MODES = ("query", "fragment", "form_post", "query.jwt")
HONEST = [
    "https://app.example.com",
    "https://app.example.com/",
    "https://app.example.com/deep/path?x=1",
    "HTTPS://APP.EXAMPLE.COM/cb",
    "http://localhost:3000/cb",
    "https://ok.example/cb/x/y",
    "https://ok.example/cb",
    "https://ok.example/cb/./x",
    "https://ok.example/cb/.../x",
    "https://ok.example/cb/%25252e%25252e/x",  # three encodings: a server decoding once sees no dot
    "https://ok.example/cb/x#@evil.example",  # a fragment never changes the host
    "myapp:/cb/done",
]
HOSTILE = [
    # the host stretched past an authority wildcard, or another port under it
    "https://app.example.com.evil.example/cb",
    "https://app.example.community/",
    "https://app.example.com:8443/cb",
    "https://app.example.com./cb",
    # userinfo: the browser goes to the host after "@"
    "https://app.example.com@evil.example/",
    "https://app.example.com:@evil.example/",
    "http://localhost:@evil.example/cb",
    "http://localhost:3000@evil.example/",
    "http://LOCALHOST:3000@evil.example/",
    "https://ok.example%2fcb%2f@evil.example/",
    "https://app.example.com%40evil.example/",
    "https://app.example.com\\@evil.example/",
    # another host that starts like the registered one
    "http://localhost.evil.example:3000/",
    "http://localhost:3000.evil.example/",
    "https://аpp.example.com/cb",  # a Cyrillic "а"
    "https://app.example.com\u3002evil.example/",  # an ideographic full stop
    "http://localhost/cb",  # a port wildcard needs a port
    # dot segments above a path wildcard, in every spelling
    "https://ok.example/cb/../../evil",
    "https://ok.example/cb/..",
    "https://ok.example/cb/%2e%2e/%2E%2E/evil",
    "https://ok.example/cb/.%2e/evil",
    "https://ok.example/cb/%252e%252e/evil",
    "https://ok.example/cb%2f..%2fevil",
    "https://ok.example/cb%2F%2E%2E%2Fevil",
    "https://ok.example/cb/..%2fevil",
    "https://ok.example/cb/..%5cevil",
    "https://ok.example/cb%5c..%5cevil",
    "https://ok.example/cb\\..\\evil",
    "https://ok.example/cb/..;/evil",
    "https://ok.example/cb/..%3b/evil",
    "https://ok.example/cb/..%00",
    "myapp:/cb/../../evil",
    # scheme-relative, relative and malformed
    "//evil.example/cb",
    "/\\evil.example/cb",
    "\\\\evil.example\\cb",
    "https:evil.example/cb",
    "https:/evil.example/cb",
    "https:///evil.example/cb",
    "https://ok.example/cb/\tx",
    " https://ok.example/cb/x",
    "https://ok.example/cb/x y",
    "https://ok.example/cb/%zz",
    "https://ok.example/cb/x#a#b",
    "https://[::1/cb",
    "https://ok.example:99999/cb/x",
    # script and other schemes, whatever is registered
    "javascript:alert(document.domain)//",
    "JaVaScRiPt:alert(1)",
    "javascript://ok.example/cb/%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "myapp://evil/cb",
    "otherapp:/cb/x",
    # the response parameters already in the URI (parameter pollution)
    "https://ok.example/cb/x?code=forged",
    "https://ok.example/cb/x#state=forged",
]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(
        env.db, "test", "app", name="The App", redirect_uris=PATTERNS, attributes={"post.logout.redirect.uris": "+"}
    )
    await seed_client(env.db, "test", "star", public=True, redirect_uris=("*",))
    await seed_client(env.db, "test", "native", public=True, redirect_uris=("http://127.0.0.1/cb", "http://[::1]/cb"))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def refused_page(response: httpx.Response, message: str, uri: str) -> None:
    assert response.status_code == 400, (uri, response.status_code, response.headers.get("location"))
    assert "location" not in response.headers, uri
    assert message in response.text, (uri, response.text[:300])
    assert "document.forms" not in response.text and "evil" not in response.text.lower().split("<body", 1)[-1], uri


def login_page(response: httpx.Response, uri: str) -> None:
    assert response.status_code == 200 and 'name="password"' in response.text, (uri, response.status_code)


async def test_auth_refuses_every_hostile_variant_in_every_response_mode(realm: Env) -> None:
    await login(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x")  # an SSO session exists
    for uri in HOSTILE:
        for mode in MODES:
            response = await start(realm.http, "test", "app", redirect_uri=uri, response_mode=mode)
            refused_page(response, "Invalid parameter: redirect_uri", f"{uri} ({mode})")


async def test_auth_accepts_the_honest_variants_and_sends_the_code_there(realm: Env) -> None:
    for uri in HONEST:
        login_page(await start(realm.http, "test", "app", redirect_uri=uri), uri)
    params = await login(realm.http, "test", "app", redirect_uri="https://app.example.com/deep/path?x=1")
    body = await exchange(
        realm.http, "test", "app", params["code"], redirect_uri="https://app.example.com/deep/path?x=1"
    )
    assert body.status_code == 200, body.text


async def test_an_authority_wildcard_reaches_neither_another_host_nor_another_port(realm: Env) -> None:
    """RedirectUtilsTest.testWildcards: ``https://test*`` allows ``https://test`` and ``https://test/…`` only."""
    for uri in ("https://app.example.com.evil.example/cb", "https://app.example.comx/", "https://app.example.com:444/"):
        refused_page(await start(realm.http, "test", "app", redirect_uri=uri), "Invalid parameter: redirect_uri", uri)
    for uri in ("https://app.example.com", "https://app.example.com/x"):
        login_page(await start(realm.http, "test", "app", redirect_uri=uri), uri)


async def test_kc_action_and_prompt_none_take_the_same_check(realm: Env) -> None:
    await login(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x")
    for uri in HOSTILE[:20]:
        for extra in ({"kc_action": "UPDATE_PASSWORD"}, {"prompt": "none"}, {"prompt": "login"}):
            response = await start(realm.http, "test", "app", redirect_uri=uri, **extra)
            refused_page(response, "Invalid parameter: redirect_uri", f"{uri} {extra}")
    done = await start(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x", prompt="none")
    assert done.status_code == 302 and done.headers["location"].startswith("https://ok.example/cb/x?")


async def test_a_star_pattern_allows_http_and_https_only(realm: Env) -> None:
    for uri in ("javascript:alert(1)", "data:text/html,x", "myapp:/cb/x", "file:///etc/passwd", "ftp://evil.example/"):
        for mode in MODES:
            response = await start(
                realm.http, "test", "star", redirect_uri=uri, response_type="code", response_mode=mode
            )
            refused_page(response, "Invalid parameter: redirect_uri", f"{uri} ({mode})")
    for uri in ("https://anywhere.example/cb", "http://anywhere.example:8080/"):
        login_page(await start(realm.http, "test", "star", redirect_uri=uri), uri)


async def test_loopback_any_port_but_never_userinfo_or_another_host(realm: Env) -> None:
    """RFC 8252 §7.3 (RedirectUtilsTest.testVerifyRedirectUriNative): a loopback URI registered without a port
    takes any port, over ``http`` only, with exactly the registered path."""
    for uri in ("http://127.0.0.1:49152/cb", "http://[::1]:1/cb", "http://127.0.0.1/cb"):
        login_page(await start(realm.http, "test", "native", redirect_uri=uri), uri)
    for uri in (
        "http://127.0.0.1:49152@evil.example/cb",
        "http://127.0.0.1@evil.example/cb",
        "http://[::1]:1@evil.example/cb",
        "https://127.0.0.1:49152/cb",
        "http://127.0.0.1:49152/cb/x",
        "http://127.0.0.2:49152/cb",
        "http://127.1:49152/cb",
        "http://[0:0::1]:49152/cb",
        "http://[::ffff:127.0.0.1]:49152/cb",
        "http://localhost:49152/cb",
        "http://127.0.0.1.evil.example:49152/cb",
    ):
        refused_page(
            await start(realm.http, "test", "native", redirect_uri=uri), "Invalid parameter: redirect_uri", uri
        )


async def test_par_refuses_every_hostile_variant(realm: Env) -> None:
    form = {"client_id": "app", "client_secret": "secret", "response_type": "code", "scope": "openid"}
    for uri in HOSTILE:
        response = await realm.http.post(PAR, data={**form, "redirect_uri": uri})
        assert response.status_code == 400, (uri, response.text)
        assert response.json() == {"error": "invalid_request", "error_description": "Invalid parameter: redirect_uri"}
    ok = await realm.http.post(PAR, data={**form, "redirect_uri": "https://app.example.com/cb"})
    assert ok.status_code == 201, ok.text


async def test_logout_refuses_every_hostile_post_logout_uri_and_keeps_the_session(realm: Env) -> None:
    params = await login(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x")
    tokens = (await exchange(realm.http, "test", "app", params["code"], redirect_uri="https://ok.example/cb/x")).json()
    for uri in HOSTILE[:-2]:  # logout allows response parameters in the URI: its state replaces any there
        for query in ({"id_token_hint": tokens["id_token"]}, {"client_id": "app"}):
            response = await realm.http.get(LOGOUT, params={**query, "post_logout_redirect_uri": uri, "state": "s"})
            refused_page(response, "Invalid redirect uri", uri)
    still = await start(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x", prompt="none")
    assert still.status_code == 302 and "code=" in still.headers["location"]
    done = await realm.http.get(
        LOGOUT, params={"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": "https://app.example.com/bye"}
    )
    assert (done.status_code, done.headers.get("location")) == (302, "https://app.example.com/bye")


async def test_the_account_console_back_link_takes_only_a_registered_uri(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/?referrer=app&referrer_uri=https://app.example.com/home")
    assert '<a class="back" href="https://app.example.com/home">Back to The App</a>' in page.text
    for uri in HOSTILE:
        response = await realm.http.get(
            f"{ACCOUNT}/", params={"referrer": "app", "referrer_uri": uri}, headers={"Accept": "text/html"}
        )
        assert response.status_code == 200, (uri, response.status_code)
        assert "Back to" not in response.text, uri


def unsigned(claims: dict[str, Any]) -> str:
    """A request object signed with ``none`` (accepted by a client that names no request object algorithm)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return part({"alg": "none"}) + "." + part(claims) + "."


async def test_a_request_objects_redirect_uri_takes_the_same_check(realm: Env) -> None:
    await login(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x")
    for uri in [*HOSTILE[:20], "javascript:alert(1)"]:
        claims = {"client_id": "app", "redirect_uri": uri, "response_type": "code", "scope": "openid", "state": "s"}
        response = await start(
            realm.http, "test", "app", redirect_uri="https://ok.example/cb/x", request=unsigned(claims)
        )
        refused_page(response, "Invalid parameter: redirect_uri", uri)
    claims = {"client_id": "app", "redirect_uri": "https://ok.example/cb/y", "response_type": "code", "scope": "openid"}
    done = await start(realm.http, "test", "app", redirect_uri="https://ok.example/cb/x", request=unsigned(claims))
    assert done.status_code == 302 and done.headers["location"].startswith("https://ok.example/cb/y?"), done.text


async def test_a_second_redirect_uri_parameter_never_picks_the_target(realm: Env) -> None:
    """A duplicated parameter is an error, sent to the first ``redirect_uri`` only once it is verified."""
    query = "client_id=app&response_type=code&scope=openid&state=s"
    for first, second in (
        ("https://evil.example/", "https://ok.example/cb/x"),
        ("http://localhost:@evil.example/", "http://localhost:3000/"),
    ):
        response = await realm.http.get(f"{AUTH}?{query}&redirect_uri={first}&redirect_uri={second}")
        refused_page(response, "Invalid parameter: redirect_uri", first)
    response = await realm.http.get(
        f"{AUTH}?{query}&redirect_uri=https://ok.example/cb/x&redirect_uri=https://evil.example/"
    )
    assert response.status_code == 302, response.text
    assert response.headers["location"].startswith(
        "https://ok.example/cb/x?error=invalid_request&error_description=duplicated+parameter"
    )
