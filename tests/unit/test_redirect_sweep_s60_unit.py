"""A path without a root URL joins the server's origin, never its path (RedirectUtils.relativeToAbsoluteURI:
``UriUtils.getOrigin(getBaseUri())``; ResolveRelative.resolveRelativeUri: ``replacePath``). Under
--http-relative-path ``/auth`` (or a --hostname with a path) a client's relative redirect pattern ``/app/*`` is
``https://kc.example/app/*``, as in Keycloak: not ``https://kc.example/auth/app/*``, which let a client's code go to
paths under the identity server's own and refused the client's own pages. ``${authBaseUrl}`` keeps the path."""

from __future__ import annotations

import pytest

from doorkeep.clientpolicies.executors_uris import resolved_uris
from doorkeep.model import Client
from doorkeep.oauth.redirect_uris import post_logout, registered, resolve, server_origin, verify
from doorkeep.users.account import effective_url
from doorkeep.web.client_redirect import resolved, target

BASE = "https://kc.example/auth"  # the server's base URL under --http-relative-path /auth


def _client(redirects: tuple[str, ...], root_url: str | None = None, base_url: str | None = None) -> Client:
    return Client(id="c", realm_id="r", client_id="app", redirect_uris=redirects, root_url=root_url, base_url=base_url)


@pytest.mark.parametrize("root", [None, ""])
def test_a_relative_pattern_without_a_root_url_is_on_the_servers_origin(root: str | None) -> None:
    assert verify("https://kc.example/app/x", ["/app/*"], root, BASE) == "https://kc.example/app/x"
    assert verify("https://kc.example/auth/app/x", ["/app/*"], root, BASE) is None
    assert verify("https://kc.example/app", ["/app"], root, BASE) == "https://kc.example/app"
    assert registered(_client(("/app/*",), root), BASE) == ["https://kc.example/app/*"]


def test_a_relative_requested_uri_is_made_absolute_on_the_servers_origin() -> None:
    assert verify("/x", ["*"], None, BASE) == "https://kc.example/x"
    assert resolve("/cb", _client(("*",)), BASE) == "https://kc.example/cb"
    assert post_logout("/bye", _client(("*",)), BASE) == "https://kc.example/bye"


def test_the_auth_base_url_placeholder_and_a_root_url_keep_their_paths() -> None:
    assert verify("https://kc.example/auth/x", ["/x"], "${authBaseUrl}", BASE) == "https://kc.example/auth/x"
    assert verify("https://kc.example/x", ["/x"], "${authBaseUrl}", BASE) is None
    assert verify("https://app.example/root/x", ["/x"], "https://app.example/root", BASE) == (
        "https://app.example/root/x"
    )


def test_the_back_to_application_link_and_the_client_redirect_resolve_alike() -> None:
    home = _client(("https://app.example/*",), base_url="/home")
    assert effective_url(home, BASE) == "https://kc.example/home"
    assert resolved("/home", BASE) == "https://kc.example/home"
    assert target(home, BASE) == "https://kc.example/home"
    placeholder = _client(("https://app.example/*",), root_url="${authBaseUrl}", base_url="/realms/x/account/")
    assert effective_url(placeholder, BASE) == "https://kc.example/auth/realms/x/account/"
    assert resolved("${authBaseUrl}/realms/x/account/", BASE) == "https://kc.example/auth/realms/x/account/"


@pytest.mark.parametrize(
    ("base", "origin"),
    [
        ("https://kc.example/auth", "https://kc.example"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://kc.example:8443/a/b", "https://kc.example:8443"),
        ("https://[::1]:8443/auth", "https://[::1]:8443"),
    ],
)
def test_the_servers_origin_is_its_scheme_host_and_port(base: str, origin: str) -> None:
    assert server_origin(base) == origin


def test_the_secure_redirect_uris_enforcer_resolves_a_relative_uri_on_the_servers_origin() -> None:
    """SecureRedirectUrisEnforcerExecutor checks what RedirectUtils.resolveValidRedirects makes of each URI."""
    assert resolved_uris(None, BASE, ["/app/*", "https://app.example/cb"]) == [
        "https://kc.example/app/*",
        "https://app.example/cb",
    ]
    assert resolved_uris("${authBaseUrl}", BASE, ["/x"]) == ["https://kc.example/auth/x"]
