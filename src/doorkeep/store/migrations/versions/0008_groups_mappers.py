"""groups and protocol mappers

Groups (a tree per realm), their role mappings, members and the realm's default groups; protocol
mappers of clients and client scopes in their own table. Mappers a client scope kept in its JSON
config move to the table; a built-in scope (profile, email, roles, ...) without any gets Keycloak's
default mappers, so tokens keep the claims they had when Doorkeep mapped built-in scopes by name.

Revision ID: 0008_groups_mappers
Revises: 0007_auth_session_step
Create Date: 2026-11-29 08:30:00.000000
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

from doorkeep.oauth.mappers.defaults import builtin_mappers

revision = "0008_groups_mappers"
down_revision = "0007_auth_session_step"
branch_labels = None
depends_on = None

ID = 36


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("realm_id", sa.String(ID), sa.ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("parent_id", sa.String(ID), sa.ForeignKey("groups.id", ondelete="CASCADE"), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
    )
    op.create_index("ix_groups_realm_parent", "groups", ["realm_id", "parent_id"])
    op.create_table(
        "group_role_mappings",
        sa.Column("group_id", sa.String(ID), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role_id", sa.String(ID), sa.ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "user_groups",
        sa.Column("user_id", sa.String(ID), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("group_id", sa.String(ID), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_user_groups_group", "user_groups", ["group_id"])
    op.create_table(
        "realm_default_groups",
        sa.Column("realm_id", sa.String(ID), sa.ForeignKey("realms.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("group_id", sa.String(ID), sa.ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True),
    )
    mappers = op.create_table(
        "protocol_mappers",
        sa.Column("id", sa.String(ID), primary_key=True),
        sa.Column("realm_id", sa.String(ID), sa.ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("client_id", sa.String(ID), sa.ForeignKey("clients.id", ondelete="CASCADE"), nullable=True),
        sa.Column("scope_id", sa.String(ID), sa.ForeignKey("client_scopes.id", ondelete="CASCADE"), nullable=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("protocol", sa.String(64), nullable=False),
        sa.Column("mapper", sa.String(255), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
    )
    assert mappers is not None
    op.create_index("ix_protocol_mappers_client_id", "protocol_mappers", ["client_id"])
    op.create_index("ix_protocol_mappers_scope_id", "protocol_mappers", ["scope_id"])
    _move_scope_mappers(mappers)


def _move_scope_mappers(mappers: sa.Table) -> None:
    scopes = sa.table(
        "client_scopes",
        sa.column("id", sa.String),
        sa.column("realm_id", sa.String),
        sa.column("name", sa.String),
        sa.column("config", sa.JSON),
    )
    bind = op.get_bind()
    taken: set[str] = set()
    for row in bind.execute(sa.select(scopes)).all():
        config: dict[str, Any] = dict(row.config or {})
        stored = config.pop("protocol_mappers", None) or []
        rows = [_row(m, taken) for m in stored if isinstance(m, dict) and m.get("name") and m.get("protocolMapper")]
        if not rows:
            rows = [
                {"id": m.id, "name": m.name, "protocol": m.protocol, "mapper": m.mapper, "config": m.config}
                for m in builtin_mappers(row.name)
            ]
        for values in rows:
            bind.execute(sa.insert(mappers).values(realm_id=row.realm_id, scope_id=row.id, client_id=None, **values))
        bind.execute(sa.update(scopes).where(scopes.c.id == row.id).values(config=config))


def _row(rep: dict[str, Any], taken: set[str]) -> dict[str, Any]:
    mapper_id = rep.get("id") if isinstance(rep.get("id"), str) and len(rep["id"]) <= ID else None
    if not mapper_id or mapper_id in taken:
        mapper_id = str(uuid.uuid4())
    taken.add(mapper_id)
    raw = rep.get("config")
    config: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "id": mapper_id,
        "name": str(rep["name"]),
        "protocol": str(rep.get("protocol") or "openid-connect"),
        "mapper": str(rep["protocolMapper"]),
        "config": {str(k): str(v) for k, v in config.items()},
    }


def downgrade() -> None:
    op.drop_table("protocol_mappers")
    op.drop_table("realm_default_groups")
    op.drop_table("user_groups")
    op.drop_table("group_role_mappings")
    op.drop_table("groups")
