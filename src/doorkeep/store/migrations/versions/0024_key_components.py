"""key components: each realm key is a Keycloak key-provider component

Adds to ``realm_keys`` the component that holds the key (Keycloak's ``org.keycloak.keys.KeyProvider``
components, keys/components.py): its id, name, provider id and config (the provider's declared properties).
The keys already there become the components Keycloak gives them: ``rsa-generated`` (RS*, PS*),
``hmac-generated-hs512``, ``ecdsa-generated``; a passive key gets ``active: false``, a disabled one
``enabled: false``.

Revision ID: 0024_key_components
Revises: 0023_auth_session_notes
Create Date: 2026-12-12 10:00:00.000000
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0024_key_components"
down_revision = "0023_auth_session_notes"
branch_labels = None
depends_on = None

_CURVES = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}


def _component(algorithm: str, status: str, priority: int) -> tuple[str, str, dict[str, Any]]:
    config: dict[str, list[str]] = {"priority": [str(priority)]}
    if algorithm.startswith("HS"):
        provider, name = "hmac-generated", f"hmac-generated-{algorithm.lower()}"
        config["algorithm"] = [algorithm]
    elif algorithm in _CURVES:
        provider, name = "ecdsa-generated", "ecdsa-generated"
        config["ecdsaEllipticCurveKey"] = [_CURVES[algorithm]]
    else:
        provider, name = "rsa-generated", "rsa-generated"
        if algorithm != "RS256":
            config["algorithm"] = [algorithm]
    if status == "passive":
        config["active"] = ["false"]
    elif status == "disabled":
        config["enabled"] = ["false"]
    return provider, name, config


def upgrade() -> None:
    with op.batch_alter_table("realm_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("component_id", sa.String(36), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("name", sa.String(255), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("provider_id", sa.String(64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("config", sa.JSON(), nullable=False, server_default="{}"))
    keys = sa.table(
        "realm_keys",
        sa.column("kid", sa.String),
        sa.column("algorithm", sa.String),
        sa.column("status", sa.String),
        sa.column("priority", sa.Integer),
        sa.column("component_id", sa.String),
        sa.column("name", sa.String),
        sa.column("provider_id", sa.String),
        sa.column("config", sa.JSON),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(keys.c.kid, keys.c.algorithm, keys.c.status, keys.c.priority)).all()
    for kid, algorithm, status, priority in rows:
        provider, name, config = _component(algorithm, status, priority)
        conn.execute(
            sa.update(keys)
            .where(keys.c.kid == kid)
            .values(component_id=str(uuid.uuid4()), name=name, provider_id=provider, config=config)
        )
    with op.batch_alter_table("realm_keys", schema=None) as batch_op:
        batch_op.create_index("ix_realm_keys_component_id", ["component_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("realm_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_realm_keys_component_id")
        batch_op.drop_column("config")
        batch_op.drop_column("provider_id")
        batch_op.drop_column("name")
        batch_op.drop_column("component_id")
