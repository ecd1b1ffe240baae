"""Master's per-realm admin clients, ``<realm>-realm`` (Keycloak's RealmManager.setupMasterAdminManagement).

The master realm holds one bearer-only client per other realm, named ``<realm> Realm``, whose roles are that
realm's admin roles (AdminRoles.ALL_REALM_ROLES and ``impersonation``, ImpersonationConstants), with the
composites realm-management's roles have (view-users holds query-users and query-groups, ...). Master's
``admin`` role holds them all. A master user given one of them administers that realm that far
(MgmtPermissions.hasOneAdminRole). The client follows its realm: made with it on every path (Admin REST, import,
Keycloak migration, the first start's master), its clientId renamed with it, deleted with it.

The master realm's own client is one of them, ``master-realm`` (``master Realm``): master has no
``realm-management`` client, and a master user's roles for master are read on ``master-realm``
(doorkeep.realms.management).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm
from doorkeep.realms import management, provisioning

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

MASTER = management.MASTER
APP_SUFFIX = management.APP_SUFFIX
ADMIN = provisioning.ADMIN
ROLES = provisioning.MANAGEMENT_ROLES  # AdminRoles.ALL_REALM_ROLES + impersonation, with the same composites
IMPERSONATION = "impersonation"
CREATOR_ROLES = frozenset(ROLES) - {IMPERSONATION}  # what a realm's creator is given: AdminRoles.ALL_REALM_ROLES


def client_id_of(realm_name: str) -> str:
    """KeycloakModelUtils.getMasterRealmAdminApplicationClientId."""
    return management.master_client_id(realm_name)


def display_name(realm_name: str) -> str:
    """The client's name: ``<realm> Realm`` ("No localized name for now")."""
    return f"{realm_name} Realm"


def realm_name_of(client_id: str) -> str | None:
    """The realm a master client of that clientId administers, if its name says it is one."""
    if not client_id.endswith(APP_SUFFIX) or len(client_id) == len(APP_SUFFIX):
        return None
    return client_id[: -len(APP_SUFFIX)]


def reserved(realm_name: str, client_id: str) -> bool:
    """Is ``client_id`` in ``realm_name`` the name of a master per-realm client, present or future (``master-realm``,
    master's own, included)? Only master's ``admin`` makes, renames into or out of, or deletes one: a realm's admin
    roles for master users are found by that name, and a client of a future realm's name is adopted, with its roles,
    when that realm is made."""
    return realm_name == MASTER and realm_name_of(client_id) is not None


async def administers_existing(tx: Tx, realm_name: str, client_id: str) -> bool:
    """Is ``client_id`` a master client of a realm that exists (``master-realm`` included)? ClientManager's
    isInternalClient: such a client is not deleted, by anyone."""
    name = realm_name_of(client_id) if realm_name == MASTER else None
    return name is not None and await tx.realms.get_by_name(name) is not None


async def realm_created(tx: Tx, realm: Realm, now: int) -> None:
    """After a realm is written: its client in master, or, for master itself, its own ``master-realm`` (completed
    with any role an imported one lacks) and the clients of every realm already there (a master imported or made
    after other realms)."""
    if realm.name == MASTER:
        await ensure(tx, realm, realm, now)
        for other in await tx.realms.list():
            if other.name != MASTER:
                await ensure(tx, realm, other, now)
        return
    master = await tx.realms.get_by_name(MASTER)
    if master is not None:
        await ensure(tx, master, realm, now)


async def ensure(tx: Tx, master: Realm, realm: Realm, now: int) -> Client:
    """``realm``'s client in master, made when missing (a client of that clientId already there is kept, as
    setupMasterAdminManagement keeps it), with every role it lacks (checkMasterAdminManagementRoles) held by
    master's ``admin``."""
    client = await tx.clients.get_by_client_id(master.id, client_id_of(realm.name))
    if client is None:
        made = Client(
            id=provisioning.new_id(),
            realm_id=master.id,
            client_id=client_id_of(realm.name),
            name=display_name(realm.name),
            bearer_only=True,
            full_scope_allowed=False,
        )
        client = await provisioning.create_client(tx, master, made, now=now)
    held = {role.name: role.id for role in await tx.roles.list_client_roles(client.id)}
    missing = {name: f"${{role_{name}}}" for name in ROLES if name not in held}
    made_roles = await provisioning.add_roles(tx, master.id, missing, client.id) if missing else {}
    held |= made_roles
    for name, children in ROLES.items():
        if children:
            await tx.roles.add_composites(held[name], [held[child] for child in children])
    admin = await tx.roles.get_realm_role(master.id, ADMIN)
    if admin is not None and made_roles:
        await tx.roles.add_composites(admin.id, made_roles.values())
    return client


async def name_taken(tx: Tx, new_name: str) -> bool:
    """Does master already hold a client named for ``new_name``? Renaming a realm to it would collide (Keycloak's
    ModelDuplicateException, answered as the realm name's conflict)."""
    master = await tx.realms.get_by_name(MASTER)
    return master is not None and await tx.clients.get_by_client_id(master.id, client_id_of(new_name)) is not None


async def renamed(tx: Tx, old_name: str, new_name: str) -> None:
    """The realm was renamed: so is its client's clientId, its roles and grants kept (RepresentationToModel
    .renameRealm sets the clientId only; the name ``<old> Realm`` stays)."""
    master = await tx.realms.get_by_name(MASTER)
    if master is None:
        return
    client = await tx.clients.get_by_client_id(master.id, client_id_of(old_name))
    if client is None:
        return
    await tx.clients.update(dataclasses.replace(client, client_id=client_id_of(new_name)))


async def find(tx: Tx, realm: Realm) -> Client | None:
    """``realm``'s client in master (RealmModel.getMasterAdminClient; ``master-realm`` for master), if there is
    one."""
    master = await tx.realms.get_by_name(MASTER)
    return None if master is None else await tx.clients.get_by_client_id(master.id, client_id_of(realm.name))


async def removed(tx: Tx, realm: Realm) -> None:
    """The realm is being deleted: so is its client in master, with its roles and everyone's grants of them
    (RealmManager.removeRealm)."""
    client = await find(tx, realm)
    if client is not None:
        await tx.roles.delete_scope_mappings_of(client.id)
        await tx.clients.delete(client.id)
