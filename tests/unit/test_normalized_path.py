"""Keycloak's RejectNonNormalizedPathFilter: Vert.x's normalizePath (RFC 3986 §5.2.4 plus unreserved decoding and
``//`` → ``/``), the semicolon refusal of Keycloak 26.6, and the option that turns both off."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from doorkeep.cli import main
from doorkeep.settings import Settings, option
from doorkeep.web.normalized_path import BODY, accepted, normalize, refused, remove_dot_segments

# RFC 3986 §5.2.4's two worked examples, and §5.4's dot-segment results relative to "/b/c/d;p?q" merged by hand.
RFC_EXAMPLES = [
    (b"/a/b/c/./../../g", b"/a/g"),
    (b"mid/content=5/../6", b"mid/6"),
    (b"/b/c/./g", b"/b/c/g"),
    (b"/b/c/g/", b"/b/c/g/"),
    (b"/b/c/.", b"/b/c/"),
    (b"/b/c/./", b"/b/c/"),
    (b"/b/c/..", b"/b/"),
    (b"/b/c/../", b"/b/"),
    (b"/b/c/../g", b"/b/g"),
    (b"/b/c/../..", b"/"),
    (b"/b/c/../../", b"/"),
    (b"/b/c/../../g", b"/g"),
    (b"/b/c/../../../g", b"/g"),
    (b"/b/c/../../../../g", b"/g"),
    (b"/./g", b"/g"),
    (b"/../g", b"/g"),
    (b"/b/c/g.", b"/b/c/g."),
    (b"/b/c/.g", b"/b/c/.g"),
    (b"/b/c/g..", b"/b/c/g.."),
    (b"/b/c/..g", b"/b/c/..g"),
    (b"/b/c/./../g", b"/b/g"),
    (b"/b/c/./g/.", b"/b/c/g/"),
    (b"/b/c/g/./h", b"/b/c/g/h"),
    (b"/b/c/g/../h", b"/b/c/h"),
]


@pytest.mark.parametrize(("path", "expected"), RFC_EXAMPLES)
def test_dot_segments_are_removed_as_rfc_3986_section_5_2_4_says(path: bytes, expected: bytes) -> None:
    assert remove_dot_segments(path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (b"//realms/master", b"/realms/master"),
        (b"/realms//master", b"/realms/master"),
        (b"/realms/master//", b"/realms/master/"),
        (b"/realms/%2e%2e/master", b"/master"),
        (b"/realms/x/%2E%2E/master", b"/realms/master"),
        (b"/realms/%2E/master", b"/realms/master"),
        (b"/realms/.%2e/master", b"/master"),
        (b"/realms/%6daster", b"/realms/master"),
        (b"/realms/a%7E%5f%2D", b"/realms/a~_-"),
        (b"/realms/a%2Fb", b"/realms/a%2Fb"),  # not unreserved: kept, so no traversal either
        (b"/realms/a%2fb", b"/realms/a%2fb"),  # nor is its case changed
        (b"/realms/%2F..%2F", b"/realms/%2F..%2F"),
        (b"/realms/%C3%A9", b"/realms/%C3%A9"),
        (b"/realms/%zz/../x", b"/realms/x"),  # a malformed escape is kept, the dot segments still go
        (b"/realms/x%", b"/realms/x%"),
    ],
)
def test_normalization_decodes_only_unreserved_escapes_and_collapses_double_slashes(
    path: bytes, expected: bytes
) -> None:
    assert normalize(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        b"/realms/x/../master",
        b"/realms/%2e%2e/master",
        b"/realms/%2E/master",
        b"//realms/master",
        b"/realms/master//protocol/openid-connect/certs",
        b"/realms/./master",
        b"/realms/master/.",
        b"/realms/master/..",
        b"/realms/master;jsessionid=abc",
        b"/realms/master/protocol/openid-connect/token;x",
        b"/realms/%6daster",
    ],
)
def test_hostile_paths_are_refused(path: bytes) -> None:
    assert refused(path), path


@pytest.mark.parametrize(
    "path",
    [
        b"/realms/master/protocol/openid-connect/token",
        b"/realms/master/protocol/openid-connect/token/",
        b"/realms/master/.well-known/openid-configuration",
        b"/realms/a.b/account",
        b"/realms/...",
        b"/realms/a%2Fb",
        b"/realms/%C3%A9",
        b"/realms/%zz",
        b"/",
        b"*",
        b"http://example.org/realms/x/../master",
    ],
)
def test_normalized_paths_and_what_is_not_origin_form_pass(path: bytes) -> None:
    assert not refused(path), path


def test_a_long_run_of_slashes_is_normalized_in_linear_time() -> None:
    assert normalize(b"/" * 200_000 + b"x") == b"/x"


def test_the_body_is_keycloak_s_oauth2_error_representation() -> None:
    assert json.loads(BODY) == {"error": "missingNormalization", "error_description": "Request path not normalized"}
    assert BODY == b'{"error":"missingNormalization","error_description":"Request path not normalized"}'


def test_accepting_them_routes_on_the_normalized_path_without_matrix_parameters() -> None:
    def path(raw: bytes) -> object:
        return accepted({"type": "http", "path": raw.decode(), "raw_path": raw})["path"]

    assert path(b"/realms/xxx/../master") == "/realms/master"
    assert path(b"/realms/master;xxx") == "/realms/master"
    assert path(b"//realms/a;b=c/%C3%A9") == "/realms/a/é"
    assert path(b"/realms/master") == "/realms/master"


def test_the_option_is_off_by_default_and_reaches_the_settings_from_keycloak_s_spellings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().http_accept_non_normalized_paths is False
    declared = option("http_accept_non_normalized_paths")
    assert declared.flag == "--http-accept-non-normalized-paths" and declared.keycloak_env == (
        "KC_HTTP_ACCEPT_NON_NORMALIZED_PATHS"
    )
    monkeypatch.setenv("KC_HTTP_ACCEPT_NON_NORMALIZED_PATHS", "true")
    out = CliRunner().invoke(main, ["show-config", "--dev"]).output
    assert "http-accept-non-normalized-paths = true (environment, KC_*)" in out, out
