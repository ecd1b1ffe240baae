"""What the mappers that hand out roles and groups point at, so that a rename cannot redirect one.

Mappers name what they hand out: an identity provider's role mappers name a role (``clientId.role`` or a realm
role), its group mappers a group path, a client's or client scope's Hardcoded Role and Role Name mappers a role.
Writing one asks the right to hand out what it names (admin/mapper_grants.py, web/admin/idp_mapper_grants.py),
but a mapper may name something that does not exist yet, which hands out nothing and passes. A later rename of a
role, a client, a group or a realm (master's ``<realm>-realm`` client follows it), a group moved, or a client or a
realm deleted (``a.b`` then names the realm role ``a.b``) can make such a mapper name a role holding realm-admin,
or a group holding it: ``manage-identity-providers`` with ``manage-users`` writes a Hardcoded Group mapper for
``/pending``, renames group ``admins`` to ``pending``, and the next brokered login makes its user realm-admin. (An
identity provider mapper naming the old name follows the rename, broker/role_names.py and broker/group_paths.py,
and so still points where it did.) So those changes are checked once made, in their transaction: every
mapper that now points at another role or group than before asks the caller the right to hand it out.
Keycloak has no such check, as it has none on identity provider mappers; Doorkeep closes the gap it opened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from doorkeep.admin import mapper_grants
from doorkeep.admin.groups import find_by_path
from doorkeep.admin.permissions import Grantor, may_grant
from doorkeep.broker import idp_group_mappers
from doorkeep.broker import idp_mapper_types as types
from doorkeep.broker.idp_mappers import role_of
from doorkeep.model import JSON, Group, Realm

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

T = TypeVar("T")

# The identity provider mapper types that grant their ``role``, and those that join their ``group``; the write
# check (web/admin/idp_mapper_grants.py) reads the same two, so a type cannot be checked at one door only.
ROLE_MAPPERS = (types.HARDCODED_ROLE, types.CLAIM_TO_ROLE, types.ADVANCED_CLAIM_TO_ROLE, types.EXTERNAL_ROLE_TO_ROLE)
GROUP_MAPPERS = (types.HARDCODED_GROUP, types.ADVANCED_CLAIM_TO_GROUP)


@dataclass(frozen=True)
class Target:
    """A role or a realm group a mapper hands out, by id."""

    kind: Literal["role", "group"]
    id: str


async def targets(tx: Tx, realm_id: str, *, roles: bool = False, groups: bool = False) -> dict[str, Target]:
    """What each mapper of the realm hands out now, by mapper; the role mappers when ``roles``, the group mappers
    when ``groups``. A mapper naming nothing that exists is left out."""
    realm = await tx.realms.get(realm_id)
    if realm is None:
        return {}
    out: dict[str, Target] = {}
    for index, mapper in enumerate(realm.identity_provider_mappers):
        key = f"idp:{mapper.get('id') or index}"
        found = await _idp_target(tx, realm, mapper, roles=roles, groups=groups)
        if found is not None:
            out[key] = found
    if roles:
        for owner_id, protocol_mapper in await tx.mappers.of_types(realm_id, mapper_grants.GRANTING):
            name = mapper_grants.named_role(protocol_mapper)
            role = await mapper_grants.role_named(tx, realm_id, name) if name is not None else None
            if role is not None:
                out[f"protocol:{owner_id}:{protocol_mapper.id}"] = Target("role", role.id)
    return out


async def _idp_target(tx: Tx, realm: Realm, mapper: JSON, *, roles: bool, groups: bool) -> Target | None:
    kind, config = mapper.get("identityProviderMapper"), mapper.get("config")
    if not isinstance(config, dict):
        return None
    if roles and kind in ROLE_MAPPERS and isinstance(config.get("role"), str):
        role = await role_of(tx, realm, config["role"])
        return Target("role", role.id) if role is not None else None
    if groups and kind in GROUP_MAPPERS and isinstance(config.get("group"), str):
        if config.get("groupType") == idp_group_mappers.ORGANIZATION:
            return None  # an organization's groups carry no roles
        group = await find_by_path(tx, realm.id, config["group"])  # a few indexed lookups, not the realm's groups
        return Target("group", group.id) if group is not None else None
    return None


def redirected(before: dict[str, Target], after: dict[str, Target]) -> list[Target]:
    """What the mappers hand out now that they did not before the change, once each, in a stable order."""
    seen: dict[Target, None] = {}
    for key, target in sorted(after.items()):
        if before.get(key) != target:
            seen.setdefault(target)
    return list(seen)


async def may_confer(tx: Tx, grantor: Grantor, group: Group) -> bool:
    """May ``grantor`` hand out every role a member of ``group`` gets: the group's and those of the groups above."""
    above = await tx.groups.ancestors([group])
    for conferring in (group, *above.values()):
        for role_id in sorted(await tx.groups.role_ids(conferring.id)):
            role = await tx.roles.get(role_id)
            if role is not None and not await may_grant(tx, grantor, role):
                return False
    return True


async def followed(
    tx: Tx, realm_id: str, grantor: Grantor, change: Callable[[], Awaitable[T]], *, roles: bool, groups: bool
) -> tuple[T, bool]:
    """Make ``change`` (a rename, a move, a deletion) and say whether ``grantor`` may hand out every role or group it
    made a mapper point at: ``roles`` for a change to roles or clients, ``groups`` for one to groups. A refusal is
    the caller's to raise, which rolls the change back with the rest of its transaction."""
    if grantor.master_admin or not (roles or groups):
        return await change(), True
    before = await targets(tx, realm_id, roles=roles, groups=groups)
    result = await change()
    after = await targets(tx, realm_id, roles=roles, groups=groups)
    for target in redirected(before, after):
        if target.kind == "role":
            role = await tx.roles.get(target.id)
            if role is not None and not await may_grant(tx, grantor, role):
                return result, False
        else:
            group = await tx.groups.get(target.id)
            if group is not None and not await may_confer(tx, grantor, group):
                return result, False
    return result, True
