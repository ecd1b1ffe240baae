"""What the groups Admin REST does, without HTTP: the tree as Keycloak shows it, creating and moving
groups under Keycloak's sibling-name rule (identity provider mappers follow a renamed or moved group:
broker/group_paths.py), and GroupRepresentations with their role names."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from doorkeep.admin.group_mapper_json import group_attributes, group_to_json
from doorkeep.admin.representations import RepresentationError
from doorkeep.admin.stored_text import refuse_nul
from doorkeep.broker import group_paths
from doorkeep.errors import AdminError
from doorkeep.model import Group

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def children_of(groups: list[Group]) -> dict[str | None, list[Group]]:
    """The tree: each parent id (None for the top) to its subgroups, by name."""
    out: dict[str | None, list[Group]] = {}
    for group in sorted(groups, key=lambda g: g.name):
        out.setdefault(group.parent_id, []).append(group)
    return out


def normalized_path(path: str) -> str:
    """A group path as Keycloak's findGroupByPath reads it: the leading and trailing slashes optional."""
    return "/" + path.strip("/")


def by_path(groups: Iterable[Group], path: str) -> Group | None:
    """KeycloakModelUtils.findGroupByPath among ``groups`` (a realm's, or one organization's): the group at ``path``,
    None when no group is there. ``group-by-path``, the Hardcoded Group identity provider mapper and the
    organization groups' API share it."""
    wanted = normalized_path(path)
    return next((g for g in groups if g.path == wanted), None)


# Lookups one path may cost: Keycloak's getGroupModel tries each run of segments as one name (group names may hold
# a slash), a number that grows with the square of the segments; a path past it names no group.
MAX_PATH_LOOKUPS = 256


async def find_by_path(tx: Tx, realm_id: str, path: str) -> Group | None:
    """KeycloakModelUtils.findGroupByPath among the realm's groups, as its getGroupModel walks them: from the top,
    the first segment, then it and the next joined by a slash, ... names a group under the one found so far (no
    going back once found). One indexed lookup a try, where ``by_path`` reads every group of the realm (a
    brokered login's group mapper, a conditional-group flow step, an admin's mapper check: a realm may hold
    10,000 groups)."""
    segments = normalized_path(path)[1:].split("/")
    found: Group | None = None
    index, lookups = 0, 0
    while index < len(segments):
        name, step = "", None
        for at in range(index, len(segments)):
            name = segments[at] if at == index else f"{name}/{segments[at]}"
            lookups += 1
            if lookups > MAX_PATH_LOOKUPS:
                return None
            step = await tx.groups.child_named(realm_id, found.id if found else None, name)
            if step is not None:
                index = at + 1
                break
        if step is None:
            return None
        found = step
    return None if found is None else dataclasses.replace(found, path="/" + "/".join(segments))


def matches(group: Group, search: str | None, exact: bool) -> bool:
    if search is None:
        return True
    return group.name == search if exact else search.lower() in group.name.lower()


def searched_tree(
    tree: dict[str | None, list[Group]], parent: str | None, search: str, exact: bool
) -> list[tuple[Group, list[Any]]]:
    """Groups under ``parent`` that match or hold a match, each with its matching subtree
    (Keycloak's search with ``populateHierarchy``)."""
    out: list[tuple[Group, list[Any]]] = []
    for group in tree.get(parent, []):
        below = searched_tree(tree, group.id, search, exact)
        if below or matches(group, search, exact):
            out.append((group, below))
    return out


def attribute_matches(group: Group, wanted: dict[str, str]) -> bool:
    """JpaRealmProvider.searchGroupsByAttributes: every ``key:value`` pair names a value the group holds,
    exactly."""
    return all(value in (group.attributes.get(key) or []) for key, value in wanted.items() if key)


