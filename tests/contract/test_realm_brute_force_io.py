"""Brute Force Detection settings survive realm import and export with Keycloak's names (both engines)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from realm_files import demo, import_data

pytestmark = pytest.mark.anyio

SETTINGS: dict[str, Any] = {
    "bruteForceProtected": True,
    "permanentLockout": True,
    "maxTemporaryLockouts": 2,
    "bruteForceStrategy": "LINEAR",
    "maxFailureWaitSeconds": 600,
    "minimumQuickLoginWaitSeconds": 30,
    "waitIncrementSeconds": 45,
    "quickLoginCheckMilliSeconds": 500,
    "maxDeltaTimeSeconds": 3600,
    "failureFactor": 5,
}
DEFAULTS: dict[str, Any] = {
    "bruteForceProtected": False,
    "permanentLockout": False,
    "maxTemporaryLockouts": 0,
    "bruteForceStrategy": "MULTIPLE",
    "maxFailureWaitSeconds": 900,
    "minimumQuickLoginWaitSeconds": 60,
    "waitIncrementSeconds": 60,
    "quickLoginCheckMilliSeconds": 1000,
    "maxDeltaTimeSeconds": 43200,
    "failureFactor": 30,
}


async def test_imported_settings_are_stored_and_exported(new_db: Callable[[], Awaitable[Database]]) -> None:
    db = await new_db()
    await import_data(db, {**demo(), **SETTINGS})
    async with db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        assert (realm.failure_factor, realm.brute_force_strategy, realm.max_temporary_lockouts) == (5, "LINEAR", 2)
    exported = await files.export_realm(db, "demo")
    assert {k: exported[k] for k in SETTINGS} == SETTINGS


async def test_a_file_without_the_settings_gets_keycloaks_defaults(new_db: Callable[[], Awaitable[Database]]) -> None:
    db = await new_db()
    data = {k: v for k, v in demo().items() if k not in SETTINGS}
    await import_data(db, data)
    exported = await files.export_realm(db, "demo")
    assert {k: exported[k] for k in DEFAULTS} == DEFAULTS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bruteForceStrategy", "EXPONENTIAL"),
        ("bruteForceStrategy", 1),
        ("failureFactor", "many"),
        ("permanentLockout", "yes"),
        ("quickLoginCheckMilliSeconds", [1]),
    ],
)
async def test_a_malformed_setting_refuses_the_file(
    new_db: Callable[[], Awaitable[Database]],
    field: str,
    value: Any,
) -> None:
    db = await new_db()
    with pytest.raises(files.ImportError_, match=field):
        await import_data(db, {**demo(), field: value})
