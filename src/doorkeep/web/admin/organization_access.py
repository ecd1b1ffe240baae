"""Keycloak 26.7's organization admin roles (AdminRoles.VIEW_ORGANIZATIONS, MANAGE_ORGANIZATIONS,
QUERY_ORGANIZATIONS), as its OrganizationPermissions grants them without fine-grained permissions.

* manage: manage-organizations or manage-realm (canManage);
* view: manage-organizations, view-organizations or manage-realm (canView);
* query: query-organizations, or whatever may view (canQuery; view-organizations also holds query-organizations).

manage-realm keeps what it gave before 26.7 (every organization call needed it). The endpoints ask, beside these,
what their subject asks elsewhere: the users' roles for members, manage-identity-providers to link a provider.
"""

from __future__ import annotations

from doorkeep.model import Realm
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
