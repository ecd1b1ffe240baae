"""Admin REST: ``GET ui-ext/available-roles/{users,groups,clients,clientScopes,roles}/{id}``, Keycloak 26's
admin-ui-ext AvailableRoleMappingResource: the client roles the admin console offers to map to a subject, paged
(``first`` 0, ``max`` 10, ``search`` on the role name or clientId; doorkeep.admin.ui_ext has the rules).

The subject is looked up first: an unknown one is 404 ("User not found", "Could not find group|client|client
scope") to who may list that kind (users().canQuery, groups().canList, clients().canList, canListClientScopes) and
403 to anyone else. Then, without fine-grained permissions (Doorkeep has none), an admin holding manage-users
(users, groups, roles) or manage-clients (clients, client scopes) gets the realm's client roles the subject does
not map directly (a client's own roles left out too; ``roles/{id}`` leaves out the id alone, 404 for an
organization role's); any other admin gets ``[]``: no view check follows, so a caller who may not view the
subject learns nothing more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import ui_ext
from doorkeep.organizations import roles as org_roles
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import RealmCall, not_found, ok, query_int, run_realm

MANAGE_USERS, MANAGE_CLIENTS = "manage-users", "manage-clients"
# What a subject's path names: the role ids left out of the offer, once the subject is found.
Excluded = Callable[[RealmCall, str], Awaitable[set[str]]]


async def _user(call: RealmCall, user_id: str) -> set[str]:
    user = await call.user(user_id)
    return set(await call.tx.users.role_ids(user.id))


async def _group(call: RealmCall, group_id: str) -> set[str]:
    group = await call.tx.groups.get(group_id)
    if group is None or group.realm_id != call.realm.id:
        raise not_found("Could not find group") if call.can("query-groups") else FORBIDDEN
    return set(await call.tx.groups.role_ids(group.id))


async def _client(call: RealmCall, client_uuid: str) -> set[str]:
    client = await call.client(client_uuid)  # "Could not find client" to who may list clients
    own = {r.id for r in await call.tx.roles.list_client_roles(client.id)}
    return own | {r.id for r in await call.tx.roles.scope_mappings(client.id)}


async def _client_scope(call: RealmCall, scope_id: str) -> set[str]:
    scope = await call.tx.scopes.get(scope_id)
    if scope is None or scope.realm_id != call.realm.id:
        raise not_found("Could not find client scope") if call.can("query-clients") else FORBIDDEN
    return {r.id for r in await call.tx.roles.scope_mappings(scope.id)}


async def _role(call: RealmCall, role_id: str) -> set[str]:
    """The id alone, looked up only to refuse an organization role's (404, as Keycloak's main branch after 26.8.0
    answers for one; [UNVERIFIED] the text: its test reads only the status)."""
    if await org_roles.in_realm(call.tx, call.realm.id, role_id):
        raise not_found("Could not find role")
    return {role_id}


def _available(excluded: Excluded, manager: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            subject_id = request.path_params.get("id") or request.path_params["scope_id"]
            first, max_results = query_int(request, "first", 0), query_int(request, "max", 10)  # JAX-RS's, first
            left_out = await excluded(call, subject_id)
            if not call.holds(manager):  # MgmtPermissions.hasOneAdminRole; no FGAP here: []
                return ok([])
            clients = {c.id: c for c in await call.tx.clients.list(call.realm.id)}
            roles = [r for c in clients for r in await call.tx.roles.list_client_roles(c)]
            search = request.query_params.get("search", "")
            return ok(ui_ext.available_client_roles(roles, clients, left_out, search, first, max_results))

        return await run_realm(request, work, write=False)

    return endpoint


ROUTES: list[Route] = [
    Route(f"/{{realm}}/ui-ext/available-roles/{kind}/{{{param}}}", _available(excluded, manager), methods=["GET"])
    for kind, param, excluded, manager in (
        ("users", "id", _user, MANAGE_USERS),
        ("groups", "id", _group, MANAGE_USERS),
        ("clients", "id", _client, MANAGE_CLIENTS),
        ("clientScopes", "scope_id", _client_scope, MANAGE_CLIENTS),  # the route matrix fills {scope_id}
        ("roles", "id", _role, MANAGE_USERS),
    )
]
