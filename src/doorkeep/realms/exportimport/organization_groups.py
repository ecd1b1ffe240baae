"""The groups of an organization in a realm file (Keycloak 26.6's organization groups).

Export: the organization's ``groups``, a tree of GroupRepresentations (``subGroups``) with their descriptions and
attributes, and each exported member's ``groups``, the paths of the organization's groups they are in. Import:
the tree made again (names checked as the Admin REST checks them, ids kept when free) and each member put back in the
groups their paths name. Doorkeep's shape: Keycloak 26.6 keeps these groups in its group tables, and this file
format is the one the rest of the organization's representation suggests (MemberRepresentation is a
UserRepresentation, whose ``groups`` are paths).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin.group_mapper_json import group_attributes
from doorkeep.admin.groups import description_of, required_name
from doorkeep.admin.representations import RepresentationError
from doorkeep.errors import AdminError
from doorkeep.model import Group
from doorkeep.organizations import group_roles
from doorkeep.organizations import groups as org_groups
from doorkeep.organizations import roles as org_role_rules
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.realms.exportimport.plan import fail
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ORGANIZATION_ROLES = "organizationRoles"  # a group's organization roles, by name (Doorkeep's shape)


def _tree(groups: list[Group], parent_id: str | None, roles: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for group in org_groups.children(groups, parent_id):
        rep = org_groups.to_json(group, "", brief=False)
        for key in ("realmRoles", "clientRoles", "parentId"):
            rep.pop(key, None)
        rep |= roles.get(group.id, {})
        rep["subGroups"] = _tree(groups, group.id, roles)
        out.append(rep)
    return out


async def _role_mappings(tx: Tx, org_id: str, realm_id: str, groups: list[Group]) -> dict[str, dict[str, Any]]:
    """Each group's ``realmRoles``, ``clientRoles`` and ``organizationRoles`` (names), those it has."""
    org_roles = {r.id: r.name for r in await tx.organization_roles.of_organization(org_id)}
    held: dict[str, list[str]] = {}
    for group_id, role_id in await tx.organization_group_roles.of_organization(org_id):
        if role_id in org_roles:
            held.setdefault(group_id, []).append(org_roles[role_id])
    out: dict[str, dict[str, Any]] = {}
    for group in groups:
        rep = {k: v for k, v in (await group_roles.representation_roles(tx, realm_id, group)).items() if v}
        if names := sorted(held.get(group.id, [])):
            rep[ORGANIZATION_ROLES] = names
        if rep:
            out[group.id] = rep
    return out


async def exported(tx: Tx, org_id: str) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The organization's group tree (with each group's role mappings), and the paths of the groups each member (by
    user id) is in."""
    groups = await tx.organization_groups.of_organization(org_id)
    paths = {g.id: g.path for g in groups}
    member_paths: dict[str, list[str]] = {}
    for group_id, user_id in await tx.organization_groups.member_ids(org_id):
        member_paths.setdefault(user_id, []).append(paths[group_id])
    realm_id = groups[0].realm_id if groups else ""
    roles = await _role_mappings(tx, org_id, realm_id, groups) if groups else {}
    return _tree(groups, None, roles), {u: sorted(p) for u, p in member_paths.items()}


async def _kept_id(tx: Tx, given: Any, made: dict[str, Group]) -> str:
    """The file's group id, as Keycloak's import keeps it (OrganizationExportTest.validateGroupIds), unless it is not
    a string, or a group of this file or another organization already has it (the same file imported twice): then
    a new one."""
    usable = isinstance(given, str) and given.strip() and len(given) <= 36
    if usable and all(g.id != given for g in made.values()) and not await tx.organization_groups.organization_of(given):
        return str(given)
    return new_id()


async def write(tx: Tx, org: Organization, given: Any, where: str) -> dict[str, Group]:
    """Make the file's group tree for the new organization: its groups by path."""
    made: dict[str, Group] = {}

    async def add(reps: Any, parent: Group | None, at: str) -> None:
        if reps is None:
            return
        if not isinstance(reps, list) or not all(isinstance(r, dict) for r in reps):
            fail(at, "expected a list of groups")
        for i, rep in enumerate(reps):
            try:
                name = required_name(rep)
                group = Group(
                    id=await _kept_id(tx, rep.get("id"), made),
                    realm_id=org.realm_id,
                    name=name,
                    parent_id=parent.id if parent else None,
                    path=f"{parent.path if parent else ''}/{name}",
                    description=description_of(rep, None),
                    attributes=group_attributes(rep.get("attributes")),
                )
            except (AdminError, RepresentationError) as exc:
                fail(f"{at}[{i}]", str(exc))
            if group.path in made:
                fail(f"{at}[{i}]", f"two groups named {name!r} under the same parent")
            await tx.organization_groups.save(org.id, group, new=True)
            made[group.path] = group
            await add(rep.get("subGroups"), group, f"{at}[{i}].subGroups")

    await add(given, None, where)
    return made


