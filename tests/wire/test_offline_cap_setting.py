"""The client attribute ``offline.session.max.per.user`` round-trips through the admin API and realm
export/import, and bad values are refused with 400 (docs/offline-devices.md)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from admin_support import client_uuid
from doorkeep.realms.exportimport import files
from doorkeep.realms.exportimport.plan import ImportError_
from support import seed_client, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

CAP = "offline.session.max.per.user"
CLIENTS = "/admin/realms/test/clients"


async def _client(env: Env, headers: dict[str, str]) -> dict[str, Any]:
    uuid = await client_uuid(env, "test", "app")
    response = await env.http.get(f"{CLIENTS}/{uuid}", headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def test_the_cap_is_set_read_back_and_cleared_through_the_admin_api(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    headers = await env.admin_headers()
    client = await _client(env, headers)
    client["attributes"][CAP] = "3"
    assert (await env.http.put(f"{CLIENTS}/{client['id']}", json=client, headers=headers)).status_code == 204
    assert (await _client(env, headers))["attributes"][CAP] == "3"
    client["attributes"][CAP] = ""
    assert (await env.http.put(f"{CLIENTS}/{client['id']}", json=client, headers=headers)).status_code == 204
    assert (await _client(env, headers))["attributes"].get(CAP, "") == ""


@pytest.mark.parametrize("bad", ["-1", "two", "1.5", "1001", "99999999999999999999"])
async def test_a_cap_that_is_not_a_small_whole_number_is_refused_on_update_and_create(env: Env, bad: str) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    headers = await env.admin_headers()
    client = await _client(env, headers)
    client["attributes"][CAP] = bad
    response = await env.http.put(f"{CLIENTS}/{client['id']}", json=client, headers=headers)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_input",
        "error_description": f"Invalid value for {CAP}: must be an integer from 0 to 1000",
    }
    created = await env.http.post(CLIENTS, json={"clientId": "new", "attributes": {CAP: bad}}, headers=headers)
    assert created.status_code == 400 and created.json()["error"] == "invalid_input"
    assert (await _client(env, headers))["attributes"].get(CAP) is None


async def test_the_cap_survives_a_realm_export_and_import_and_a_bad_one_fails_the_import(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", attributes={CAP: "2"})
    exported = await files.export_realm(env.db, "test")
    [app] = [c for c in exported["clients"] if c["clientId"] == "app"]
    assert app["attributes"][CAP] == "2"
    copied = copy.deepcopy(exported) | {"realm": "copy", "id": "copy-id"}
    for client in copied["clients"]:
        client.pop("id", None)
    async with env.db.transaction() as tx:
        assert await files.import_realm(tx, copied, env.clock.now(), skip_existing=True) == "copy"
        realm = await tx.realms.get_by_name("copy")
        assert realm is not None
        [stored] = await tx.clients.list(realm.id, client_id="app")
        assert stored.attributes[CAP] == "2"
    broken = copy.deepcopy(copied) | {"realm": "broken", "id": "broken-id"}
    [bad] = [c for c in broken["clients"] if c["clientId"] == "app"]
    bad["attributes"][CAP] = "lots"
    with pytest.raises(ImportError_, match=CAP):
        async with env.db.transaction() as tx:
            await files.import_realm(tx, broken, env.clock.now(), skip_existing=True)
