"""Cluster node registration by an adapter (Keycloak's ClientsManagementService, still served by Keycloak 26).

``POST /realms/{realm}/clients-managements/register-node`` and ``unregister-node``: a confidential client
authenticates as at the token endpoint (AuthorizeClientUtil.authorizeClient, without CORS) and names one of its
cluster nodes in the form parameter ``client_cluster_host`` (AdapterConstants.CLIENT_CLUSTER_HOST). Registering
records the host with the current time in the client's ``registeredNodes`` (again: a new time); unregistering
forgets it (none there: nothing to forget). Both answer 204 and record REGISTER_NODE / UNREGISTER_NODE with the
``node_host`` detail; a public client is ``invalid_client`` "Public clients not allowed" (400) and a missing or
empty host ``invalid_request`` "Client cluster host not specified" (400, event error ``invalid_code``, as
Keycloak's). The HTTPS rule and a disabled realm are the web handler's (web/clients_management.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import events
from doorkeep.admin.representations import registered_nodes, with_registered_nodes
from doorkeep.oauth.endpoint_events import RequestEvents

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

REGISTER, UNREGISTER = "REGISTER_NODE", "UNREGISTER_NODE"
HOST_PARAM = "client_cluster_host"
NODE_HOST = "node_host"  # Details.NODE_HOST
PUBLIC_REFUSED = "Public clients not allowed"
NO_HOST = "Client cluster host not specified"


async def change_node(tx: Tx, services: Services, req: OAuthRequest, *, register: bool) -> None:
    """registerNode / unregisterNode after the realm checks: authenticate, read the host, write, record."""
    now = services.clock.now()
    kind = REGISTER if register else UNREGISTER
    refusals = RequestEvents(tx, req, kind, now)
    client = await refusals.client(cors=False)
    if client.public_client:
        await refusals.error("invalid_client")
        raise e.InvalidClient(PUBLIC_REFUSED, status=400)
    host = req.form.get(HOST_PARAM)
    if not host:
        await refusals.error("invalid_code")  # Errors.INVALID_CODE, as Keycloak records it
        raise e.InvalidRequest(NO_HOST)
    client = await tx.clients.held(client.id) or client  # two nodes registering at once: neither write lost
    nodes = registered_nodes(client)
    changed = register or host in nodes  # a host never registered: nothing to forget, nothing written
    if register:
        nodes[host] = now
    else:
        nodes.pop(host, None)
    if changed:
        await tx.clients.update(with_registered_nodes(client, nodes))
    details = {**refusals.details, NODE_HOST: host}
    await events.record(tx, req.realm, kind, now=now, client_id=client.client_id, ip=req.ip_address, details=details)


async def refuse_disabled_realm(tx: Tx, services: Services, realm: Realm, ip: str | None, *, register: bool) -> None:
    """A disabled realm: the ``realm_disabled`` error event, before any client is known (the web handler then
    answers NotAuthorizedException's 401)."""
    kind = REGISTER if register else UNREGISTER
    now = services.clock.now()
    await events.record(tx, realm, f"{kind}_ERROR", now=now, ip=ip, error="realm_disabled")
