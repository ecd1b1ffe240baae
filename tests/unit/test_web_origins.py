"""Web origin ``+``: the origins of the redirect URIs, with no wildcard escaping the host."""

from __future__ import annotations

import pytest

from doorkeep.model import Client
from doorkeep.oauth.claims import allowed_origins, default_web_origins, origin_allowed

BASE = "https://sso.example"


def client(*redirects: str, origins: tuple[str, ...] = ("+",), root_url: str | None = None) -> Client:
    return Client(
        id="c", realm_id="r", client_id="app", redirect_uris=redirects, web_origins=origins, root_url=root_url
    )


@pytest.mark.parametrize(
    ("redirect", "candidate", "expected"),
    [
        ("http://localhost:*", "http://localhost:3000", False),  # getOrigin keeps "http://localhost:*"
        ("http://localhost:*", "http://localhost:*", False),
        ("http://localhost:*", "http://localhost:3000.evil.example", False),
        ("http://localhost:*", "http://localhost.evil.example", False),
        ("http://localhost:*", "http://localhost:", False),
        ("https://app.example/*", "https://app.example", True),
        ("https://app.example/*", "https://app.example.evil.example", False),
        ("https://app.example*", "https://app.example.evil.example", False),
        ("https://app.example*", "https://app.example", False),
        ("https://app.example:8443/cb", "https://app.example:8443", True),
        ("http://127.0.0.1:9999/*", "http://127.0.0.1:9999", True),
        ("http://127.0.0.1/*", "http://127.0.0.1:5000", False),
        ("*", "https://anything.example", False),
    ],
)
def test_plus_allows_only_the_redirect_uris_origins(redirect: str, candidate: str, expected: bool) -> None:
    assert origin_allowed(client(redirect), candidate, BASE) is expected


def test_explicit_and_star_web_origins() -> None:
    assert origin_allowed(client(origins=("https://x.example",)), "https://x.example", BASE)
    assert not origin_allowed(client(origins=("https://x.example",)), "https://y.example", BASE)
    assert origin_allowed(client(origins=("*",)), "https://y.example", BASE)


@pytest.mark.parametrize(
    ("root_url", "expected"),
    [
        ("http://rel.example:4000", "http://rel.example:4000"),
        (None, BASE),
        ("${authAdminUrl}", BASE),  # the security-admin-console's root URL
    ],
)
def test_plus_resolves_relative_redirect_uris_as_keycloak_does(root_url: str | None, expected: str) -> None:
    """WebOriginsUtils.resolveValidWebOrigins takes RedirectUtils.resolveValidRedirects: a relative redirect URI is
    made absolute against the root URL, or the server's own URL."""
    relative = client("/cb/*", root_url=root_url)
    assert allowed_origins(relative, BASE) == [expected]
    assert origin_allowed(relative, expected, BASE)
    assert not origin_allowed(relative, "https://other.example", BASE)


def test_plus_takes_only_http_and_https_redirect_uris() -> None:
    assert allowed_origins(client("myapp://cb", "https://app.example/cb"), BASE) == ["https://app.example"]


def test_a_new_client_without_web_origins_takes_its_redirect_uris_origins() -> None:
    """RepresentationToModel.createClient, for a representation with no ``webOrigins``."""
    new = client(
        "http://a.example:8080/cb/*", "https://b.example/x", "http://a.example:8080/other", "app:/cb", origins=()
    )
    assert default_web_origins({}, new).web_origins == ("http://a.example:8080", "https://b.example")
    assert default_web_origins({"webOrigins": []}, new).web_origins == ()
    assert default_web_origins({}, client(origins=())).web_origins == ()


@pytest.mark.parametrize(
    ("redirect", "expected"),
    [
        ("https://user:secret@app.example/cb", ("https://app.example",)),  # user information is no part of it
        ("https://a@b@app.example:8443/cb", ("https://app.example:8443",)),
        ("http://[::1]:8080/cb", ("http://[::1]:8080",)),
        ("http://*", ()),  # a wildcard host gives no origin
        ("javascript:alert(1)", ()),
        ("http://@/cb", ()),  # nothing left once the user information is dropped
    ],
)
def test_a_hostile_redirect_uri_gives_a_plain_origin_or_none(redirect: str, expected: tuple[str, ...]) -> None:
    """Hostile variants of the default web origins: no credentials copied into webOrigins, never a wildcard."""
    assert default_web_origins({}, client(redirect, origins=())).web_origins == expected
    assert origin_allowed(client(redirect, origins=("+",)), "https://user:secret@app.example", BASE) is False
