"""registration policies: each realm's client registration policies as Keycloak's components

Adds ``registration_policies``: the ``org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy``
components of each realm (clientreg/policy_components.py), which the client registration service runs instead of
the policies once fixed in code. Every realm already there gets Keycloak's defaults
(DefaultClientRegistrationPolicies.addDefaultPolicies), written out here so later code changes cannot alter
what this migration did. Self-contained: it only creates and fills its own table, so it can be re-chained
after another branch's 0025.

Revision ID: 0026_registration_policies
Revises: 0025_used_action_tokens
Create Date: 2026-12-13 10:00:00.000000
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0026_registration_policies"
down_revision = "0025_used_action_tokens"
branch_labels = None
depends_on = None

_MAPPERS = [
    "saml-user-attribute-mapper",
    "oidc-usermodel-attribute-mapper",
    "saml-user-property-mapper",
    "oidc-usermodel-property-mapper",
    "oidc-full-name-mapper",
    "oidc-address-mapper",
    "oidc-sha256-pairwise-sub-mapper",
    "saml-role-list-mapper",
]
_GENERIC = [
    ("Allowed Protocol Mapper Types", "allowed-protocol-mappers", {"allowed-protocol-mapper-types": _MAPPERS}),
    ("Allowed Client Scopes", "allowed-client-templates", {"allow-default-scopes": ["true"]}),
]
_DEFAULTS = [
    (
        "Trusted Hosts",
        "trusted-hosts",
        "anonymous",
        {"host-sending-registration-request-must-match": ["true"], "client-uris-must-match": ["true"]},
    ),
    ("Consent Required", "consent-required", "anonymous", {}),
    ("Full Scope Disabled", "scope", "anonymous", {}),
    ("Max Clients Limit", "max-clients", "anonymous", {"max-clients": ["200"]}),
    *((name, provider, "anonymous", config) for name, provider, config in _GENERIC),
    *((name, provider, "authenticated", config) for name, provider, config in _GENERIC),
]


def upgrade() -> None:
    table = op.create_table(
        "registration_policies",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("realm_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=False),
        sa.Column("sub_type", sa.String(64), nullable=True),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["realm_id"], ["realms.id"], name="fk_registration_policies_realm_id_realms", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_registration_policies"),
    )
    op.create_index("ix_registration_policies_realm_id", "registration_policies", ["realm_id"])
    conn = op.get_bind()
    realm_ids = [row[0] for row in conn.execute(sa.text("SELECT id FROM realms"))]
    rows = [
        {
            "id": str(uuid.uuid4()),
            "realm_id": realm_id,
            "name": name,
            "provider_id": provider,
            "sub_type": sub_type,
            "config": config,
            "position": position,
        }
        for realm_id in realm_ids
        for position, (name, provider, sub_type, config) in enumerate(_DEFAULTS, start=1)
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_index("ix_registration_policies_realm_id", table_name="registration_policies")
    op.drop_table("registration_policies")
