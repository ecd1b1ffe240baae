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

    def owns(self, domain: str | None) -> bool:
        """Whether ``domain`` is one of the organization's (its domains are kept in lower case)."""
        return domain is not None and any(d.name == domain.lower() for d in self.domains)


def email_domain(address: str) -> str | None:
    """Organizations.getEmailDomain: what follows the first ``@`` of an address; None without one."""
    at = address.find("@")
    return address[at + 1 :] if at >= 0 else None
