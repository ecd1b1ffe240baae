"""The revocation-trigger policy through realm import and export (realm and client attributes)."""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from realm_files import demo, import_data

pytestmark = pytest.mark.anyio

REALM_POLICY = {"revocation.trigger.password-change": "online", "revocation.trigger.admin-logout": "offline"}
CLIENT_POLICY = {"revocation.trigger.client-secret-rotation": "both"}


def _with_policy() -> dict[str, Any]:
    data = demo()
    data["attributes"] = {**data.get("attributes", {}), **REALM_POLICY}
    client = data["clients"][0]
    client["attributes"] = {**client.get("attributes", {}), **CLIENT_POLICY}
    return data


async def test_the_policy_survives_import_export_and_reimport(new_db: Callable[[], Awaitable[Database]]) -> None:
    first = await new_db()
    data = _with_policy()
    await import_data(first, data)
    exported = await files.export_realm(first, "demo")
    assert REALM_POLICY.items() <= exported["attributes"].items()
    client = next(c for c in exported["clients"] if c["clientId"] == data["clients"][0]["clientId"])
    assert CLIENT_POLICY.items() <= client["attributes"].items()
    second = await new_db()
    await import_data(second, copy.deepcopy(exported))
    assert await files.export_realm(second, "demo") == exported


@pytest.mark.parametrize("where", ["realm", "client"])
async def test_a_file_with_an_unknown_trigger_is_refused_and_names_the_place(
    new_db: Callable[[], Awaitable[Database]], where: str
) -> None:
    db = await new_db()
    data = demo()
    target = data if where == "realm" else data["clients"][0]
    target["attributes"] = {**target.get("attributes", {}), "revocation.trigger.email-change": "both"}
    with pytest.raises(files.ImportError_) as raised:
        await import_data(db, data)
    assert "Unknown revocation trigger 'email-change'" in str(raised.value)
    assert ("clients[0].attributes" if where == "client" else "attributes") in str(raised.value)
