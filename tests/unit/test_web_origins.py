"""Web origin ``+``: the origins of the redirect URIs, with no wildcard escaping the host."""

from __future__ import annotations

import pytest

from doorkeep.model import Client
from doorkeep.oauth.claims import origin_allowed


def client(*redirects: str, origins: tuple[str, ...] = ("+",)) -> Client:
    return Client(id="c", realm_id="r", client_id="app", redirect_uris=redirects, web_origins=origins)


@pytest.mark.parametrize(
    ("redirect", "candidate", "expected"),
    [
        ("http://localhost:*", "http://localhost:3000", True),
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
    assert origin_allowed(client(redirect), candidate) is expected


def test_explicit_and_star_web_origins() -> None:
    assert origin_allowed(client(origins=("https://x.example",)), "https://x.example")
    assert not origin_allowed(client(origins=("https://x.example",)), "https://y.example")
    assert origin_allowed(client(origins=("*",)), "https://y.example")
