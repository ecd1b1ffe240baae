"""Admin REST: a client's registered cluster nodes (Keycloak's ClientResource.registerNode / unregisterNode).

``POST …/clients/{id}/nodes`` with ``{"node": host}`` registers the host at the current time (400 "Node not found
in params" without one, 400 "Character '#' not allowed." for a reserved character in it); ``DELETE
…/clients/{id}/nodes/{node}`` forgets it (404 "Client does not have node " when it is not registered). Both
need manage-clients and answer 204; the client representation lists them as ``registeredNodes`` (host ->
registration time in seconds), left out when there are none. ``GET …/clients/{id}/test-nodes-available``
(ClientResource.testNodesAvailable) posts a TestAvailabilityAction to ``k_test_available`` under each node's
management URL and answers the GlobalRequestResult, which its ACTION event of a CLUSTER_NODE carries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import registered_nodes, with_registered_nodes
from doorkeep.admin.reserved_chars import refuse_reserved
from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm
from doorkeep.web import handlers
from doorkeep.web.admin import audit, common
from doorkeep.web.admin.common import RealmCall, no_content, not_found, read_object, run_realm
from doorkeep.web.http import base_url, json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ONE = "/{realm}/clients/{id}"
NO_NODE = AdminError(400, "Node not found in params", key="error")
NOT_REGISTERED = not_found("Client does not have node ")  # Keycloak's text, trailing space included


async def register_node(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        node = (await read_object(request)).get("node")
        if not isinstance(node, str) or not node:
            raise NO_NODE
        refuse_reserved(node)
        await call.tx.clients.update(with_registered_nodes(client, {**registered_nodes(client), node: call.now}))
        # Keycloak's event: CREATE of a CLUSTER_NODE at the node's path, without a representation
        audit.several(request, [audit.Change("POST", ("clients", client.id, "nodes", node), None, "CLUSTER_NODE")])
        return no_content()

    return await run_realm(request, work)


async def unregister_node(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        nodes = registered_nodes(client)
        if nodes.pop(request.path_params["node"], None) is None:
            raise NOT_REGISTERED
        await call.tx.clients.update(with_registered_nodes(client, nodes))
        audit.resource(request, "CLUSTER_NODE")
        return no_content()

    return await run_realm(request, work)


async def test_nodes_available(request: Request) -> Response:
    found: list[tuple[Realm, Client]] = []

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-clients")
        found.append((realm, await common.client_of(tx, realm, request.path_params["id"], "Could not find client")))
        audit.deferred(request)
        return no_content()

    response = await handlers.answer(request, work, write=False)
    if not found:
        return response
    realm, client = found[0]
    services, notifier = state(request).services, state(request).notifier
    nodes = list(registered_nodes(client))
    result = await notifier.test_nodes(base_url(request), realm.id, client, nodes)
    await audit.record_outcome(request, result, services.clock.now_ms(), "CLUSTER_NODE")
    return json_response(result)


ROUTES = [
    Route(ONE + "/test-nodes-available", test_nodes_available, methods=["GET"]),
    Route(ONE + "/nodes", register_node, methods=["POST"]),
    Route(ONE + "/nodes/{node}", unregister_node, methods=["DELETE"]),
]
