"""The Hardcoded Group identity provider mapper (Keycloak's HardcodedGroupMapper, ``oidc-hardcoded-group-idp-mapper``,
an AbstractClaimToGroupMapper that always applies).

Its ``group`` is a group path; ``groupType`` ``ORGANIZATION`` (Keycloak 26.6's ConfigConstants.GROUP_TYPE) looks the
path up among the groups of the organization the provider is linked to, anything else among the realm's groups
(KeycloakModelUtils.getGroupForIdpMapper). An organization group needs getOrganizationForIdpMapper's organization:
the realm's organizations on, the organization there and enabled, and the provider still linked to it; else, or
for a path no group has, the mapper does nothing. The user joins the group when first imported, and again on each
login in FORCE (updateBrokeredUser; LEGACY and IMPORT leave later logins alone).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from doorkeep.admin.groups import by_path
from doorkeep.broker import providers as idp
from doorkeep.broker.oidc import Config
from doorkeep.model import JSON, Realm
from doorkeep.organizations import brokers as org_brokers

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
ORGANIZATION = "ORGANIZATION"  # GroupModel.Type.ORGANIZATION


async def join(tx: Tx, realm: Realm, config: Config, mapper: JSON, user_id: str) -> None:
    """Put the user in the mapper's group, when it resolves."""
    path = mapper["config"].get("group") or ""
    if mapper["config"].get("groupType") == ORGANIZATION:
        provider = idp.by_alias(realm, config.alias)
        org_id = org_brokers.organization_of(provider) if provider is not None else None
        org = await tx.organizations.get(realm.id, org_id) if realm.organizations_enabled and org_id else None
        if org is not None and org.enabled:
            group = by_path(await tx.organization_groups.of_organization(org.id), path)
            if group is not None:
                await tx.organization_groups.join(group, user_id)
                return
    else:
        found = by_path(await tx.groups.realm_groups(realm.id), path)
        if found is not None:
            await tx.groups.join(user_id, found.id)
            return
    log.warning("realm %s: mapper %s: no group at the configured path", realm.name, mapper["name"])
