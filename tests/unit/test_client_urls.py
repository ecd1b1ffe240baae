"""Client URL validation (Keycloak's DefaultClientValidationProvider.validateUrls)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import Client
from doorkeep.oauth.client_urls import UrlError, message, url_errors


def client(**kw: Any) -> Client:
    return Client(id="c", realm_id="r", client_id="app", **kw)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"root_url": "https://app.example", "base_url": "/home", "redirect_uris": ("/cb/*", "/other")},
        {"root_url": "${authBaseUrl}", "base_url": "/realms/x/account/", "redirect_uris": ("/realms/x/account/*",)},
        {"root_url": "${authAdminUrl}", "base_url": "/admin/x/console/", "admin_url": "${authAdminUrl}"},
        {
            "redirect_uris": (
                "*",
                "+",
                "http://localhost:*",
                "http://127.0.0.1/*",
                "myapp:*",
                "myapp://cb",
                "com.example.app:/oauth2redirect",
                "http://[::1]:8080/cb",
                "https://app.example/cb?x=1",
            )
        },
        {"base_url": "https://app.example/home", "admin_url": "https://app.example/admin"},
        {"attributes": {"post.logout.redirect.uris": "+##https://app.example/bye##myapp:*"}},
        {"attributes": {"post.logout.redirect.uris": "https://app.example/bye#section"}},
        {"redirect_uris": ("invalid", "cb/*", "../up")},  # relative-path references, as java.net.URI parses them
        {"attributes": {"logoUri": "data:image/png;base64,iVBORw0KGgo=", "policyUri": "https://app.example/p"}},
        {"attributes": {"logoUri": "logo.png", "tosUri": "https://app.example/tos", "use.jwks.url": "true"}},
    ],
)
def test_valid_client_urls_pass(kw: dict[str, Any]) -> None:
    assert url_errors(client(**kw)) == []


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        (
            {"redirect_uris": ("https://ok.example/*", "javascript:alert(1)")},
            [UrlError("redirectUris[1]", "A redirect URI uses an illegal scheme")],
        ),
        (
            {"redirect_uris": ("JavaScript:alert(1)",)},
            [UrlError("redirectUris[0]", "A redirect URI uses an illegal scheme")],
        ),
        (
            {"redirect_uris": ("data:text/html;base64,PHNjcmlwdD4=",)},
            [UrlError("redirectUris[0]", "A redirect URI uses an illegal scheme")],
        ),
        (
            {"redirect_uris": ("https://ok.example/a b",)},
            [UrlError("redirectUris[0]", "A redirect URI is not a valid URI")],
        ),
        (
            {"redirect_uris": ("https://ok.example/cb#x",)},
            [UrlError("redirectUris[0]", "Redirect URIs must not contain an URI fragment")],
        ),
        (
            {"redirect_uris": ("https://*.example.com/*",)},
            [UrlError("redirectUris[0]", "A redirect URI is not a valid URI")],
        ),
        (
            {"redirect_uris": ("invalid#x", "http:*")},
            [
                UrlError("redirectUris[0]", "Redirect URIs must not contain an URI fragment"),
                UrlError("redirectUris[1]", "A redirect URI is not a valid URI"),  # a scheme: not relative
            ],
        ),
        (
            {"attributes": {"logoUri": "JavaScript:x"}},
            [UrlError("attributes.logoUri", "Logo URL uses an illegal scheme")],
        ),
        ({"root_url": "javascript:alert(1)"}, [UrlError("rootUrl", "Root URL uses an illegal scheme")]),
        ({"root_url": "invalid"}, [UrlError("rootUrl", "Root URL is not a valid URL")]),
        ({"root_url": "myapp://some-fake-app"}, [UrlError("rootUrl", "Root URL is not a valid URL")]),
        ({"root_url": "https://ok.example/#f"}, [UrlError("rootUrl", "Root URL must not contain an URL fragment")]),
        ({"base_url": "vbscript:x"}, [UrlError("baseUrl", "Base URL uses an illegal scheme")]),
        ({"base_url": "https://ok.example/%"}, [UrlError("baseUrl", "Base URL is not a valid URL")]),
        ({"admin_url": "data:,x"}, [UrlError("adminUrl", "Admin URL uses an illegal scheme")]),
        (
            {"attributes": {"post.logout.redirect.uris": "+##javascript:alert(1)"}},
            [UrlError("attributes.post.logout.redirect.uris[1]", "A post logout redirect URI uses an illegal scheme")],
        ),
        (
            {"root_url": "javascript:x", "redirect_uris": ("/cb",)},
            [
                UrlError("rootUrl", "Root URL uses an illegal scheme"),
                UrlError("redirectUris[0]", "A redirect URI uses an illegal scheme"),
            ],
        ),
    ],
)
def test_invalid_client_urls_are_named(kw: dict[str, Any], expected: list[UrlError]) -> None:
    assert url_errors(client(**kw)) == expected


def test_the_message_joins_distinct_messages_as_keycloak_does() -> None:
    errors = url_errors(client(redirect_uris=("javascript:a", "data:b"), base_url="javascript:c"))
    assert message(errors) == "Base URL uses an illegal scheme; A redirect URI uses an illegal scheme"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("javascript:alert(1)", "Backchannel logout URL uses an illegal scheme"),
        ("DATA:text/html,x", "Backchannel logout URL uses an illegal scheme"),
        ("https://app.example/a b", "Backchannel logout URL is not a valid URL"),
        ("myapp://logout", "Backchannel logout URL is not a valid URL"),
        ("not a url", "Backchannel logout URL is not a valid URL"),
    ],
)
def test_an_invalid_backchannel_logout_url_is_refused(url: str, expected: str) -> None:
    errors = url_errors(client(attributes={"backchannel.logout.url": url}))
    assert errors == [UrlError("attributes.backchannel.logout.url", expected)]


@pytest.mark.parametrize(
    "kw",
    [
        {"attributes": {"backchannel.logout.url": "https://app.example/logout"}},
        {"attributes": {"backchannel.logout.url": "http://127.0.0.1:8081/bc"}},
        {"root_url": "https://app.example", "attributes": {"backchannel.logout.url": "/logout"}},
        {"attributes": {"backchannel.logout.url": ""}},
    ],
)
def test_a_valid_backchannel_logout_url_passes(kw: dict[str, Any]) -> None:
    assert url_errors(client(**kw)) == []
