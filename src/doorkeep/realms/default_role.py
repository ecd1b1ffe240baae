"""The realm's default role, ``default-roles-<realm name lower-cased>``, which every new user holds.

Keycloak names it ``Constants.DEFAULT_ROLES_ROLE_PREFIX + "-" + realm.getName().toLowerCase()``
(``RealmManager.setDefaultsForNewRealm``, ``determineDefaultRoleName`` on import): realm ``MyRealm`` has
``default-roles-myrealm``. Keycloak keeps the role's id on the realm, so the role keeps being the default role when
an admin renames it or the realm (``renameRealm`` leaves roles alone). Doorkeep finds the role by this name until
either happens; then ``pin`` keeps its id on the realm (``Realm.default_role_id``). The name lookup falls back to
``default-roles-<realm name as written>``, the name a Doorkeep before session 64 gave it: migration 0048 renames
those, but leaves one whose lower-cased name a hand-made role holds, and a worker of the older version may still
make one during a rolling upgrade.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from doorkeep.model import Realm, Role

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

PREFIX = "default-roles"  # Constants.DEFAULT_ROLES_ROLE_PREFIX


def name_for(realm_name: str) -> str:
    """The default role's name for a realm of this name."""
    return f"{PREFIX}-{realm_name.lower()}"


def _names(realm_name: str) -> tuple[str, ...]:
    """The names the default role may have, Keycloak's first, then the exact-case one older Doorkeeps stored."""
    legacy = f"{PREFIX}-{realm_name}"
    return (name_for(realm_name),) if legacy == name_for(realm_name) else (name_for(realm_name), legacy)


async def find(tx: Tx, realm: Realm) -> Role | None:
    """The realm's default role as stored, or None (a realm is never without one)."""
    if realm.default_role_id is not None:
        role = await tx.roles.get(realm.default_role_id)
        if role is not None and role.realm_id == realm.id and role.client_id is None:
            return role
    for name in _names(realm.name):
        role = await tx.roles.get_realm_role(realm.id, name)
        if role is not None:
            return role
    return None


def pick(realm: Realm, roles: Iterable[Role]) -> Role | None:
    """The default role among a realm's roles (``find`` over a list already read)."""
    realm_roles = [r for r in roles if r.client_id is None]
    pinned = next((r for r in realm_roles if r.id == realm.default_role_id), None)
    if pinned is not None:
        return pinned
    by_name = {r.name: r for r in realm_roles}
    return next((by_name[n] for n in _names(realm.name) if n in by_name), None)


async def pin(tx: Tx, realm: Realm, role: Role) -> Realm:
    """Keep ``role`` as the realm's default role by id, before its name or the realm's changes; the realm as now
    stored."""
    if realm.default_role_id != role.id:
        await tx.realms.set_default_role(realm.id, role.id)
    return dataclasses.replace(realm, default_role_id=role.id)
