"""Security sweep s52: the review's H1/H4 class again (oauth/redirect_uris.py, Keycloak's
RedirectUtils.verifyRedirectUri) with spellings a browser reads differently from a plain parser: backslashes, tabs
and line breaks a WHATWG URL parser drops, full-width dots, userinfo hidden behind encodings, ``..;`` and mixed
encodings of dot-segments, and schemes in odd case. Each request either is refused (no redirect) or redirects to a
host and path the registered pattern allows, as a browser would read the Location."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from browser_flow import start
from support import update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

PATTERNS = ("https://app.example/cb/*", "http://localhost:*", "myapp:/cb")


def _as_a_browser_reads(location: str) -> tuple[str, str, str]:
    """WHATWG URL parsing's differences from urlsplit that matter here: tab and line breaks removed, a backslash in
    a special URL read as a slash. The scheme, host and path the browser would go to."""
    cleaned = location.replace("\t", "").replace("\n", "").replace("\r", "")
    if cleaned.lower().startswith(("http:", "https:")):
        cleaned = cleaned.replace("\\", "/")
    parts = urlsplit(cleaned)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.path


def _allowed(scheme: str, host: str, path: str) -> bool:
    """Where the patterns let a browser go: under https://app.example/cb/, any localhost port, myapp:/cb."""
    if (scheme, host) == ("https", "app.example"):
        return path.startswith("/cb/") and ".." not in path
    return (scheme, host) == ("http", "localhost") or (scheme, host, path) == ("myapp", "", "/cb")


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example\\@evil.example/cb/",
        "https://app.example/cb/\\..\\..\\evil",
        "https://app.example\t.evil.example/cb/",
        "https://app.example/cb/..;/..;/evil",
        "https://app.example/cb/%2e%2E/%2E%2e/evil",
        "https://app.example/cb/.%2e/evil",
        "https://app.example/cb/%252e%252e/evil",
        "https://app.example/cb/..%2fevil",
        "https://app.example%2f@evil.example/cb/",
        "https://app.example%40evil.example/cb/",
        "https://app.example:443@evil.example/cb/",
        "https://app\u3002example/cb/",
        "https://evil.example#@app.example/cb/",
        "https://evil.example?@app.example/cb/",
        "HTTPS://APP.EXAMPLE/cb/x",
        "https:/\\evil.example/cb/",
        "https:evil.example/cb/",
        "//evil.example/cb/",
        "http://localhost:8080\\@evil.example/",
        "http://localhost:8080%2523@evil.example/",
        "http://localhost:@evil.example/",
        "http://localhost:80.evil.example/",
        "http://localhost:8080.evil.example/",
        "JavaScript:alert(1)//https://app.example/cb/",
        "myapp:/cb/../x",
        "MYAPP:/cb",
        "myapp://evil.example/cb",
    ],
)
async def test_a_redirect_goes_only_where_a_pattern_allows(realm: Env, uri: str) -> None:
    await update_client(realm.db, "test", "app", redirect_uris=PATTERNS)
    answer = await start(realm.http, "test", "app", redirect_uri=uri, prompt="none")
    if answer.status_code != 302:
        assert answer.status_code == 400 and "Invalid parameter: redirect_uri" in answer.text, answer.text[:300]
        return
    scheme, host, path = _as_a_browser_reads(answer.headers["location"])
    assert _allowed(scheme, host, path), (uri, answer.headers["location"])


@pytest.mark.parametrize("uri", ["https://app.example/cb/ok", "http://localhost:1234/x", "myapp:/cb"])
async def test_the_registered_forms_still_redirect(realm: Env, uri: str) -> None:
    """The control: what the patterns allow is answered with a redirect (``login_required``, no session)."""
    await update_client(realm.db, "test", "app", redirect_uris=PATTERNS)
    answer = await start(realm.http, "test", "app", redirect_uri=uri, prompt="none")
    assert answer.status_code == 302 and answer.headers["location"].startswith(uri), answer.text[:300]
