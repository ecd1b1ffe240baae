"""Which client holds a realm's own admin roles.

Keycloak gives every realm but master a ``realm-management`` client (Constants.REALM_MANAGEMENT_CLIENT_ID), whose
``realm-admin`` holds the other admin roles. The master realm has none (RealmManager.setupRealmAdminManagement
returns early for it): master's own admin roles live on ``master-realm`` (name ``master Realm``), one of master's
per-realm ``<realm>-realm`` clients (setupMasterAdminManagement, RealmModel.getMasterAdminClient), without a
``realm-admin``; master's ``admin`` realm role holds them all. AdminPermissions' getRealmManagementClient answers
the same way. Everything that looks up the caller's realm's admin roles asks ``client_id_for``.
"""

from __future__ import annotations

MASTER = "master"
REALM_MANAGEMENT = "realm-management"  # Constants.REALM_MANAGEMENT_CLIENT_ID
APP_SUFFIX = "-realm"  # AdminRoles.APP_SUFFIX


def master_client_id(realm_name: str) -> str:
    """The clientId of ``realm_name``'s client in master (KeycloakModelUtils.getMasterRealmAdminApplicationClientId)."""
    return realm_name + APP_SUFFIX


def client_id_for(realm_name: str) -> str:
    """The clientId of the client holding ``realm_name``'s own admin roles: ``master-realm`` for master,
    ``realm-management`` for any other realm."""
    return master_client_id(MASTER) if realm_name == MASTER else REALM_MANAGEMENT


def is_management(realm_name: str, client_id: str | None) -> bool:
    """Is ``client_id`` the client holding ``realm_name``'s own admin roles?"""
    return client_id is not None and client_id == client_id_for(realm_name)
