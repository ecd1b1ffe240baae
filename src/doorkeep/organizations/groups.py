"""Organization groups (Keycloak 26.6's OrganizationGroupsResource and OrganizationGroupResource), without HTTP.

Each organization has a tree of groups of its own: Keycloak keeps them as groups of type ORGANIZATION under the
organization's internal group, out of the realm's group APIs, their paths starting at the organization's top
level. A group id another organization (or another realm) holds is refused as Keycloak refuses it; only the
organization's members join its groups, and a member who leaves the organization leaves them too
(``writes.remove_member``). A NUL in any text they are given (a representation's name, description, attributes
or id, a group or user id in the path) is the 400 PostgreSQL gives it, on SQLite too and before any write
(admin/stored_text.py). The Admin REST handlers (web/admin/organization_groups*.py) call these; the caller
has checked manage-realm and ``organizationsEnabled`` and records the admin events.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.admin.group_mapper_json import group_attributes, group_to_json
from doorkeep.admin.groups import create_or_move as create_or_move_realm_group
from doorkeep.admin.groups import description_of, matches, required_name
from doorkeep.admin.stored_text import refuse_nul
from doorkeep.errors import AdminError
from doorkeep.model import Group, User
from doorkeep.organizations import read_only_members
from doorkeep.organizations.model import Organization, internal_group_id
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

RESOURCE = "ORGANIZATION_GROUP"  # the admin events' resource types
MEMBERSHIP = "ORGANIZATION_GROUP_MEMBERSHIP"
NO_GROUP = AdminError(404, "Group does not exist")
OTHER_ORGANIZATION = AdminError(400, "Group does not belong to the organization")
MOVED_FROM_ELSEWHERE = AdminError(400, "Group does not belong to this organization")
NOT_ORGANIZATION_GROUP = AdminError(400, "Can only move organization groups")
INTO_ITSELF = AdminError(400, "Cannot move group into itself or one of its subgroups")
NO_USER = AdminError(404, "User does not exist")
NOT_ORG_MEMBER = AdminError(400, "User is not member of the organization")
ALREADY_IN_GROUP = AdminError(409, "User is already a member of the group")
INVALID_ID = AdminError(400, "Invalid group id")
# The realm's group APIs refuse an organization's group (UserResource's checkGroupMembershipPermission).
NOT_HERE = AdminError(400, "Cannot access organization related group via non Organization API.")


def to_json(group: Group, org_id: str, *, brief: bool, sub_count: int | None = None) -> dict[str, Any]:
    """ModelToRepresentation's GroupRepresentation of an organization group: the full one adds the attributes and
    the role mappings (empty here, filled in by the web layer from organizations.group_roles). A top-level group's
    parent is the organization's internal group; none has an ``access`` (set by the realm's GroupResource only)."""
    out = group_to_json(group, brief=brief, sub_count=sub_count)
    out.pop("access", None)
    out["parentId"] = group.parent_id or internal_group_id(org_id)
    return out


def children(groups: list[Group], parent_id: str | None) -> list[Group]:
    return [g for g in groups if g.parent_id == parent_id]


async def lookup(tx: Tx, org: Organization, group_id: str) -> tuple[Group, list[Group]]:
    """``groups/{group-id}``: the organization's group and all of its groups; 404 for an id no group of the realm
    has, 400 for another organization's."""
    refuse_nul(group_id)
    owner = await tx.organization_groups.organization_of(group_id)
    if owner is None or owner[1] != org.realm_id:
        raise NO_GROUP
    if owner[0] != org.id:
        raise OTHER_ORGANIZATION
    groups = await tx.organization_groups.of_organization(org.id)
    return next(g for g in groups if g.id == group_id), groups


async def refuse_outside(tx: Tx, realm_id: str, group_id: str) -> None:
    """The realm's group APIs (a user joining or leaving a group, a group moved) refuse an organization's group,
    its internal group included, with a 400 (UserResource's checkGroupMembershipPermission, which asks the group's
    type): one query whatever the number of organizations."""
    if await tx.organization_groups.is_organization_group(realm_id, group_id):
        raise NOT_HERE


