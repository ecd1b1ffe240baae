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
from doorkeep.organizations import groups as org_groups
from doorkeep.organizations.model import Organization
from doorkeep.realms.exportimport.plan import fail
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def _tree(groups: list[Group], parent_id: str | None) -> list[dict[str, Any]]:
    out = []
    for group in org_groups.children(groups, parent_id):
        rep = org_groups.to_json(group, "", brief=False)
        for key in ("realmRoles", "clientRoles", "parentId"):
            rep.pop(key, None)
        rep["subGroups"] = _tree(groups, group.id)
        out.append(rep)
    return out


async def exported(tx: Tx, org_id: str) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """The organization's group tree, and the paths of the groups each member (by user id) is in."""
    groups = await tx.organization_groups.of_organization(org_id)
    paths = {g.id: g.path for g in groups}
    member_paths: dict[str, list[str]] = {}
    for group_id, user_id in await tx.organization_groups.member_ids(org_id):
        member_paths.setdefault(user_id, []).append(paths[group_id])
    return _tree(groups, None), {u: sorted(p) for u, p in member_paths.items()}


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
