"""``/realms/{realm}/clients-managements/{register-node,unregister-node}``: Keycloak's ClientsManagementService.

Its own realm checks come first, as its methods make them: over plain HTTP where the realm's sslRequired applies,
``ForbiddenException("HTTPS required")`` (403 ``{"error": "HTTPS required"}``); a disabled realm, the event's
``realm_disabled`` error and ``NotAuthorizedException`` (401 ``{"error": "HTTP 401 Unauthorized"}``, as
KeycloakErrorHandler answers an exception without an entity). The rest is oauth/cluster_nodes.py in the
protocol endpoints' transaction, its OAuth errors as they answer them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.oauth import cluster_nodes
from doorkeep.web.http import RealmNotFound, client_ip, in_transaction, is_secure, json_response, state
from doorkeep.web.protocol import protocol_call, realm_named

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NO_CONTENT = 204


async def _node(request: Request, *, register: bool) -> Response:
    realm = await realm_named(request)
    if realm is None:
        raise RealmNotFound
    if not is_secure(request, realm):
        return json_response({"error": "HTTPS required"}, 403)
    services = state(request).services
    if not realm.enabled:
        ip = client_ip(request)

        async def refused(tx: Tx) -> None:
            await cluster_nodes.refuse_disabled_realm(tx, services, realm, ip, register=register)

        await in_transaction(request, refused)
        return json_response({"error": "HTTP 401 Unauthorized"}, 401)
    return await protocol_call(
        request,
        lambda tx, req: cluster_nodes.change_node(tx, services, req, register=register),
        lambda _: Response(status_code=NO_CONTENT),
    )


async def register_node(request: Request) -> Response:
    return await _node(request, register=True)


async def unregister_node(request: Request) -> Response:
    return await _node(request, register=False)
