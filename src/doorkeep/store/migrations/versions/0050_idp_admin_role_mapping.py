"""idp admin role mapping: providers stored before allowAdminRoleMapping keep handing out admin roles

Keycloak 26.8 added an identity provider's ``allowAdminRoleMapping`` (unset is off: the provider's mappers hand out
no admin role, doorkeep.broker.admin_role_mapping). So that an upgrade does not silently stop a mapper that granted
an admin role, Keycloak's JpaUpdate26_8_0_AllowAdminRoleMappingDefault stores ``"true"`` on every provider that
does not have the setting yet; this does the same to each provider in each realm's configuration. The downgrade
leaves the setting: the code before ignores it. Written out here so later code changes cannot alter it.

Revision ID: 0050_idp_admin_role_mapping
Revises: 0049_key_rows_by_component
Create Date: 2026-12-07 12:30:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0050_idp_admin_role_mapping"
down_revision = "0049_key_rows_by_component"
branch_labels = None
depends_on = None

_REALMS = sa.table("realms", sa.column("id", sa.String), sa.column("config", sa.JSON))
_FIELD = "identity_providers"
_KEY = "allowAdminRoleMapping"


def defaulted(providers: list[Any]) -> list[Any] | None:
    """The providers with ``allowAdminRoleMapping`` stored where missing; None when none lacked it."""
    out, changed = [], False
    for provider in providers:
        config = provider.get("config") if isinstance(provider, dict) else None
        if isinstance(provider, dict) and (config is None or isinstance(config, dict)) and _KEY not in (config or {}):
            provider = {**provider, "config": {**(config or {}), _KEY: "true"}}
            changed = True
        out.append(provider)
    return out if changed else None


def upgrade() -> None:
    bind = op.get_bind()
    changed = False
    for realm_id, config in bind.execute(sa.select(_REALMS.c.id, _REALMS.c.config)).all():
        stored = config.get(_FIELD) if isinstance(config, dict) else None
        new = defaulted(stored) if isinstance(stored, list) else None
        if new is None:
            continue
        bind.execute(sa.update(_REALMS).where(_REALMS.c.id == realm_id).values(config={**config, _FIELD: new}))
        changed = True
    if changed:  # every process reads the realms' configuration again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1"))


def downgrade() -> None:
    """The setting stays (see the module's docstring)."""
