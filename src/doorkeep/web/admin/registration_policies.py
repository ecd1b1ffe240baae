"""Admin REST: the client registration policy providers with their properties
(ClientRegistrationPolicyResource.getProviders, ``/client-registration-policy/providers``, which needs view-realm
since Keycloak 26.x's ``auth.realm().requireViewRealm()``). The policies themselves are components:
``web/admin/components.py`` writes them through ``clientreg/policy_writes``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.serverinfo import MAPPER_TYPES
from doorkeep.clientreg import policy_components as pc
from doorkeep.clientreg.policy_writes import scope_names
from doorkeep.web.admin.common import RealmCall, ok, run_realm


async def providers(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok(pc.providers([m[0] for m in MAPPER_TYPES], await scope_names(call.tx, call.realm)))

    return await run_realm(request, work, write=False)


ROUTES = [Route("/{realm}/client-registration-policy/providers", providers, methods=["GET"])]
