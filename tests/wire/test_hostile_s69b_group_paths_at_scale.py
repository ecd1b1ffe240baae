"""A mapper's group path is looked up, not found among every group of the realm: on a realm of 10,000 groups, a
brokered login whose Hardcoded Group mapper joins ``/team-7/night``, and a delegated admin's group rename that
s67's rule checks against the waiting group mappers (doorkeep.admin.mapper_targets), read none of the realm's groups
wholesale (``GroupRepo.realm_groups``, which they called one to three times each before). The path is walked as
KeycloakModelUtils.findGroupByPath walks it (getGroupModel: a run of segments joined by slashes may be one name)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import insert

from admin_support import make_admin
from broker_support import ALIAS, broker_login, browser, served
from browser_flow import REDIRECT
from doorkeep.store.groups import GroupRepo
from doorkeep.store.tables import groups
from store_factories import new_id
from wire_env import Env

pytestmark = pytest.mark.anyio
BASE = "/admin/realms/test"
MANY = 10_000


@pytest.fixture
def wholesale(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The realms whose every group was read, one entry a read."""
    reads: list[str] = []
    original = GroupRepo.realm_groups

    async def counted(self: GroupRepo, realm_id: str) -> Any:
        reads.append(realm_id)
        return await original(self, realm_id)

    monkeypatch.setattr(GroupRepo, "realm_groups", counted)
    yield reads


async def _many_groups(env: Env) -> dict[str, str]:
    """``MANY`` top-level groups ``team-N`` in realm ``test``, each with a subgroup ``night``, and ``a/b`` (a name
    with a slash) beside ``a`` holding ``b``; the ids of ``/team-7/night``, ``a/b`` and ``/a/b``."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        tops = [{"id": new_id(), "realm_id": realm.id, "parent_id": None, "name": f"team-{i}"} for i in range(MANY)]
        subs = [{"id": new_id(), "realm_id": realm.id, "parent_id": t["id"], "name": "night"} for t in tops]
        a, slash = new_id(), new_id()
        tops += [
            {"id": a, "realm_id": realm.id, "parent_id": None, "name": "a"},
            {"id": slash, "realm_id": realm.id, "parent_id": None, "name": "a/b"},
        ]
        subs.append({"id": new_id(), "realm_id": realm.id, "parent_id": a, "name": "b"})
        conn = tx._conn  # a test's bulk seeding, below the repositories
        await conn.execute(insert(groups), [{**g, "config": {}} for g in tops])
        await conn.execute(insert(groups), [{**g, "config": {}} for g in subs])
    return {"night": str(subs[7]["id"]), "a/b": slash, "/a/b": str(subs[-1]["id"])}


def _group_mapper(path: str, name: str = "team") -> dict[str, Any]:
    return {
        "name": name,
        "identityProviderAlias": ALIAS,
        "identityProviderMapper": "oidc-hardcoded-group-idp-mapper",
        "config": {"syncMode": "INHERIT", "group": path},
    }


async def test_a_brokered_login_joins_the_mappers_group_without_reading_every_group(
    env: Env, wholesale: list[str]
) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        ids = await _many_groups(env)
        root = await env.admin_headers()
        for path, name in (("/team-7/night", "team"), ("/a/b", "slashed")):
            written = await env.http.post(
                f"{BASE}/identity-provider/instances/{ALIAS}/mappers", json=_group_mapper(path, name), headers=root
            )
            assert written.status_code == 201, written.text
        wholesale.clear()
        async with browser(broker) as http:
            done = await broker_login(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert wholesale == [], "a brokered login read every group of the realm"
        [alice] = (
            await env.http.get(f"{BASE}/users", params={"username": "alice", "exact": "true"}, headers=root)
        ).json()
        joined = (await env.http.get(f"{BASE}/users/{alice['id']}/groups", headers=root)).json()
        # getGroupModel tries "a" first and finds it: "/a/b" is b under a, not the top-level "a/b"
        assert sorted(g["id"] for g in joined) == sorted([ids["night"], ids["/a/b"]])


@pytest.mark.usefixtures("realm")
async def test_a_delegated_admins_group_rename_checks_the_waiting_mappers_without_reading_every_group(
    env: Env, wholesale: list[str]
) -> None:
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    root = await env.admin_headers()
    made = await env.http.post(
        f"{BASE}/identity-provider/instances",
        json={"alias": ALIAS, "providerId": "oidc", "config": config},
        headers=root,
    )
    assert made.status_code == 201, made.text
    await _many_groups(env)
    _, headers = await make_admin(env, "test", "mole", "manage-identity-providers", "manage-users")
    written = await env.http.post(
        f"{BASE}/identity-provider/instances/{ALIAS}/mappers", json=_group_mapper("/pending/night"), headers=headers
    )
    assert written.status_code == 201, written.text
    [team] = (await env.http.get(f"{BASE}/groups", params={"search": "team-42", "exact": "true"}, headers=root)).json()
    wholesale.clear()
    renamed = await env.http.put(f"{BASE}/groups/{team['id']}", json={"name": "pending"}, headers=headers)
    assert renamed.status_code == 204, renamed.text  # its night holds no role: nothing to refuse
    taken = await env.http.put(f"{BASE}/groups/{team['id']}", json={"name": "team-43"}, headers=headers)
    assert taken.status_code == 409, taken.text
    assert taken.json() == {"errorMessage": "Sibling group named 'team-43' already exists."}
    assert wholesale == [], "a group rename read every group of the realm"
