"""Admin REST: ``GET /admin/serverinfo`` and ``GET /admin/realms/{realm}/keys``.

Server info is for administrators: a token holding any realm-management role (or the master
``admin`` role) reads it; anyone else gets 403. Only master-realm admins holding manage-realm see the system
(``serverinfo.shown_to``): Keycloak 26.6.4 / 26.6.6 removed the ``view-system`` fallback, so a realm-management
role of that name grants nothing. Keys need ``view-realm`` on the realm.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.keys_metadata import keys_metadata
from doorkeep.admin.permissions import MASTER
from doorkeep.admin.serverinfo import server_info, shown_to
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import Call, RealmCall, ok, run, run_realm
from doorkeep.web.http import state


async def serverinfo(request: Request) -> Response:
    async def work(call: Call) -> Response:
        identity = call.identity
        if not identity.is_admin:  # AdminRoot.getServerInfo: AdminPermissions.realms(...).isAdmin()
            raise FORBIDDEN
        app = state(request)
        info = server_info(call.now, app.started or call.now, app.services.disabled_features)
        system = identity.realm.name == MASTER and identity.can(identity.realm, "manage-realm")
        return ok(shown_to(info, system=system, version=identity.can(identity.realm, "manage-realm")))

    return await run(request, work, write=False)


async def realm_keys(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok(keys_metadata(await call.tx.keys.list(call.realm.id), call.realm.name, call.now))

    return await run_realm(request, work, write=False)


ROUTES = [Route("/{realm}/keys", realm_keys, methods=["GET"])]
