"""The identity provider mappers that put the user in a group (Keycloak's AbstractClaimToGroupMapper): the
Hardcoded Group mapper (HardcodedGroupMapper, ``oidc-hardcoded-group-idp-mapper``, which always applies) and the
Advanced Claim to Group mapper (AdvancedClaimToGroupMapper, ``oidc-advanced-group-idp-mapper``, which applies when
every claim of its ``claims`` has its value: idp_mappers.applies).

Their ``group`` is a group path; ``groupType`` ``ORGANIZATION`` (Keycloak 26.6's ConfigConstants.GROUP_TYPE) looks the
path up among the groups of the organization the provider is linked to, anything else among the realm's groups
(KeycloakModelUtils.getGroupForIdpMapper). An organization group needs getOrganizationForIdpMapper's organization:
the realm's organizations on, the organization there and enabled, and the provider still linked to it; else, or
for a path no group has, the mapper does nothing. A provider linked to several organizations (Keycloak 26.8) maps
to the one the mapper's ``orgId`` names (keycloak#48948: the target organization recorded on the mapper); a mapper
without one keeps the organization of the provider's first link (the deprecated ``organizationId``, the one a
provider linked before 26.8 had), never another organization's group of the same path. importNewUser joins the
group when the mapper applies; updateBrokeredUser (FORCE; LEGACY and IMPORT leave later logins alone) joins it when
the mapper applies and leaves it when it does not, unless another mapper of the same login already put the user
there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.admin.groups import by_path, find_by_path
from doorkeep.broker import admin_role_mapping
from doorkeep.broker import providers as idp
from doorkeep.broker.oidc import Config
from doorkeep.model import JSON, Group, Realm
from doorkeep.organizations import brokers as org_brokers

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
ORGANIZATION = "ORGANIZATION"  # GroupModel.Type.ORGANIZATION


@dataclass(frozen=True)
class Target:
    """The group a mapper names: a realm group, or (``organization``) one of an organization's groups."""

    group: Group
    organization: bool


ORGANIZATION_ID = "orgId"  # the mapper's target organization among the provider's (keycloak#48948)


def organization_for(provider: JSON, mapper: JSON) -> str | None:
    """getOrganizationForIdpMapper's organization id: the mapper's ``orgId`` when the provider is linked to it (None
    when not), else the provider's first linked organization; None when the provider links none."""
    linked = org_brokers.organizations_of(provider)
    named = dict(mapper.get("config") or {}).get(ORGANIZATION_ID)
    if isinstance(named, str) and named:
        return named if named in linked else None
    return linked[0] if linked else None


async def target(tx: Tx, realm: Realm, config: Config, mapper: JSON) -> Target | None:
    """KeycloakModelUtils.getGroupForIdpMapper: the mapper's group, None (and a warning) when it does not resolve."""
    path = mapper["config"].get("group") or ""
    if mapper["config"].get("groupType") == ORGANIZATION:
        provider = idp.by_alias(realm, config.alias)
        org_id = organization_for(provider, mapper) if provider is not None else None
        org = await tx.organizations.get(realm.id, org_id) if realm.organizations_enabled and org_id else None
        if org is not None and org.enabled:
            group = by_path(await tx.organization_groups.of_organization(org.id), path)
            if group is not None:
                return Target(group, organization=True)
    else:
        found = await find_by_path(tx, realm.id, path)
        if found is not None:
            return Target(found, organization=False)
    log.warning("realm %s: mapper %s: no group at the configured path", realm.name, mapper["name"])
    return None


async def _join(tx: Tx, realm: Realm, config: Config, found: Target, user_id: str) -> None:
    if found.organization:  # an organization's groups carry no roles
        await tx.organization_groups.join(found.group, user_id)
    elif await admin_role_mapping.may_join(tx, realm.name, config.alias, config.allow_admin_role_mapping, found.group):
        await tx.groups.join(user_id, found.group.id)


async def import_new_user(tx: Tx, realm: Realm, config: Config, mapper: JSON, user_id: str, applies: bool) -> None:
    """AbstractClaimToGroupMapper.importNewUser: the user joins the group when it resolves and the mapper applies."""
    found = await target(tx, realm, config, mapper)
    if found is not None and applies:
        await _join(tx, realm, config, found, user_id)


async def update_brokered_user(
    tx: Tx, realm: Realm, config: Config, mapper: JSON, user_id: str, applies: bool, assigned: set[str]
) -> None:
    """AbstractClaimToGroupMapper.updateBrokeredUser (FORCE): a group another mapper of this login assigned stays;
    else the user joins it (and it counts as assigned) when the mapper applies, and leaves it when not."""
    found = await target(tx, realm, config, mapper)
    if found is None or found.group.id in assigned:
        return
    if not applies:
        if found.organization:
            await tx.organization_groups.leave(found.group, user_id)
        else:
            await tx.groups.leave(user_id, found.group.id)
        return
    assigned.add(found.group.id)
    await _join(tx, realm, config, found, user_id)
