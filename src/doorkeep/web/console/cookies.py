"""Console cookies: sealed (see ``console.sealing``), HttpOnly, SameSite=Lax, scoped to the console's path,
and split into numbered chunks when a value outgrows one cookie (a browser keeps about 4 KB per cookie).

They are Doorkeep's own, not Keycloak's (Keycloak's consoles keep their tokens in the page's script), so no
Keycloak cookie type applies. Lax, not None: no other site ever needs them, not even in a frame. Lax, not
Strict: a console link opened from a mail or another site must find the user signed in, and the sign-in's
callback is a top-level GET at the end of a redirect chain another site may have started; every write is
a POST, which a Lax cookie does not follow across sites, and carries a CSRF token besides. Secure exactly
when the realm cookies are (``web.cookies.secure_context``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.console.sealing import Sealer
from doorkeep.keys import material
from doorkeep.keys.material import HMAC_ALG
from doorkeep.model import Realm
from doorkeep.web.cookies import raw_path, secure_context
from doorkeep.web.http import in_transaction, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CHUNK = 3800
MAX_CHUNKS = 4


async def sealer(request: Request, realm: Realm, purpose: str) -> Sealer:
    """A sealer keyed by the realm's HMAC keys (shared by every process through the database): the active
    key seals, passive ones still open, so a key rotation does not sign console users out at once."""

    async def load(tx: Tx) -> list[bytes]:
        rows = [r for r in await tx.keys.list(realm.id) if r.algorithm == HMAC_ALG and r.status != "disabled"]
        rows.sort(key=lambda r: r.status != "active")
        return [material.load(r).signing for r in rows]

    secrets = await in_transaction(request, load, write=False)
    if not secrets:  # a realm always has one; create it the way token signing does
        services = state(request).services

        async def create(tx: Tx) -> list[bytes]:
            key = await services.keyring.signing_key(tx, realm.id, HMAC_ALG, services.clock.now())
            return [key.signing]

        secrets = await in_transaction(request, create)
    return Sealer(secrets, purpose)


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
    """Set ``name`` (chunked as needed) on ``path`` (made a raw path: it may hold a realm's name) and delete chunks
    left over from a longer earlier value."""
    path = raw_path(path)
    chunks = [value[i : i + CHUNK] for i in range(0, len(value), CHUNK)] or [""]
    if len(chunks) > MAX_CHUNKS:
        raise ValueError("console cookie too large")
    secure = secure_context(request)
    for i in range(MAX_CHUNKS):
        chunk_name = name if i == 0 else f"{name}.{i}"
        if i < len(chunks):
            response.set_cookie(
                chunk_name, chunks[i], max_age=max_age, path=path, secure=secure, httponly=True, samesite="lax"
            )
        elif chunk_name in request.cookies:
            response.delete_cookie(chunk_name, path=path, secure=secure, httponly=True, samesite="lax")


def clear(request: Request, response: Response, name: str, path: str) -> None:
    path, secure = raw_path(path), secure_context(request)
    for i in range(MAX_CHUNKS):
        chunk_name = name if i == 0 else f"{name}.{i}"
        if chunk_name in request.cookies:
            response.delete_cookie(chunk_name, path=path, secure=secure, httponly=True, samesite="lax")
