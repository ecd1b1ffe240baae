"""An organization as Keycloak's OrganizationModel holds it (OrganizationEntity and its domains)."""

from __future__ import annotations

from dataclasses import dataclass, field

# MembershipType (Keycloak 26): members added by an administrator, or who accepted an invitation as existing users,
# are UNMANAGED; MANAGED members were created for the organization (a registration from its invitation).
UNMANAGED = "UNMANAGED"
MANAGED = "MANAGED"


@dataclass(frozen=True)
class Domain:
    """OrganizationDomainModel: an internet domain the organization owns (lower case, unique in the realm)."""

    name: str
    verified: bool = False


@dataclass(frozen=True)
class Organization:
    id: str
    realm_id: str
    name: str
    alias: str
    enabled: bool = True
    description: str | None = None
    redirect_url: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    domains: tuple[Domain, ...] = ()