async def realm_create_or_move(
    tx: Tx, realm_id: str, parent: Group | None, rep: dict[str, Any], group_id: str
) -> tuple[Group, bool]:
    """The realm's ``POST groups`` and ``POST groups/{id}/children``: a representation naming an organization's
    group (or internal group) is refused with a 400, as Keycloak refuses moving an ORGANIZATION group out of its
    organization (OrganizationInternalGroupTest.testCannotMoveInternalGroupViaGroupAPI); else admin.groups'."""
    if isinstance(rep.get("id"), str) and rep["id"]:
        await refuse_outside(tx, realm_id, rep["id"])
    return await create_or_move_realm_group(tx, realm_id, parent, rep, group_id)


def listed(groups: list[Group], search: str | None, wanted: dict[str, str] | None, exact: bool) -> list[Group]:
    """``GET groups``: by attributes with ``q``, by name anywhere in the tree with ``search``, else the top level."""
    if wanted is not None:
        return [g for g in groups if all(v in g.attributes.get(k, []) for k, v in wanted.items() if k)]
    if search is not None:
        return [g for g in groups if matches(g, search.strip(), exact)]
    return children(groups, None)


async def _movable(tx: Tx, org: Organization, group_id: str, missing: str) -> Group:
    """The group a representation's ``id`` moves: 404 ``missing`` for an unknown id, 400 for a realm group or
    another organization's."""
    owner = await tx.organization_groups.organization_of(group_id)
    if owner is None or owner[1] != org.realm_id:
        realm_group = await tx.groups.get(group_id)
        if realm_group is None or realm_group.realm_id != org.realm_id:
            raise AdminError(404, missing, key="error")  # jakarta's NotFoundException
        raise NOT_ORGANIZATION_GROUP
    if owner[0] != org.id:
        raise MOVED_FROM_ELSEWHERE
    return next(g for g in await tx.organization_groups.of_organization(org.id) if g.id == group_id)


def _check_name(groups: list[Group], parent_id: str | None, name: str, own_id: str | None, message: str) -> None:
    if any(g.name == name and g.id != own_id for g in children(groups, parent_id)):
        raise AdminError(409, message)


async def create_or_move(tx: Tx, org: Organization, parent: Group | None, rep: dict[str, Any]) -> tuple[Group, bool]:
    """``POST groups`` (``parent`` None) or ``POST groups/{id}/children``: a representation with an ``id`` moves
    that group of the organization here (False), else a new group is made (True). A new top-level group takes the
    description and attributes; a new subgroup only the name, as Keycloak's addSubGroup."""
    refuse_nul(rep)
    name = required_name(rep)  # both ask for a name even of a move, which keeps the group's own
    duplicate = (
        "Sibling group with the given name already exists" if parent else "Group with the given name already exists."
    )
    parent_id = parent.id if parent else None
    groups = await tx.organization_groups.of_organization(org.id)
    rep_id = rep.get("id")
    if rep_id is not None:
        missing = "Could not find child by id" if parent else "Could not find group by id"
        group = await _movable(tx, org, str(rep_id), missing)
        if group.parent_id == parent_id:
            return group, False
        if parent is not None and (parent.id == group.id or parent.path.startswith(group.path + "/")):
            raise INTO_ITSELF  # a loop through the parent ids would leave the tree
        _check_name(groups, parent_id, group.name, group.id, duplicate)
        moved = dataclasses.replace(group, parent_id=parent_id)
        await tx.organization_groups.save(org.id, moved, new=False)
        return moved, False
    _check_name(groups, parent_id, name, None, duplicate)
    group = Group(
        id=new_id(),
        realm_id=org.realm_id,
        name=name,
        parent_id=parent_id,
        path=f"{parent.path if parent else ''}/{name}",
        description=None if parent else description_of(rep, None),
        attributes={} if parent else group_attributes(rep.get("attributes")),
    )
    await tx.organization_groups.save(org.id, group, new=True)
    return group, True


