"""organization internal groups: each organization keeps the id of its internal group

Keycloak stores an organization's internal group as a KEYCLOAK_GROUP row of type ORGANIZATION; its realm group APIs
refuse it by asking the group's type (UserResource's checkGroupMembershipPermission). Doorkeep derives the id from
the organization's (organizations.model.internal_group_id, a name-based UUID) and used to derive it for every
organization of the realm on each realm group join or leave. The new column ``organizations.internal_group_id``
(unique) holds it, so one indexed query answers. Rows already there get the same derived id as before, so the
``parentId`` the organization groups' API shows does not change. Self-contained: it touches only ``organizations``.

Revision ID: 0038_org_internal_groups
Revises: 0037_organization_groups
Create Date: 2026-12-04 15:40:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0038_org_internal_groups"
down_revision = "0037_organization_groups"
branch_labels = None
depends_on = None

# organizations.model._INTERNAL_GROUPS at this revision (a migration keeps its own copy of what it derives).
_INTERNAL_GROUPS = uuid.UUID("9b1f3c52-6d0e-4c1a-8f55-2f4e7a1d0c6b")


def upgrade() -> None:
    # Plain ALTER TABLE on both engines: a batch (copy and rename) of ``organizations`` on SQLite would drop the old
    # table, and with foreign keys on, its cascades would delete every domain, member and group with it.
    op.add_column("organizations", sa.Column("internal_group_id", sa.String(36), nullable=False, server_default=""))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM organizations"))]
    update = sa.text("UPDATE organizations SET internal_group_id = :internal WHERE id = :id")
    for org_id in ids:
        conn.execute(update, {"internal": str(uuid.uuid5(_INTERNAL_GROUPS, org_id)), "id": org_id})
    op.create_index("uq_organizations_internal_group", "organizations", ["internal_group_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_organizations_internal_group", table_name="organizations")
    op.execute("ALTER TABLE organizations DROP COLUMN internal_group_id")  # SQLite 3.35+ and PostgreSQL, no copy
