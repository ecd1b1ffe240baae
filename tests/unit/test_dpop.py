"""oauth/dpop.py's pure parts: the RFC 7638 thumbprint (against the RFC's own example), the access-token hash,
the binding check's three refusals, and the Authorization header parsing of AppAuthManager (Bearer in any case,
DPoP exactly)."""

from __future__ import annotations

import pytest

from doorkeep.oauth import access, dpop

# RFC 7638 §3.1: this RSA key's thumbprint is NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs.
RFC_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3"
    "oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgd"
    "AZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur"
    "-kEgU8awapJzKnqDKgw"
)


def test_thumbprint_is_rfc_7638s_example() -> None:
    jwk = {"kty": "RSA", "n": RFC_N, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}
    assert dpop.thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_thumbprint_ignores_members_outside_the_required_ones() -> None:
    base = {"kty": "EC", "crv": "P-256", "x": "eA", "y": "eQ"}
    assert dpop.thumbprint(base) == dpop.thumbprint({**base, "kid": "k", "use": "sig", "alg": "ES256"})


@pytest.mark.parametrize(
    "jwk",
    [{"kty": "oct", "k": "c2VjcmV0"}, {"kty": "RSA", "n": "AQAB"}, {"kty": "EC", "crv": "P-256", "x": 1, "y": "a"}],
)
def test_no_thumbprint_for_other_or_incomplete_keys(jwk: dict[str, object]) -> None:
    assert dpop.thumbprint(jwk) is None


def test_access_token_hash_is_base64url_sha256_without_padding() -> None:
    # SHA-256("abc") = ba7816bf..., base64url: ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0
    assert dpop.access_token_hash("abc") == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"


def _proof(jkt: str) -> dpop.Proof:
    return dpop.Proof(thumbprint=jkt, jti="j", htu="https://x/token", iat=0)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({}, "No DPoP confirmation in access token"),
        ({"cnf": {"x5t#S256": "abc"}}, "No DPoP key thumbprint in access token"),
        ({"cnf": {"jkt": "other"}}, "DPoP confirmation doesn't match DPoP proof"),
    ],
)
def test_binding_refusals(claims: dict[str, object], message: str) -> None:
    with pytest.raises(dpop.InvalidProof) as refused:
        dpop.check_binding(claims, _proof("mine"))
    assert refused.value.message == message


def test_binding_accepted() -> None:
    dpop.check_binding({"cnf": {"jkt": "mine"}}, _proof("mine"))
    assert dpop.bound_thumbprint({"cnf": {"jkt": "mine"}}) == "mine"
    assert dpop.bound_thumbprint({"cnf": "mine"}) is None


@pytest.mark.parametrize(
    ("header", "scheme", "token"),
    [
        ("Bearer abc", "Bearer", "abc"),
        ("bEaReR abc", "bEaReR", "abc"),
        ("DPoP abc", "DPoP", "abc"),
        ("  DPoP abc  ", "DPoP", "abc"),
    ],
)
def test_presentation_schemes(header: str, scheme: str, token: str) -> None:
    found = access.presentation(header)
    assert found is not None and (found.scheme, found.token) == (scheme, token)
    assert found.dpop == (scheme == "DPoP")


@pytest.mark.parametrize(
    "header", [None, "", "dpop abc", "DPOP abc", "Basic abc", "Bearer", "Bearer a b", "DPoP ", "DPoP  abc"]
)
def test_presentation_refusals(header: str | None) -> None:
    assert access.presentation(header) is None
