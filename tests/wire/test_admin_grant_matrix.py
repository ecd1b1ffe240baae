"""The grant side of the admin route matrix (test_admin_route_matrix.py): what a caller the route lets through may
hand out. RoleMapperResource on a group asks ``auth.roles().requireMapRole(role)`` as it does on a user, so a
manage-users admin cannot put realm-admin or manage-clients, which it lacks, into a group (and so onto its
members); UserResource.impersonate asks only ``users().requireImpersonate(user)``, which without fine-grained
permissions lets the impersonation role impersonate anyone, a realm-admin included (UserPermissions
.isImpersonatable: no resource server, true). User, composite, scope-mapping, default-role and service-account
grants are in test_admin_role_escalation.py, test_admin_role_grants.py and
test_keycloak_illegal_admin_upgrade_test.py."""

from __future__ import annotations

import pytest

from admin_support import DEMO, client_uuid, demo_realm, forbidden, make_admin, role_ref
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = DEMO


async def _group(env: Env) -> str:
    await demo_realm(env)
    made = await env.http.post(f"{REALM}/groups", json={"name": "helpdesk-made"}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"]).rsplit("/", 1)[1]


async def test_manage_users_cannot_put_admin_roles_it_lacks_into_a_group(env: Env) -> None:
    group = await _group(env)
    _, helpdesk = await make_admin(env, "demo", "helpdesk", "manage-users")
    rm = await client_uuid(env, "demo", "realm-management")
    url = f"{REALM}/groups/{group}/role-mappings/clients/{rm}"
    for name in ("realm-admin", "manage-clients"):
        forbidden(
            await env.http.post(url, json=[await role_ref(env, "demo", name, "realm-management")], headers=helpdesk)
        )
    mapped = await env.http.get(url, headers=await env.admin_headers())
    assert mapped.status_code == 200 and mapped.json() == [], mapped.text
    # the same call with a role it may hand out goes through
    ok = await env.http.post(
        url, json=[await role_ref(env, "demo", "view-users", "realm-management")], headers=helpdesk
    )
    assert ok.status_code == 204, ok.text


async def test_impersonation_alone_impersonates_a_realm_admin_as_keycloak_does(env: Env) -> None:
    await demo_realm(env)
    boss, _ = await make_admin(env, "demo", "boss", "realm-admin")
    _, impersonator = await make_admin(env, "demo", "impersonator", "impersonation")
    started = await env.http.post(f"{REALM}/users/{boss}/impersonation", headers=impersonator)
    assert started.status_code == 200 and started.json()["sameRealm"] is True, started.text
