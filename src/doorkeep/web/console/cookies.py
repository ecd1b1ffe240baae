"""Console cookies: sealed (see ``console.sealing``), HttpOnly, SameSite=Lax, scoped to the console's path,
and split into numbered chunks when a value outgrows one cookie (a browser keeps about 4 KB per cookie).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.console.sealing import Sealer
from doorkeep.keys.material import HMAC_ALG
from doorkeep.model import Realm
from doorkeep.web.http import base_url, in_transaction, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CHUNK = 3800
MAX_CHUNKS = 4


async def sealer(request: Request, realm: Realm, purpose: str) -> Sealer:
    """A sealer keyed by the realm's active HMAC key (shared by every process through the database)."""
    services = state(request).services

    async def load(tx: Tx) -> bytes:
        key = await services.keyring.signing_key(tx, realm.id, HMAC_ALG, services.clock.now())
        secret: bytes = key.signing
        return secret

    return Sealer([await in_transaction(request, load)], purpose)


def read(request: Request, name: str) -> str | None:
    """The joined value of cookie ``name`` and its chunks ``name.1``, ``name.2``…"""
    first = request.cookies.get(name)
    if first is None:
        return None
    parts = [first]
    for i in range(1, MAX_CHUNKS):
        more = request.cookies.get(f"{name}.{i}")
        if more is None:
            break
        parts.append(more)
    return "".join(parts)


def write(request: Request, response: Response, name: str, value: str, path: str, max_age: int | None) -> None:
    """Set ``name`` (chunked as needed) and delete chunks left over from a longer earlier value."""
    chunks = [value[i:i + CHUNK] for i in range(0, len(value), CHUNK)] or [""]
    if len(chunks) > MAX_CHUNKS:
        raise ValueError("console cookie too large")
    secure = base_url(request).startswith("https://")
    for i in range(MAX_CHUNKS):
        chunk_name = name if i == 0 else f"{name}.{i}"
        if i < len(chunks):
            response.set_cookie(chunk_name, chunks[i], max_age=max_age, path=path, secure=secure, httponly=True,
                                samesite="lax")
        elif chunk_name in request.cookies:
            response.delete_cookie(chunk_name, path=path, secure=secure, httponly=True, samesite="lax")


def clear(request: Request, response: Response, name: str, path: str) -> None:
    secure = base_url(request).startswith("https://")
    for i in range(MAX_CHUNKS):
        chunk_name = name if i == 0 else f"{name}.{i}"
        if chunk_name in request.cookies:
            response.delete_cookie(chunk_name, path=path, secure=secure, httponly=True, samesite="lax")
