"""An OpenID Connect provider's endpoints re-read from its discovery document (keycloak#11692, PR #47899).

A provider of type ``oidc`` or ``keycloak-oidc`` whose config names ``metadataDescriptorUrl`` can be synced: the
fields listed in ``includedWellKnownFields`` (``##``-separated, from SYNCED) are overwritten by the document's
values, the others left as the administrator set them. Every attempt stores ``wellKnownLastSyncAttempt`` (epoch
milliseconds) and ``wellKnownLastSyncAttemptDuration`` (milliseconds); a failed one stores
``wellKnownLastSyncError`` and changes no field, a good one removes it. The sync runs when such a provider is
created with ``reloadEnabled`` ``true`` and on ``POST instances/{alias}/reload-well-known``
(web/admin/identity_providers.py). The document is fetched outside the writing transaction
(fetch_outside.once), as every call to another host is.

Keycloak's social providers built on OIDCIdentityProvider (Google, GitLab, LinkedIn) opt out, as every other
type does: only OIDCIdentityProvider and KeycloakOIDCIdentityProvider reload their config.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from doorkeep.model import JSON
from doorkeep.numbers import loads

SYNCABLE_TYPES = frozenset({"oidc", "keycloak-oidc"})
# The config fields a sync may overwrite, each with the discovery member it is read from (the admin console's
# SYNCED_FIELDS, in its order).
SYNCED = {
    "authorizationUrl": "authorization_endpoint",
    "tokenUrl": "token_endpoint",
    "logoutUrl": "end_session_endpoint",
    "userInfoUrl": "userinfo_endpoint",
    "tokenIntrospectionUrl": "introspection_endpoint",
    "issuer": "issuer",
    "jwksUrl": "jwks_uri",
}
METADATA_URL, RELOAD_ENABLED, INCLUDED = "metadataDescriptorUrl", "reloadEnabled", "includedWellKnownFields"
LAST_ATTEMPT, LAST_DURATION = "wellKnownLastSyncAttempt", "wellKnownLastSyncAttemptDuration"
LAST_ERROR = "wellKnownLastSyncError"
SEPARATOR = "##"  # Constants.CFG_DELIMITER
# IdentityProviderReloadWellKnownRepresentation's properties, each optional.
RELOAD_REPRESENTATION = frozenset({METADATA_URL, INCLUDED, RELOAD_ENABLED})

Fetch = Callable[[str], Awaitable[bytes]]


def syncable(provider: JSON) -> bool:
    """Whether the provider's type reloads its config (IdentityProvider.reloadConfig not answering false)."""
    return provider.get("providerId") in SYNCABLE_TYPES


def due_on_create(provider: JSON) -> bool:
    """A provider created with ``reloadEnabled`` and a ``metadataDescriptorUrl`` is synced before it is stored."""
    config = provider.get("config") or {}
    return syncable(provider) and config.get(RELOAD_ENABLED) == "true" and bool(config.get(METADATA_URL))


def included(config: dict[str, Any]) -> list[str]:
    """The fields a sync overwrites: ``includedWellKnownFields`` (unknown names ignored); every field when unset,
    as the admin console fills it in when ``reloadEnabled`` is switched on."""
    raw = config.get(INCLUDED)
    if not isinstance(raw, str) or not raw:
        return list(SYNCED)
    return [name for name in raw.split(SEPARATOR) if name in SYNCED]


def overridden(config: dict[str, Any], body: JSON) -> dict[str, Any]:
    """The config with what a reload request names (IdentityProviderReloadWellKnownRepresentation): its
    ``metadataDescriptorUrl``, ``includedWellKnownFields`` and ``reloadEnabled`` replace the stored ones."""
    out = dict(config)
    for name in (METADATA_URL, INCLUDED):
        value = body.get(name)
        if isinstance(value, str):
            out[name] = value
    enabled = body.get(RELOAD_ENABLED)
    if isinstance(enabled, str) and enabled.strip().lower() in ("true", "false"):  # Jackson reads "true" too
        enabled = enabled.strip().lower() == "true"
    if isinstance(enabled, bool):
        out[RELOAD_ENABLED] = "true" if enabled else "false"
    return out


def document_of(raw: bytes) -> dict[str, Any]:
    """The discovery document's JSON object; anything else is a ValueError."""
    document = loads(raw)  # bounded nesting
    if not isinstance(document, dict):
        raise ValueError("the discovery document is not a JSON object")
    return document


def applied(config: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """The included fields the document has, overwritten; a ``jwks_uri`` synced turns on signature checks by it
    (OIDCIdentityProviderFactory.parseOIDCConfig). An endpoint that is not an http(s) URL with a host is skipped:
    a hostile document cannot store what an administrator could not."""
    out = dict(config)
    for field in included(config):
        value = document.get(SYNCED[field])
        if field != "issuer" and isinstance(value, str) and not _web_url(value):
            continue  # what OIDCIdentityProviderConfig.validate calls malformed (file:, javascript:, no host)
        if isinstance(value, str) and value:
            out[field] = value
            if field == "jwksUrl":
                out |= {"validateSignature": "true", "useJwksUrl": "true"}
    return out


def _web_url(value: str) -> bool:
    """An absolute http(s) URL with a host: a document's endpoint must be one to replace the stored one, as an
    administrator's must be (UriUtils.checkUrl's malformed check)."""
    try:
        parts = urlsplit(value)
        return parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        return False


def stamped(config: dict[str, Any], attempt_ms: int, duration_ms: int, error: str | None) -> dict[str, Any]:
    """The attempt's time and duration, and its error (removed when it went well)."""
    out = dict(config) | {LAST_ATTEMPT: str(attempt_ms), LAST_DURATION: str(max(duration_ms, 0))}
    if error is None:
        out.pop(LAST_ERROR, None)
    else:
        out[LAST_ERROR] = error
    return out


class TimedFetch:
    """A fetch that remembers how long each URL's call took (milliseconds by ``now_ms``): the call is made
    outside the transaction, its duration read by the run that uses its answer."""

    def __init__(self, fetch: Fetch, now_ms: Callable[[], int]) -> None:
        self._fetch, self._now_ms = fetch, now_ms
        self.took: dict[str, int] = {}

    async def __call__(self, url: str) -> bytes:
        began = self._now_ms()
        try:
            return await self._fetch(url)
        finally:
            self.took[url] = self._now_ms() - began


async def synced(config: dict[str, Any], fetch: Fetch, timed: TimedFetch, now_ms: int) -> dict[str, Any]:
    """One sync of ``config`` (which names ``metadataDescriptorUrl``) at ``now_ms``: the new config, stamped.
    ``fetch`` is fetch_outside.once over ``timed``, so inside a writing transaction the call is made outside it
    and this run made again."""
    url = str(config[METADATA_URL])
    try:
        document = document_of(await fetch(url))
    except ValueError as err:
        reason = str(err) or type(err).__name__
        error = f"Failed to load the discovery document: {reason}"
        return stamped(config, now_ms, timed.took.get(url, 0), error)
    return stamped(applied(config, document), now_ms, timed.took.get(url, 0), None)
