"""The realm's default role, ``default-roles-<realm name lower-cased>``, which every new user holds.

Keycloak names it ``Constants.DEFAULT_ROLES_ROLE_PREFIX + "-" + realm.getName().toLowerCase()``
(``RealmManager.setDefaultsForNewRealm``, ``determineDefaultRoleName`` on import): realm ``MyRealm`` has
``default-roles-myrealm``. Keycloak keeps the role's id on the realm; Doorkeep finds the role by this name, and
falls back to ``default-roles-<realm name as written>``, the name a Doorkeep before session 64 gave it: migration
0048 renames those, but leaves one whose lower-cased name a hand-made role holds, and a worker of the older
version may still make one during a rolling upgrade.
"""

from __future__ import annotations

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
    for name in _names(realm.name):
        role = await tx.roles.get_realm_role(realm.id, name)
        if role is not None:
            return role
    return None


def pick(realm_name: str, roles: Iterable[Role]) -> Role | None:
    """The default role among a realm's roles (``find`` over a list already read)."""
    realm_roles = {r.name: r for r in roles if r.client_id is None}
    return next((realm_roles[n] for n in _names(realm_name) if n in realm_roles), None)
