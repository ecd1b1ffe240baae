"""What a refresh keeps per client, user and scope (CachedConfig.kept, issue #8) never outlives a revocation made
by another worker on the same database, and never crosses to another user: a role taken back through each of the
ways a user holds it (direct mapping, group, a group's mapping, a composite, a client scope's mapping), a user
attribute removed and a group left are gone from the very next refresh of the first worker."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import client_uuid
from support import claims, password_grant, refresh, seed_user
from wire_env import Env, admin_token, another_worker

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"


async def _refreshed(env: Env, token: str) -> dict[str, Any]:
    response = await refresh(env.http, "test", "app", token)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


async def _ok(response: httpx.Response) -> httpx.Response:
    assert response.status_code in (200, 201, 204), (response.request.url, response.status_code, response.text)
    return response


async def test_revocations_by_another_worker_reach_the_next_refresh_and_claims_stay_with_their_user(
    realm: Env,
) -> None:
    await seed_user(realm.db, realm.clock, "test", "user2")
    async with another_worker(realm) as other:
        h = {"Authorization": f"Bearer {await admin_token(other)}"}
        app = await client_uuid(realm, "test", "app")
        mappers: list[tuple[str, str, dict[str, str]]] = [
            ("dept", "oidc-usermodel-attribute-mapper", {"user.attribute": "dept"}),
            ("groups", "oidc-group-membership-mapper", {"full.path": "false"}),
        ]
        for name, kind, extra in mappers:
            config = {"claim.name": name, "access.token.claim": "true", **extra}
            mapper = {"protocol": "openid-connect", "name": name, "protocolMapper": kind, "config": config}
            await _ok(await other.post(f"{ADMIN}/clients/{app}/protocol-mappers/models", json=mapper, headers=h))
        users = (await other.get(f"{ADMIN}/users", headers=h)).json()
        ids = {u["username"]: u["id"] for u in users}
        one = ids["user1"]
        one_rep = (await other.get(f"{ADMIN}/users/{one}", headers=h)).json()
        await _ok(await other.put(f"{ADMIN}/users/{one}", json={**one_rep, "attributes": {"dept": ["ops"]}}, headers=h))
        for name in ("direct", "via-group", "via-composite", "parent"):
            await _ok(await other.post(f"{ADMIN}/roles", json={"name": name}, headers=h))
        role = {
            n: (await other.get(f"{ADMIN}/roles/{n}", headers=h)).json()
            for n in ("direct", "via-group", "via-composite", "parent")
        }
        await _ok(await other.post(f"{ADMIN}/roles/parent/composites", json=[role["via-composite"]], headers=h))
        await _ok(
            await other.post(
                f"{ADMIN}/users/{one}/role-mappings/realm", json=[role["direct"], role["parent"]], headers=h
            )
        )
        created = await _ok(await other.post(f"{ADMIN}/groups", json={"name": "crew"}, headers=h))
        group = created.headers["location"].rsplit("/", 1)[-1]
        await _ok(await other.post(f"{ADMIN}/groups/{group}/role-mappings/realm", json=[role["via-group"]], headers=h))
        await _ok(await other.put(f"{ADMIN}/users/{one}/groups/{group}", headers=h))

        first = (await password_grant(realm.http, "test", "app")).json()["refresh_token"]
        second = (await password_grant(realm.http, "test", "app", username="user2")).json()["refresh_token"]
        mine = await _refreshed(realm, first)
        assert {"direct", "via-group", "via-composite", "parent"} <= set(mine["realm_access"]["roles"])
        assert (mine["dept"], mine["groups"]) == ("ops", ["crew"])
        theirs = await _refreshed(realm, second)  # the same client and scope, another user: nothing of user1's
        assert "dept" not in theirs and theirs.get("groups", []) == []
        assert not {"direct", "via-group", "via-composite", "parent"} & set(theirs["realm_access"]["roles"])

        steps = [
            ("via-composite", "DELETE", f"{ADMIN}/roles/parent/composites", [role["via-composite"]]),
            ("via-group", "DELETE", f"{ADMIN}/groups/{group}/role-mappings/realm", [role["via-group"]]),
            ("direct", "DELETE", f"{ADMIN}/users/{one}/role-mappings/realm", [role["direct"]]),
        ]
        for gone, method, path, removed in steps:
            await _ok(await other.request(method, path, json=removed, headers=h))
            now = await _refreshed(realm, first)
            assert gone not in now["realm_access"]["roles"], (gone, now["realm_access"]["roles"])
        await _ok(await other.put(f"{ADMIN}/users/{one}", json={**one_rep, "attributes": {}}, headers=h))
        assert "dept" not in await _refreshed(realm, first)
        await _ok(await other.delete(f"{ADMIN}/users/{one}/groups/{group}", headers=h))
        assert (await _refreshed(realm, first)).get("groups", []) == []
        # a client scope's role scope mapping taken away narrows what the full-scope-off client's token carries
        rep = (await other.get(f"{ADMIN}/clients/{app}", headers=h)).json()
        await _ok(await other.put(f"{ADMIN}/clients/{app}", json={**rep, "fullScopeAllowed": False}, headers=h))
        await _ok(await other.post(f"{ADMIN}/clients/{app}/scope-mappings/realm", json=[role["parent"]], headers=h))
        assert "parent" in (await _refreshed(realm, first))["realm_access"]["roles"]
        await _ok(
            await other.request(
                "DELETE", f"{ADMIN}/clients/{app}/scope-mappings/realm", json=[role["parent"]], headers=h
            )
        )
        after = await _refreshed(realm, first)
        assert "parent" not in after.get("realm_access", {}).get("roles", []), after