async def update(tx: Tx, org: Organization, group: Group, groups: list[Group], rep: dict[str, Any]) -> None:
    """``PUT groups/{id}``: the name (required), the description (absent clears it) and the attributes (replaced
    when given); the subgroups stay."""
    refuse_nul(rep)
    name = required_name(rep)
    if rep.get("id") is not None and rep.get("id") != group.id:
        raise INVALID_ID
    _check_name(groups, group.parent_id, name, group.id, "Sibling group with the given name already exists.")
    attributes = group.attributes if rep.get("attributes") is None else group_attributes(rep.get("attributes"))
    changed = dataclasses.replace(group, name=name, description=description_of(rep, None), attributes=attributes)
    await tx.organization_groups.save(org.id, changed, new=False)


async def join(tx: Tx, org: Organization, group: Group, user_id: str) -> User:
    """``PUT groups/{id}/members/{userId}``: only a member of the organization joins, once."""
    refuse_nul(user_id)
    user = await tx.users.get(user_id) if user_id.strip() else None
    if user is None or user.realm_id != org.realm_id:
        raise NO_USER
    if await tx.organizations.membership(org.id, user.id) is None:
        raise NOT_ORG_MEMBER
    if await member_of(tx, org, group, user.id):
        raise ALREADY_IN_GROUP
    if user.read_only:  # joinGroup: ReadOnlyUserModelDelegate's refusal
        read_only_members.refuse_group(user, group.name)
    if not await tx.organization_groups.join(group, user.id):
        raise ALREADY_IN_GROUP  # added by another request at the same moment
    return user


async def member_of(tx: Tx, org: Organization, group: Group, user_id: str) -> bool:
    """UserModel.isMemberOf (RoleUtils.isMember): the user is in the group or in one of its subgroups."""
    mine = await tx.organization_groups.ids_of_member(org.id, user_id)
    if group.id in mine:
        return True
    if not mine:
        return False
    parents = {g.id: g.parent_id for g in await tx.organization_groups.of_organization(org.id)}
    for group_id in mine:
        seen: set[str] = set()
        parent = parents.get(group_id)
        while parent is not None and parent not in seen:
            if parent == group.id:
                return True
            seen.add(parent)
            parent = parents.get(parent)
    return False


async def leave(tx: Tx, org: Organization, group: Group, user_id: str) -> User | None:
    """``DELETE groups/{id}/members/{userId}``: the user, recorded as leaving whenever isMemberOf holds (also when
    they are only in a subgroup, which they stay in, as Keycloak's leaveGroup does); None when they were in neither
    (nothing to record)."""
    refuse_nul(user_id)
    user = await tx.users.get(user_id) if user_id.strip() else None
    if user is None or user.realm_id != org.realm_id:
        raise NO_USER
    if not await member_of(tx, org, group, user.id):
        return None
    if user.read_only:
        read_only_members.refuse_group(user, group.name)  # leaveGroup: ReadOnlyUserModelDelegate's refusal
    await tx.organization_groups.leave(group, user.id)
    return user


async def of_member(tx: Tx, org: Organization, user_id: str, search: str | None) -> list[Group]:
    """``members/{id}/groups`` (OrganizationMemberResource.groupMemberships): the organization's groups the member is
    directly in, by name, those whose name holds ``search`` when given; 400 for a blank id, 404 for a non-member."""
    if not user_id.strip():
        raise AdminError(400, "id cannot be null")
    refuse_nul(user_id)
    if await tx.organizations.membership(org.id, user_id) is None:
        raise AdminError(404, "HTTP 404 Not Found", key="error")  # jakarta's NotFoundException
    mine = {g for g, u in await tx.organization_groups.member_ids(org.id) if u == user_id}
    found = [g for g in await tx.organization_groups.of_organization(org.id) if g.id in mine]
    if search is not None:
        found = [g for g in found if matches(g, search.strip(), False)]
    return sorted(found, key=lambda g: g.name)
