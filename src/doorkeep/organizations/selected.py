"""The organization a login selected, carried by its refresh tokens and checked again on every refresh.

Keycloak 26.6's OrganizationTokenPostProcessor writes the alias of the request's organization (the one picked on
select-organization.ftl, the client session's ``kc.org`` note, or the one ``organization:<alias>`` names) into the
refresh token as ``organization``; a refresh copies the claim into the next refresh token, an offline one too.
Before anything else of a refresh but the session checks, TokenManager.validateSelectedOrganization refuses the
token once that organization is gone, disabled, or no longer has the user: ``invalid_grant`` "Invalid organization"
(an ErrorResponseException, which the refresh grant's error handling does not see: no event is recorded). Both
steps do nothing while the realm has organizations off (keycloak#48903, PR #49667).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep.model import ClientScope, ClientSession, Realm, User
from doorkeep.organizations import scope as organization_scope
from doorkeep.organizations.model import Organization

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CLAIM = "organization"  # OAuth2Constants.ORGANIZATION: the refresh token's claim of the selected organization
INVALID = "Invalid organization"


async def at_login(
    tx: Tx, realm: Realm, user: User, client_session: ClientSession | None, scopes: Iterable[ClientScope]
) -> str | None:
    """The alias a login's first refresh token names: the organization its login picked (the ``kc.org`` note) or,
    without a pick, the one organization a granted ``organization:<alias>`` resolves to for the user; None while
    the realm has organizations off, or when no single organization was selected."""
    if not realm.organizations_enabled:
        return None
    picked = client_session.notes.get(organization_scope.NOTE) if client_session is not None else None
    if isinstance(picked, str):
        org = await tx.organizations.get(realm.id, picked)
        return org.alias if org is not None else None
    named = [
        s.name
        for s in scopes
        if organization_scope.maps_organizations(s) and organization_scope.kind(s.name) == "SPECIFIC"
    ]
    if not named:
        return None
    found = organization_scope.resolve(named, await tx.organizations.of_user(user.id))
    return found[0].alias if len(found) == 1 else None


async def on_refresh(tx: Tx, realm: Realm, user: User, claims: Mapping[str, Any]) -> Organization | None:
    """validateSelectedOrganization on the refresh token's ``claims``: the organization the next refresh token keeps
    (its alias), or None; refuses (no event) a selected organization that no longer exists, is disabled or has left
    the user. It is that login's own pick: two logins of one browser share a client session, whose ``kc.org`` note
    holds the latest pick only, while each refresh token keeps its own (keycloak#42836)."""
    if not realm.organizations_enabled:
        return None
    alias = claims.get(CLAIM)
    if alias is None:
        return None
    # the user's own organizations: one that is gone or that the user left is not among them
    org = next((o for o in await tx.organizations.of_user(user.id) if o.alias == alias), None)
    if org is None or not org.enabled:
        raise e.InvalidGrant(INVALID, event_error="")
    return org
