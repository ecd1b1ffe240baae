"""Account REST for offline grants by device (a Doorkeep extension; ``users.offline_devices``):

- ``GET /realms/{r}/account/offline-sessions``: the list (label, os, browser, IP, started, lastAccess, clients)
- ``DELETE /realms/{r}/account/offline-sessions/{id}``: remove this device (204, as Keycloak's session delete)
- ``DELETE /realms/{r}/account/offline-sessions?keep={id}``: remove all other devices (all when no ``keep``)

Authentication, roles and errors are the Account REST's (``web.account``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.users import account as ops
from doorkeep.users import offline_devices
from doorkeep.web.account import BASE, _answer, _no_content, _ok

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def offline_sessions(request: Request) -> Response:
    if request.method == "DELETE":
        keep = request.query_params.get("keep") or None

        async def remove_others(tx: Tx, caller: ops.Caller) -> Response:
            await offline_devices.remove_other_devices(tx, caller, keep)
            return _no_content()

        return await _answer(request, remove_others)

    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return _ok(await offline_devices.offline_sessions(tx, caller))

    return await _answer(request, work, write=False)


async def offline_session(request: Request) -> Response:
    async def remove(tx: Tx, caller: ops.Caller) -> Response:
        await offline_devices.remove_device(tx, caller, request.path_params["session"])
        return _no_content()

    return await _answer(request, remove)


ROUTES: list[Route] = [
    Route(f"{BASE}/offline-sessions", offline_sessions, methods=["GET", "DELETE"]),
    Route(f"{BASE}/offline-sessions/{{session}}", offline_session, methods=["DELETE"]),
]
