"""Admin REST: the MappingsRepresentation views Keycloak's RoleMappingAwareResource added in 2026, the ones the
admin console uses to show effective roles and to pick roles across every client.

For ``users/{id}/role-mappings``, ``groups/{id}/role-mappings``, ``clients/{id}/scope-mappings``,
``client-scopes/{id}/scope-mappings`` and ``roles-by-id/{id}/composites``:

* ``…/composite``: the effective roles (composites expanded; for a user its groups and their parents too, for a
  group its parents), as RoleMapperResource.getCompositeRoleMappings and RoleByIdResource.getCompositeRoleComposites;
* ``…/inherited``: the roles reached through the direct roles' composites and through the inherited sources (a
  user's groups and their parents, a group's parents), expanded; a direct role is listed only when it is also
  reached that way (RoleMappingAwareResource.getInheritedRoles);
* ``…/available``: the roles not yet mapped (for a composite: neither the role itself nor its children; for a
  client's scope: nor the client's own roles) that the caller may map. Realm roles come in full, filtered by
  ``search`` on the name; client roles are filtered by ``search`` on the role name or the clientId, ordered by
  clientId then name, and paged with ``first``/``max`` after the per-role permission check, so a page is never
  shortened by roles the caller cannot map (searchClientRoles).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.permissions import may_grant
from doorkeep.model import Client, Role
from doorkeep.oauth.roles import direct_and_group_role_ids
from doorkeep.web.admin.common import RealmCall, ok, page, query_int, role_json, run_realm
from doorkeep.web.admin.groups import load_group
from doorkeep.web.admin.role_lookup import target
from doorkeep.web.admin.scopes import load_scope

Permission = Callable[[RealmCall, Role], Awaitable[bool]]
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class Subject:
    """What a path's mappings belong to: its direct roles, the roles it inherits besides its composites, what
    ``available`` leaves out, who may map a role to it, and (for a composite role) the role itself, never listed."""

    direct: set[str]
    inherited_sources: set[str]
    excluded: set[str]
    may: Permission
    itself: str | None = None


async def _may_map(call: RealmCall, role: Role) -> bool:
    """canMapRole: manage-users, and every admin role in ``role`` is the caller's to hand out."""
    return await call.identity.may_map(call.tx, call.realm, role)


async def _may_nest(call: RealmCall, role: Role) -> bool:
    """canMapComposite: manage-realm for a realm role, manage-clients for a client role, and the admin roles in it
    the caller's to hand out (as ``POST …/composites`` checks)."""
    return call.can("manage-clients" if role.client_id else "manage-realm") and await may_grant(
        call.tx, call.identity.grantor, role
    )


async def _may_scope(call: RealmCall, role: Role) -> bool:
    """canMapClientScope: manage-clients (a scope mapping hands out no role)."""
    return call.can("manage-clients")


async def mappings_json(call: RealmCall, roles: Iterable[Role]) -> dict[str, Any]:
    """ModelToRepresentation.toMappingsRepresentation: brief realm roles, and per clientId ``{id, client,
    mappings}``; empty parts left out."""
    out: dict[str, Any] = {}
    by_client: dict[str, dict[str, Any]] = {}
    clients: dict[str, Client | None] = {}
    for role in roles:
        if role.client_id is None:
            out.setdefault("realmMappings", []).append(role_json(role, brief=True))
            continue
        if role.client_id not in clients:
            clients[role.client_id] = await call.tx.clients.get(role.client_id)
        client = clients[role.client_id]
        if client is not None:
            entry = by_client.setdefault(
                client.client_id, {"id": client.id, "client": client.client_id, "mappings": []}
            )
            entry["mappings"].append(role_json(role, brief=True))
    if by_client:
        out["clientMappings"] = by_client
    return out


async def _realm_ordered(call: RealmCall, ids: set[str]) -> list[Role]:
    """The roles with these ids: realm roles by name, then client roles by clientId and name."""
    chosen = [r for r in await call.tx.roles.list_realm_roles(call.realm.id) if r.id in ids]
    for client in await call.tx.clients.list(call.realm.id):
        chosen += [r for r in await call.tx.roles.list_client_roles(client.id) if r.id in ids]
    return chosen


