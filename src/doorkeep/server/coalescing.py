"""One ``write`` a response instead of two (issue #8).

uvicorn's httptools protocol writes a response's status line and headers when the app sends
``http.response.start``, and its body at ``http.response.body``: two ``send`` system calls and two TCP
segments for every answer, and on loopback the server's core also pays for the receiving side of each
segment. A token answer's head and body are sent in the same step of the event loop, so here the head
is held until the body follows and both go out in one ``write``.

Nothing is reordered or lost: a held head goes out with the transport's next write, before ``close``,
or at the latest on the loop's next turn (``call_soon``), so an answer without a body (``HEAD``, 204,
304) or a streamed one whose first chunk comes later is only as late as one turn of the loop.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HEAD_LIMIT = 16 * 1024  # a response head beyond this is written at once (nothing to gain from joining)


class CoalescingTransport:
    """A transport that holds a response head (``HTTP/…\\r\\n\\r\\n``) until the next write; the rest of
    the transport's API is the wrapped one's."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes | bytearray | memoryview) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + bytes(data))
            return
        if (
            isinstance(data, bytes)
            and len(data) <= _HEAD_LIMIT
            and data.startswith(b"HTTP/")
            and data.endswith(b"\r\n\r\n")
        ):
            self._held = data
            self._loop.call_soon(self.flush)
            return
        self._transport.write(data)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a ``CoalescingTransport``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]
