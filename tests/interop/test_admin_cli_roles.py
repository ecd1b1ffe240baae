"""kcadm's add-roles, remove-roles, get-roles and set-password through ``doorkeep admin`` (KcAdmTest's role cases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli
from interop.server import DEMO_REALM, DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    process = DoorkeepProcess(tmp_path_factory.mktemp("admin-cli-roles"), import_realms=[DEMO_REALM])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def cli(tmp_path: Path, shared: DoorkeepProcess) -> Cli:
    made = Cli(tmp_path / "admin.config")
    made.log_in(shared.base_url)
    return made


def names(run_out: str) -> list[str]:
    return sorted(line.strip('"') for line in run_out.splitlines())


def test_realm_roles_are_added_listed_and_removed_for_a_user(cli: Cli) -> None:
    cli.ok("create", "users", "-r", "demo", "-s", "username=rolly", "-s", "enabled=true")
    for role in ("r-one", "r-two"):
        cli.ok("create", "roles", "-r", "demo", "-s", f"name={role}")
    add = cli.ok("add-roles", "-r", "demo", "--uusername", "rolly", "--rolename", "r-one", "--rolename", "r-two")
    assert add.out == "" and add.err == ""
    listed = cli.ok("get-roles", "-r", "demo", "--uusername", "rolly", "-F", "name", "--format", "csv")
    assert {"r-one", "r-two"} <= set(names(listed.out))
    available = cli.ok(
        "get-roles", "-r", "demo", "--uusername", "rolly", "--available", "-F", "name", "--format", "csv"
    )
    assert "r-one" not in names(available.out)
    cli.ok("remove-roles", "-r", "demo", "--uusername", "rolly", "--rolename", "r-one")
    after = cli.ok("get-roles", "-r", "demo", "--uusername", "rolly", "-F", "name", "--format", "csv")
    assert "r-one" not in names(after.out) and "r-two" in names(after.out)


def test_client_roles_are_added_to_a_group(cli: Cli) -> None:
    cli.ok("create", "groups", "-r", "demo", "-s", "name=ops")
    add = cli(
        "add-roles", "-r", "demo", "--gname", "ops", "--cclientid", "realm-management", "--rolename", "view-users"
    )
    assert add.code == 0, add.err
    listed = cli.ok("get-roles", "-r", "demo", "--gname", "ops", "--cclientid", "realm-management", "-F", "name")
    assert listed.json() == [{"name": "view-users"}]


def test_unknown_names_fail_with_kcadms_lines(cli: Cli) -> None:
    assert cli.fails("add-roles", "-r", "demo", "--uusername", "nobody", "--rolename", "x") == (
        "User not found for username: nobody"
    )
    cli.ok("create", "users", "-r", "demo", "-s", "username=lonely", "-s", "enabled=true")
    assert cli.fails("add-roles", "-r", "demo", "--uusername", "lonely", "--rolename", "no-such-role") == (
        "Role not found for name: no-such-role"
    )
    assert cli.fails("add-roles", "-r", "demo", "--uusername", "lonely") == (
        "No role to add specified. Use --rolename or --roleid to specify roles to add"
    )
    assert cli.fails("add-roles", "-r", "demo", "--uid", "1", "--uusername", "x", "--rolename", "r") == (
        "Incompatible options: --uid and --uusername are mutually exclusive"
    )


def test_set_password_sets_a_password_the_user_can_log_in_with(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.ok(
        "create",
        "users",
        "-r",
        "demo",
        "-s",
        "username=pw-user",
        "-s",
        "enabled=true",
        "-s",
        "firstName=P",
        "-s",
        "lastName=W",
        "-s",
        "email=pw@example.org",
        "-s",
        "emailVerified=true",
    )
    cli.ok("set-password", "-r", "demo", "--username", "pw-user", env={"KC_CLI_PASSWORD": "N3w-Passw0rd!"})
    answer = httpx.post(
        f"{shared.base_url}/realms/demo/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "offline-access-portal",
            "client_secret": "password",
            "username": "pw-user",
            "password": "N3w-Passw0rd!",
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    assert cli.fails("set-password", "-r", "demo", "-p", "x") == (
        "No user specified. Use --username or --userid to specify user"
    )


def test_gpath_finds_a_subgroup_beyond_the_first_two_top_level_groups(cli: Cli) -> None:
    for name in ("aa-first", "ab-second", "zz-parent"):
        cli.ok("create", "groups", "-r", "demo", "-s", f"name={name}")
    parent = cli.ok("get", "group-by-path/zz-parent", "-r", "demo", "-F", "id").json()["id"]
    cli.ok("create", f"groups/{parent}/children", "-r", "demo", "-s", "name=deep child")
    add = cli("add-roles", "-r", "demo", "--gpath", "/zz-parent/deep child", "--rolename", "offline_access")
    assert add.code == 0, add.err
    listed = cli.ok("get-roles", "-r", "demo", "--gpath", "/zz-parent/deep child", "-F", "name")
    assert {"name": "offline_access"} in listed.json()
    assert cli.fails("get-roles", "-r", "demo", "--gpath", "/zz-parent/none") == (
        "Group not found for path: /zz-parent/none"
    )


def test_a_master_user_given_master_realm_manage_users_administers_master_users_only(
    cli: Cli, shared: DoorkeepProcess, tmp_path: Path
) -> None:
    """kcadm's way to make a limited master admin: master's own admin roles are master-realm's, as in Keycloak."""
    cli.ok("create", "users", "-r", "master", "-s", "username=desk", "-s", "enabled=true")
    cli.ok("set-password", "-r", "master", "--username", "desk", "--new-password", "desk-password")
    cli.ok(
        "add-roles", "-r", "master", "--uusername", "desk", "--cclientid", "master-realm", "--rolename", "manage-users"
    )
    held = cli.ok("get-roles", "-r", "master", "--uusername", "desk", "--cclientid", "master-realm", "-F", "name")
    assert held.json() == [{"name": "manage-users"}]
    desk = Cli(tmp_path / "desk.config")
    desk.ok(
        "config", "credentials", "--server", shared.base_url, "--realm", "master",
        "--user", "desk", "--password", "desk-password",
    )  # fmt: skip
    assert "desk" in [u["username"] for u in desk.ok("get", "users", "-r", "master").json()]
    desk.ok("create", "users", "-r", "master", "-s", "username=made-by-desk")
    assert "403" in desk.fails("get", "clients", "-r", "master")
