"""The outbound fetch of a client's ``jwks.url`` and registered ``request_uri`` (oauth/client_keys.py): whatever
the other end does, the answer is the document or a ValueError, within the time limit in all."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from doorkeep.oauth import client_keys

pytestmark = pytest.mark.anyio


@pytest.fixture
async def dribbling() -> AsyncIterator[str]:
    """A local HTTP server that sends its headers, then one byte of body every 0.1 s for 6 s."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        try:
            for _ in range(60):
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.1)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/jwks"
    finally:
        server.close()
        await server.wait_closed()


async def test_a_body_dribbled_slower_than_the_limit_in_all_is_cut_off(
    dribbling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_keys, "FETCH_TIMEOUT", 1.0)  # each byte comes well within a per-read timeout
    started = time.monotonic()
    with pytest.raises(ValueError, match="no complete answer"):
        await client_keys.fetch_jwks(dribbling)
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("url", ["http://[::1/jwks", "http://exa\x00mple/jwks", "file:///etc/passwd", "gopher://x/"])
async def test_a_url_httpx_cannot_use_is_a_value_error(url: str) -> None:
    with pytest.raises(ValueError):
        await client_keys.fetch_request_object(url)
