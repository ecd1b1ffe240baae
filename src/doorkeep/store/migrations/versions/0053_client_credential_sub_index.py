"""client credential sub index: federated-jwt finds its client by an index, not by reading every client

Federated client authentication (``federated-jwt``) finds the client bound to an assertion's ``sub`` by its
``jwt.credential.sub`` attribute, which lives in the client's JSON ``config``. A realm with more clients than the
per-process config cache holds was read whole for each assertion. Keycloak searches CLIENT_ATTRIBUTES by name and
value through an index; here ``clients.credential_sub_hash`` holds the SHA-256 (hex) of that attribute (fixed width,
so any subject fits an index entry), indexed with the realm, and this fills it for the clients already stored. The
hashing is written out here so later code changes cannot alter it. The downgrade drops the column.

Revision ID: 0053_client_credential_sub
Revises: 0052_org_idp_links
Create Date: 2026-12-07 19:30:00.000000
"""

from __future__ import annotations

import hashlib
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0053_client_credential_sub"
down_revision = "0052_org_idp_links"
branch_labels = None
depends_on = None

_ATTRIBUTE = "jwt.credential.sub"
_CLIENTS = sa.table(
    "clients", sa.column("id", sa.String), sa.column("config", sa.JSON), sa.column("credential_sub_hash", sa.String)
)


def subject_hash(config: Any) -> str | None:
    """The hash of the ``jwt.credential.sub`` a client's stored config holds, or None."""
    attributes = config.get("attributes") if isinstance(config, dict) else None
    subject = attributes.get(_ATTRIBUTE) if isinstance(attributes, dict) else None
    return hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest() if isinstance(subject, str) else None


def upgrade() -> None:
    op.add_column("clients", sa.Column("credential_sub_hash", sa.String(64), nullable=True))
    op.create_index("ix_clients_realm_credential_sub", "clients", ["realm_id", "credential_sub_hash"])
    connection = op.get_bind()
    named = sa.cast(_CLIENTS.c.config, sa.Text).contains(_ATTRIBUTE, autoescape=True)
    rows = connection.execute(sa.select(_CLIENTS.c.id, _CLIENTS.c.config).where(named)).all()
    for client_id, config in rows:
        hashed = subject_hash(config)
        if hashed is not None:
            connection.execute(sa.update(_CLIENTS).where(_CLIENTS.c.id == client_id).values(credential_sub_hash=hashed))


def downgrade() -> None:
    op.drop_index("ix_clients_realm_credential_sub", table_name="clients")
    op.drop_column("clients", "credential_sub_hash")
