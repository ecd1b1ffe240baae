"""The writes of Keycloak 26's OrganizationsResource, OrganizationResource and OrganizationMemberResource, without
HTTP: create, update and delete an organization, add and remove a member. The Admin REST handlers
(web/admin/organization*.py) and the Admin Console's Organizations pages both call these, so they share every check
and message; the caller has checked manage-realm and the realm's ``organizationsEnabled`` and records the event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin.stored_text import refuse_nul
from doorkeep.errors import AdminError
from doorkeep.model import Realm, User
from doorkeep.organizations import brokers, realm_domains, rules
from doorkeep.organizations.model import MANAGED, UNMANAGED, Organization
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NO_USER = AdminError(400, "User does not exist")
ALREADY_MEMBER = AdminError(409, "User is already a member of the organization.")
MEMBERSHIP = "ORGANIZATION_MEMBERSHIP"  # the admin events' resource type for members


def owners(tx: Tx, realm: Realm) -> rules.Owners:
    """The ids of the organizations of the realm claiming a domain name."""

    async def claimants(domain: str) -> list[str]:
        return (await tx.domains.owners(realm.id, [domain])).get(domain, [])

    return claimants


def check_routing(realm: Realm, org: Organization) -> None:
    """OrganizationAdapter.setDomains' resolveIdentityProvider: each routed domain names a provider of the realm
    linked to the organization."""
    for domain in org.domains:
        realm_domains.linked_provider(realm, org, domain.identity_provider_alias)


async def create(tx: Tx, realm: Realm, rep: dict[str, Any]) -> Organization:
    """``POST organizations``: the new organization, stored."""
    await tx.organizations.serialize_writes(realm.id)
    taken = await tx.organizations.realm_organizations(realm.id)
    org = await rules.new_organization(rep, new_id(), realm.id, realm.name, taken, owners(tx, realm))
    check_routing(realm, org)  # a new organization has no provider yet: any routing is refused
    refuse_nul(rep)  # after Keycloak's checks, where PostgreSQL refuses it: the same 400 on SQLite
    await tx.organizations.save(org, new=True)
    return org


async def update(tx: Tx, realm: Realm, org: Organization, rep: dict[str, Any]) -> Organization:
    """``PUT organizations/{id}``: the organization as ``rep`` leaves it, stored."""
    await tx.organizations.serialize_writes(realm.id)
    taken = await tx.organizations.realm_organizations(realm.id)
    changed = await rules.updated(org, rep, realm.name, taken, owners(tx, realm))
    check_routing(realm, changed)
    refuse_nul(rep)
    await tx.organizations.save(changed, new=False)
    removed = {d.name.lower() for d in org.domains} - {d.name.lower() for d in changed.domains}
    await brokers.unbind_domains(tx, realm.id, org.id, removed)
    return changed


async def delete(tx: Tx, realm: Realm, org: Organization) -> None:
    """``DELETE organizations/{id}``: its providers stay in the realm, unlinked; its memberships go, and so does the
    routing of its domains to its providers."""
    for provider in brokers.of_organization(realm, org.id):
        await tx.domains.clear_routing(realm.id, str(provider["alias"]), org.id)
    await brokers.unlink_all(tx, realm.id, org.id)
    await tx.organizations.delete(org)


async def add_member(tx: Tx, realm: Realm, org: Organization, user_id: str) -> User:
    """``POST organizations/{id}/members``: the realm's user ``user_id`` joins as an UNMANAGED member."""
    user = await tx.users.get(user_id) if user_id else None
    if user is None or user.realm_id != realm.id:
        raise NO_USER
    if not await tx.organizations.add_member(org, user.id, UNMANAGED):
        raise ALREADY_MEMBER
    return user


async def set_membership_type(tx: Tx, org: Organization, user: User, current: str, wanted: str) -> bool:
    """``PUT organizations/{id}/members/{userId}/membership-type`` (Keycloak 26.8): make a member's membership
    ``wanted``; False when it already was (OrganizationMemberResource.updateMembershipType answers 204 and records no
    event then). Nothing else changes: the user and their groups stay, only what removing them later does."""
    if wanted == current:
        return False
    return await tx.organizations.set_membership_type(org, user.id, wanted)


async def remove_member(tx: Tx, org: Organization, user_id: str) -> bool:
    """``DELETE organizations/{id}/members/{userId}``: False when the user is not a member (the REST 404). A MANAGED
    member of this organization is removed as a user (JpaOrganizationProvider.removeMember: removeUser), their other
    memberships, sessions and credentials with them; any other member only leaves it."""
    await tx.organization_roles.hold_memberships(org.id)  # no mapping of its roles is being made meanwhile
    user = await tx.users.get(user_id) if user_id.strip() else None
    kind = await tx.organizations.membership(org.id, user.id) if user is not None else None
    if user is None or kind is None:
        return False
    if kind == MANAGED:
        await tx.users.delete(user.id)  # the foreign keys' cascade ends the rest, as DELETE users/{id} does
        return True
    await tx.organizations.remove_member(org, user.id)
    await tx.organization_groups.leave_organization(org.id, user.id)  # no longer a member: out of its groups too
    return True
