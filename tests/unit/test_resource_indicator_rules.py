"""The resource-indicators feature's pure rules: Keycloak's ResourceIndicatorValidation (over java.net.URI's
grammar) and ResourceIndicatorsPostProcessor's binding of a grant to the resource of the grant it continues."""

from __future__ import annotations

import pytest

from doorkeep import errors as e
from doorkeep import features
from doorkeep.oauth.resource_indicators import target
from doorkeep.oauth.resource_syntax import valid

# Keycloak's ResourceIndicatorValidationTest (26.6-26.8) first, then java.net.URI's edges
VALID = [
    "urn:client:something",
    "urn:client:asdfasdfs23_asdfasefr43_asdf34f43-asdf34avdrvdr",
    "urn:something:something",
    "https://something",
    "https://something:8080",
    "https://something:8080/something",
    "https://something/something",
    "URN:client:x",  # the scheme is compared ignoring case, the pattern too
    "urn:a:test",  # a one-letter namespace: Keycloak's pattern allows it (RFC 8141 would not)
    "urn:x:a%2Fb",
    "https:///path",  # java.net.URI allows an empty authority before a path
    "https://host:port/x",  # not a server, so a registry-based authority
    "https://[::1]:8443/x",
    "https://h/ü",  # a visible character beyond US-ASCII ("other")
    "ftp://h/x",  # no scheme is singled out
    "https:/path",
]
INVALID = [
    "urn:client:something#something",
    "urn:client:something?foo=bar",
    "https://something#something",
    "https://something?something",
    "/something",
    "https://x#",  # an empty fragment is still a fragment (getFragment() != null)
    "https://x?",
    "https:opaque",  # getPath() == null
    "mailto:a@b",
    "https://",  # "Expected authority"
    "",
    "x",
    ":x",  # "Expected scheme name"
    "1https://x",
    "urn:client:",
    "urn:example:foo/bar",  # the pattern has no "/" (keycloak#52324, open)
    "urn:-x:y",  # a namespace starts with a letter or digit
    "https://a b",
    "https://h/a b",
    "https://h/%zz",
    "https://h/%4",
    "https://h/a{b}",
    "https://[zz]/",
    "https://h/\u00a0",  # a space separator
    "https://h/\u0085",  # an ISO control character
    "urn:client:x\n",  # matches() must consume a final line terminator
]


@pytest.mark.parametrize("value", VALID)
def test_well_formed_resources(value: str) -> None:
    assert valid(value)


@pytest.mark.parametrize("value", INVALID)
def test_malformed_resources(value: str) -> None:
    assert not valid(value)


def test_a_grant_of_its_own_takes_its_resource_or_none() -> None:
    assert target(None, None, continues=False) is None
    assert target("urn:client:a", None, continues=False) == "urn:client:a"


def test_a_continued_grant_keeps_the_original_resource() -> None:
    """Authorization code and refresh: none given is the original; the same one passes."""
    assert target(None, "https://a", continues=True) == "https://a"
    assert target("https://a", "https://a", continues=True) == "https://a"
    assert target(None, None, continues=True) is None


@pytest.mark.parametrize(("requested", "original"), [("https://b", "https://a"), ("https://a", None)])
def test_another_resource_or_one_the_original_grant_lacked_is_not_matching(
    requested: str, original: str | None
) -> None:
    with pytest.raises(e.InvalidTarget) as caught:
        target(requested, original, continues=True)
    assert caught.value.description == e.RESOURCE_NOT_MATCHING
    assert caught.value.event_error == ""  # no event, as TokenInterceptorException


def test_a_malformed_resource_is_refused_before_it_is_compared() -> None:
    with pytest.raises(e.InvalidTarget) as caught:
        target("/a", "/a", continues=True)
    assert caught.value.description == e.RESOURCE_INVALID


@pytest.mark.parametrize(
    ("value", "enabled", "unknown"),
    [
        ("resource-indicators", {"resource-indicators"}, []),
        ("resource-indicators:v1, token-exchange", {"resource-indicators"}, ["token-exchange"]),
        ("resource-indicators:v2", set(), ["resource-indicators:v2"]),
        ("par,ciba:v1", set(), []),
        (
            "preview",
            set(),
            [],
        ),  # every preview feature; resource-indicators is experimental in Keycloak  # features Doorkeep always has: nothing to turn on, nothing to warn of
        (None, set(), []),
    ],
)
def test_features_turns_on_the_opt_in_features(value: str | None, enabled: set[str], unknown: list[str]) -> None:
    assert features.parse_enabled(value) == (frozenset(enabled), unknown)
