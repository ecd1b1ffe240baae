"""One outbound HTTP request bounded in time and size: the calls Doorkeep makes to hosts a client or an
administrator named (a client's ``jwks.url`` and ``request_uri``, a sector identifier URI, an identity
provider's token and userinfo endpoints).

No redirect is followed (it would leave the URL that was registered); the whole answer must come within the
time limit (httpx's timeout is per read, which a host sending a byte at a time would stretch as it liked); the
body is streamed and the read stops past the size limit (never read whole first). What failed is one of three
errors, each caller turning them into its own (a ValueError for client keys, a BrokerError for brokering).
httpx is imported on first use: the server starts without it (tests/unit/test_start_imports.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep import outbound_tls


class CallFailed(Exception):
    """The request got no usable answer."""


class TooLarge(CallFailed):
    """The body went past ``max_bytes``."""


class TimedOut(CallFailed):
    """No complete answer within ``timeout`` seconds."""


class TransportFailed(CallFailed):
    """httpx failed: a URL it cannot use (``http://[::1``: its InvalidURL is no HTTPError; ``http://xn--zz``: idna's
    IDNAError, a UnicodeError, which httpx lets out of request building), a refused
    connection, a broken answer. ``name`` is the error's type; ``str()`` is httpx's message, which may name
    the URL."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message or name)
        self.name = name


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


async def bounded_request(
    method: str,
    url: str,
    headers: dict[str, str],
    form: dict[str, str] | None,
    timeout: float,
    max_bytes: int,
) -> Answer:
    """Send one request (``form`` as an urlencoded body) and read the answer within the bounds above."""
    import anyio
    import httpx

    try:
        with anyio.fail_after(timeout):
            async with (
                httpx.AsyncClient(timeout=timeout, follow_redirects=False, verify=outbound_tls.context()) as http,
                http.stream(method, url, headers=headers, data=form) as response,
            ):
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        raise TooLarge(f"answer past {max_bytes} bytes")
                return Answer(response.status_code, response.headers.get("content-type", ""), bytes(body))
    except TimeoutError:
        raise TimedOut(f"no complete answer within {timeout} s") from None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as err:  # ValueError: idna's, for a host like xn--zz
        raise TransportFailed(type(err).__name__, str(err)) from None
