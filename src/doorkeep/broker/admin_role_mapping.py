"""An identity provider's ``allowAdminRoleMapping`` switch (Keycloak 26.8,
IdentityProviderModel.ALLOW_ADMIN_ROLE_MAPPING, CVE-2026-12388 / keycloak#50444).

Off (unset, the default of a provider made from now on), the provider's mappers hand out no admin role: a role
mapper whose role is one, or a composite holding one, grants nothing at a login
(AbstractIdentityProviderMapper.isAdminRoleGrantAllowed, IdentityProviderMapperAdminRoleBrokerLoginTest), and a
group mapper whose group (or a group above it) carries one joins no one. Writing such a mapper while the switch is
off is a 403 for an administrator without manage-realm (RealmAdminAccessTest#testIdpManagerCannotEscalateVia*; a
manage-realm admin passes, IdentityProviderResource.validateMapperAdminRoleMapping, though the mapper then grants
nothing until the switch is on), and only an administrator holding manage-realm may turn the switch on
(#testNonRealmAdminCannotEnableAllowAdminRoleMapping). Providers stored before
the switch existed keep their mappers working: migration 0050 stores ``true`` on each (Keycloak's
JpaUpdate26_8_0_AllowAdminRoleMappingDefault). Doorkeep's own rule that a mapper's writer must be allowed to hand
out its role (web/admin/idp_mapper_grants.py) applies on top.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from doorkeep.admin.permissions import closure_facts, is_admin_role
from doorkeep.model import Group, Role

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
KEY = "allowAdminRoleMapping"
ENABLER = "manage-realm"  # the role that may turn the switch on


def allowed(config: Mapping[str, Any] | None) -> bool:
    """Is the switch on in a provider's ``config``? Unset is off."""
    return str((config or {}).get(KEY) or "").lower() == "true"


def turned_on(rep: Mapping[str, Any], stored: Mapping[str, Any] | None) -> bool:
    """Does writing ``rep`` over ``stored`` (None: a new provider) turn the switch on?"""
    config = rep.get("config")
    return allowed(config if isinstance(config, Mapping) else None) and not (
        stored is not None and allowed(stored.get("config"))
    )


async def role_carries_admin(tx: Tx, role: Role) -> bool:
    """Is ``role`` an admin role, or a composite holding one at any depth?"""
    return any(is_admin_role(facts) for facts in await closure_facts(tx, role))


async def group_carries_admin(tx: Tx, group: Group) -> bool:
    """Does joining ``group`` hand out an admin role: its roles or those of a group above it?"""
    above = await tx.groups.ancestors([group])
    for conferring in (group, *above.values()):
        for role_id in sorted(await tx.groups.role_ids(conferring.id)):
            role = await tx.roles.get(role_id)
            if role is not None and await role_carries_admin(tx, role):
                return True
    return False


async def may_grant(tx: Tx, realm_name: str, alias: str, switch: bool, role: Role) -> bool:
    """At a login: may a mapper of the provider ``alias`` grant ``role``? A refusal is logged, without the user."""
    if switch or not await role_carries_admin(tx, role):
        return True
    log.warning(
        "realm %s: provider %s may not map the admin role %s (allowAdminRoleMapping)", realm_name, alias, role.name
    )
    return False


async def may_join(tx: Tx, realm_name: str, alias: str, switch: bool, group: Group) -> bool:
    """At a login: may a mapper of the provider ``alias`` put the user in ``group``?"""
    if switch or not await group_carries_admin(tx, group):
        return True
    log.warning(
        "realm %s: provider %s may not join a group with admin roles (allowAdminRoleMapping)", realm_name, alias
    )
    return False
