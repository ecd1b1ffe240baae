"""The ``organization`` scope steering the Organization login step, as Keycloak 26's Organizations.resolveOrganization
reads OrganizationScope during a login, and the step's ``requiresUserMembership`` refusal (OrganizationAuthenticator).

The scope is read from the login request's ``scope`` among the client's organization scopes (a client scope holding
the Organization Membership mapper): ``organization:<alias>`` (SINGLE) names one organization of the realm, the user's
if they are a member; ``organization:*`` (ALL) every enabled organization of the user; ``organization`` (ANY) the
user's organization when they have exactly one enabled. With a scope asked and a known user, the organization comes
from those alone (their MANAGED one, else the one of the typed domain); the domain's owner is looked up only for an
unknown user. A SINGLE scope names its organization to an unknown user too. A known member of several organizations
who asks for ``organization`` and resolves none first picks one (select-organization.ftl, ``must_select``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.errors import InvalidScope
from doorkeep.model import Client, Realm, User
from doorkeep.oauth import flow_gates, scopes
from doorkeep.oauth.login_outcomes import Refused
from doorkeep.organizations import scope as organization_scope
from doorkeep.organizations.domains import by_domain
from doorkeep.organizations.model import MANAGED, Organization

if TYPE_CHECKING:
    from doorkeep.oauth.authorize import AuthRequest
    from doorkeep.oauth.login_step import LoginSite
    from doorkeep.store.tx import Tx

NOT_MEMBER = "User is not a member of the organization {}"  # notMemberOfOrganization
NOT_MEMBER_OF_ANY = "User is not a member of any organization"  # notMemberOfAnyOrganization
FORBIDDEN = 403


@dataclass(frozen=True)
class Asked:
    """The organization scope of the request: its value, "" (ANY), ``*`` (ALL) or an alias (SINGLE)."""

    value: str

    @property
    def single(self) -> bool:
        return self.value not in ("", organization_scope.ALL)


async def asked(tx: Tx, client: Client, request: AuthRequest) -> Asked | None:
    """OrganizationScope.valueOfScope: the first requested scope that is one of the client's organization scopes."""
    requested = scopes.split(request.scope)
    try:
        granted = await scopes.resolve(tx, client, request.scope)
    except InvalidScope:  # the authorization endpoint's to refuse, not the login page's
        return None
    names = {s.name for s in granted.scopes if organization_scope.maps_organizations(s)}
    for name in requested:
        if name in names:
            return Asked(name.partition(organization_scope.SEPARATOR)[2])
    return None


async def _member(tx: Tx, org: Organization, user: User) -> bool:
    return await tx.organizations.membership(org.id, user.id) is not None


async def scoped(tx: Tx, realm: Realm, ask: Asked, user: User | None) -> list[Organization]:
    """OrganizationScope.resolveOrganizations: the enabled organizations the scope maps for ``user`` (None: unknown)."""
    if ask.single:
        org = next((o for o in await tx.organizations.realm_organizations(realm.id) if o.alias == ask.value), None)
        if org is None or not org.enabled or (user is not None and not await _member(tx, org, user)):
            return []
        return [org]
    mine = [o for o in await tx.organizations.of_user(user.id) if o.enabled] if user is not None else []
    return mine if ask.value == organization_scope.ALL or len(mine) == 1 else []


async def resolve(
    tx: Tx, realm: Realm, ask: Asked, user: User | None, domain: str | None
) -> tuple[bool, Organization | None]:
    """Organizations.resolveOrganization with a scope asked: (settled, organization). Not settled: an unknown user
    whose organization the scope does not name, to be found by the typed domain as without a scope."""
    found = await scoped(tx, realm, ask, user)
    if len(found) == 1:
        return True, found[0]  # a known user is a member of what the scope resolves for them
    if user is None:
        return False, None
    for org in found:  # resolveUserOrganization
        if await tx.organizations.membership(org.id, user.id) == MANAGED:
            return True, org
    return True, by_domain(found, domain)


async def must_select(tx: Tx, ask: Asked | None, request: AuthRequest, user: User) -> bool:
    """shouldUserSelectOrganization: the ``organization`` scope (ANY) asked, none picked yet in this login, and the
    user a member of more than one organization (counted as OrganizationProvider.getByMember, disabled ones too)."""
    if ask is None or ask.value != "" or request.organization is not None:
        return False
    return len(await tx.organizations.of_user(user.id)) > 1


async def membership_refusal(
    site: LoginSite, ask: Asked | None, org: Organization | None, user: User
) -> Refused | None:
    """isMembershipRequired: with the step's ``requiresUserMembership`` set, the error page (403) for a user who is not
    a member of the resolved organization (or, none resolved, of the one a SINGLE scope names); else None."""
    tx, realm = site.tx, site.realm
    if not flow_gates.organization_members_only(realm, site.client, site.request.requested_flow):
        return None
    if org is None and ask is not None and ask.single:
        named = await scoped(tx, realm, ask, None)
        org = named[0] if named else None
    if org is not None and await _member(tx, org, user):
        return None
    return Refused(NOT_MEMBER.format(org.name) if org is not None else NOT_MEMBER_OF_ANY, status=FORBIDDEN)
