"""Admin REST: the admin console's reads of Keycloak's admin-ui-ext module (doorkeep.admin.ui_ext has the shapes).

* ``GET ui-ext/effective-roles/{users,groups,clients,clientScopes,roles}/{id}`` (EffectiveRoleMappingResource): the
  client roles reached from the subject's mappings, composites expanded (a user's groups and a group's parents
  included; a client's or client scope's scope mappings, not a client's own roles). The subject is looked up first
  (404 "Could not find client|client scope|group"; an unknown user: 404 "User not found" to who may query users,
  else 403), then viewed: view-users for users and groups, view-clients for clients and client scopes. ``roles/{id}``
  ignores the id and answers the realm's default role's client roles to who may list roles (Keycloak's own comment:
  "this definitely does not return what the description says").
* ``GET ui-ext/realms/names`` (UIRealmsResource): the realms the caller may view or administers, no role required.
* ``GET ui-ext/info`` (UIRealmResource.getInfo): any admin role of the realm.
* ``GET ui-ext/available-event-listeners`` (AvailableEventListenersResource): view-events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import ui_ext
from doorkeep.admin.operations import default_role
from doorkeep.model import Client, ClientScope
from doorkeep.oauth.roles import direct_and_group_role_ids
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import RealmCall, not_found, ok, query_int, run_realm
from doorkeep.web.admin.events import LISTENERS
from doorkeep.web.admin.groups import load_group
from doorkeep.web.admin.role_lookup import LIST_REALM_ROLES

Subject = Callable[[RealmCall, str], Awaitable[set[str]]]  # the role ids a subject's effective roles start from


async def _user(call: RealmCall, user_id: str) -> set[str]:
    user = await call.user(user_id)
    call.require("view-users")
    return await direct_and_group_role_ids(call.tx, user)


async def _group(call: RealmCall, group_id: str) -> set[str]:
    group = await load_group(call, group_id, not_found("Could not find group"))
    call.require("view-users")
    ids = set(await call.tx.groups.role_ids(group.id))
    for ancestor in (await call.tx.groups.ancestors([group])).values():
        ids |= await call.tx.groups.role_ids(ancestor.id)
    return ids


async def _client(call: RealmCall, client_uuid: str) -> set[str]:
    return await _scope_mapped(call, await call.tx.clients.get(client_uuid), "Could not find client")


async def _client_scope(call: RealmCall, scope_id: str) -> set[str]:
    return await _scope_mapped(call, await call.tx.scopes.get(scope_id), "Could not find client scope")


async def _scope_mapped(call: RealmCall, holder: Client | ClientScope | None, missing: str) -> set[str]:
    """The roles scope-mapped to a client or client scope of the realm, found before the view-clients check."""
    if holder is None or holder.realm_id != call.realm.id:
        raise not_found(missing)
    call.require("view-clients")
    return {r.id for r in await call.tx.roles.scope_mappings(holder.id)}


async def _default_role(call: RealmCall, _: str) -> set[str]:
    if not (call.can("view-realm") or call.holds(*LIST_REALM_ROLES)):  # roles().requireList(realm)
        raise FORBIDDEN
    role = await default_role(call.tx, call.realm)
    return {role.id} if role is not None else set()


def _effective(subject: Subject) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            subject_id = request.path_params.get("id") or request.path_params["scope_id"]
            ids = await call.tx.roles.expand(await subject(call, subject_id))
            roles = await call.tx.roles.get_many(ids)
            clients = {c.id: c for c in await call.tx.clients.list(call.realm.id)}
            return ok(ui_ext.effective_client_roles(roles, clients))

        return await run_realm(request, work, write=False)

    return endpoint


async def realm_names(request: Request) -> Response:
    """UIRealmsResource.getRealms: the realms the caller may view (view-realm) or holds an admin role of."""

    async def work(call: RealmCall) -> Response:
        seen = [
            r for r in await call.tx.realms.list() if call.identity.can(r, "view-realm") or call.identity.administers(r)
        ]
        search = request.query_params.get("search", "")
        return ok(ui_ext.realm_names(seen, search, query_int(request, "first", 0), query_int(request, "max", 10)))

    return await run_realm(request, work, write=False)


async def realm_info(request: Request) -> Response:
    """UIRealmResource.getInfo: requireAnyAdminRole."""

    async def work(call: RealmCall) -> Response:
        if not call.identity.administers(call.realm):
            raise FORBIDDEN
        return ok(ui_ext.realm_info())

    return await run_realm(request, work, write=False)


async def event_listeners(request: Request) -> Response:
    """AvailableEventListenersResource.listAvailableEventListeners: requireViewEvents."""

    async def work(call: RealmCall) -> Response:
        call.require("view-events")
        return ok(ui_ext.event_listeners(LISTENERS))

    return await run_realm(request, work, write=False)


ROUTES: list[Route] = [
    *(
        Route(f"/{{realm}}/ui-ext/effective-roles/{kind}/{{{param}}}", _effective(subject), methods=["GET"])
        for kind, param, subject in (
            ("users", "id", _user),
            ("groups", "id", _group),
            ("clients", "id", _client),
            ("clientScopes", "scope_id", _client_scope),  # the route matrix fills {scope_id} with a client scope
            ("roles", "id", _default_role),
        )
    ),
    Route("/{realm}/ui-ext/realms/names", realm_names, methods=["GET"]),
    Route("/{realm}/ui-ext/info", realm_info, methods=["GET"]),
    Route("/{realm}/ui-ext/available-event-listeners", event_listeners, methods=["GET"]),
]
