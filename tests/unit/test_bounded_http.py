"""bounded_http.bounded_request, the one outbound request of client keys and brokering: no redirect followed, the
form sent urlencoded, a body past the limit cut, a URL httpx cannot use named by its error type."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from doorkeep.bounded_http import TooLarge, TransportFailed, bounded_request

pytestmark = pytest.mark.anyio


@pytest.fixture
async def local() -> AsyncIterator[tuple[str, list[bytes]]]:
    """A local HTTP server: ``/moved`` a 302 elsewhere, ``/big`` a 2000-byte body, any other path echoes the
    request's body; with the requests it read."""
    seen: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")), 0
        )
        body = await reader.readexactly(length)
        seen.append(head + body)
        path = head.split(b" ")[1]
        if path == b"/moved":
            answer = b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n"
        else:
            sent = b"x" * 2000 if path == b"/big" else body
            answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(sent), sent)
        writer.write(answer)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}", seen
    finally:
        server.close()
        await server.wait_closed()


async def test_a_redirect_is_answered_not_followed(local: tuple[str, list[bytes]]) -> None:
    url, seen = local
    answer = await bounded_request("GET", f"{url}/moved", {}, None, 5.0, 1024)
    assert (answer.status, answer.ok, answer.body) == (302, False, b"")
    assert len(seen) == 1


async def test_the_form_goes_urlencoded_with_the_headers(local: tuple[str, list[bytes]]) -> None:
    url, seen = local
    answer = await bounded_request("POST", f"{url}/echo", {"X-Probe": "1"}, {"a": "b c", "d": "é"}, 5.0, 1024)
    assert (answer.status, answer.content_type, answer.body) == (200, "text/plain", b"a=b+c&d=%C3%A9")
    assert b"x-probe: 1" in seen[0].lower()


async def test_a_body_past_the_limit_is_too_large(local: tuple[str, list[bytes]]) -> None:
    url, _ = local
    assert (await bounded_request("GET", f"{url}/big", {}, None, 5.0, 2000)).body == b"x" * 2000
    with pytest.raises(TooLarge):
        await bounded_request("GET", f"{url}/big", {}, None, 5.0, 1999)


async def test_a_url_httpx_cannot_use_names_the_error_type() -> None:
    with pytest.raises(TransportFailed) as failed:
        await bounded_request("GET", "http://[::1/x", {}, None, 5.0, 1024)
    assert failed.value.name == "InvalidURL"
