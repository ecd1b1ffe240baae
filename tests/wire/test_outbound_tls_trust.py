"""Outbound HTTPS with the one shared TLS context (doorkeep.outbound_tls): a server whose certificate nobody
vouches for is refused, as a man in the middle would be; the operator's trust store (SSL_CERT_FILE) admits it;
taking the trust store away refuses it again; calls at once share the context."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from doorkeep.bounded_http import Answer, TransportFailed, bounded_request
from interop.server import self_signed_certificate

pytestmark = pytest.mark.anyio


@pytest.fixture
async def https(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate, answering every request 200 ``{}``."""
    cert, key = self_signed_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass  # a client that refused the certificate hangs up during the handshake
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"https://127.0.0.1:{port}/", cert


async def _get(url: str) -> Answer:
    return await bounded_request("GET", url, {}, None, 10.0, 1000)


async def test_a_certificate_nobody_vouches_for_is_refused(https: tuple[str, Path]) -> None:
    url, _ = https
    with pytest.raises(TransportFailed):
        await _get(url)


async def test_the_trust_store_admits_it_and_taking_it_away_refuses_it_again(
    https: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = https
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    assert (await _get(url)).status == 200
    answers = await asyncio.gather(*(_get(url) for _ in range(5)))  # one context, five handshakes at once
    assert [a.status for a in answers] == [200] * 5
    monkeypatch.delenv("SSL_CERT_FILE")
    with pytest.raises(TransportFailed):
        await _get(url)
