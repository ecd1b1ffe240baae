"""What an identity provider mapper hands out, the caller must be allowed to hand out.

A Hardcoded Role, Claim to Role or Advanced Claim to Role mapper grants its role to every user who logs in through
the provider; a Hardcoded Group or Advanced Claim to Group mapper puts them in its group, with the group's roles.
Keycloak's IdentityProviderResource asks only manage-identity-providers to write one, so an administrator holding
just that role could name ``realm-management.realm-admin`` and log in through a provider of their own to get it.
Here writing such a mapper also asks what granting the role or joining the group directly asks
(``AdminIdentity.require_grant`` / ``require_membership``: RolePermissions.canMapRole's admin-role rule): the
master admin and a realm-admin are unaffected. Beyond Keycloak, for safety (docs/identity-brokering.md). Keycloak
26.8's own guard comes first: a mapper handing out an admin role is refused while its provider's
``allowAdminRoleMapping`` is off, unless its writer holds manage-realm (broker/admin_role_mapping.py).

A group mapper naming an organization's group (``groupType`` ORGANIZATION) is written, changed or removed only by
whoever may manage organizations (Keycloak 26.7's OrganizationGroupMapperPermissionsTest: manage-organizations or
manage-realm, beside manage-identity-providers); a mapper of a realm group needs no organization role.
"""

from __future__ import annotations

from typing import Any

from doorkeep.admin import mapper_targets
from doorkeep.admin.groups import find_by_path
from doorkeep.broker import admin_role_mapping, idp_group_mappers
from doorkeep.broker.idp_mappers import role_of
from doorkeep.model import JSON, Realm
from doorkeep.store.tx import Tx
from doorkeep.web.admin import organization_access
from doorkeep.web.admin.auth import FORBIDDEN, AdminIdentity

ROLE_MAPPERS, GROUP_MAPPERS = mapper_targets.ROLE_MAPPERS, mapper_targets.GROUP_MAPPERS  # what a rename re-checks


async def require_conferrable(tx: Tx, realm: Realm, caller: AdminIdentity, rep: dict[str, Any], provider: JSON) -> None:
    """403 unless ``caller`` may hand out the role or the realm group that the mapper ``rep`` names, and, when
    that is an admin role (or a group carrying one), unless ``provider``'s ``allowAdminRoleMapping`` is on or the
    caller holds manage-realm (broker/admin_role_mapping.py). A mapper naming nothing that exists hands out
    nothing (it only logs a warning at a login) and passes; a malformed representation is left to the mapper's
    own validation."""
    kind, config = rep.get("identityProviderMapper"), rep.get("config")
    if not isinstance(config, dict):
        return
    # IdentityProviderResource.validateMapperAdminRoleMapping: a manage-realm admin passes the switch
    switch = admin_role_mapping.allowed(provider.get("config")) or caller.can(realm, admin_role_mapping.ENABLER)
    if kind in ROLE_MAPPERS and isinstance(config.get("role"), str):
        role = await role_of(tx, realm, config["role"])
        if role is not None:
            if not switch and await admin_role_mapping.role_carries_admin(tx, role):
                raise FORBIDDEN
            await caller.require_grant(tx, role)
    elif kind in GROUP_MAPPERS and isinstance(config.get("group"), str):
        if config.get("groupType") == idp_group_mappers.ORGANIZATION:
            return  # an organization's groups carry no roles (require_organization_rights asks the rest)
        group = await find_by_path(tx, realm.id, config["group"])
        if group is not None:
            if not switch and await admin_role_mapping.group_carries_admin(tx, group):
                raise FORBIDDEN
            await caller.require_membership(tx, group)


def names_organization_group(rep: dict[str, Any] | None) -> bool:
    """Is ``rep`` a group mapper of an organization's group?"""
    if rep is None or rep.get("identityProviderMapper") not in GROUP_MAPPERS:
        return False
    config = rep.get("config")
    return isinstance(config, dict) and config.get("groupType") == idp_group_mappers.ORGANIZATION


def require_organization_rights(realm: Realm, caller: AdminIdentity, *reps: dict[str, Any] | None) -> None:
    """403 unless ``caller`` may manage organizations, when any of ``reps`` (the mapper written, the one stored)
    names an organization's group."""
    if any(names_organization_group(rep) for rep in reps) and not organization_access.identity_can(
        caller, realm, organization_access.MANAGE
    ):
        raise FORBIDDEN
