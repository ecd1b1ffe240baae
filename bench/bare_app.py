"""The HTTP server alone: uvicorn (uvloop, httptools) answering a constant JSON body to any request.

No framework, no form parsing, no database, no cryptography: what one request costs before an endpoint does
anything. bench/side.py adds the crypto floor of an ES256 refresh to it, a bound no Python endpoint served this
way can pass. Started by bench/stack.py; nothing here is used outside the benchmark.
"""

from __future__ import annotations

from typing import Any

_BODY = b'{"access_token":"","expires_in":300,"refresh_expires_in":0,"token_type":"Bearer"}'
_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    message = await receive()
    while message.get("more_body"):
        message = await receive()
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
