"""Keycloak 26.7's organization admin roles (AdminRoles.VIEW_ORGANIZATIONS, MANAGE_ORGANIZATIONS,
QUERY_ORGANIZATIONS), as its OrganizationPermissions grants them without fine-grained permissions.

* manage: manage-organizations or manage-realm (canManage);
* view: manage-organizations, view-organizations or manage-realm (canView);
* query: query-organizations, or whatever may view (canQuery; view-organizations also holds query-organizations).

manage-realm keeps what it gave before 26.7 (every organization call needed it). The endpoints ask, beside these,
what their subject asks elsewhere: the users' roles for members, manage-identity-providers to link a provider.
"""

from __future__ import annotations

from doorkeep.model import JSON, Realm
from doorkeep.organizations import brokers, idp_links
from doorkeep.web.admin.auth import FORBIDDEN, AdminIdentity
from doorkeep.web.admin.common import RealmCall

QUERY, VIEW, MANAGE = "query", "view", "manage"
_MANAGE = ("manage-organizations", "manage-realm")
_VIEW = (*_MANAGE, "view-organizations")
_QUERY = (*_VIEW, "query-organizations")
_HOLDERS = {QUERY: _QUERY, VIEW: _VIEW, MANAGE: _MANAGE}


def can(call: RealmCall, need: str) -> bool:
    """Does the caller hold what ``need`` (QUERY, VIEW or MANAGE) asks for the realm's organizations?"""
    return identity_can(call.identity, call.realm, need)


def identity_can(identity: AdminIdentity, realm: Realm, need: str) -> bool:
    """``can`` for an administrator of ``realm`` outside an organization call."""
    return any(identity.can(realm, role) for role in _HOLDERS[need])


def require(call: RealmCall, need: str) -> None:
    """403 unless ``can(call, need)``."""
    if not can(call, need):
        raise FORBIDDEN


def require_linking(call: RealmCall, rep: JSON, stored: JSON | None) -> None:
    """A provider written through ``identity-provider/instances`` that names an organization it is not linked to
    yet (``organizationId``, or the config's ``kc.org``) links it, which ``organizations/{id}/identity-providers``
    allows only to whoever may manage organizations: the same asked here (beyond Keycloak, which takes the name
    with manage-identity-providers alone; a provider already linked keeps its organization whatever is sent)."""
    if stored is not None and brokers.organization_of(stored) is not None:
        return
    config = rep.get("config")
    named = rep.get(brokers.ORGANIZATION_ID) or (config.get(brokers.ORGANIZATION) if isinstance(config, dict) else None)
    if named or rep.get(idp_links.LINKS):
        require(call, MANAGE)
