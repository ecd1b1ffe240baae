"""Logout token and k_push_not_before claims (Keycloak's TokenManager.initLogoutToken, PushNotBeforeAction)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import Client, ProtocolMapper, SessionEnded
from doorkeep.oauth import backchannel as bc
from doorkeep.oauth.mappers import pairwise

EVENT = "http://schemas.openid.net/event/backchannel-logout"


def client(**kw: Any) -> Client:
    return Client(id="c", realm_id="r", client_id="app", **kw)


def ended(**attributes: str) -> SessionEnded:
    return SessionEnded("r", "user-1", "session-1", client(attributes=attributes))


def test_the_logout_token_names_the_client_user_and_session() -> None:
    attributes = {"backchannel.logout.url": "https://a/x", "backchannel.logout.session.required": "true"}
    claims = bc.logout_claims(ended(**attributes), "https://id/realms/r", 100, "j")
    assert claims == {
        "iat": 100,
        "exp": 220,
        "jti": "j",
        "iss": "https://id/realms/r",
        "aud": "app",
        "sub": "user-1",
        "typ": "Logout",
        "sid": "session-1",
        "events": {EVENT: {}},
    }


@pytest.mark.parametrize(
    ("value", "has_sid"), [("true", True), ("TRUE", True), ("false", False), ("", False), (None, False)]
)
def test_sid_follows_backchannel_logout_session_required(value: str | None, has_sid: bool) -> None:
    attributes = {} if value is None else {"backchannel.logout.session.required": value}
    claims = bc.logout_claims(ended(**attributes), "i", 1, "j")
    assert ("sid" in claims) is has_sid, "Keycloak: Boolean.parseBoolean of the attribute, absent is false"


@pytest.mark.parametrize(("value", "revoke"), [("true", True), ("false", False), ("", False)])
def test_revoke_offline_tokens_adds_keycloaks_event(value: str, revoke: bool) -> None:
    claims = bc.logout_claims(ended(**{"backchannel.logout.revoke.offline.tokens": value}), "i", 1, "j")
    assert claims["events"].get("revoke_offline_access", False) is revoke
    assert claims["events"][EVENT] == {}


@pytest.mark.parametrize(
    ("url", "deliverable"),
    [
        ("https://app.example/bc", True),
        ("HTTP://127.0.0.1:1/bc", True),
        ("ftp://app.example/bc", False),
        ("file:///etc/passwd", False),
        ("", False),
        ("/relative", False),
    ],
)
def test_only_http_urls_are_posted_to(url: str, deliverable: bool) -> None:
    assert (bc.logout_url(client(attributes={"backchannel.logout.url": url})) is not None) is deliverable


@pytest.mark.parametrize("action", ["PUSH_NOT_BEFORE", "LOGOUT"])
def test_admin_actions_are_keycloaks(action: str) -> None:
    assert bc.admin_action_claims(client(), action, 50, 100, "j") == {
        "id": "j",
        "expiration": 130,
        "resource": "app",
        "action": action,
        "notBefore": 50,
    }


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({}, None),
        ({"admin_url": "https://app.example/admin"}, "https://app.example/admin"),
        ({"root_url": "https://app.example", "admin_url": "/admin"}, "https://app.example/admin"),
        ({"admin_url": "/admin"}, "https://id.example/admin"),
        ({"root_url": "${authBaseUrl}", "admin_url": "/x"}, "https://id.example/x"),
        ({"admin_url": "${authAdminUrl}"}, "https://id.example"),
    ],
)
def test_management_url_resolves_like_keycloak(kw: dict[str, Any], expected: str | None) -> None:
    assert bc.management_url(client(**kw), "https://id.example") == expected


def test_a_relative_management_url_without_root_joins_the_servers_origin_not_its_path() -> None:
    """ResolveRelative.resolveRelativeUri replaces the base URI's path: under ``--http-relative-path /auth`` the
    admin URL ``/app/admin`` is ``https://id.example/app/admin``, not a page under the identity server."""
    assert (
        bc.management_url(client(admin_url="/app/admin"), "https://id.example/auth") == "https://id.example/app/admin"
    )
    with_root = client(root_url="${authBaseUrl}", admin_url="/x")
    assert bc.management_url(with_root, "https://id.example/auth") == "https://id.example/auth/x"


