"""A duplicate only the database's unique index sees: two admins creating the same thing at once.

Each create looks for an existing namesake first and answers Keycloak's 409 for it; on PostgreSQL a second request
whose look came before the first's commit meets the first's row only at the unique index. Keycloak's JPA store meets
it there too (its flush raises ModelDuplicateException) and the resource answers the same 409 as for a namesake
found (ClientsResource.createClient, RoleContainerResource.createRole, ClientScopesResource.createClientScope,
GroupsResource.addTopLevelGroup, GroupResource.addChild, UsersResource.createUser): so does Doorkeep, instead of
the generic "Conflict detected" its last line of defence gives (web/server_errors.py).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from doorkeep.errors import AdminError
from doorkeep.store.database import is_duplicate

T = TypeVar("T")


async def refused_as(write: Awaitable[T], conflict: AdminError) -> T:
    """``write``'s result; ``conflict`` raised when a unique index refuses its row."""
    try:
        return await write
    except Exception as exc:
        if is_duplicate(exc):
            raise conflict from exc
        raise
