"""Keycloak's ClientScopeMappingCacheTest (tests/base/.../admin/client, 2026; keycloak#51589), ported over HTTP: a
client's (and a client scope's) scope mappings read from a cache that still names a role deleted meanwhile must
not surface the stale role, as a null or at all.

The Java test warms Infinispan's entry and then writes an unknown role id into it, standing for "a concurrent role
deletion whose cache invalidation has not yet reached this node". Doorkeep has no cache entry to write into; the
same situation is made for real here: one worker (an app with its own caches on the same database) reads the
mappings, another deletes the role, and the first reads them again. A live role stays mapped beside the deleted
one, so the answer must be exactly the live role.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from model_port import create, new_realm, ok
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

REALM = "/original"


async def mapped(http: httpx.AsyncClient, env: Env, path: str) -> list[dict[str, Any]]:
    """``getScopeMappingsStream()`` through ``http``'s app: the realm roles in the scope."""
    response = await http.get(f"/admin/realms{path}/scope-mappings/realm", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def stale_role_left_out(env: Env, path: str) -> None:
    """Map a live role and a doomed one to ``path``'s scope; warm another worker's cache; delete the doomed role
    here; the other worker answers the live role alone."""
    for name in ("scope-cache-live-role", "scope-cache-doomed-role"):
        await create(env, f"{REALM}/roles", {"name": name})
    roles = [await ok(env, "GET", f"{REALM}/roles/{n}") for n in ("scope-cache-live-role", "scope-cache-doomed-role")]
    await ok(env, "POST", f"{path}/scope-mappings/realm", roles)
    async with another_worker(env) as other:
        assert len(await mapped(other, env, path)) == 2  # its cache warmed
        await ok(env, "DELETE", f"{REALM}/roles-by-id/{roles[1]['id']}")
        found = await mapped(other, env, path)
        assert None not in found, "scope mappings must not contain null entries from stale cached role IDs"
        assert [r["name"] for r in found] == ["scope-cache-live-role"]
        composite = await other.get(
            f"/admin/realms{path}/scope-mappings/realm/composite", headers=await env.admin_headers()
        )
        assert composite.status_code == 200, composite.text
        assert "scope-cache-doomed-role" not in {r["name"] for r in composite.json()}


async def test_get_scope_mappings_stream_filters_stale_role_ids(env: Env) -> None:
    """getScopeMappingsStreamFiltersStaleRoleIds: a client (full scope off)."""
    await new_realm(env, "original")
    client = {"clientId": "scope-cache-test-client", "fullScopeAllowed": False}
    uuid = await create(env, f"{REALM}/clients", client)
    await stale_role_left_out(env, f"{REALM}/clients/{uuid}")


async def test_client_scope_get_scope_mappings_stream_filters_stale_role_ids(env: Env) -> None:
    """clientScopeGetScopeMappingsStreamFiltersStaleRoleIds: a client scope."""
    await new_realm(env, "original")
    scope = {"name": "scope-cache-test-scope", "protocol": "openid-connect"}
    scope_id = await create(env, f"{REALM}/client-scopes", scope)
    await stale_role_left_out(env, f"{REALM}/client-scopes/{scope_id}")