def test_admin_action_targets_are_keycloaks_adapter_endpoints() -> None:
    assert (
        bc.action_target("https://app.example/admin/", bc.PUSH_NOT_BEFORE)
        == "https://app.example/admin/k_push_not_before"
    )
    assert (
        bc.action_target("https://app.example/admin", bc.PUSH_NOT_BEFORE)
        == "https://app.example/admin/k_push_not_before"
    )
    assert bc.action_target("https://app.example/admin", bc.LOGOUT) == "https://app.example/admin/k_logout"


def test_admin_action_targets_keep_the_query_and_fragment_as_keycloaks_uri_builder() -> None:
    """UriBuilder.fromUri(url).path(endpoint): the endpoint joins the path; a URL that cannot be split gets it at its
    end (its request then fails as an invalid URL), never an exception here."""
    assert bc.action_target("https://app.example/admin?t=a", bc.LOGOUT) == "https://app.example/admin/k_logout?t=a"
    assert bc.action_target("http://h/x#:8080/app", bc.LOGOUT) == "http://h/x/k_logout#:8080/app"
    assert bc.action_target("http://h", bc.LOGOUT) == "http://h/k_logout"
    assert bc.action_target("http://[::1/admin", bc.LOGOUT) == "http://[::1/admin/k_logout"


def test_a_client_with_a_pairwise_mapper_gets_the_pairwise_sub() -> None:
    """AbstractPairwiseSubMapper.transformLogoutToken (Keycloak 26): the logout token's ``sub`` is the one the
    client's tokens carry, by the sector of its one redirect host."""
    pairwise_mapper = ProtocolMapper(
        id="m", name="pairwise", mapper=pairwise.PAIRWISE_MAPPER, config={pairwise.SALT: "salt"}
    )
    app = client(redirect_uris=("https://rp.example/cb",), protocol_mappers=(pairwise_mapper,))
    claims = bc.logout_claims(SessionEnded("r", "user-1", "session-1", app), "https://id/realms/r", 100, "j")
    assert claims["sub"] == pairwise.generate_sub("rp.example", "user-1", "salt") != "user-1"


@pytest.mark.parametrize(
    ("notes", "state", "host", "expected"),
    [
        ({"iss": "x"}, None, None, None),  # the request names no adapter session: nothing to write
        ({"iss": "x"}, "s1", "h1", {"iss": "x", "client_session_state": "s1", "client_session_host": "h1"}),
        ({"client_session_state": "s1", "client_session_host": "h1"}, "s1", "h1", None),  # the same again
        ({"client_session_state": "s1", "client_session_host": "h1"}, "s2", None, {"client_session_state": "s2"}),
    ],
)
def test_the_adapter_session_of_a_token_request_is_noted_as_update_client_session_does(
    notes: dict[str, object], state: str | None, host: str | None, expected: dict[str, object] | None
) -> None:
    assert bc.adapter_notes(notes, state, host) == expected


def test_the_logout_action_goes_to_k_logout_with_the_noted_host_in_the_admin_url() -> None:
    app = client(admin_url="http://${application.session.host}:3000/app")
    noted = SessionEnded("r", "u", "s", app, adapter_session="a1", adapter_host="node-1.example")
    assert bc.adapter_logout_target(noted, "https://id") == "http://node-1.example:3000/app/k_logout"
    assert bc.adapter_logout_claims(noted, 100, "j") == {
        "id": "j",
        "expiration": 130,
        "resource": "app",
        "action": "LOGOUT",
        "adapterSessionIds": ["a1"],
        "notBefore": 0,
        "keycloakSessionIds": ["s"],
    }
