"""Admin REST: Brute Force Detection under ``/admin/realms/{realm}/attack-detection`` (Keycloak's
AttackDetectionResource). Reading a user's status needs ``view-users``; clearing needs ``manage-users``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.users import brute_force
from doorkeep.web import handlers
from doorkeep.web.admin import audit, common
from doorkeep.web.http import json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NO_CONTENT = 204


async def user_status(request: Request) -> Response:
    now = state(request).services.clock.now()

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "view-users")
        user_id = request.path_params["id"]
        user = await tx.users.get(user_id)
        if user is not None and user.realm_id != realm.id:
            user = None
        failure = await tx.login_failures.get(realm.id, user_id)
        return json_response(brute_force.status_json(realm, user, failure, now))

    return await handlers.answer(request, work, write=False)


async def clear_user(request: Request) -> Response:
    """Releases a temporary lockout (a permanent one needs the user re-enabled). 204 even if nothing was there,
    but then no admin event: AttackDetectionResource.clearBruteForceForUser records one only for a failure it
    removed."""

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        if not await tx.login_failures.remove(realm.id, request.path_params["id"]):
            audit.unchanged(request)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


async def clear_all(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        await tx.login_failures.remove_all(realm.id)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


USERS = "/{realm}/attack-detection/brute-force/users"

ROUTES: list[Route] = [
    Route(USERS, clear_all, methods=["DELETE"]),
    Route(f"{USERS}/{{id}}", user_status, methods=["GET"]),
    Route(f"{USERS}/{{id}}", clear_user, methods=["DELETE"]),
]
