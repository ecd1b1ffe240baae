"""The consumer's calls to an identity provider (AbstractOAuth2IdentityProvider's SimpleHttp requests): bounded in
time and size, no redirect followed, any failure a BrokerError whose reason names no secret."""

from __future__ import annotations

from typing import Any

from doorkeep.bounded_http import TimedOut, TooLarge, TransportFailed, bounded_request
from doorkeep.numbers import loads

TIMEOUT = 10.0
MAX_BYTES = 512 * 1024


class BrokerError(Exception):
    """The provider's answer cannot be used (IdentityBrokerException): the reason goes to logs and events only."""


async def call(
    method: str, url: str, headers: dict[str, str], form: dict[str, str] | None, what: str
) -> tuple[int, str, bytes]:
    """One request to the provider, bounded as bounded_http.bounded_request says (no redirect followed, TIMEOUT
    for the whole answer, at most MAX_BYTES read); the status, the content type and the body."""
    try:
        answer = await bounded_request(method, url, headers, form, TIMEOUT, MAX_BYTES)
    except TooLarge:
        raise BrokerError(f"{what}: answer too large") from None
    except TimedOut:
        raise BrokerError(f"{what} failed: no complete answer within {TIMEOUT} s") from None
    except TransportFailed as err:  # its type only: httpx's message may carry the URL
        raise BrokerError(f"{what} failed: {err.name}") from None
    return answer.status, answer.content_type, answer.body


def bounded_value(body: bytes, what: str) -> Any:
    """The JSON value of a provider's answer, at most MAX_BYTES, its nesting bounded (never a RecursionError)."""
    if len(body) > MAX_BYTES:
        raise BrokerError(f"{what} too large")
    try:
        return loads(body)
    except ValueError:
        raise BrokerError(f"{what} is no JSON") from None


def bounded_json(body: bytes, what: str) -> dict[str, Any]:
    parsed = bounded_value(body, what)
    if not isinstance(parsed, dict):
        raise BrokerError(f"{what} is no JSON object")
    return parsed
