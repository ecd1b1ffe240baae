"""The consumer's calls to an identity provider (AbstractOAuth2IdentityProvider's SimpleHttp requests): bounded in
time and size, no redirect followed, any failure a BrokerError whose reason names no secret."""

from __future__ import annotations

import json
from typing import Any

TIMEOUT = 10.0
MAX_BYTES = 512 * 1024


class BrokerError(Exception):
    """The provider's answer cannot be used (IdentityBrokerException): the reason goes to logs and events only."""


async def call(
    method: str, url: str, headers: dict[str, str], form: dict[str, str] | None, what: str
) -> tuple[int, str, bytes]:
    """One request to the provider: no redirect followed, TIMEOUT for the whole answer (httpx's timeout is per
    read, which a provider dribbling bytes would stretch) and at most MAX_BYTES read (the body streamed, never
    read whole first); the status, the content type and the body."""
    import anyio
    import httpx  # on first use: the server starts without it

    try:
        with anyio.fail_after(TIMEOUT):
            async with (
                httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False) as http,
                http.stream(method, url, headers=headers, data=form) as response,
            ):
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise BrokerError(f"{what}: answer too large")
                return response.status_code, response.headers.get("content-type", ""), bytes(body)
    except TimeoutError:
        raise BrokerError(f"{what} failed: no complete answer within {TIMEOUT} s") from None
    except (httpx.HTTPError, httpx.InvalidURL) as err:
        raise BrokerError(f"{what} failed: {type(err).__name__}") from None


def bounded_json(body: bytes, what: str) -> dict[str, Any]:
    if len(body) > MAX_BYTES:
        raise BrokerError(f"{what} too large")
    try:
        parsed = json.loads(body)
    except ValueError:
        raise BrokerError(f"{what} is no JSON") from None
    if not isinstance(parsed, dict):
        raise BrokerError(f"{what} is no JSON object")
    return parsed
