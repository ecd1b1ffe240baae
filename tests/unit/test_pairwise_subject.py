"""The pure parts of the pairwise subject mapper (oauth/mappers/pairwise.py): PairwiseSubMapperUtils' sector
identifier and redirect matching, and PairwiseSubMapperValidator's refusals, with a fake fetch."""

from __future__ import annotations

import pytest

from doorkeep.model import ProtocolMapper
from doorkeep.oauth.mappers import claims, lightweight, pairwise

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def mapper(**config: str) -> ProtocolMapper:
    return ProtocolMapper(id="m", name="pairwise", mapper=pairwise.PAIRWISE_MAPPER, config=config)


def test_the_subject_is_a_version_3_uuid_that_depends_on_sector_user_and_salt() -> None:
    sub = pairwise.generate_sub("rp.example", "user-1", "salt")
    assert sub[14] == "3" and sub[19] in "89ab"
    assert sub == pairwise.generate_sub("rp.example", "user-1", "salt")
    assert sub != pairwise.generate_sub("other.example", "user-1", "salt")
    assert sub != pairwise.generate_sub("rp.example", "user-2", "salt")
    assert sub != pairwise.generate_sub("rp.example", "user-1", "pepper")


def test_the_sector_is_the_sector_uri_host_else_the_one_redirect_host_with_its_case_kept() -> None:
    assert pairwise.sector_identifier(mapper(sectorIdentifierUri="https://Sector.example:8443/x"), None, []) == (
        "Sector.example"
    )
    assert pairwise.sector_identifier(mapper(), "https://root.example", ["/cb", "https://root.example/b"]) == (
        "root.example"
    )
    assert pairwise.sector_identifier(mapper(), None, ["https://a.example/cb", "https://b.example/cb"]) is None
    assert pairwise.sector_identifier(mapper(), None, ["/relative-without-root"]) is None


@pytest.mark.parametrize(
    ("pattern", "redirect", "matches"),
    [
        ("https://rp.example/cb", "https://rp.example/cb", True),
        ("https://rp.example/cb", "https://rp.example/cb2", False),
        ("https://rp.example/*", "https://rp.example/any/path?q=1", True),
        ("https://rp.example/*", "https://rp.example", True),  # the stem without its trailing slash
        ("https://rp.example/*?x", "https://rp.example/a", False),  # a wildcard with a query is literal
    ],
)
def test_redirect_matching_follows_matches_redirect(pattern: str, redirect: str, matches: bool) -> None:
    assert pairwise.matches_redirects(None, [redirect], {pattern}) is matches


async def _served(body: bytes) -> pairwise.Fetch:
    async def fetch(url: str) -> bytes:
        return body

    return fetch


async def _refused(url: str) -> bytes:
    raise ValueError("connection refused")


@pytest.mark.parametrize(
    ("redirects", "sector_uri", "served", "message"),
    [
        ([], None, b"[]", pairwise.MISSING_HOST[0]),
        (["https://a.example/cb", "https://b.example/cb"], None, b"[]", pairwise.MULTIPLE_HOSTS[0]),
        (["https://a.example/cb"], "malformed", b"[]", pairwise.MALFORMED_SECTOR[0]),
        (["https://a.example/cb"], "https://sector.example/s", None, pairwise.FAILED_TO_GET[0]),
        (["https://a.example/cb"], "https://sector.example/s", b"{}", pairwise.FAILED_TO_GET[0]),
        (["https://a.example/cb"], "https://sector.example/s", b'["https://b.example/cb"]', pairwise.MISMATCH[0]),
    ],
)
async def test_validation_refusals(
    redirects: list[str], sector_uri: str | None, served: bytes | None, message: str
) -> None:
    fetch = _refused if served is None else await _served(served)
    with pytest.raises(pairwise.PairwiseConfigError) as found:
        await pairwise.validate(None, redirects, sector_uri, fetch)
    assert found.value.message == message


async def test_a_valid_mapper_keeps_its_salt_and_an_empty_one_is_generated() -> None:
    fetch = await _served(b'["https://a.example/*"]')
    kept = await pairwise.checked(
        mapper(sectorIdentifierUri="https://s.example", pairwiseSubAlgorithmSalt="s"),
        None,
        ["https://a.example/cb"],
        fetch,
        lambda: "new",
    )
    assert kept.config[pairwise.SALT] == "s"
    made = await pairwise.checked(
        mapper(pairwiseSubAlgorithmSalt=" "), None, ["https://a.example/cb"], fetch, lambda: "new"
    )
    assert made.config[pairwise.SALT] == "new"


def test_the_mapper_feeds_every_token_but_the_refresh_token_whatever_its_flags() -> None:
    """AbstractPairwiseSubMapper's transforms take no token switch; a lightweight access token gets it too."""
    for token in (claims.ACCESS, claims.ID, claims.USERINFO, claims.INTROSPECTION, lightweight.LIGHTWEIGHT):
        assert claims.applies(mapper(), token), token
    assert not claims.applies(mapper(), claims.RESPONSE)
