"""required action ranks: Keycloak 26.7 runs the OTP and the password after the e-mail verification

Keycloak 26.7's DefaultRequiredActions ranks CONFIGURE_TOTP 54 and UPDATE_PASSWORD 57, after VERIFY_EMAIL (50), so a
user registering where e-mails are verified verifies the e-mail before setting the password. MigrateTo26_7_0
(updatePasswordAfterEmailVerificationDuringRegistrationOfUsers) moves the two in every stored realm that has
VERIFY_EMAIL: a realm still on the old defaults (VERIFY_EMAIL 50, CONFIGURE_TOTP 10, UPDATE_PASSWORD 30) gets 54 and
57; any other gets CONFIGURE_TOTP, then UPDATE_PASSWORD, on the first priorities after VERIFY_EMAIL's that no action
held before (getFirstAvailablePriorityAfter). This does the same to each realm whose configuration stores its
required actions (``required_action_providers``); a realm that never changed them stores none and reads the
defaults, already Keycloak 26.7's. The algorithm is written out here so later code changes cannot alter it. The
downgrade leaves the priorities: the code before reads any priority.

Revision ID: 0043_required_action_ranks
Revises: 0042_org_invitation_attributes
Create Date: 2026-12-05 05:40:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0043_required_action_ranks"
down_revision = "0042_org_invitation_attributes"
branch_labels = None
depends_on = None

_REALMS = sa.table("realms", sa.column("id", sa.String), sa.column("config", sa.JSON))
_FIELD = "required_action_providers"


def _priority(action: dict[str, Any]) -> int:
    return int(action.get("priority") or 0)


def _first_free_after(priority: int, taken: list[int]) -> int:
    for candidate in range(priority + 1, priority + len(taken) + 2):
        if candidate not in taken:
            return candidate
    return taken[-1] + 1


def ranks(actions: list[dict[str, Any]]) -> dict[str, int]:
    """The new priorities by alias (MigrateTo26_7_0), empty where the realm has no VERIFY_EMAIL."""
    by_alias = {str(a.get("alias")): a for a in actions}
    verify, totp, password = (by_alias.get(alias) for alias in ("VERIFY_EMAIL", "CONFIGURE_TOTP", "UPDATE_PASSWORD"))
    if verify is None:
        return {}
    if (
        totp is not None
        and password is not None
        and (_priority(verify), _priority(totp), _priority(password))
        == (
            50,
            10,
            30,
        )
    ):
        return {"CONFIGURE_TOTP": 54, "UPDATE_PASSWORD": 57}
    taken = [_priority(a) for a in actions]
    found: dict[str, int] = {}
    free = _first_free_after(_priority(verify), taken)
    if totp is not None:
        found["CONFIGURE_TOTP"] = free
        free = _first_free_after(free, taken)
    if password is not None:
        found["UPDATE_PASSWORD"] = free
    return found


def upgrade() -> None:
    bind = op.get_bind()
    changed = False
    for realm_id, config in bind.execute(sa.select(_REALMS.c.id, _REALMS.c.config)).all():
        stored = config.get(_FIELD) if isinstance(config, dict) else None
        if not isinstance(stored, list):
            continue
        new = ranks(stored)
        if not new:
            continue
        actions = [{**a, "priority": new.get(str(a.get("alias")), _priority(a))} for a in stored]
        actions.sort(key=lambda a: (_priority(a), str(a.get("name") or "")))
        bind.execute(sa.update(_REALMS).where(_REALMS.c.id == realm_id).values(config={**config, _FIELD: actions}))
        changed = True
    if changed:  # every process reads the realms' configuration again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1"))


def downgrade() -> None:
    """The priorities stay (see the module's docstring)."""
