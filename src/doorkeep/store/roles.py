"""Roles, composites and scope mappings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import Role
from doorkeep.store.realms import bump, realm_of_client, realm_of_scope
from doorkeep.store.tables import role_composites, roles, scope_role_mappings


def _role(row: object) -> Role:
    m = row._mapping  # type: ignore[attr-defined]
    return Role(
        id=m["id"],
        realm_id=m["realm_id"],
        name=m["name"],
        client_id=m["client_id"],
        description=m["description"],
        composite=bool(m.get("composite", False)),
        attributes=dict(m["attributes"] or {}),
    )


class RoleRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    def _select(self) -> Select[Any]:
        has_children = select(role_composites.c.parent_id).where(role_composites.c.parent_id == roles.c.id).exists()
        return select(roles, has_children.label("composite"))

    async def get(self, role_id: str) -> Role | None:
        row = (await self._c.execute(self._select().where(roles.c.id == role_id))).first()
        return _role(row) if row else None

    async def get_many(self, role_ids: Iterable[str]) -> list[Role]:
        ids = list(role_ids)
        if not ids:
            return []
        rows = await self._c.execute(self._select().where(roles.c.id.in_(ids)).order_by(roles.c.name))
        return [_role(r) for r in rows]

    async def get_realm_role(self, realm_id: str, name: str) -> Role | None:
        row = (
            await self._c.execute(
                self._select().where(roles.c.realm_id == realm_id, roles.c.client_id.is_(None), roles.c.name == name)
            )
        ).first()
        return _role(row) if row else None

    async def get_client_role(self, client_uuid: str, name: str) -> Role | None:
        row = (
            await self._c.execute(self._select().where(roles.c.client_id == client_uuid, roles.c.name == name))
        ).first()
        return _role(row) if row else None

    async def list_realm_roles(self, realm_id: str) -> list[Role]:
        rows = await self._c.execute(
            self._select().where(roles.c.realm_id == realm_id, roles.c.client_id.is_(None)).order_by(roles.c.name)
        )
        return [_role(r) for r in rows]

    async def list_client_roles(self, client_uuid: str) -> list[Role]:
        rows = await self._c.execute(self._select().where(roles.c.client_id == client_uuid).order_by(roles.c.name))
        return [_role(r) for r in rows]

    async def list_all(self, realm_id: str) -> list[Role]:
        rows = await self._c.execute(self._select().where(roles.c.realm_id == realm_id))
        return [_role(r) for r in rows]

    async def _bump_for_role(self, role_id: str) -> None:
        await bump(self._c, select(roles.c.realm_id).where(roles.c.id == role_id).scalar_subquery())

    async def _bump_for_owner(self, owner_id: str) -> None:
        """Scope mappings belong to a client or a client scope."""
        await bump(self._c, func.coalesce(realm_of_client(owner_id), realm_of_scope(owner_id)))

    async def create(self, role: Role) -> None:
        await self.create_many((role,))

    async def create_many(self, created: Sequence[Role]) -> None:
        """Roles in one statement (a new realm has ~35)."""
        for realm_id in dict.fromkeys(role.realm_id for role in created):
            await bump(self._c, realm_id)
        rows = [
            {
                "id": role.id,
                "realm_id": role.realm_id,
                "client_id": role.client_id,
                "name": role.name,
                "description": role.description,
                "attributes": role.attributes,
            }
            for role in created
        ]
        if rows:
            await self._c.execute(insert(roles), rows)

    async def update(self, role: Role) -> None:
        await bump(self._c, role.realm_id)
        await self._c.execute(
            update(roles)
            .where(roles.c.id == role.id)
            .values(name=role.name, description=role.description, attributes=role.attributes)
        )

    async def delete(self, role_id: str) -> None:
        await self._bump_for_role(role_id)
        await self._c.execute(delete(scope_role_mappings).where(scope_role_mappings.c.role_id == role_id))
        await self._c.execute(delete(roles).where(roles.c.id == role_id))

    async def composites(self, role_id: str) -> list[Role]:
        rows = await self._c.execute(select(role_composites.c.child_id).where(role_composites.c.parent_id == role_id))
        return await self.get_many(r.child_id for r in rows)

    async def add_composites(self, parent_id: str, child_ids: Iterable[str]) -> None:
        await self._bump_for_role(parent_id)
        query = select(role_composites.c.child_id).where(role_composites.c.parent_id == parent_id)
        existing = {r.child_id for r in await self._c.execute(query)}
        rows = [
            {"parent_id": parent_id, "child_id": c}
            for c in dict.fromkeys(child_ids)
            if c not in existing and c != parent_id
        ]
        if rows:
            await self._c.execute(insert(role_composites), rows)

    async def remove_composites(self, parent_id: str, child_ids: Iterable[str]) -> None:
        await self._bump_for_role(parent_id)
        ids = list(child_ids)
        await self._c.execute(
            delete(role_composites).where(role_composites.c.parent_id == parent_id, role_composites.c.child_id.in_(ids))
        )

    async def expand(self, role_ids: Iterable[str]) -> set[str]:
        """The ids of the given roles and every role they contain, transitively."""
        seen: set[str] = set(role_ids)
        if not seen:
            return seen
        # One recursive query; UNION (not UNION ALL) drops repeats, so cycles end.
        closure = (
            select(role_composites.c.child_id.label("id"))
            .where(role_composites.c.parent_id.in_(list(seen)))
            .cte("closure", recursive=True)
        )
        closure = closure.union(
            select(role_composites.c.child_id).join(closure, role_composites.c.parent_id == closure.c.id)
        )
        rows = await self._c.execute(select(closure.c.id))
        seen.update(r.id for r in rows)
        return seen

    async def realm_graph(self, realm_id: str) -> tuple[list[Role], list[tuple[str, str]]]:
        """Every role of the realm and every (parent, child) composite edge among them."""
        all_roles = await self.list_all(realm_id)
        rows = await self._c.execute(
            select(role_composites.c.parent_id, role_composites.c.child_id)
            .join(roles, roles.c.id == role_composites.c.parent_id)
            .where(roles.c.realm_id == realm_id)
        )
        return all_roles, [(r.parent_id, r.child_id) for r in rows]

    async def scope_mappings(self, owner_id: str) -> list[Role]:
        """Roles mapped into the scope of a client or client scope."""
        rows = await self._c.execute(
            select(scope_role_mappings.c.role_id).where(scope_role_mappings.c.owner_id == owner_id)
        )
        return await self.get_many(r.role_id for r in rows)

    async def scope_mapping_ids(self, owner_ids: Iterable[str]) -> set[str]:
        ids = list(owner_ids)
        if not ids:
            return set()
        rows = await self._c.execute(
            select(scope_role_mappings.c.role_id).where(scope_role_mappings.c.owner_id.in_(ids))
        )
        return {r.role_id for r in rows}

    async def add_scope_mappings(self, owner_id: str, role_ids: Iterable[str]) -> None:
        await self._bump_for_owner(owner_id)
        existing = await self.scope_mapping_ids([owner_id])
        rows = [{"owner_id": owner_id, "role_id": r} for r in dict.fromkeys(role_ids) if r not in existing]
        if rows:
            await self._c.execute(insert(scope_role_mappings), rows)

    async def remove_scope_mappings(self, owner_id: str, role_ids: Iterable[str]) -> None:
        await self._bump_for_owner(owner_id)
        await self._c.execute(
            delete(scope_role_mappings).where(
                scope_role_mappings.c.owner_id == owner_id, scope_role_mappings.c.role_id.in_(list(role_ids))
            )
        )

    async def delete_scope_mappings_of(self, owner_id: str) -> None:
        await self._bump_for_owner(owner_id)
        await self._c.execute(delete(scope_role_mappings).where(scope_role_mappings.c.owner_id == owner_id))
