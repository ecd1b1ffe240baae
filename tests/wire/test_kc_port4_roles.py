"""What the newest RealmRolesCRUDTest (tests/base/.../tests/admin/realm/, the split of RealmRolesTest,
keycloak@119bcab3) adds to ``composites`` beyond test_keycloak_realm_roles_test.py's port of the older
RealmRolesTest: a role holding a realm and a client role as composites can be deleted, and its composites stay.
"""

from __future__ import annotations

import pytest

from keycloak_port import forget
from role_port import assert_event, call, clear_events, create, import_test_realm, names, ok
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_composites_a_composite_role_is_deleted_and_its_composites_stay(env: Env) -> None:
    try:
        realm_id = await import_test_realm(env)
        await create(env, "/roles", {"name": "role-b"})
        client_uuid = await create(env, "/clients", {"clientId": "client-a"})
        await create(env, f"/clients/{client_uuid}/roles", {"name": "role-c"})
        role_b = await ok(env, "GET", "/roles/role-b")
        role_c = await ok(env, "GET", f"/clients/{client_uuid}/roles/role-c")
        refs = [{"id": role_b["id"]}, {"id": role_c["id"]}]

        await create(env, "/roles", {"name": "role-z"})
        await ok(env, "POST", "/roles/role-z/composites", refs)
        assert names(await ok(env, "GET", "/roles/role-z/composites")) == {"role-b", "role-c"}
        await clear_events(env)
        response = await call(env, "DELETE", "/roles/role-z")
        assert response.status_code == 204, response.text  # "I can delete a role that has composite roles"
        await assert_event(env, realm_id, "DELETE", "roles/role-z", "REALM_ROLE")
        assert (await call(env, "GET", "/roles/role-z")).status_code == 404

        # the roles it held still exist, and no composite of theirs was touched
        assert (await ok(env, "GET", "/roles/role-b"))["id"] == role_b["id"]
        assert (await ok(env, "GET", f"/clients/{client_uuid}/roles/role-c"))["id"] == role_c["id"]
        assert await ok(env, "GET", "/roles/role-b/composites") == []
    finally:
        forget(env)
