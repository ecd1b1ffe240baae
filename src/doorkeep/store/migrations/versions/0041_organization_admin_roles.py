"""organization admin roles: Keycloak 26.7's view-organizations, manage-organizations and query-organizations

MigrateTo26_7_0.addOrganizationAdminRoles adds the three roles to every realm's ``realm-management`` client
(MigrationUtils.addAdminRole: the role with the description ``${role_<name>}``, made a composite of the client's
``realm-admin``) and makes query-organizations a composite of view-organizations. Keycloak also adds them to the
master realm's ``<realm>-realm`` clients; Doorkeep has none (master's ``admin`` holds every realm's roles). A
client that already has a role of that name keeps it. Written out here so later code changes cannot alter what
this migration did.

Revision ID: 0041_organization_admin_roles
Revises: 0040_admin_event_details
Create Date: 2026-12-05 05:30:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0041_organization_admin_roles"
down_revision = "0040_admin_event_details"
branch_labels = None
depends_on = None

VIEW, MANAGE, QUERY = "view-organizations", "manage-organizations", "query-organizations"
REALM_ADMIN = "realm-admin"

_clients = sa.table("clients", sa.column("id"), sa.column("realm_id"), sa.column("client_id"))
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


def _link(bind: sa.Connection, parent: str | None, child: str | None) -> None:
    if parent is None or child is None:
        return
    present = bind.execute(
        sa.select(_composites.c.parent_id).where(_composites.c.parent_id == parent, _composites.c.child_id == child)
    ).first()
    if present is None:
        bind.execute(sa.insert(_composites).values(parent_id=parent, child_id=child))


def upgrade() -> None:
    bind = op.get_bind()
    management = bind.execute(
        sa.select(_clients.c.id, _clients.c.realm_id).where(_clients.c.client_id == "realm-management")
    ).all()
    changed = False
    for client_uuid, realm_id in management:
        held = {
            name: role_id
            for role_id, name in bind.execute(
                sa.select(_roles.c.id, _roles.c.name).where(_roles.c.client_id == client_uuid)
            )
        }
        for name in (VIEW, MANAGE, QUERY):
            if name in held:
                continue
            held[name] = str(uuid.uuid4())
            bind.execute(
                sa.insert(_roles).values(
                    id=held[name],
                    realm_id=realm_id,
                    client_id=client_uuid,
                    name=name,
                    description=f"${{role_{name}}}",
                    attributes={},
                )
            )
            _link(bind, held.get(REALM_ADMIN), held[name])
            changed = True
        before = bind.execute(sa.select(sa.func.count()).select_from(_composites)).scalar_one()
        _link(bind, held[VIEW], held[QUERY])
        changed = changed or bind.execute(sa.select(sa.func.count()).select_from(_composites)).scalar_one() != before
    if changed:  # every process reads the realms' roles again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1"))


def downgrade() -> None:
    """The roles stay, as Keycloak keeps them: users and groups may hold them by now, and the code before this
    migration reads them as any other client role (they then allow nothing)."""
