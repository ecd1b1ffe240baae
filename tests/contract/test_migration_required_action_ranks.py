"""Migration 0043 (MigrateTo26_7_0's updatePasswordAfterEmailVerificationDuringRegistrationOfUsers): a realm
stored with Keycloak 26's default ranks gets 26.7's (CONFIGURE_TOTP 54, UPDATE_PASSWORD 57); one whose ranks an
administrator changed gets the two on the first priorities after VERIFY_EMAIL's that were free; one without
VERIFY_EMAIL, or storing no required actions (the defaults), is left as it was; every process reads the realms
again (config_version). Both engines; the rows are written before the migration runs."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.realms import required_actions
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

BEFORE = "0042_org_invitation_attributes"
OLD = {"CONFIGURE_TOTP": 10, "UPDATE_PASSWORD": 30}  # Keycloak 26.0-26.6's DefaultRequiredActions


def stored(ranks: dict[str, int], *, without: str = "") -> tuple[dict[str, Any], ...]:
    """The defaults as a realm stores them, with ``ranks`` for these aliases and ``without`` left out."""
    actions = [a for a in required_actions.defaults() if a.alias != without]
    return tuple(
        {"id": a.id, **required_actions.representation(a), "priority": ranks.get(a.alias, a.priority)} for a in actions
    )


def _ranks(conn: sa.Connection) -> dict[str, tuple[dict[str, int] | None, int]]:
    rows = conn.execute(sa.text("SELECT name, config, config_version FROM realms")).all()
    out: dict[str, tuple[dict[str, int] | None, int]] = {}
    for name, config, version in rows:
        config = config if isinstance(config, dict) else json.loads(config)
        listed = config.get("required_action_providers")
        out[name] = (None if listed is None else {a["alias"]: a["priority"] for a in listed}, int(version))
    return out


async def test_stored_ranks_move_as_keycloak_26_7_moves_them(db: Database) -> None:
    custom = {"VERIFY_EMAIL": 50, "CONFIGURE_TOTP": 10, "UPDATE_PASSWORD": 51, "UPDATE_PROFILE": 53}
    async with db.transaction() as tx:
        await add_realm(tx, "old-defaults", required_action_providers=stored(OLD))
        await add_realm(tx, "custom", required_action_providers=stored(custom))
        await add_realm(tx, "no-verify", required_action_providers=stored(OLD, without="VERIFY_EMAIL"))
        await add_realm(
            tx, "no-totp", required_action_providers=stored({"UPDATE_PASSWORD": 30}, without="CONFIGURE_TOTP")
        )
        await add_realm(tx, "defaults")

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        before = await conn.run_sync(_ranks)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        after = await conn.run_sync(_ranks)
        await conn.commit()

    old = after["old-defaults"][0]
    assert old is not None and (old["VERIFY_EMAIL"], old["CONFIGURE_TOTP"], old["UPDATE_PASSWORD"]) == (50, 54, 57)
    moved = after["custom"][0]
    assert moved is not None  # 51 and 53 were held before the migration: the OTP gets 52, the password 54
    assert (moved["VERIFY_EMAIL"], moved["CONFIGURE_TOTP"], moved["UPDATE_PASSWORD"], moved["UPDATE_PROFILE"]) == (
        50,
        52,
        54,
        53,
    )
    assert after["no-verify"][0] == before["no-verify"][0]
    lone = after["no-totp"][0]
    assert lone is not None and "CONFIGURE_TOTP" not in lone and lone["UPDATE_PASSWORD"] == 51
    assert after["defaults"][0] is None
    assert all(after[name][1] == before[name][1] + 1 for name in before)

    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("old-defaults")
        assert realm is not None
        listed = [a.alias for a in required_actions.of(realm)]
    assert listed == [a.alias for a in required_actions.defaults()]  # now the same order as a new realm's


def test_the_import_migration_is_the_stored_one() -> None:
    """required_actions.migrated_to_26_7 (the realm-file import's) gives what the stored realms get."""
    module = importlib.import_module("doorkeep.store.migrations.versions.0043_required_action_ranks")
    for ranks in (OLD, {"VERIFY_EMAIL": 50, "CONFIGURE_TOTP": 10, "UPDATE_PASSWORD": 51, "UPDATE_PROFILE": 53}):
        actions = [required_actions.from_representation(a) for a in stored(ranks)]
        migrated = {a.alias: a.priority for a in required_actions.migrated_to_26_7(actions)}
        expected = {a.alias: a.priority for a in actions} | module.ranks([dict(r) for r in stored(ranks)])
        assert migrated == expected
