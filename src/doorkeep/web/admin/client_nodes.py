"""Admin REST: a client's registered cluster nodes (Keycloak's ClientResource.registerNode / unregisterNode).

``POST …/clients/{id}/nodes`` with ``{"node": host}`` registers the host at the current time (400 "Node not found
in params" without one); ``DELETE …/clients/{id}/nodes/{node}`` forgets it (404 "Client does not have node "
when it is not registered). Both need manage-clients and answer 204; the client representation lists them as
``registeredNodes`` (host -> registration time in seconds), left out when there are none.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import registered_nodes, with_registered_nodes
from doorkeep.errors import AdminError
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, no_content, not_found, read_object, run_realm

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


ROUTES = [
    Route(ONE + "/nodes", register_node, methods=["POST"]),
    Route(ONE + "/nodes/{node}", unregister_node, methods=["DELETE"]),
]
