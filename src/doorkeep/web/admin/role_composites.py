"""Admin REST: a role's composites (``…/composites``, ``…/composites/realm``, ``…/composites/clients/{client}``,
by name or by id), and the rules for nesting roles that creating a role and a partial import share: each
nested role named must exist, and be the caller's to hand out."""

from __future__ import annotations

from typing import TypeGuard

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.admin import operations
from doorkeep.errors import AdminError
from doorkeep.model import Role
from doorkeep.organizations import roles as org_roles
from doorkeep.web.admin import parse
from doorkeep.web.admin.common import (
    RealmCall,
    client_of,
    invalid_input,
    no_content,
    not_found,
    ok,
    page,
    query_int,
    read_objects,
    role_json,
    run_realm,
)
from doorkeep.web.admin.role_lookup import target

COMPOSITE_NOT_FOUND = not_found("Could not find composite role")


async def nestable(call: RealmCall, composites: object) -> list[Role]:
    """A RoleRepresentation's ``composites``, each the caller's to nest (403, as ``POST …/composites`` checks:
    manage-realm or manage-clients, and every admin role in it the caller's to hand out)."""
    if not isinstance(composites, dict):
        raise invalid_input("composites: expected an object")
    children = await named_roles(call, composites.get("realm"), composites.get("client"), "composites")
    for child in children:
        call.require("manage-clients" if child.client_id else "manage-realm")
        await call.identity.require_grant(call.tx, child)
    return children


async def named_roles(
    call: RealmCall, realm_names: object, by_client: object, where: str, *, create_missing: bool = False
) -> list[Role]:
    """Roles named as Keycloak's representations name them: realm role names, and a clientId mapped to client
    role names (``composites``, a user's or group's ``realmRoles`` / ``clientRoles``). Each must exist (404 with
    Keycloak's texts), unless ``create_missing``: a user's or group's role mappings in a partial import create the
    realm or client role they name and the realm lacks, as RepresentationToModel.createRoleMappings and
    importGroup do (a client that does not exist stays a 404). The same role named twice is returned once."""
    realm_names, by_client = realm_names or [], by_client or {}
    if not _names(realm_names) or not isinstance(by_client, dict) or not all(_names(v) for v in by_client.values()):
        raise invalid_input(f"{where}: expected role names")
    found: list[Role] = []
    for name in realm_names:
        role = await call.tx.roles.get_realm_role(call.realm.id, name)
        if role is None and create_missing:
            role = await operations.create_role(call.tx, parse.new_role(call.realm.id, None, {"name": name.strip()}))
        if role is None:
            raise AdminError(404, f"Realm Role with name {name} does not exist")
        found.append(role)
    for client_id, names in by_client.items():
        client = await call.tx.clients.get_by_client_id(call.realm.id, client_id)
        if client is None:
            raise AdminError(404, f"Client with client ID {client_id} does not exist")
        for name in names:
            role = await call.tx.roles.get_client_role(client.id, name)
            if role is None and create_missing:
                role = await operations.create_role(
                    call.tx, parse.new_role(call.realm.id, client.id, {"name": name.strip()})
                )
            if role is None:
                raise AdminError(404, f"Client Role with name {name} does not exist")
            found.append(role)
    return list({r.id: r for r in found}.values())


def _names(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


async def composites(request: Request) -> Response:
    """GET, POST and DELETE of ``…/composites``: the role's direct children; writing them needs the right to redefine
    the role (an admin role only by who may rename it). Only ``roles-by-id`` reads
    ``search``, ``first`` and ``max`` (RoleByIdResource.getRoleComposites); by name they are ignored
    (RoleContainerResource.getRoleComposites takes none)."""
    write = request.method != "GET"
    by_id = "role_id" in request.path_params
    search = (request.query_params.get("search") or "").strip().lower() if by_id else ""

    async def work(call: RealmCall) -> Response:
        first, max_results = (query_int(request, "first"), query_int(request, "max")) if by_id else (None, None)
        role = await target(call, request, manage=write)
        if not write:
            children = await call.tx.roles.composites(role.id)
            if search:
                children = [r for r in children if search in r.name.lower()]
            return ok([role_json(r, brief=True) for r in page(children, first, max_results)])
        # Changing what an admin role contains redefines it, as renaming or deleting it does (RolePermissions
        # .canManage(role) refuses realm admin roles; doorkeep.admin.permissions.may_redefine).
        await call.identity.require_redefine(call.tx, role)
        refs = parse.role_refs(await read_objects(request) or [])
        if request.method == "POST":
            await call.tx.organization_roles.serialize_graph(call.realm.id)
            children = [await mappable_composite(call, ref) for ref in refs]
            await org_roles.refuse_anchored_admin(call.tx, role, children)
            await call.tx.roles.add_composites(role.id, [c.id for c in children])
        else:
            children = await operations.resolve_roles(call.tx, call.realm, refs, COMPOSITE_NOT_FOUND)
            await call.tx.roles.remove_composites(role.id, [c.id for c in children])
        return no_content()

    return await run_realm(request, work, write=write)


async def mappable_composite(call: RealmCall, ref: tuple[str | None, str | None]) -> Role:
    """A role to nest, found (404) and then checked as Keycloak's requireMapComposite does (403): the caller
    manages roles of its kind (manage-realm for a realm role, manage-clients for a client role) and may hand
    out every admin role it contains (doorkeep.admin.permissions)."""
    if ref[0] is not None and await org_roles.in_realm(call.tx, call.realm.id, ref[0]):
        # Keycloak finds the organization role by id, then its model refuses the nesting (400)
        raise AdminError(400, org_roles.ONLY_ORG_ROLES, key="error")
    [child] = await operations.resolve_roles(call.tx, call.realm, [ref], COMPOSITE_NOT_FOUND)
    call.require("manage-clients" if child.client_id else "manage-realm")
    await call.identity.require_grant(call.tx, child)
    return child


async def realm_composites(request: Request) -> Response:
    """The realm roles among the role's direct composites."""

    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=False)
        children = await call.tx.roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in children if r.client_id is None])

    return await run_realm(request, work, write=False)


async def client_composites(request: Request) -> Response:
    """``…/composites/clients/{client}``: the roles of that client (by UUID) among the role's direct composites."""

    async def work(call: RealmCall) -> Response:
        role = await target(call, request, manage=False)
        # realm.getClientById: an unknown client is 404 to whoever may see the role, whatever they may list
        client = await client_of(call.tx, call.realm, request.path_params["client"], "Could not find client")
        children = await call.tx.roles.composites(role.id)
        return ok([role_json(r, brief=True) for r in children if r.client_id == client.id])

    return await run_realm(request, work, write=False)
