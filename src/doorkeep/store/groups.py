"""Groups: the tree, attributes, role mappings, members and a realm's default groups."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import Group, User
from doorkeep.store.realms import bump
from doorkeep.store.tables import group_role_mappings, groups, realm_default_groups, user_groups, users
from doorkeep.store.users import USERS, user_from


def _group(row: Any, path: str = "") -> Group:
    config = row.config or {}
    attributes = {
        str(k): [str(v) for v in (vs if isinstance(vs, list) else [vs])]
        for k, vs in (config.get("attributes") or {}).items()
    }
    return Group(
        id=row.id,
        realm_id=row.realm_id,
        name=row.name,
        parent_id=row.parent_id,
        path=path,
        description=config.get("description"),
        attributes=attributes,
    )


def with_paths(found: Iterable[Group], ancestors: dict[str, Group]) -> builtins.list[Group]:
    """Fill in ``path`` (``/a/b``) from the groups above each one."""
    out = []
    for group in found:
        names, seen, at = [group.name], {group.id}, group.parent_id
        while at is not None and at in ancestors and at not in seen:
            seen.add(at)
            names.append(ancestors[at].name)
            at = ancestors[at].parent_id
        out.append(
            Group(
                group.id,
                group.realm_id,
                group.name,
                group.parent_id,
                "/" + "/".join(reversed(names)),
                group.description,
                group.attributes,
            )
        )
    return out


class GroupRepo:
    def __init__(self, conn: AsyncConnection, *, hold: bool = False) -> None:
        self._c = conn
        self._hold = hold

    async def realm_groups(self, realm_id: str) -> builtins.list[Group]:
        """Every group of the realm, with paths, ordered by path."""
        rows = await self._c.execute(select(groups).where(groups.c.realm_id == realm_id))
        found = [_group(r) for r in rows]
        return sorted(with_paths(found, {g.id: g for g in found}), key=lambda g: g.path)

    async def child_named(self, realm_id: str, parent_id: str | None, name: str) -> Group | None:
        """GroupProvider.getGroupByName: the group ``name`` under ``parent_id`` (None: the top level), found by the
        sibling-name indexes; its ``path`` left empty (admin/groups.py ``find_by_path`` knows it)."""
        parent = groups.c.parent_id.is_(None) if parent_id is None else groups.c.parent_id == parent_id
        query = select(groups).where(groups.c.realm_id == realm_id, parent, groups.c.name == name)
        row = (await self._c.execute(query)).first()
        return None if row is None else _group(row)

    async def get(self, group_id: str, *, held: bool = False) -> Group | None:
        """The group with its path; ``held``: its row held against deletion till the transaction ends, as
        ``UserRepo.held`` holds a user's (a subgroup, a role mapping or a member added under it)."""
        query = select(groups).where(groups.c.id == group_id)
        if held and self._hold:
            query = query.with_for_update(key_share=True)
        row = (await self._c.execute(query)).first()
        if row is None:
            return None
        group = _group(row)
        return with_paths([group], await self.ancestors([group]))[0]

    async def ancestors(self, found: Iterable[Group]) -> dict[str, Group]:
        """Every group above the given ones, by id."""
        out: dict[str, Group] = {}
        pending = {g.parent_id for g in found if g.parent_id}
        while pending:
            rows = await self._c.execute(select(groups).where(groups.c.id.in_(list(pending))))
            pending = set()
            for row in rows:
                parent = _group(row)
                out[parent.id] = parent
                if parent.parent_id and parent.parent_id not in out:
                    pending.add(parent.parent_id)
        return out

    async def count(self, realm_id: str, *, top: bool) -> int:
        query = select(func.count()).select_from(groups).where(groups.c.realm_id == realm_id)
        if top:
            query = query.where(groups.c.parent_id.is_(None))
        return int((await self._c.execute(query)).scalar_one())

    async def create(self, group: Group) -> None:
        await bump(self._c, group.realm_id)
        await self._c.execute(
            insert(groups),
            {
                "id": group.id,
                "realm_id": group.realm_id,
                "parent_id": group.parent_id,
                "name": group.name,
                "config": {"description": group.description, "attributes": group.attributes},
            },
        )

    async def update(self, group: Group) -> None:
        await bump(self._c, group.realm_id)
        await self._c.execute(
            update(groups)
            .where(groups.c.id == group.id)
            .values(
                name=group.name,
                parent_id=group.parent_id,
                config={"description": group.description, "attributes": group.attributes},
            )
        )

    async def delete(self, group: Group) -> None:
        """Delete the group; its subgroups, memberships and role mappings go with it (cascade)."""
        await bump(self._c, group.realm_id)
        await self._c.execute(delete(groups).where(groups.c.id == group.id))

    # --- role mappings ---------------------------------------------------------------------------
    async def role_ids(self, group_id: str) -> set[str]:
        rows = await self._c.execute(
            select(group_role_mappings.c.role_id).where(group_role_mappings.c.group_id == group_id)
        )
        return {r.role_id for r in rows}

    async def holding_role(self, role_id: str) -> builtins.list[Group]:
        """The groups the role is mapped to directly, with paths, by name."""
        rows = await self._c.execute(
            select(groups)
            .join(group_role_mappings, group_role_mappings.c.group_id == groups.c.id)
            .where(group_role_mappings.c.role_id == role_id)
        )
        found = [_group(r) for r in rows]
        return sorted(with_paths(found, await self.ancestors(found)), key=lambda g: (g.name, g.id))

    async def grant_roles(self, group: Group, role_ids: Iterable[str]) -> None:
        await bump(self._c, group.realm_id)
        have = await self.role_ids(group.id)
        rows = [{"group_id": group.id, "role_id": r} for r in dict.fromkeys(role_ids) if r not in have]
        if rows:
            await self._c.execute(insert(group_role_mappings), rows)

    async def revoke_roles(self, group: Group, role_ids: Iterable[str]) -> None:
        await bump(self._c, group.realm_id)
        await self._c.execute(
            delete(group_role_mappings).where(
                group_role_mappings.c.group_id == group.id, group_role_mappings.c.role_id.in_(list(role_ids))
            )
        )

    # --- members ---------------------------------------------------------------------------------
    async def of_user(self, user_id: str) -> builtins.list[Group]:
        """The user's direct groups, with paths, ordered by path."""
        rows = await self._c.execute(
            select(groups)
            .join(user_groups, user_groups.c.group_id == groups.c.id)
            .where(user_groups.c.user_id == user_id)
        )
        found = [_group(r) for r in rows]
        return sorted(with_paths(found, await self.ancestors(found)), key=lambda g: g.path)

    async def inherited_role_ids(self, user_id: str) -> set[str]:
        """Roles mapped to the user's groups and to every group above them."""
        direct = await self.of_user(user_id)
        if not direct:
            return set()
        ids = [g.id for g in direct] + list(await self.ancestors(direct))
        rows = await self._c.execute(
            select(group_role_mappings.c.role_id).where(group_role_mappings.c.group_id.in_(ids))
        )
        return {r.role_id for r in rows}

    async def members(self, group_id: str, first: int = 0, max_results: int = 100) -> builtins.list[User]:
        query = (
            select(*USERS)
            .join(user_groups, user_groups.c.user_id == users.c.id)
            .where(user_groups.c.group_id == group_id)
            .order_by(users.c.username)
            .offset(max(first, 0))
        )
        if max_results >= 0:
            query = query.limit(max_results)
        return [user_from(r) for r in await self._c.execute(query)]

    async def join(self, user_id: str, group_id: str) -> bool:
        """Add the membership; False if the user was already a member."""
        exists = (
            await self._c.execute(
                select(user_groups).where(user_groups.c.user_id == user_id, user_groups.c.group_id == group_id)
            )
        ).first()
        if exists:
            return False
        await self._c.execute(insert(user_groups), {"user_id": user_id, "group_id": group_id})
        return True

    async def leave(self, user_id: str, group_id: str) -> bool:
        """Remove the membership; False if the user was not a member."""
        result = await self._c.execute(
            delete(user_groups).where(user_groups.c.user_id == user_id, user_groups.c.group_id == group_id)
        )
        return bool(result.rowcount)

    # --- default groups --------------------------------------------------------------------------
    async def default_ids(self, realm_id: str) -> builtins.list[str]:
        rows = await self._c.execute(
            select(realm_default_groups.c.group_id).where(realm_default_groups.c.realm_id == realm_id)
        )
        return [r.group_id for r in rows]

    async def add_default(self, realm_id: str, group_id: str) -> None:
        if group_id not in await self.default_ids(realm_id):
            await self._c.execute(insert(realm_default_groups), {"realm_id": realm_id, "group_id": group_id})

    async def remove_default(self, realm_id: str, group_id: str) -> None:
        await self._c.execute(
            delete(realm_default_groups).where(
                realm_default_groups.c.realm_id == realm_id, realm_default_groups.c.group_id == group_id
            )
        )
