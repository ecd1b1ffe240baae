"""Pairwise subject identifiers (OpenID Connect Core §8.1): Keycloak's ``oidc-sha256-pairwise-sub-mapper``
(SHA256PairwiseSubMapper, AbstractPairwiseSubMapper, PairwiseSubMapperUtils, PairwiseSubMapperValidator).

The subject is ``UUID.nameUUIDFromBytes(SHA-256(sector identifier + user id + salt))``: a version 3 UUID made
from the MD5 of the SHA-256 digest. The sector identifier is the host of the mapper's ``sectorIdentifierUri``,
else the one host of the client's redirect URIs (relative ones resolved against its root URL). The mapper
writes ``sub`` into the access token (lightweight too), the ID token, userinfo, introspection and the
backchannel logout token of the client holding it, whatever its token flags say (Keycloak 26's
AbstractPairwiseSubMapper). The refresh token keeps the user's id (``issue._refresh_claims``), and every path
that finds a user from a token takes the session's user (or, for a stateless token, falls back to
``preferred_username``), so refresh, userinfo, introspection, revocation and logout are unaffected.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from doorkeep.model import Client, ProtocolMapper
from doorkeep.numbers import loads
from doorkeep.oauth import uri_syntax
from doorkeep.oauth.mappers.helper import MapperInput

PAIRWISE_MAPPER = "oidc-sha256-pairwise-sub-mapper"
PROVIDER_ID_SUFFIX = "-pairwise-sub-mapper"
SECTOR_IDENTIFIER_URI = "sectorIdentifierUri"
SALT = "pairwiseSubAlgorithmSalt"

# PairwiseSubMapperValidator's messages (the exception message) and message keys.
MALFORMED_REDIRECT = ("Client contained an invalid redirect URI.", "pairwiseMalformedClientRedirectURI")
MISSING_HOST = ("Client redirect URIs must contain a valid host component.", "pairwiseClientRedirectURIsMissingHost")
MULTIPLE_HOSTS = (
    "Without a configured Sector Identifier URI, client redirect URIs must not contain multiple host components.",
    "pairwiseClientRedirectURIsMultipleHosts",
)
MALFORMED_SECTOR = ("Invalid Sector Identifier URI.", "pairwiseMalformedSectorIdentifierURI")
FAILED_TO_GET = ("Failed to get redirect URIs from the Sector Identifier URI.", "pairwiseFailedToGetRedirectURIs")
MISMATCH = (
    "Client redirect URIs does not match redirect URIs fetched from the Sector Identifier URI.",
    "pairwiseRedirectURIsMismatch",
)

# The admin API's texts for those keys (themes/.../admin/messages/messages_en.properties): the ``error_description``
# of a refusal there. Only the malformed sector identifier's differs from the exception's message.
ADMIN_TEXTS = {MALFORMED_SECTOR[1]: "Malformed Sector Identifier URI."}

Fetch = Callable[[str], Awaitable[bytes]]


class PairwiseConfigError(Exception):
    """ProtocolMapperConfigException: Keycloak's message and its message key."""

    def __init__(self, found: tuple[str, str]) -> None:
        super().__init__(found[0])
        self.message, self.key = found

    @property
    def text(self) -> str:
        """The admin API's localized text (``messages.getProperty(key, message)``)."""
        return ADMIN_TEXTS.get(self.key, self.message)


class _Malformed(Exception):
    """java.net.URI's URISyntaxException."""


def is_pairwise(mapper: ProtocolMapper) -> bool:
    return mapper.mapper.endswith(PROVIDER_ID_SUFFIX)


def generate_sub(sector_identifier: str, local_sub: str, salt: str) -> str:
    """SHA256PairwiseSubMapper.generateSub: ``UUID.nameUUIDFromBytes`` of the salted SHA-256 digest."""
    digest = hashlib.sha256((sector_identifier + local_sub + salt).encode()).digest()
    return str(uuid.UUID(bytes=hashlib.md5(digest).digest(), version=3))


def _host(raw: str) -> str | None:
    """``new URI(raw).getHost()``, its case kept; a URI that does not parse raises ``_Malformed``."""
    parsed = uri_syntax.parse(raw)
    if parsed is None:
        raise _Malformed(raw)
    if parsed.authority is None or not parsed.host:
        return None
    host = parsed.authority.rpartition("@")[2]
    if host.startswith("["):
        return host[: host.index("]") + 1]
    return host.partition(":")[0] or None


def valid_redirect_uris(root_url: str | None, redirect_uris: Iterable[str]) -> set[str]:
    """resolveValidRedirectUris: a relative one is appended to the root URL (dropped without one)."""
    out: set[str] = set()
    for uri in redirect_uris:
        if uri.startswith("/"):
            if not root_url:
                continue
            uri = root_url + uri
        if uri.strip():
            out.add(uri)
    return out


def _redirect_hosts(root_url: str | None, redirect_uris: Iterable[str], strict: bool) -> set[str | None]:
    hosts: set[str | None] = set()
    for uri in valid_redirect_uris(root_url, redirect_uris):
        try:
            hosts.add(_host(uri))
        except _Malformed:
            if strict:
                raise PairwiseConfigError(MALFORMED_REDIRECT) from None
    return hosts


def sector_identifier(mapper: ProtocolMapper, root_url: str | None, redirect_uris: Iterable[str]) -> str | None:
    """AbstractPairwiseSubMapper.getSectorIdentifier: the host of the sector identifier URI, else the one host
    of the client's redirect URIs; None when there is no such host."""
    uri = mapper.config.get(SECTOR_IDENTIFIER_URI)
    if uri:
        try:
            parsed = uri_syntax.parse(uri)
            return _host(uri) if parsed is not None and parsed.scheme else None
        except _Malformed:
            return None
    hosts = _redirect_hosts(root_url, redirect_uris, strict=False)
    return next(iter(hosts)) if len(hosts) == 1 else None