def searchable(wanted: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """JpaRealmProvider.searchGroupsByAttributes: with ``--spi-group-jpa-searchable-attributes`` set, the
    ``q`` pairs of other keys are left out of the search (not refused, unlike the client search); unset,
    every pair counts."""
    return {k: v for k, v in wanted.items() if k in names} if names else wanted


def hierarchy(groups: list[Group], by_id: dict[str, Group]) -> list[tuple[Group, list[Any]]]:
    """GroupUtils.populateGroupHierarchyFromSubGroups: each group under its ancestors up to the top level,
    shared ancestors merged, no other siblings; the top level by name."""
    below: dict[str, list[tuple[Group, list[Any]]]] = {}
    nodes: dict[str, tuple[Group, list[Any]]] = {}
    for group in groups:
        current: Group | None = group
        while current is not None and current.id not in nodes:
            nodes[current.id] = (current, below.setdefault(current.id, []))
            parent = by_id.get(current.parent_id) if current.parent_id else None
            if parent is not None:
                below.setdefault(parent.id, []).append(nodes[current.id])
            current = parent
    return sorted((n for n in nodes.values() if n[0].parent_id not in nodes), key=lambda n: n[0].name)


async def role_names(tx: Tx, group: Group) -> tuple[list[str], dict[str, list[str]]]:
    """The names of the realm roles and, per clientId, client roles mapped to the group."""
    realm_roles: list[str] = []
    client_roles: dict[str, list[str]] = {}
    for role in await tx.roles.get_many(await tx.groups.role_ids(group.id)):
        if role.client_id is None:
            realm_roles.append(role.name)
            continue
        client = await tx.clients.get(role.client_id)
        if client is not None:
            client_roles.setdefault(client.client_id, []).append(role.name)
    return realm_roles, client_roles


async def full_json(tx: Tx, group: Group, sub_count: int) -> dict[str, Any]:
    out = group_to_json(group, brief=False, sub_count=sub_count)
    out["realmRoles"], out["clientRoles"] = await role_names(tx, group)
    return out


def required_name(rep: dict[str, Any]) -> str:
    """The name a create, move or update must carry (ObjectUtil.isBlank: "Group name is missing"). A slash is a
    character like any other: Keycloak's paths do not escape it by default (GroupProvider.DEFAULT_ESCAPE_SLASHES
    is false), so ``a/b`` under ``top`` has the path ``/top/a/b``."""
    name = rep.get("name")
    if not isinstance(name, str) or not name.strip():
        raise AdminError(400, "Group name is missing")
    if len(name.strip()) > 255:
        raise AdminError(400, "Group name is too long")
    refuse_nul(name)  # PostgreSQL's 400 "Invalid input", on SQLite too (admin/stored_text.py)
    return name.strip()


def description_of(rep: dict[str, Any], current: str | None) -> str | None:
    value = rep.get("description", current)
    if value is not None and not isinstance(value, str):
        raise RepresentationError("description: expected a string")
    return value


async def _check_sibling(
    tx: Tx, realm_id: str, parent_id: str | None, name: str, own_id: str | None, renamed: bool = False
) -> None:
    """A 409 when a sibling has the name: GroupsResource says "Top level group" for the top level, while
    GroupResource (a subgroup, and any rename) says "Sibling group"."""
    namesake = await tx.groups.child_named(realm_id, parent_id, name)  # one indexed lookup: names are unique there
    if namesake is not None and namesake.id != own_id:
        raise _namesake(parent_id, name, renamed)


def _namesake(parent_id: str | None, name: str, renamed: bool = False) -> AdminError:
    where = "Top level group" if parent_id is None and not renamed else "Sibling group"
    return AdminError(409, f"{where} named '{name}' already exists.")


async def create_or_move(
    tx: Tx, realm_id: str, parent: Group | None, rep: dict[str, Any], new_id: str
) -> tuple[Group, bool]:
    """Keycloak's POST to ``groups`` or ``groups/{id}/children``: a representation with the id of an
    existing group moves it here (False); otherwise a new group is created (True)."""
    parent_id = parent.id if parent else None
    name = required_name(rep)  # GroupsResource and GroupResource ask for a name even of a move, which keeps its own
    rep_id = rep.get("id")
    if isinstance(rep_id, str) and rep_id:
        existing = await tx.groups.get(rep_id)
        if existing is None or existing.realm_id != realm_id:
            raise AdminError(404, "Could not find child by id", key="error")
        if parent is not None and (parent.id == existing.id or parent.path.startswith(existing.path + "/")):
            raise AdminError(409, "Cannot move group into itself or one of its subgroups")
        await _check_sibling(tx, realm_id, parent_id, existing.name, existing.id)
        moved = dataclasses.replace(existing, parent_id=parent_id)
        await tx.groups.update(moved)
        await group_paths.follow(tx, realm_id, existing.path, f"{parent.path if parent else ''}/{existing.name}")
        return moved, False
    await _check_sibling(tx, realm_id, parent_id, name, None)
    group = Group(
        id=new_id,
        realm_id=realm_id,
        name=name,
        parent_id=parent_id,
        path=f"{parent.path if parent else ''}/{name}",
        description=description_of(rep, None),
        attributes=group_attributes(rep.get("attributes")),
    )
    await tx.refused_as(tx.groups.create(group), _namesake(parent_id, name))
    return group, True


async def update(tx: Tx, group: Group, rep: dict[str, Any]) -> None:
    """PUT (GroupResource.updateGroup): a name is required, an ``id`` must be the group's own; the name, the
    description (an absent one clears it, as ``model.setDescription(rep.getDescription())``) and the
    attributes (replaced when given)."""
    name = required_name(rep)
    if rep.get("id") is not None and rep.get("id") != group.id:
        raise AdminError(400, "Invalid group id")
    if name != group.name:
        await _check_sibling(tx, group.realm_id, group.parent_id, name, group.id, renamed=True)
    attributes = group.attributes if rep.get("attributes") is None else group_attributes(rep.get("attributes"))
    await tx.groups.update(
        dataclasses.replace(group, name=name, description=description_of(rep, None), attributes=attributes)
    )
    await group_paths.follow(tx, group.realm_id, group.path, group.path[: -len(group.name)] + name)