async def join(tx: Tx, made: dict[str, Group], user_id: str, paths: Any, where: str) -> None:
    """Put a member back in the organization's groups their ``groups`` paths name."""
    for path in paths if isinstance(paths, list) else []:
        group = made.get(path) if isinstance(path, str) else None
        if group is None:
            fail(where, f"no group {path!r} in the organization")
        await tx.organization_groups.join(group, user_id)


async def _group_role_ids(tx: Tx, org: Organization, rep: dict[str, Any], where: str) -> list[str]:
    """The realm and client roles a group's ``realmRoles`` / ``clientRoles`` name; none may be an admin role."""
    ids: list[str] = []
    for name in rep.get("realmRoles") or []:
        found = await tx.roles.get_realm_role(org.realm_id, name) if isinstance(name, str) else None
        if found is None:
            fail(f"{where}.realmRoles", f"no realm role {name!r}")
        ids.append(found.id)
    clients = rep.get("clientRoles") or {}
    for client_id, names in clients.items() if isinstance(clients, dict) else []:
        client = await tx.config.client(org.realm_id, client_id)
        for name in names if isinstance(names, list) else []:
            found = await tx.roles.get_client_role(client.id, name) if client and isinstance(name, str) else None
            if found is None:
                fail(f"{where}.clientRoles", f"no role {name!r} of client {client_id!r}")
            ids.append(found.id)
    if await org_role_rules.holds_admin_role(tx, ids):
        fail(where, group_roles.ADMIN_REFUSED.message)
    return ids


async def map_roles(
    tx: Tx, org: Organization, made: dict[str, Group], given: Any, roles: dict[str, OrganizationRole], where: str
) -> None:
    """Each group's role mappings, once the organization's roles are made: ``realmRoles``, ``clientRoles`` and
    ``organizationRoles`` (never the default role)."""

    async def walk(reps: Any, parent: str, at: str) -> None:
        for i, rep in enumerate(reps if isinstance(reps, list) else []):
            name = rep.get("name") if isinstance(rep, dict) else None
            group = made.get(f"{parent}/{name}")
            if group is None or not isinstance(rep, dict):
                continue
            here = f"{at}[{i}]"
            if ids := await _group_role_ids(tx, org, rep, here):
                await tx.organization_group_roles.grant_realm_roles(org.realm_id, group.id, ids)
            org_ids = []
            for role_name in rep.get(ORGANIZATION_ROLES) or []:
                role = roles.get(role_name) if isinstance(role_name, str) else None
                if role is None or role.default:
                    fail(f"{here}.{ORGANIZATION_ROLES}", f"no organization role {role_name!r} to map")
                org_ids.append(role.id)
            if org_ids:
                await tx.organization_group_roles.grant(org.realm_id, group.id, org_ids)
            await walk(rep.get("subGroups"), group.path, f"{here}.subGroups")

    await walk(given, "", where)
