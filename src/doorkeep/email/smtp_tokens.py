"""Access tokens for SMTP's XOAUTH2 login (Keycloak's TokenAuthEmailAuthenticator), for a realm whose
``smtpServer`` has ``auth`` on and ``authType`` ``token``.

The token comes from ``authTokenUrl`` by the client credentials grant (``client_id``, ``client_secret``,
``scope`` and ``grant_type`` as form parameters) and is kept per realm, in this process, until 30 seconds past
its ``expires_in`` (60 seconds when the answer gives none), as long as the URL, scope, client id and secret are
the ones it was fetched with. A login the server refuses drops it, unless another request has already put a
newer one in its place (a late refusal of the old token keeps the new one); the caller fetches a fresh one and
tries once more. One realm's token is fetched by one request at a time: the others wait for it and use it
rather than fetch their own, while other realms' requests go on (SMTPTokenAuthConcurrencyTest). The request is
bounded as every outbound call to an administrator's URL is (bounded_http: no redirect followed, the whole
answer within the time limit and MAX_ANSWER_BYTES). Neither the token nor the secret is ever logged.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field

from doorkeep.bounded_http import CallFailed, TransportFailed, bounded_request
from doorkeep.clock import Clock
from doorkeep.numbers import loads

FALLBACK_EXPIRES_IN = 60  # TokenAuthEmailAuthenticator.FALLBACK_EXPIRES_AT_IN_SECONDS
GRACE = 30  # a kept token is used until this long after its expiry, as Keycloak's isValidAuthToken does
FETCH_TIMEOUT = 10.0
MAX_ANSWER_BYTES = 64 * 1024  # a token answer is a few kilobytes; a longer one is no token answer


class TokenUnavailable(Exception):
    """No token could be had from ``authTokenUrl``: unreachable, refused, or no ``access_token`` in its answer."""


@dataclass(frozen=True)
class _Kept:
    key: tuple[str, str, str, str]  # url, scope, client id, digest of the secret
    token: str
    usable_until: int


def _key(settings: dict[str, str]) -> tuple[str, str, str, str]:
    secret = settings.get("authTokenClientSecret") or ""
    digest = hashlib.sha256(secret.encode()).hexdigest()
    return (
        settings.get("authTokenUrl") or "",
        settings.get("authTokenScope") or "",
        settings.get("authTokenClientId") or "",
        digest,
    )


@dataclass
class SmtpTokens:
    """The tokens of every realm's SMTP login, one per realm; built once in the composition root."""

    clock: Clock
    _kept: dict[str, _Kept] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)  # one per realm: its token's fetch

    def forget(self, realm_id: str, token: str) -> None:
        """The server refused ``token``: the next ``token`` call fetches another, unless ``token`` is no longer the
        realm's kept one (another request has fetched a newer one since)."""
        kept = self._kept.get(realm_id)
        if kept is not None and kept.token == token:
            del self._kept[realm_id]

    def lock_of(self, realm_id: str) -> asyncio.Lock | None:
        """The lock a realm's token fetch holds (None before the first fetch)."""
        return self._locks.get(realm_id)

    def _usable(self, realm_id: str, key: tuple[str, str, str, str]) -> str | None:
        kept = self._kept.get(realm_id)
        if kept is not None and kept.key == key and self.clock.now() < kept.usable_until:
            return kept.token
        return None

    async def token(self, realm_id: str, settings: dict[str, str]) -> str:
        """The realm's kept token if it was fetched with these settings and is still usable, else a new one: fetched
        under the realm's lock, so that requests arriving meanwhile wait and take it."""
        key = _key(settings)
        found = self._usable(realm_id, key)
        if found is not None:
            return found
        async with self._locks.setdefault(realm_id, asyncio.Lock()):
            found = self._usable(realm_id, key)  # fetched by the request that held the lock
            if found is not None:
                return found
            token, expires_in = await _fetch(settings)
            self._kept[realm_id] = _Kept(key, token, self.clock.now() + expires_in + GRACE)
            return token


async def _fetch(settings: dict[str, str]) -> tuple[str, int]:
    url = settings.get("authTokenUrl")
    if not url:
        raise TokenUnavailable("no authTokenUrl")
    form = {
        "client_id": settings.get("authTokenClientId") or "",
        "client_secret": settings.get("authTokenClientSecret") or "",
        "scope": settings.get("authTokenScope") or "",
        "grant_type": "client_credentials",
    }
    try:
        answer = await bounded_request("POST", url, {}, form, FETCH_TIMEOUT, MAX_ANSWER_BYTES)
        body = loads(answer.body)
    except TransportFailed as err:  # its message may name the URL: only the error's type is told
        raise TokenUnavailable(f"token request failed: {err.name}") from None
    except (CallFailed, ValueError) as err:
        raise TokenUnavailable(f"token request failed: {type(err).__name__}") from None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise TokenUnavailable(f"no access_token in the answer (HTTP {answer.status})")
    expires_in = body.get("expires_in")
    try:
        seconds = int(str(expires_in)) if expires_in is not None else FALLBACK_EXPIRES_IN
    except ValueError:
        seconds = FALLBACK_EXPIRES_IN
    return token, seconds
