"""Admin REST: ``GET /admin/realms/{realm}/clients/count`` (Keycloak's ClientsResource.getClientsCount).

query-clients may ask; the number is of the realm's clients, of those whose clientId contains ``search`` (any
case), or of those matching the attribute query ``q`` (``key:value`` pairs, exact, only attributes the server can
search: 400 otherwise, as the list answers). A caller who may list clients but not view them counts none, as
the list shows them none (Doorkeep has no per-client permissions).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.web.admin.clients import BASE, attribute_query, clients_by_attributes
from doorkeep.web.admin.common import RealmCall, ok, run_realm
from doorkeep.web.http import state


async def count_clients(request: Request) -> Response:
    search = request.query_params.get("search")
    q = request.query_params.get("q")

    async def work(call: RealmCall) -> Response:
        call.require("query-clients")
        if not call.can("view-clients"):
            return ok(0)
        if q is not None:
            wanted = attribute_query(q, state(request).settings.client_searchable_attributes)
            return ok(len(await clients_by_attributes(call.tx, call.realm.id, wanted)))
        return ok(await call.tx.clients.count(call.realm.id, search=search if search and search.strip() else None))

    return await run_realm(request, work, write=False)


ROUTES = [Route(BASE + "/count", count_clients, methods=["GET"])]
