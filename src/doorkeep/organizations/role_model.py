"""An organization role as Keycloak's main branch (after 26.8.0) holds it: a RoleModel of type ORGANIZATION whose
container is one organization, apart from the realm's and the clients' roles."""

from __future__ import annotations

from dataclasses import dataclass, field

from doorkeep.model import JSON

# Constants.DEFAULT_ORGANIZATION_ROLES_ROLE_PREFIX: the default role is this, ``-`` and the organization's alias in
# lower case (JpaUpdate26_8_0_OrganizationRoles; OrganizationRoleModelTest, the SAML role mapper's test and the admin
# console's tests read ``default-roles-org-<alias>``).
DEFAULT_PREFIX = "default-roles-org"
DEFAULT_DESCRIPTION = "${role_default-roles}"
MAX_NAME = 255


def default_role_name(alias: str) -> str:
    """The name of the default role of an organization with this alias."""
    return f"{DEFAULT_PREFIX}-{alias.lower()}"[:MAX_NAME]


@dataclass(frozen=True)
class OrganizationRole:
    """One organization role; ``composite`` when it nests other roles, ``default`` for the organization's default
    role (held by every member through membership, never mapped one by one)."""

    id: str
    realm_id: str
    organization_id: str
    name: str
    description: str | None = None
    attributes: JSON = field(default_factory=dict)
    default: bool = False
    composite: bool = False
