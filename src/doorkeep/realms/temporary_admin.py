"""``bootstrap-admin``: a temporary admin of the master realm, made offline when the admins are locked out.

Keycloak 26's ApplianceBootstrap.createMasterRealmAdminUser and createTemporaryMasterRealmAdminService, which
``kc.sh bootstrap-admin user`` and ``kc.sh bootstrap-admin service`` run against the configured database: a
user (or a confidential client with a service account) holding master's ``admin`` role and marked
``is_temporary_admin``. An existing username or client id is refused with Keycloak's message, nothing written.
The command adds its admin whatever users master has (createMasterRealmAdminUser's ``initialUser`` false); the welcome
page's first admin (``create_initial_user``, createMasterRealmUser) only while master has none. Every creation holds
master's initial-user lock (``users.serialize_initial``) till its transaction ends: run at once, the command and the
page act as one after the other, never two first admins nor two writers of one username meeting at the unique index.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm, Role, User
from doorkeep.oauth.mappers import lightweight
from doorkeep.realms import bootstrap, provisioning
from doorkeep.users import credentials, password_policy

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

MASTER = "master"
DEFAULT_USERNAME = "temp-admin"  # BootstrapAdminOptions.DEFAULT_TEMP_ADMIN_USERNAME
DEFAULT_CLIENT_ID = "temp-admin"  # BootstrapAdminOptions.DEFAULT_TEMP_ADMIN_SERVICE
TEMPORARY = "is_temporary_admin"  # UserModel.IS_TEMP_ADMIN_ATTR_NAME
ADMIN_ROLE = "admin"  # AdminRoles.ADMIN
# USER_ENTITY.USERNAME and CLIENT.CLIENT_ID are VARCHAR(255) in Keycloak as here: Keycloak's command fails on a
# longer name at the database; Doorkeep refuses it first, with one message on SQLite and PostgreSQL alike.
NAME_LIMIT = 255


class Refused(Exception):
    """The name is taken in master (KC-SERVICES0010 / KC-SERVICES0109), or master's password policy refuses the
    password; Keycloak's message, nothing written."""


async def _master(tx: Tx, now: int) -> Realm:
    """Master, created first on an empty database as Keycloak's startup does before any command runs; queued
    behind a server's first start creating it at the same moment (``bootstrap.ensure_master``)."""
    await tx.realms.serialize_creation(MASTER)
    realm = await tx.realms.get_by_name(MASTER)
    return realm if realm is not None else await bootstrap.create_master(tx, now)


async def _admin_role(tx: Tx, realm: Realm) -> Role:
    """Master's ``admin`` role, read before anything is written: an administrator can delete it through the Admin
    REST API, and Keycloak's ApplianceBootstrap then fails granting a null role (rolled back); here a message."""
    role = await tx.roles.get_realm_role(realm.id, ADMIN_ROLE)
    if role is None:
        raise Refused(f"Role '{ADMIN_ROLE}' not found in realm '{MASTER}': nothing to grant the temporary admin")
    return role


async def _locked_master(tx: Tx, now: int) -> Realm:
    """Master, its initial-user lock held till the transaction ends: what other creations committed is read after."""
    realm = await _master(tx, now)
    await tx.users.serialize_initial(realm.id)
    return realm


def _username(username: str | None) -> str:
    """The username asked for, trimmed (blank: ``temp-admin``); one longer than the column refused."""
    name = username.strip() if username and username.strip() else DEFAULT_USERNAME
    if len(name.lower()) > NAME_LIMIT:
        raise Refused(f"Failed to add user to realm '{MASTER}': the username is longer than {NAME_LIMIT} characters")
    return name


async def create_user(tx: Tx, now: int, username: str | None, password: str) -> str:
    """A temporary admin user (blank username: ``temp-admin``), its password checked against master's policy
    and hashed as that policy says; the username created. Raises Refused."""
    name = _username(username)
    return await _add_admin(tx, await _locked_master(tx, now), now, name, password, temporary=True)


async def create_initial_user(tx: Tx, now: int, username: str, password: str) -> str | None:
    """The welcome page's lasting admin (ApplianceBootstrap.createMasterRealmUser: ``initialUser`` true), made only
    while master has no user, a service account counting as one: the username created, or None. Raises Refused."""
    realm = await _locked_master(tx, now)
    if await tx.users.any_in(realm.id):
        return None
    return await _add_admin(tx, realm, now, _username(username), password, temporary=False)


async def _add_admin(tx: Tx, realm: Realm, now: int, name: str, password: str, *, temporary: bool) -> str:
    """createMasterRealmAdminUser's writes: the user, its password, master's admin role."""
    if await tx.users.get_by_username(realm.id, name.lower()) is not None:
        raise Refused(f"Failed to add user '{name}' to realm '{MASTER}': user with username exists")
    admin = await _admin_role(tx, realm)
    user = User(
        id=str(uuid.uuid4()),
        realm_id=realm.id,
        username=name.lower(),
        enabled=True,
        created_timestamp=now * 1000,
        attributes={TEMPORARY: ["true"]} if temporary else {},
    )
    try:
        await credentials.enforce_policy(tx, realm, user, password, now)
    except password_policy.PolicyViolation as exc:  # a frozen exception: it cannot cross the transaction's exit
        raise Refused(exc.text) from None
    user = await provisioning.create_user(tx, realm, user)
    await bootstrap.set_password(tx, user, password, now, policy=realm.password_policy)
    await tx.users.grant_roles(user.id, [admin.id])
    return user.username


async def create_service(tx: Tx, now: int, client_id: str | None, secret: str) -> str:
    """A temporary admin service account: a confidential client (blank id: ``temp-admin``) with only the
    service-account grant, lightweight access tokens, and master's admin role on its service account; the
    client id created. Raises Refused."""
    name = client_id if client_id and client_id.strip() else DEFAULT_CLIENT_ID
    if len(provisioning.service_account_username(name)) > NAME_LIMIT:  # its service account's username too
        longest = NAME_LIMIT - len(provisioning.service_account_username(""))
        raise Refused(f"Failed to add client to realm '{MASTER}': the client id is longer than {longest} characters")
    realm = await _locked_master(tx, now)
    if await tx.clients.get_by_client_id(realm.id, name) is not None:
        raise Refused(f"Failed to add client '{name}' to realm '{MASTER}': client with client ID exists")
    admin = await _admin_role(tx, realm)
    client = Client(
        id=str(uuid.uuid4()),
        realm_id=realm.id,
        client_id=name,
        secret=secret,
        standard_flow_enabled=False,
        service_accounts_enabled=True,
        attributes={lightweight.ATTRIBUTE: "true", TEMPORARY: "true"},
    )
    client = await provisioning.create_client(tx, realm, client, now=now)
    account = await provisioning.ensure_service_account(tx, realm, client, now=now)
    await tx.users.grant_roles(account.id, [admin.id])
    return client.client_id
