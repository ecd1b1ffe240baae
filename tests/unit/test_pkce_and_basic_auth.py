"""Table-driven checks of two small parsers every code exchange and confidential client goes through: PKCE's
verifier check (RFC 7636, Keycloak's PkceUtils and its error strings and event codes, KEYCLOAK.md §2.2) and the
HTTP Basic client credentials (RFC 6749 §2.3.1, ClientIdAndSecretAuthenticator)."""

from __future__ import annotations

import base64

import pytest

from doorkeep import errors as e
from doorkeep.oauth import pkce
from doorkeep.oauth.client_auth import basic_credentials

# RFC 7636 Appendix B.
RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
PLAIN = "a" * 43


def test_s256_is_the_rfc_7636_example() -> None:
    assert pkce.s256(RFC_VERIFIER) == RFC_CHALLENGE


@pytest.mark.parametrize(
    ("challenge", "method", "verifier"),
    [
        (None, None, None),  # no PKCE at all (also for a client that enforces PKCE since the code was issued)
        (RFC_CHALLENGE, "S256", RFC_VERIFIER),
        (PLAIN, "plain", PLAIN),
        (PLAIN, None, PLAIN),  # no method saved: plain
        ("b" * 128, "plain", "b" * 128),  # the longest verifier
        ("A-._~" + "z" * 38, "plain", "A-._~" + "z" * 38),  # every unreserved punctuation mark
    ],
)
def test_a_verifier_that_matches_passes(challenge: str | None, method: str | None, verifier: str | None) -> None:
    pkce.verify(challenge, method, verifier)


@pytest.mark.parametrize(
    ("challenge", "method", "verifier", "description", "event_error"),
    [
        (None, None, RFC_VERIFIER, e.PKCE_NO_CHALLENGE, "invalid_code_verifier"),
        (None, None, "", e.PKCE_NO_CHALLENGE, "invalid_code_verifier"),  # an empty verifier is one (not null)
        (RFC_CHALLENGE, "S256", None, e.PKCE_VERIFIER_MISSING, "code_verifier_missing"),
        ("", None, None, e.PKCE_VERIFIER_MISSING, "code_verifier_missing"),  # an empty challenge is one (not null)
        (RFC_CHALLENGE, "S256", "", e.PKCE_INVALID_VERIFIER, "invalid_code_verifier"),  # empty: too short
        (PLAIN, "plain", "a" * 42, e.PKCE_INVALID_VERIFIER, "invalid_code_verifier"),  # one too short
        (PLAIN, "plain", "a" * 129, e.PKCE_INVALID_VERIFIER, "invalid_code_verifier"),  # one too long
        (PLAIN, "plain", PLAIN + "\n", e.PKCE_INVALID_VERIFIER, "invalid_code_verifier"),  # Java's matches()
        (PLAIN, "plain", "a" * 42 + "+", e.PKCE_INVALID_VERIFIER, "invalid_code_verifier"),
        (PLAIN, "plain", "a" * 42 + "é", e.PKCE_INVALID_VERIFIER, "invalid_code_verifier"),
        (RFC_CHALLENGE, "S512", RFC_VERIFIER, e.PKCE_UNSUPPORTED_METHOD, "invalid_code_challenge_method"),
        (RFC_CHALLENGE, "s256", RFC_VERIFIER, e.PKCE_UNSUPPORTED_METHOD, "invalid_code_challenge_method"),
        (RFC_CHALLENGE, "S256", "x" * 43, e.PKCE_MISMATCH, "pkce_verification_failed"),
        (RFC_CHALLENGE, "plain", RFC_VERIFIER, e.PKCE_MISMATCH, "pkce_verification_failed"),  # S256 sent as plain
        (RFC_VERIFIER, "S256", RFC_VERIFIER, e.PKCE_MISMATCH, "pkce_verification_failed"),  # plain sent as S256
    ],
)
def test_a_verifier_that_does_not_match_is_keycloaks_invalid_grant(
    challenge: str | None,
    method: str | None,
    verifier: str | None,
    description: str,
    event_error: str,
) -> None:
    with pytest.raises(e.InvalidGrant) as refused:
        pkce.verify(challenge, method, verifier)
    assert (refused.value.error, refused.value.description, refused.value.event_error) == (
        "invalid_grant",
        description,
        event_error,
    )


def _basic(raw: str) -> str:
    return "Basic " + base64.b64encode(raw.encode()).decode()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (_basic("app:secret"), ("app", "secret")),
        ("basic " + _basic("app:secret")[6:], ("app", "secret")),  # the scheme is case-insensitive
        ("BASIC " + _basic("app:secret")[6:], ("app", "secret")),
        (_basic("app:se:cr:et"), ("app", "se:cr:et")),  # the first colon splits
        (_basic("app:"), ("app", "")),
        (_basic(":secret"), ("", "secret")),
        (_basic("my%3Aapp:p%40ss+word"), ("my:app", "p@ss word")),  # form-urlencoded (RFC 6749 §2.3.1)
        (_basic("app:secret") + "  ", ("app", "secret")),
    ],
)
def test_basic_credentials_are_read(header: str, expected: tuple[str, str]) -> None:
    assert basic_credentials(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Basic",
        "Basic ",
        "Bearer " + base64.b64encode(b"app:secret").decode(),
        _basic("no-colon"),
        "Basic not*base64",
        "Basic YXBwOnNlY3JldA",  # padding missing: refused, not guessed
        "Basic " + base64.b64encode(b"app:\xff\xfe").decode(),  # not UTF-8
    ],
)
def test_anything_else_is_no_basic_credentials(header: str | None) -> None:
    assert basic_credentials(header) is None