async def available(call: RealmCall, request: Request, subject: Subject) -> dict[str, Any]:
    """RoleMappingAwareResource.getAvailableMappings: see the module docstring."""
    search = request.query_params.get("search")
    first, max_results = query_int(request, "first"), query_int(request, "max")
    name_part = search.lower() if search else None
    found: list[Role] = []
    for role in await call.tx.roles.list_realm_roles(call.realm.id):
        if role.id in subject.excluded or (name_part is not None and name_part not in role.name.lower()):
            continue
        if await subject.may(call, role):
            found.append(role)
    needle = search.strip().lower() if search else ""
    client_roles: list[Role] = []
    for client in await call.tx.clients.list(call.realm.id):
        client_matches = needle in client.client_id.lower()
        for role in await call.tx.roles.list_client_roles(client.id):
            if role.id in subject.excluded or not (client_matches or needle in role.name.lower()):
                continue
            if await subject.may(call, role):
                client_roles.append(role)
    return await mappings_json(call, found + page(client_roles, first, max_results))


async def _inherited(call: RealmCall, subject: Subject) -> set[str]:
    roots = set(subject.inherited_sources)
    for role_id in subject.direct:
        roots |= {r.id for r in await call.tx.roles.composites(role_id)}
    return await call.tx.roles.expand(roots)


# --- the subjects -----------------------------------------------------------------------------------------------
async def _user(call: RealmCall, request: Request) -> tuple[Subject, set[str]]:
    user = await call.user(request.path_params["id"])  # UsersResource.user looks up first: 404 or 403
    call.require("view-users")
    direct = await call.tx.users.role_ids(user.id)
    groups = await call.tx.groups.inherited_role_ids(user.id)
    effective = await call.tx.roles.expand(await direct_and_group_role_ids(call.tx, user))
    return Subject(direct, groups, direct, _may_map), effective


async def _group(call: RealmCall, request: Request) -> tuple[Subject, set[str]]:
    group = await load_group(call, request.path_params["id"])
    call.require("view-users")
    direct = await call.tx.groups.role_ids(group.id)
    parents: set[str] = set()
    for ancestor in (await call.tx.groups.ancestors([group])).values():
        parents |= await call.tx.groups.role_ids(ancestor.id)
    effective = await call.tx.roles.expand(direct | parents)
    return Subject(direct, parents, direct, _may_map), effective


def _scope_owner(of_client_scope: bool) -> Callable[[RealmCall, Request], Awaitable[tuple[Subject, set[str]]]]:
    async def subject(call: RealmCall, request: Request) -> tuple[Subject, set[str]]:
        owner_id = request.path_params["id"]
        owner = await load_scope(call, owner_id) if of_client_scope else await call.client(owner_id)
        call.require("view-clients")
        direct = {r.id for r in await call.tx.roles.scope_mappings(owner.id)}
        own: set[str] = set()
        if isinstance(owner, Client):
            own = {r.id for r in await call.tx.roles.list_client_roles(owner.id)}
        if isinstance(owner, Client) and owner.full_scope_allowed:  # ClientModel.hasScope: every role
            effective = {r.id for r in await call.tx.roles.list_all(call.realm.id)}
        else:
            effective = await call.tx.roles.expand(direct | own)
        return Subject(direct, set(), direct | own, _may_scope), effective

    return subject


async def _composite_role(call: RealmCall, request: Request) -> tuple[Subject, set[str]]:
    role = await target(call, request, manage=False)
    direct = {r.id for r in await call.tx.roles.composites(role.id)}
    effective = await call.tx.roles.expand(direct)
    return Subject(direct, set(), direct | {role.id}, _may_nest, role.id), effective


def view(load: Callable[[RealmCall, Request], Awaitable[tuple[Subject, set[str]]]], kind: str) -> Endpoint:
    """GET of ``…/composite``, ``…/inherited`` or ``…/available`` for the subject ``load`` finds."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            subject, effective = await load(call, request)
            if kind == "available":
                return ok(await available(call, request, subject))
            chosen = effective if kind == "composite" else await _inherited(call, subject)
            chosen.discard(subject.itself or "")
            return ok(await mappings_json(call, await _realm_ordered(call, chosen)))

        return await run_realm(request, work, write=False)

    return endpoint


KINDS = ("composite", "inherited", "available")
ROUTES = [
    Route(f"{base}/{kind}", view(load, kind), methods=["GET"])
    for base, load in (
        ("/{realm}/users/{id}/role-mappings", _user),
        ("/{realm}/groups/{id}/role-mappings", _group),
        ("/{realm}/clients/{id}/scope-mappings", _scope_owner(False)),
        ("/{realm}/client-scopes/{id}/scope-mappings", _scope_owner(True)),
        ("/{realm}/roles-by-id/{role_id}/composites", _composite_role),
    )
    for kind in KINDS
]
