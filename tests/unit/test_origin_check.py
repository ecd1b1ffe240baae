"""The OIDC endpoints' web origins check (Keycloak 26.6.3 DefaultCors.checkOrigin): which Origin passes."""

from __future__ import annotations

import pytest

from doorkeep.errors import INVALID_ORIGIN, AdminError
from doorkeep.model import Client, Realm
from doorkeep.oauth.context import Form, OAuthRequest
from doorkeep.oauth.origin_check import check_allowed_origins, origin_refused

ISSUER = "https://sso.example:8443/realms/r"


def request(origin: str | None) -> OAuthRequest:
    return OAuthRequest(realm=Realm(id="r", name="r"), issuer=ISSUER, form=Form([]), origin=origin)


def client(*web_origins: str) -> Client:
    return Client(
        id="c", realm_id="r", client_id="app", redirect_uris=("https://spa.example/cb/*",), web_origins=web_origins
    )


@pytest.mark.parametrize(
    ("web_origins", "origin"),
    [
        (("https://spa.example",), None),  # not a CORS request
        ((), None),
        (("https://spa.example",), "https://spa.example"),
        (("+",), "https://spa.example"),  # the redirect URIs' origins
        (("*",), "https://anyone.example"),
        (("*",), "null"),
        ((), "https://sso.example:8443"),  # this server's own origin: a same-origin page
        (("https://spa.example",), "https://sso.example:8443"),
    ],
)
def test_an_allowed_absent_or_same_origin_passes(web_origins: tuple[str, ...], origin: str | None) -> None:
    req = request(origin)
    assert not origin_refused(req, client(*web_origins))
    check_allowed_origins(req, client(*web_origins))
    assert not req.cors.anyone and req.cors.client is None  # the caller narrows the CORS reach, not the check


@pytest.mark.parametrize(
    ("web_origins", "origin"),
    [
        ((), "https://spa.example"),  # no web origins: only the same origin
        (("https://spa.example",), "https://spa.example.evil.example"),
        (("https://spa.example",), "http://spa.example"),  # the scheme counts
        (("https://spa.example",), "https://spa.example:443"),  # compared as written, as Keycloak compares
        (("https://spa.example",), "https://spa.example/"),
        (("+",), "https://evil.example"),
        (("https://spa.example",), "null"),
        (("https://spa.example",), "https://sso.example"),  # this host on another port is another origin
        (("https://spa.example",), ""),  # an empty Origin header is an origin no client allows
        (("https://spa.example",), "https://SPA.example"),  # compared as written: no case folding
        (("https://spa.example",), "https://spa.example@evil.example"),  # userinfo-looking, another host
        (("https://spa.example",), "https://spa.example, https://evil.example"),  # a list is no origin
        (("https://spa.example",), "https://sso.example:8443.evil.example"),  # the server's origin as a prefix
        (("https://spa.example",), "https://sso.example:8443/"),  # the server's origin with a path
    ],
)
def test_any_other_origin_is_refused_with_invalid_origin(web_origins: tuple[str, ...], origin: str) -> None:
    assert origin_refused(request(origin), client(*web_origins))
    with pytest.raises(AdminError) as refused:
        check_allowed_origins(request(origin), client(*web_origins))
    assert refused.value is INVALID_ORIGIN
    assert (refused.value.status, refused.value.body()) == (403, {"error": "Invalid origin"})
