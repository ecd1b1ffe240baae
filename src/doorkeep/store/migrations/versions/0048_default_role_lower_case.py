"""default role lower case: ``default-roles-<realm>`` takes Keycloak's lower-cased realm name

Keycloak names a realm's default role ``default-roles-`` + the realm name in lower case
(RealmManager.setDefaultsForNewRealm); a Doorkeep before this revision kept the name's case
(``default-roles-MyRealm``). Doorkeep finds the default role by name (doorkeep.realms.default_role), so this
renames each such realm role to ``default-roles-myrealm``, keeping its id and every grant and composite. A realm
that already has a realm role of the lower-cased name (made by hand beside the default role) is left as it is,
and doorkeep.realms.default_role still falls back to the exact-case name. The downgrade renames them back where
the exact-case name is free. Written out here so later code changes cannot alter what this migration did.

Revision ID: 0048_default_role_lower_case
Revises: 0047_master_realm_management
Create Date: 2026-12-06 23:55:00.000000
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0048_default_role_lower_case"
down_revision = "0047_master_realm_management"
branch_labels = None
depends_on = None

_realms = sa.table("realms", sa.column("id"), sa.column("name"))
_roles = sa.table("roles", sa.column("id"), sa.column("realm_id"), sa.column("client_id"), sa.column("name"))


def _exact(realm_name: str) -> str:
    return f"default-roles-{realm_name}"


def _lower(realm_name: str) -> str:
    return f"default-roles-{realm_name.lower()}"


def _rename(bind: sa.Connection, old_of: Callable[[str], str], new_of: Callable[[str], str]) -> None:
    for realm_id, realm_name in bind.execute(sa.select(_realms.c.id, _realms.c.name)).all():
        old, new = old_of(realm_name), new_of(realm_name)
        if old == new:
            continue
        realm_role = sa.and_(_roles.c.realm_id == realm_id, _roles.c.client_id.is_(None))
        names = set(bind.execute(sa.select(_roles.c.name).where(realm_role, _roles.c.name.in_([old, new]))).scalars())
        if names != {old}:  # no such role, or the new name taken: left as it is
            continue
        bind.execute(sa.update(_roles).where(realm_role, _roles.c.name == old).values(name=new))
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1 WHERE id = :id"), {"id": realm_id})


def upgrade() -> None:
    _rename(op.get_bind(), _exact, _lower)


def downgrade() -> None:
    _rename(op.get_bind(), _lower, _exact)
