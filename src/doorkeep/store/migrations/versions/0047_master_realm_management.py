"""master realm management: master's ``realm-management`` client becomes ``master-realm``

Keycloak gives the master realm no ``realm-management`` client: master's own admin roles live on ``master-realm``
(name ``master Realm``), all held by master's ``admin`` role (RealmManager.setupMasterAdminManagement; Doorkeep now
makes master so, doorkeep.realms.management). This renames the client an older Doorkeep gave master (clientId and
name), keeping its id, its roles (``realm-admin`` included) and every grant of them, gives it any admin role it
lacks, and makes ``admin`` hold them all. A master that already has a ``master-realm`` (a Keycloak export imported
beside Doorkeep's client) keeps that one: each role of ``realm-management`` is merged into the one of the same
name there (its users, groups, composites and scope mappings move over) or moved there when it has none, and the
emptied client is removed. Written out here so later code changes cannot alter what this migration did.

Revision ID: 0047_master_realm_management
Revises: 0046_master_realm_clients
Create Date: 2026-12-06 13:10:00.000000
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0047_master_realm_management"
down_revision = "0046_master_realm_clients"
branch_labels = None
depends_on = None

OLD, NEW, NEW_NAME, OLD_NAME = "realm-management", "master-realm", "master Realm", "${client_realm-management}"
ROLES = (
    "view-realm",
    "manage-realm",
    "view-users",
    "manage-users",
    "query-users",
    "query-groups",
    "view-clients",
    "manage-clients",
    "query-clients",
    "query-realms",
    "create-client",
    "view-events",
    "manage-events",
    "view-identity-providers",
    "manage-identity-providers",
    "view-authorization",
    "manage-authorization",
    "impersonation",
    "view-organizations",
    "manage-organizations",
    "query-organizations",
)
COMPOSITES = {
    "view-users": ("query-users", "query-groups"),
    "view-clients": ("query-clients",),
    "view-organizations": ("query-organizations",),
}

_realms = sa.table("realms", sa.column("id"), sa.column("name"))
_clients = sa.table(
    "clients", sa.column("id"), sa.column("realm_id"), sa.column("client_id"), sa.column("config", sa.JSON)
)
_roles = sa.table(
    "roles",
    sa.column("id"),
    sa.column("realm_id"),
    sa.column("client_id"),
    sa.column("name"),
    sa.column("description"),
    sa.column("attributes", sa.JSON),
)
_composites = sa.table("role_composites", sa.column("parent_id"), sa.column("child_id"))
_users = sa.table("user_role_mappings", sa.column("user_id"), sa.column("role_id"))
_groups = sa.table("group_role_mappings", sa.column("group_id"), sa.column("role_id"))
_scoped = sa.table("scope_role_mappings", sa.column("owner_id"), sa.column("role_id"))
_links = sa.table("client_scope_links", sa.column("client_id"), sa.column("scope_id"))


def _client(bind: sa.Connection, master_id: str, client_id: str) -> tuple[str, dict[str, Any]] | None:
    row = bind.execute(
        sa.select(_clients.c.id, _clients.c.config).where(
            _clients.c.realm_id == master_id, _clients.c.client_id == client_id
        )
    ).first()
    return None if row is None else (str(row[0]), dict(row[1] or {}))


def _roles_of(bind: sa.Connection, client_uuid: str) -> dict[str, str]:
    rows = bind.execute(sa.select(_roles.c.name, _roles.c.id).where(_roles.c.client_id == client_uuid))
    return {str(name): str(role_id) for name, role_id in rows}


def _link(bind: sa.Connection, parent: str, child: str) -> None:
    present = bind.execute(
        sa.select(_composites.c.parent_id).where(_composites.c.parent_id == parent, _composites.c.child_id == child)
    ).first()
    if present is None and parent != child:
        bind.execute(sa.insert(_composites).values(parent_id=parent, child_id=child))


def _merge_role(bind: sa.Connection, old: str, new: str) -> None:
    """Every grant of role ``old`` becomes one of ``new``; then ``old`` goes."""
    for table, owner in ((_users, "user_id"), (_groups, "group_id"), (_scoped, "owner_id")):
        for (holder,) in bind.execute(sa.select(table.c[owner]).where(table.c.role_id == old)).all():
            taken = bind.execute(sa.select(table.c[owner]).where(table.c[owner] == holder, table.c.role_id == new))
            if taken.first() is None:
                bind.execute(sa.insert(table).values({owner: holder, "role_id": new}))
        bind.execute(sa.delete(table).where(table.c.role_id == old))
    for (parent,) in bind.execute(sa.select(_composites.c.parent_id).where(_composites.c.child_id == old)).all():
        _link(bind, str(parent), new)
    for (child,) in bind.execute(sa.select(_composites.c.child_id).where(_composites.c.parent_id == old)).all():
        _link(bind, new, str(child))
    bind.execute(sa.delete(_composites).where(sa.or_(_composites.c.parent_id == old, _composites.c.child_id == old)))
    bind.execute(sa.delete(_roles).where(_roles.c.id == old))


def _merge_client(bind: sa.Connection, old_uuid: str, new_uuid: str) -> None:
    """``realm-management``'s roles into ``master-realm``'s, then the emptied client removed."""
    kept = _roles_of(bind, new_uuid)
    for name, role_id in _roles_of(bind, old_uuid).items():
        if name in kept:
            _merge_role(bind, role_id, kept[name])
        else:
            bind.execute(sa.update(_roles).where(_roles.c.id == role_id).values(client_id=new_uuid))
    bind.execute(sa.delete(_scoped).where(_scoped.c.owner_id == old_uuid))
    bind.execute(sa.delete(_links).where(_links.c.client_id == old_uuid))
    bind.execute(sa.delete(_clients).where(_clients.c.id == old_uuid))


def _complete(bind: sa.Connection, master_id: str, client_uuid: str, admin_id: str | None) -> None:
    """Every admin role on the client, its view roles holding their query roles, ``admin`` holding each."""
    held = _roles_of(bind, client_uuid)
    for name in ROLES:
        if name not in held:
            held[name] = str(uuid.uuid4())
            values = {"id": held[name], "realm_id": master_id, "client_id": client_uuid, "name": name}
            bind.execute(sa.insert(_roles).values(**values, description=f"${{role_{name}}}", attributes={}))
        if admin_id is not None:
            _link(bind, admin_id, held[name])
    for parent, children in COMPOSITES.items():
        for child in children:
            _link(bind, held[parent], held[child])


def upgrade() -> None:
    bind = op.get_bind()
    master_id = bind.execute(sa.select(_realms.c.id).where(_realms.c.name == "master")).scalar()
    if master_id is None:
        return
    master_id = str(master_id)
    old, new = _client(bind, master_id, OLD), _client(bind, master_id, NEW)
    if old is None and new is None:
        return
    if old is not None and new is None:
        config = old[1] | {"name": NEW_NAME} if old[1].get("name") in (None, OLD_NAME) else old[1]
        bind.execute(sa.update(_clients).where(_clients.c.id == old[0]).values(client_id=NEW, config=config))
        client_uuid = old[0]
    else:
        assert new is not None
        if old is not None:
            _merge_client(bind, old[0], new[0])
        client_uuid = new[0]
    is_admin = sa.and_(_roles.c.realm_id == master_id, _roles.c.client_id.is_(None), _roles.c.name == "admin")
    admin_id = bind.execute(sa.select(_roles.c.id).where(is_admin)).scalar()
    _complete(bind, master_id, client_uuid, None if admin_id is None else str(admin_id))
    # every process reads master's clients and roles again
    bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1 WHERE id = :id"), {"id": master_id})


def downgrade() -> None:
    """``master-realm`` is named ``realm-management`` again (when that name is free), as the code before this
    migration reads master's admin roles there; ``admin`` keeps holding them."""
    bind = op.get_bind()
    master_id = bind.execute(sa.select(_realms.c.id).where(_realms.c.name == "master")).scalar()
    if master_id is None or _client(bind, str(master_id), OLD) is not None:
        return
    new = _client(bind, str(master_id), NEW)
    if new is not None:
        config = new[1] | {"name": OLD_NAME} if new[1].get("name") == NEW_NAME else new[1]
        bind.execute(sa.update(_clients).where(_clients.c.id == new[0]).values(client_id=OLD, config=config))