def apply_sub(claims: dict[str, Any], m: ProtocolMapper, data: MapperInput) -> None:
    """The mapper's transform: ``sub`` replaced by the pairwise subject. Keycloak fails the request (a null
    sector identifier or salt) where the client's redirect URIs no longer name one host; Doorkeep hashes an
    empty one instead, rather than answer 500 or hand out the user's own id."""
    claims["sub"] = subject_for(m, data.client, data.user.id)


def subject_for(m: ProtocolMapper, client: Client, user_id: str) -> str:
    """The pairwise ``sub`` of ``user_id`` at ``client`` by mapper ``m``."""
    sector = sector_identifier(m, client.root_url, client.redirect_uris) or ""
    return generate_sub(sector, user_id, m.config.get(SALT) or "")


def logout_subject(client: Client, user_id: str) -> str:
    """A backchannel logout token's ``sub`` (the mapper's transformLogoutToken): pairwise by the client's own
    pairwise mapper, else the user's id."""
    found = next((m for m in client.protocol_mappers if is_pairwise(m) and m.protocol == "openid-connect"), None)
    return user_id if found is None else subject_for(found, client, user_id)


def matches_redirects(root_url: str | None, redirect_uris: Iterable[str], sector_redirects: set[str]) -> bool:
    """matchesRedirects: every client redirect URI is one of the sector's, or under a wildcard one of them."""
    return all(_matches(sector_redirects, r) for r in valid_redirect_uris(root_url, redirect_uris))


def _matches(valid: set[str], redirect: str) -> bool:
    for pattern in valid:
        if pattern.endswith("*") and "?" not in pattern:
            bare = redirect.partition("?")[0]
            stem = pattern[:-1]
            if bare.startswith(stem):
                return True
            if len(stem) > 1 and stem.endswith("/"):
                stem = stem[:-1]
            if stem == bare:
                return True
        elif pattern == redirect:
            return True
    return False


async def validate(root_url: str | None, redirect_uris: Iterable[str], sector_uri: str | None, fetch: Fetch) -> None:
    """PairwiseSubMapperValidator.validate: without a sector identifier URI the redirect URIs must name exactly
    one host; with one, it must be absolute with a host, and the JSON array it serves must cover them."""
    uris = list(redirect_uris)
    if not sector_uri:
        hosts = _redirect_hosts(root_url, uris, strict=True)
        if not hosts:
            raise PairwiseConfigError(MISSING_HOST)
        if len(hosts) > 1:
            raise PairwiseConfigError(MULTIPLE_HOSTS)
        return
    if not fetchable(sector_uri):
        raise PairwiseConfigError(MALFORMED_SECTOR)
    try:
        listed = loads(await fetch(sector_uri))  # bounded nesting: never a RecursionError
    except ValueError:  # a failed fetch (fetch_bounded's ValueError) or a body that is no JSON
        raise PairwiseConfigError(FAILED_TO_GET) from None
    if not isinstance(listed, list) or not all(isinstance(u, str) for u in listed):
        raise PairwiseConfigError(FAILED_TO_GET)  # Jackson cannot bind it to a list of strings
    if not matches_redirects(root_url, uris, set(listed)):
        raise PairwiseConfigError(MISMATCH)


def fetchable(sector_uri: str) -> bool:
    """validateSectorIdentifierUri's syntax step: an absolute URI with a host, the only kind ``validate`` fetches."""
    parsed = uri_syntax.parse(sector_uri)
    return parsed is not None and parsed.scheme is not None and bool(parsed.host)


async def client_problems(client: Client, fetch: Fetch) -> list[str]:
    """DefaultClientValidationProvider.validatePairwiseInClientModel, for an admin create or update of a client:
    each pairwise mapper validated against the client's redirect URIs, the admin text of each refusal."""
    problems: list[str] = []
    for mapper in client.protocol_mappers:
        if is_pairwise(mapper):
            try:
                await validate(client.root_url, client.redirect_uris, mapper.config.get(SECTOR_IDENTIFIER_URI), fetch)
            except PairwiseConfigError as err:
                problems.append(err.text)
    return problems


async def checked(
    mapper: ProtocolMapper,
    root_url: str | None,
    redirect_uris: Iterable[str],
    fetch: Fetch,
    new_salt: Callable[[], str],
) -> ProtocolMapper:
    """validateConfig for a client's mapper (ProtocolMappersResource's create and update): the validator, then
    SHA256PairwiseSubMapper.validateAdditionalConfig's salt, generated when empty and saved with the mapper."""
    await validate(root_url, redirect_uris, mapper.config.get(SECTOR_IDENTIFIER_URI), fetch)
    if (mapper.config.get(SALT) or "").strip():
        return mapper
    return dataclasses.replace(mapper, config={**mapper.config, SALT: new_salt()})


def new_mapper(sector_uri: str | None, salt: str, mapper_id: str) -> ProtocolMapper:
    """SHA256PairwiseSubMapper.createPairwiseMapper: what client registration adds for ``subject_type`` pairwise."""
    config = {SALT: salt} if sector_uri is None else {SECTOR_IDENTIFIER_URI: sector_uri, SALT: salt}
    return ProtocolMapper(
        id=mapper_id,
        name="pairwise subject identifier",
        protocol="openid-connect",
        mapper=PAIRWISE_MAPPER,
        config=config,
    )
