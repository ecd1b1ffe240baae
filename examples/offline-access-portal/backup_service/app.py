"""The protected back-end: "backups" of a user's data, reachable only with a valid access token of the realm.

    POST /backups   run a backup for the token's user: 201 and its record
    GET  /backups   the backups of the token's user

Anything without a valid token gets 401 with ``WWW-Authenticate: Bearer error="invalid_token"`` and the
reason (RFC 6750 §3). Backups are kept in memory: this is a demonstration of who may call, not of storage.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from backup_service.verify import InvalidToken, Policy, TokenVerifier


def _refuse(reason: str) -> Response:
    header = f'Bearer error="invalid_token", error_description="{reason}"'
    return JSONResponse(
        {"error": "invalid_token", "error_description": reason}, 401, headers={"WWW-Authenticate": header}
    )


async def _caller(request: Request) -> dict[str, Any] | Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return _refuse("missing bearer token")
    verifier: TokenVerifier = request.app.state.verifier
    try:
        return await verifier.verify(token.strip())
    except InvalidToken as exc:
        return _refuse(str(exc))


async def run_backup(request: Request) -> Response:
    claims = await _caller(request)
    if isinstance(claims, Response):
        return claims
    backups: dict[str, list[dict[str, Any]]] = request.app.state.backups
    mine = backups.setdefault(str(claims["sub"]), [])
    record = {
        "number": len(mine) + 1,
        "user": claims.get("preferred_username", claims["sub"]),
        "client": claims.get("azp"),
        "at": int(request.app.state.clock()),
    }
    mine.append(record)
    return JSONResponse(record, 201)


async def list_backups(request: Request) -> Response:
    claims = await _caller(request)
    if isinstance(claims, Response):
        return claims
    return JSONResponse(request.app.state.backups.get(str(claims["sub"]), []))


def create_app(
    policy: Policy, clock: Callable[[], float] = time.time, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """The service for ``policy``; ``clock`` decides expiry; ``transport`` lets tests reach Doorkeep in-process."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(transport=transport, timeout=10.0) as http:
            app.state.verifier = TokenVerifier(policy, http, clock)
            yield

    app = Starlette(
        routes=[Route("/backups", run_backup, methods=["POST"]), Route("/backups", list_backups, methods=["GET"])],
        lifespan=lifespan,
    )
    app.state.backups = {}
    app.state.clock = clock
    return app


def from_environment() -> Starlette:
    """``uvicorn backup_service.app:from_environment --factory``; BACKUP_ISSUER, BACKUP_AUDIENCE, BACKUP_ALLOWED_AZP."""
    return create_app(
        Policy(
            issuer=os.environ.get("BACKUP_ISSUER", "http://127.0.0.1:8080/realms/demo"),
            audience=os.environ.get("BACKUP_AUDIENCE", "backup-service"),
            allowed_azp=tuple(os.environ.get("BACKUP_ALLOWED_AZP", "offline-access-portal").split(",")),
        )
    )
