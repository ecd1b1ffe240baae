"""OrganizationRoleGraphConcurrencyTest.concurrentEdgesCannotCreateAnAdministrativeOrganizationPath through the Admin
Console: the Associated roles tab nesting a realm role into an organization role while the Admin REST nests
manage-realm into that realm role, at once. Each is harmless alone; together they would hand manage-realm to the
organization role's holders. At most one commits; the organization role never reaches the admin role. The console's
write queues behind other nestings of the realm's roles as the REST call does (store/organization_roles.
serialize_graph). Runs on both engines (the module name is a storage area: ``race``)."""

from __future__ import annotations

import asyncio

import pytest

from admin_support import make_admin, role_ref
from console_support import HTML, csrf, sign_in
from org_groups import organization
from org_roles import ROLES, ids, org_role, realm_role
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/organizations"
FORM = {"Origin": "http://localhost"}
ROUNDS = 6


async def test_a_console_nesting_and_a_rest_nesting_at_once_never_make_an_administrative_path(realm: Env) -> None:
    env = realm
    org = await organization(env, "console-race-org")
    admin = await role_ref(env, "test", "manage-realm", "realm-management")
    h = await env.admin_headers()
    await make_admin(env, "test", "boss", "realm-admin")
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        for n in range(ROUNDS):
            role = await org_role(env, org, f"console-race-role-{n}")
            middle = await realm_role(env, f"console-race-middle-{n}")
            tab = f"{CONSOLE}/{org}/roles/{role['id']}/associated-roles"
            token = csrf(await http.get(tab, headers=HTML))
            console, rest = await asyncio.gather(
                http.post(f"{tab}/add", data={"csrf_token": token, "id": middle["id"]}, headers=FORM),
                env.http.post(f"{ROLES}/{middle['name']}/composites", json=[admin], headers=h),
            )
            assert console.status_code == 303 and rest.status_code in (204, 400), (console.text, rest.text)
            nested = await ids(env, f"{org}/roles/{role['id']}/composites")
            under = [r["id"] for r in (await env.http.get(f"{ROLES}/{middle['name']}/composites", headers=h)).json()]
            assert not (nested == [middle["id"]] and under == [admin["id"]]), n
            assert (nested == [middle["id"]]) == console.headers["location"].endswith("/associated-roles")
            assert admin["id"] not in await ids(env, f"{org}/roles/{role['id']}/composites/effective")
