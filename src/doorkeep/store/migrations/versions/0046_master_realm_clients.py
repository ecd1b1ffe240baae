"""master realm clients: master's ``<realm>-realm`` client for every realm made before Doorkeep had them

Keycloak's RealmManager.setupMasterAdminManagement gives the master realm one bearer-only client per other realm,
clientId ``<realm>-realm`` and name ``<realm> Realm``, whose roles are the realm's admin roles (AdminRoles
.ALL_REALM_ROLES and impersonation, each described ``${role_<name>}``; view-users holds query-users and
query-groups, view-clients holds query-clients, view-organizations holds query-organizations), all held by master's
``admin`` role, and linked to master's default and optional client scopes as any new client is. Doorkeep now makes
them with the realm (doorkeep.realms.master_clients); this adds them for the realms already there. A client of that
clientId already in master is kept and given the roles it lacks. Written out here so later code changes cannot
alter what this migration did.

Revision ID: 0046_master_realm_clients
Revises: 0045_org_invitation_client
Create Date: 2026-12-06 10:40:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0046_master_realm_clients"
down_revision = "0045_org_invitation_client"
branch_labels = None
depends_on = None

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
    "clients",
    sa.column("id"),
    sa.column("realm_id"),
    sa.column("client_id"),
    sa.column("enabled"),
    sa.column("config", sa.JSON),
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
_defaults = sa.table("realm_default_scopes", sa.column("realm_id"), sa.column("scope_id"), sa.column("default_scope"))
_links = sa.table("client_scope_links", sa.column("client_id"), sa.column("scope_id"), sa.column("default_scope"))


def _link(bind: sa.Connection, parent: str, child: str) -> None:
    present = bind.execute(
        sa.select(_composites.c.parent_id).where(_composites.c.parent_id == parent, _composites.c.child_id == child)
    ).first()
    if present is None:
        bind.execute(sa.insert(_composites).values(parent_id=parent, child_id=child))


def _client(bind: sa.Connection, master_id: str, realm_name: str) -> str:
    """The clientId's client in master, made (with master's scope links) when missing; its id."""
    client_id = realm_name + "-realm"
    found = bind.execute(
        sa.select(_clients.c.id).where(_clients.c.realm_id == master_id, _clients.c.client_id == client_id)
    ).scalar()
    if found is not None:
        return str(found)
    made = str(uuid.uuid4())
    config = {"name": f"{realm_name} Realm", "bearer_only": True, "full_scope_allowed": False}
    bind.execute(
        sa.insert(_clients).values(id=made, realm_id=master_id, client_id=client_id, enabled=True, config=config)
    )
    for scope_id, default in bind.execute(
        sa.select(_defaults.c.scope_id, _defaults.c.default_scope).where(_defaults.c.realm_id == master_id)
    ):
        bind.execute(sa.insert(_links).values(client_id=made, scope_id=scope_id, default_scope=bool(default)))
    return made


def upgrade() -> None:
    bind = op.get_bind()
    master_id = bind.execute(sa.select(_realms.c.id).where(_realms.c.name == "master")).scalar()
    if master_id is None:
        return
    is_admin = sa.and_(_roles.c.realm_id == master_id, _roles.c.client_id.is_(None), _roles.c.name == "admin")
    admin_id = bind.execute(sa.select(_roles.c.id).where(is_admin)).scalar()
    others = bind.execute(sa.select(_realms.c.name).where(_realms.c.id != master_id).order_by(_realms.c.name)).all()
    for (realm_name,) in others:
        client_uuid = _client(bind, master_id, realm_name)
        held = {
            name: str(role_id)
            for role_id, name in bind.execute(
                sa.select(_roles.c.id, _roles.c.name).where(_roles.c.client_id == client_uuid)
            )
        }
        for name in ROLES:
            if name in held:
                continue
            held[name] = str(uuid.uuid4())
            bind.execute(
                sa.insert(_roles).values(
                    id=held[name],
                    realm_id=master_id,
                    client_id=client_uuid,
                    name=name,
                    description=f"${{role_{name}}}",
                    attributes={},
                )
            )
            if admin_id is not None:
                _link(bind, str(admin_id), held[name])
        for parent, children in COMPOSITES.items():
            for child in children:
                _link(bind, held[parent], held[child])
    if others:  # every process reads master's clients and roles again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1 WHERE id = :id"), {"id": master_id})


def downgrade() -> None:
    """The clients stay: master users may hold their roles by now, and the code before this migration reads them
    as any other client (they then allow nothing)."""
