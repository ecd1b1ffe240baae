"""Session 60: the escalations the Admin REST refuses, tried through the two other doors that share it: the
``doorkeep admin`` CLI (a real HTTP client against the served app) and the Admin Console's own pages, whose
``/admin/{realm}/console/{target}/…`` paths name the realm they act on."""

from __future__ import annotations

import json

import anyio
import pytest
from click.testing import CliRunner, Result

from admin_support import client_uuid, make_admin, mapped, role_ref
from console_support import HTML, ORIGIN, csrf, sign_in
from doorkeep.admincli.commands import admin
from served_app import serving
from support import password_grant, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio


def _cli(base: str, *args: str) -> Result:
    """``doorkeep admin <args>`` as ``helpdesk`` of realm ``test``, reading and writing no credentials file."""
    login = ("--no-config", "--server", base, "--realm", "test", "--user", "helpdesk", "--password", "password")
    return CliRunner().invoke(admin, [*args, *login], catch_exceptions=False)


async def test_the_admin_cli_cannot_map_realm_admin_for_a_manage_users_holder(realm: Env) -> None:
    me, _ = await make_admin(realm, "test", "helpdesk", "manage-users")
    rm = await client_uuid(realm, "test", "realm-management")
    realm_admin = await role_ref(realm, "test", "realm-admin", "realm-management")
    view_users = await role_ref(realm, "test", "view-users", "realm-management")
    async with serving(realm.apps[0]) as base:
        path = f"users/{me}/role-mappings/clients/{rm}"
        refused = await anyio.to_thread.run_sync(
            lambda: _cli(base, "create", path, "-r", "test", "-b", json.dumps([realm_admin]))
        )
        by_name = await anyio.to_thread.run_sync(
            lambda: _cli(
                base,
                "add-roles",
                "-r",
                "test",
                "--uusername",
                "helpdesk",
                "--cclientid",
                "realm-management",
                "--rolename",
                "realm-admin",
            )
        )
        allowed = await anyio.to_thread.run_sync(
            lambda: _cli(base, "create", path, "-r", "test", "-b", json.dumps([view_users]))
        )
    assert refused.exit_code == 1 and "Forbidden" in refused.output, refused.output
    assert by_name.exit_code == 1 and "Forbidden" in by_name.output, by_name.output
    assert allowed.exit_code == 0, allowed.output  # the door works for a role manage-users may give
    assert await mapped(realm, "test", me) == {"default-roles-test", "manage-users", "view-users"}


async def test_a_realms_console_acts_on_no_other_realm_through_its_target(realm: Env) -> None:
    """Signed in to realm ``test``'s console as its realm-admin, the ``master`` target (its users, a master
    user's password, impersonation) is refused, and the master admin's password still works."""
    await make_admin(realm, "test", "boss", "realm-admin")
    async with realm.db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        root = await tx.users.get_by_username(master.id, "admin")
        assert root is not None
    victim = await seed_user(realm.db, realm.clock, "test", "helper")
    users = "/admin/test/console/master/users"
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        token = csrf(await http.get(f"/admin/test/console/test/users/{victim.id}/details", headers=HTML))
        listing = await http.get(users, headers=HTML)
        assert listing.status_code in (403, 404), listing.text
        for path, fields in (
            (
                f"{users}/{root.id}/credentials/reset-password",
                {"password": "Takeover1!", "passwordConfirmation": "Takeover1!"},
            ),
            (f"{users}/{root.id}/impersonate", {"confirmed": "yes"}),
            (f"{users}/{root.id}/details", {"firstName": "x"}),
        ):
            refused = await http.post(path, data={"csrf_token": token, **fields}, headers=ORIGIN)
            assert refused.status_code in (403, 404), (path, refused.status_code, refused.text[:200])
    held = await password_grant(realm.http, "master", "admin-cli", "admin", "admin", secret=None)
    assert held.status_code == 200, held.text


async def test_a_manage_users_console_user_cannot_impersonate_or_hand_out_an_organization_it_may_not_manage(
    realm: Env,
) -> None:
    """The console's Impersonate asks the impersonation role, its organization pages manage-organizations, as
    the REST calls do; nothing happens."""
    await make_admin(realm, "test", "helpdesk", "manage-users")
    victim = await seed_user(realm.db, realm.clock, "test", "helper")
    base = "/admin/test/console/test"
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "/admin/test/console/", "helpdesk")
        token = csrf(await http.get(f"{base}/users/{victim.id}/details", headers=HTML))
        impersonated = await http.post(
            f"{base}/users/{victim.id}/impersonate", data={"csrf_token": token, "confirmed": "yes"}, headers=ORIGIN
        )
        assert impersonated.status_code == 403, impersonated.text[:200]
        organizations = await http.get(f"{base}/organizations", headers=HTML)
        assert organizations.status_code in (403, 404), organizations.text[:200]
