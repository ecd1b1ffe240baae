"""Admin REST: Brute Force Detection under ``/admin/realms/{realm}/attack-detection`` (Keycloak's
AttackDetectionResource). Reading a user's status needs ``view-users``; clearing needs ``manage-users``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.errors import AdminError
from doorkeep.users import brute_force_admin, brute_force_keys
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
        return json_response(await brute_force_admin.status(tx, realm, request.path_params["id"], now))

    return await handlers.answer(request, work, write=False)


async def clear_user(request: Request) -> Response:
    """Releases a temporary lockout (a permanent one needs the user re-enabled, or ``?property=`` clearing the
    last counter that locks it). 204 even if nothing was there, but then no admin event:
    AttackDetectionResource.clearBruteForceForUser records one only for a failure it removed or a user it
    released. A property the realm does not protect is its BadRequestException (400)."""
    prop = request.query_params.get("property")

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        try:
            changed = await brute_force_admin.clear(tx, realm, request.path_params["id"], prop)
        except brute_force_keys.UnprotectedProperty as refused:
            raise AdminError(400, str(refused), key="error") from None
        if not changed:
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
