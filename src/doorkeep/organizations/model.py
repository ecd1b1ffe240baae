"""An organization as Keycloak's OrganizationModel holds it (OrganizationEntity and its domains)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from doorkeep.organizations.domains import is_same_domain

# MembershipType (Keycloak 26): members added by an administrator, or who accepted an invitation as existing users,
# are UNMANAGED; MANAGED members were created for the organization (a registration from its invitation).
UNMANAGED = "UNMANAGED"
MANAGED = "MANAGED"
_INTERNAL_GROUPS = uuid.UUID("9b1f3c52-6d0e-4c1a-8f55-2f4e7a1d0c6b")  # namespace of internal_group_id


@dataclass(frozen=True)
class Domain:
    """OrganizationDomainModel (Keycloak 26.8): an internet domain of the realm (lower case, unique in the realm) that
    organizations claim, with its routing: the identity provider a typed e-mail of the domain goes to while
    ``auto_redirect``."""

    name: str
    verified: bool = False
    identity_provider_alias: str | None = None
    auto_redirect: bool = False


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
        """Whether ``domain`` is one of the organization's, or under one of its ``*.`` domains (isSameDomain)."""
        return any(is_same_domain(domain, d.name) for d in self.domains)


def internal_group_id(org_id: str) -> str:
    """The id Keycloak's top-level organization groups name as their ``parentId``: the organization's internal group
    (JpaOrganizationProvider.createOrganizationGroup, a group of type ORGANIZATION named after the organization).
    Doorkeep keeps no such group, only its id, stored with the organization (so the realm's group APIs ask in one
    query whether an id is one); derived from the organization's id, it is stable and no group API finds a group by
    it."""
    return str(uuid.uuid5(_INTERNAL_GROUPS, org_id))


def email_domain(address: str) -> str | None:
    """Organizations.getEmailDomain: what follows the first ``@`` of an address; None without one."""
    at = address.find("@")
    return address[at + 1 :] if at >= 0 else None


@dataclass(frozen=True)
class Invitation:
    """OrganizationInvitationModel (Keycloak 26.4): an e-mailed invitation, kept until it is accepted, resent or
    deleted. Times are epoch seconds; it is EXPIRED once ``now > expires_at`` (isExpired), PENDING before."""

    id: str
    organization_id: str
    realm_id: str
    email: str
    first_name: str | None
    last_name: str | None
    created_at: int
    expires_at: int
    invite_link: str | None = None
    attributes: dict[str, list[str]] | None = None  # the invitation request's attributes (Keycloak 26.7)
    client_id: str | None = None  # the client its link was for (Keycloak 27.0), which a resend keeps; None: account

    def expired(self, now: int) -> bool:
        return now > self.expires_at


@dataclass(frozen=True)
class InvitationFilter:
    """The listing's filters (OrganizationInvitationModel.Filter): ``status`` PENDING or EXPIRED; ``email``,
    ``first_name`` and ``last_name`` each match a part of that field, ``search`` a part of any of the three, all
    without case and with ``%`` and ``_`` taken literally (JpaInvitationManager's LIKE, Keycloak 26.7)."""

    status: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    search: str | None = None
