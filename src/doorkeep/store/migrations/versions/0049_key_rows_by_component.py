"""key rows by component: ``realm_keys`` is keyed by (realm, component), no longer by kid

Keycloak keeps every key provider as a component and derives an RSA or EC key's kid from its public key
(KeyUtils.createKeyId), so two ``rsa`` providers given one private key are two components with one kid, both kept,
both in the JWKS (DefaultKeyManager lists each provider's keys). A Doorkeep before this revision made the kid the
table's primary key and refused the second (409). The primary key becomes (realm_id, component_id); ``kid`` gets a
plain index, and a unique one where ``public_pem`` is NULL (HMAC and AES keys, whose kid a config may name), so a
kid never names two different secrets. Rows sharing a (realm, component) pair, which no Doorkeep wrote, would get a
new component id each beyond the first. The downgrade restores the kid key and fails where kids repeat. Written out
here so later code changes cannot alter what this migration did.

Revision ID: 0049_key_rows_by_component
Revises: 0048_default_role_lower_case
Create Date: 2026-12-07 05:10:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0049_key_rows_by_component"
down_revision = "0048_default_role_lower_case"
branch_labels = None
depends_on = None

_SECRET_ONLY = "public_pem IS NULL"


def _table(primary: tuple[str, ...], metadata: sa.MetaData) -> sa.Table:
    """``realm_keys`` as this revision (or, for the downgrade, the one before) declares it."""
    return sa.Table(
        "realm_keys",
        metadata,
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("use", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("public_pem", sa.Text, nullable=True),
        sa.Column("private", sa.Text, nullable=False),
        sa.Column("created", sa.BigInteger, nullable=False),
        sa.Column("priority", sa.BigInteger, nullable=False),
        sa.Column("component_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint(*primary, name="pk_realm_keys"),
        sa.ForeignKeyConstraint(["realm_id"], ["realms.id"], name="fk_realm_keys_realm_id_realms", ondelete="CASCADE"),
        sa.Index("ix_realm_keys_realm_id", "realm_id"),
        sa.Index("ix_realm_keys_component_id", "component_id"),
    )


def _separate_shared_components(bind: sa.Connection) -> None:
    """Give each row beyond the first of a (realm, component) pair a component id of its own."""
    keys = sa.table("realm_keys", sa.column("kid"), sa.column("realm_id"), sa.column("component_id"))
    seen: set[tuple[str, str]] = set()
    for kid, realm_id, component_id in bind.execute(sa.select(keys.c.kid, keys.c.realm_id, keys.c.component_id)):
        if (realm_id, component_id) in seen:
            bind.execute(sa.update(keys).where(keys.c.kid == kid).values(component_id=str(uuid.uuid4())))
        else:
            seen.add((realm_id, component_id))


def upgrade() -> None:
    bind = op.get_bind()
    _separate_shared_components(bind)
    new = _table(("realm_id", "component_id"), sa.MetaData())
    if bind.dialect.name == "postgresql":
        op.drop_constraint("pk_realm_keys", "realm_keys", type_="primary")
        op.create_primary_key("pk_realm_keys", "realm_keys", ["realm_id", "component_id"])
    else:
        with op.batch_alter_table("realm_keys", recreate="always", copy_from=new):
            pass
    op.create_index("ix_realm_keys_kid", "realm_keys", ["kid"])
    op.create_index(
        "uq_realm_keys_secret_kid",
        "realm_keys",
        ["kid"],
        unique=True,
        sqlite_where=sa.text(_SECRET_ONLY),
        postgresql_where=sa.text(_SECRET_ONLY),
    )


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_index("uq_realm_keys_secret_kid", table_name="realm_keys")
    op.drop_index("ix_realm_keys_kid", table_name="realm_keys")
    if bind.dialect.name == "postgresql":
        op.drop_constraint("pk_realm_keys", "realm_keys", type_="primary")
        op.create_primary_key("pk_realm_keys", "realm_keys", ["kid"])
    else:
        with op.batch_alter_table("realm_keys", recreate="always", copy_from=_table(("kid",), sa.MetaData())):
            pass
