"""A realm's client registration policies (Keycloak's ``ClientRegistrationPolicy`` components)."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import RegistrationPolicy
from doorkeep.store.tables import registration_policies as table

_FIELDS = tuple(RegistrationPolicy.__dataclass_fields__)


def _model(row: Any) -> RegistrationPolicy:
    m = row._mapping
    return RegistrationPolicy(**{name: m[name] for name in _FIELDS})


class RegistrationPolicyRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def list(self, realm_id: str) -> builtins.list[RegistrationPolicy]:
        """In the order they were added: the order ClientRegistrationPolicyManager runs them in."""
        query = select(table).where(table.c.realm_id == realm_id).order_by(table.c.position, table.c.id)
        return [_model(r) for r in await self._c.execute(query)]

    async def get(self, realm_id: str, policy_id: str) -> RegistrationPolicy | None:
        query = select(table).where(table.c.realm_id == realm_id, table.c.id == policy_id)
        row = (await self._c.execute(query)).first()
        return _model(row) if row else None

    async def id_taken(self, policy_id: str) -> bool:
        """Whether any realm has a policy with this id (ids are unique across realms, as component ids)."""
        return (await self._c.execute(select(table.c.id).where(table.c.id == policy_id))).first() is not None

    async def add(self, policy: RegistrationPolicy) -> None:
        """A new policy, after the realm's others."""
        await self.add_many(policy.realm_id, (policy,))

    async def add_many(self, realm_id: str, policies: Sequence[RegistrationPolicy]) -> None:
        """New policies of one realm, after its others in the order given."""
        if not policies:
            return
        last = await self._c.execute(select(func.max(table.c.position)).where(table.c.realm_id == realm_id))
        first = (last.scalar() or 0) + 1
        rows = [
            {**{name: getattr(policy, name) for name in _FIELDS}, "realm_id": realm_id, "position": first + i}
            for i, policy in enumerate(policies)
        ]
        await self._c.execute(insert(table), rows)

    async def replace(self, policy: RegistrationPolicy) -> None:
        """An updated policy keeps its place."""
        values = {name: getattr(policy, name) for name in _FIELDS if name not in ("id", "realm_id", "position")}
        await self._c.execute(
            update(table).where(table.c.realm_id == policy.realm_id, table.c.id == policy.id).values(**values)
        )

    async def remove(self, realm_id: str, policy_id: str) -> None:
        await self._c.execute(delete(table).where(table.c.realm_id == realm_id, table.c.id == policy_id))

    async def remove_realm_policies(self, realm_id: str) -> None:
        """Forget a realm's policies (an import replaces them with the file's)."""
        await self._c.execute(delete(table).where(table.c.realm_id == realm_id))
