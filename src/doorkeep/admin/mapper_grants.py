"""A protocol mapper that puts a role into tokens hands that role out: writing one asks the right to grant it.

Keycloak CVE-2026-4629 (keycloak#50445, fixed in 26.4.14 and 26.6.5 by PR #50495): a manage-clients holder wrote a
Hardcoded Role mapper (``oidc-hardcoded-role-mapper``, ``role`` = ``realm-management.realm-admin``) onto a client,
and every token of that client then carried realm-admin. A Role Name Mapper does the same through its
``new.role.name`` for anyone holding its source role. So a mapper naming a role is written only by an admin who may
hand the role out with everything it contains (``may_grant``: RolePermissions.checkAdminRoles' rule, admin roles
only): the master admin and a realm-admin are unaffected, and a plain role needs nothing more than manage-clients.

The role is found as the token finds it (KeycloakModelUtils.parseRole): the clientId is what precedes the last dot,
no dot names a realm role. A role that does not exist hands out nothing yet and passes; admin roles exist from the
start, so creating a role later needs no second look. A mapper rewritten to name what it already named, the same
way, hands out nothing new. [UNVERIFIED] PR #50495's source was not in the index: the refusal is the role-mapping
endpoints' 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from doorkeep.admin.permissions import Grantor, may_grant
from doorkeep.model import ProtocolMapper, Role
from doorkeep.oauth.mappers.helper import parse_role

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# The mapper types that put a role into tokens, and the config key naming it.
GRANTING = {"oidc-hardcoded-role-mapper": "role", "oidc-role-name-mapper": "new.role.name"}
# Who a registration without a user's token is, to the rule: holding nothing, it hands out no admin role.
NOBODY = Grantor(realm_id="", master_admin=False, held=frozenset(), management=frozenset())


def named_role(mapper: ProtocolMapper) -> str | None:
    """The role ``mapper`` puts into tokens, as written in its config; None for a mapper that grants none."""
    key = GRANTING.get(mapper.mapper)
    value = mapper.config.get(key) if key is not None else None
    return value if isinstance(value, str) and value else None


def added_role(new: ProtocolMapper, old: ProtocolMapper | None = None) -> str | None:
    """The role ``new`` hands out, unless ``old`` (the mapper it replaces) handed out the same one the same way."""
    name = named_role(new)
    if old is not None and old.mapper == new.mapper and named_role(old) == name:
        return None
    return name


def added_roles(existing: Iterable[ProtocolMapper], wanted: Iterable[ProtocolMapper]) -> list[str | None]:
    """``added_role`` of each ``wanted`` mapper, replacing the ``existing`` one of its protocol and name (as a
    client update's updateClientProtocolMappers matches them); ``existing`` empty for a new client or scope."""
    by_key = {(m.protocol, m.name): m for m in existing}
    return [added_role(m, by_key.get((m.protocol, m.name))) for m in wanted]


async def role_named(tx: Tx, realm_id: str, name: str) -> Role | None:
    """The stored role a token's ``name`` stands for (parseRole), or None when there is none."""
    if "\x00" in name:
        return None  # no role is named so (and PostgreSQL refuses to look one up)
    client_id, role = parse_role(name)
    if client_id is None:
        return await tx.roles.get_realm_role(realm_id, role)
    client = await tx.clients.get_by_client_id(realm_id, client_id)
    return await tx.roles.get_client_role(client.id, role) if client is not None else None


async def may_write(tx: Tx, realm_id: str, grantor: Grantor | None, names: Iterable[str | None]) -> bool:
    """May ``grantor`` (None: no user's token) write mappers handing out the roles ``names`` (None: no role)?"""
    for name in names:
        role = await role_named(tx, realm_id, name) if name is not None else None
        if role is not None and not await may_grant(tx, grantor or NOBODY, role):
            return False
    return True
