"""First start: the master realm, its admin-cli client and the bootstrap admin user."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING

from doorkeep.model import (
    NO_HISTORY,
    UPDATE_PASSWORD,
    Credential,
    PasswordRetention,
    Realm,
    User,
    with_password_update,
)
from doorkeep.realms import master_clients, provisioning
from doorkeep.users import password_policy

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger("doorkeep.bootstrap")
MASTER = "master"


class BootstrapError(Exception):
    """The server cannot create its first admin."""


async def ensure_master(tx: Tx, now: int, username: str | None, password: str | None) -> bool:
    """Create the master realm and admin if missing; True when created now. Queued behind any other creation of
    master (another node's first start, ``bootstrap-admin`` on the empty database): master is then found."""
    await tx.realms.serialize_creation(MASTER)
    if await tx.realms.get_by_name(MASTER) is not None:
        return False
    if not username or not password:
        raise BootstrapError(
            "first start needs DOORKEEP_BOOTSTRAP_ADMIN_USERNAME and DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD "
            "(or Keycloak's KC_BOOTSTRAP_ADMIN_USERNAME and KC_BOOTSTRAP_ADMIN_PASSWORD)"
        )
    realm = await create_master(tx, now)
    admin = await provisioning.create_user(
        tx,
        realm,
        User(id=str(uuid.uuid4()), realm_id=realm.id, username=username, enabled=True, created_timestamp=now * 1000),
    )
    await set_password(tx, admin, password, now, policy=None)
    role = await tx.roles.get_realm_role(realm.id, "admin")
    assert role is not None
    await tx.users.grant_roles(admin.id, [role.id])
    return True


async def create_master(tx: Tx, now: int) -> Realm:
    """The master realm with its clients and roles, no user yet (ApplianceBootstrap.createMasterRealm)."""
    # Keycloak's ApplianceBootstrap creates master through RealmManager.createRealm(name), whose id is its name:
    # clients address it as ``master`` where an id is asked for (a component's parentId).
    realm = await provisioning.create_realm(
        tx, "master", now, id="master", access_token_lifespan=60, display_name="Keycloak"
    )
    await master_clients.realm_created(tx, realm, now)  # realms imported before master get their clients
    return realm


async def set_password(
    tx: Tx,
    user: User,
    password: str,
    now: int,
    *,
    policy: str | None,
    temporary: bool = False,
    kept: PasswordRetention = NO_HISTORY,
) -> None:
    """Hash off the event loop as the realm's password ``policy`` says (its hashAlgorithm and hashIterations) and
    store Keycloak's credential shape; ``kept``: what of the previous hashes the policy keeps
    (``users.credentials.retention``), none by default."""
    secret, cred = await asyncio.to_thread(password_policy.stored(policy).hash, password)
    await tx.users.set_password(
        Credential(
            id=str(uuid.uuid4()),
            user_id=user.id,
            type="password",
            secret_data=secret,
            credential_data=cred,
            created_date=now * 1000,
        ),
        kept,
    )
    if temporary and UPDATE_PASSWORD not in user.required_actions:
        await tx.users.update(with_password_update(user, True))
