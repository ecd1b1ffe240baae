"""Admin REST for a user's offline sessions by device (a Doorkeep extension; docs/offline-devices.md).

- ``GET /admin/realms/{r}/users/{id}/offline-sessions``: every live offline session of the user, whatever
  its clients, as UserSessionRepresentation plus ``deviceLabel`` (view-users), most recently used first.
- ``DELETE /admin/realms/{r}/users/{id}/offline-sessions?keep={sessionId}``: end every other offline
  session of the user (all of them without ``keep``), 204 (manage-users). Removing one is Keycloak's
  ``DELETE /admin/realms/{r}/sessions/{id}?isOffline=true``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.sessions.liveness import realm_filter
from doorkeep.users import offline_devices
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.admin.sessions import NO_CONTENT, _Renderer
from doorkeep.web.http import json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def user_offline_sessions(request: Request) -> Response:
    if request.method == "DELETE":
        return await _end_others(request)

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        live = await realm_filter(tx, realm, True, state(request).services.clock.now())
        sessions = await tx.sessions.user_sessions_of(user.id, True, live)
        sessions.sort(key=lambda us: (-us.last_session_refresh, us.id))
        render = _Renderer(tx, {True: live})
        await render.prefetch(sessions)
        return json_response([await render.session(us) for us in sessions])

    return await handlers.answer(request, work, write=False)


async def _end_others(request: Request) -> Response:
    keep = request.query_params.get("keep") or None

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        await offline_devices.end_other_offline(tx, user.id, keep)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


ROUTES: list[Route] = [
    Route("/{realm}/users/{id}/offline-sessions", user_offline_sessions, methods=["GET", "DELETE"]),
]
