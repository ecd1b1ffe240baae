"""server/coalescing.py: a response's head and body in one write, nothing reordered, lost or stuck."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest
import uvicorn

from doorkeep.server.coalescing import CoalescingHttpToolsProtocol, CoalescingTransport

Scope = MutableMapping[str, Any]
HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"
pytestmark = pytest.mark.anyio


class Recording(asyncio.Transport):
    """A transport that keeps what was written (and whether it was closed) instead of sending it."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "written after close"
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 1)}.get(name, default)


async def test_a_head_and_its_body_go_out_in_one_write() -> None:
    recording = Recording()
    transport = CoalescingTransport(recording, asyncio.get_running_loop())
    transport.write(HEAD)
    assert recording.writes == []
    transport.write(b"ok")
    assert recording.writes == [HEAD + b"ok"]
    await asyncio.sleep(0)  # the safety flush finds nothing left
    assert recording.writes == [HEAD + b"ok"]


async def test_a_head_without_a_body_goes_out_on_the_next_turn_of_the_loop() -> None:
    recording = Recording()
    transport = CoalescingTransport(recording, asyncio.get_running_loop())
    transport.write(HEAD)
    await asyncio.sleep(0)
    assert recording.writes == [HEAD]
    transport.write(b"ok")  # a body that came later: written as it is, after the head
    assert recording.writes == [HEAD, b"ok"]


async def test_close_sends_a_held_head_first() -> None:
    recording = Recording()
    transport = CoalescingTransport(recording, asyncio.get_running_loop())
    transport.write(HEAD)
    transport.close()
    assert recording.writes == [HEAD]
    assert recording.closed
    await asyncio.sleep(0)  # the flush scheduled before the close writes nothing more
    assert recording.writes == [HEAD]


@pytest.mark.parametrize(
    "data",
    [
        b"plain body",
        b"HTTP/1.1 200 OK\r\n",
        bytearray(b"HTTP/1.1 200 OK\r\n\r\n"),
        b"HTTP/" + b"x" * 20000 + b"\r\n\r\n",
    ],
    ids=["body", "no-blank-line", "bytearray", "oversized"],
)
async def test_anything_but_a_response_head_is_written_at_once(data: bytes | bytearray) -> None:
    recording = Recording()
    transport = CoalescingTransport(recording, asyncio.get_running_loop())
    transport.write(data)
    assert recording.writes == [bytes(data)]


async def test_the_rest_of_the_transport_is_the_wrapped_one() -> None:
    recording = Recording()
    transport = CoalescingTransport(recording, asyncio.get_running_loop())
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1)
    assert not transport.is_closing()
    transport.close()
    assert transport.is_closing()


# ---- through uvicorn, over a real socket ----

Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    assert scope["type"] == "http"
    path = scope["path"]
    if path == "/empty":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/stream":  # the first chunk only after the loop has turned
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
        for part in (b"one,", b"two,", b"three"):
            await asyncio.sleep(0.01)
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/late":  # the head, then a pause before the whole body
        body = b"late body"
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"9")]})
        await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": body})
        return
    body = b"x" * (int(path.removeprefix("/size/")) if path.startswith("/size/") else 5)
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", str(len(body)).encode())]}
    )
    await send({"type": "http.response.body", "body": body})


@contextlib.asynccontextmanager
async def _serving() -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(_app, http=CoalescingHttpToolsProtocol, log_config=None, lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


async def test_answers_through_uvicorn_arrive_whole() -> None:
    async with _serving() as base, httpx.AsyncClient(base_url=base) as http:
        for _ in range(3):  # keep-alive: each answer ends where the next begins
            plain = await http.get("/")
            assert (plain.status_code, plain.content) == (200, b"xxxxx")
        big = await http.get("/size/300000")
        assert big.content == b"x" * 300000
        head = await http.head("/")
        assert (head.status_code, head.content, head.headers["content-length"]) == (200, b"", "5")
        empty = await http.get("/empty")
        assert (empty.status_code, empty.content) == (204, b"")
        streamed = await http.get("/stream")
        assert (streamed.status_code, streamed.content) == (200, b"one,two,three")
        late = await http.get("/late")
        assert late.content == b"late body"
        closing = await http.get("/", headers={"connection": "close"})
        assert (closing.status_code, closing.content) == (200, b"xxxxx")
        again = await http.get("/")  # a new connection after the closed one
        assert again.content == b"xxxxx"


async def test_a_head_without_a_body_is_not_held_back() -> None:
    """A HEAD answer is a head alone: it must reach the client, not wait for a body that never comes."""
    async with _serving() as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(b"HEAD / HTTP/1.1\r\nhost: x\r\n\r\n")
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            assert head.startswith(b"HTTP/1.1 200 OK\r\n")
        finally:
            writer.close()


async def test_pipelined_requests_are_answered_whole_and_in_order() -> None:
    """Requests sent back to back in one segment (HTTP/1.1 pipelining), a HEAD among them whose head is held
    with no body to follow: each answer arrives once, whole, in the order asked."""
    async with _serving() as base:
        host, port = base.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            writer.write(
                b"GET /size/3 HTTP/1.1\r\nhost: x\r\n\r\n"
                b"HEAD / HTTP/1.1\r\nhost: x\r\n\r\n"
                b"GET /empty HTTP/1.1\r\nhost: x\r\n\r\n"
                b"GET /size/7 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
            )
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout=10)  # to the close after the last answer
        finally:
            writer.close()
    answers = raw.split(b"HTTP/1.1 ")[1:]
    assert [a.split(b"\r\n", 1)[0] for a in answers] == [b"200 OK", b"200 OK", b"204 No Content", b"200 OK"], raw
    assert answers[0].endswith(b"\r\n\r\nxxx")
    assert answers[1].endswith(b"content-length: 5\r\n\r\n")  # HEAD: the head alone
    assert answers[2].endswith(b"\r\n\r\n")
    assert answers[3].endswith(b"\r\n\r\nxxxxxxx")
