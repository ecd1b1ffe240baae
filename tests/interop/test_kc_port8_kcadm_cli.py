"""Keycloak's KcAdmTest (testsuite/.../cli/admin/KcAdmTest.java, Keycloak 26) against ``doorkeep admin``.

Each test asserts what the Java test asserts: exit status, how many lines on stdout and stderr, the lines
it names and the server's state afterwards. Where the Java test names ``kcadm.sh`` or "Keycloak Admin CLI",
``doorkeep admin`` stands in. Not ported: truststore and JKS/PKCS12 keystore logins (a Java keystore), the
interactive prompts (test_admin_cli.py covers them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.admin_cli_support import Cli
from interop.kcadm_port_support import kcadm_server, lines
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

pytestmark = pytest.mark.interop
CMD = "doorkeep admin"
TRY = "for more information on the available options."


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    yield from kcadm_server(tmp_path_factory, "kc-port8-kcadm")


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home" / ".doorkeep" / "admin.config")


def test_bad_command(cli: Cli) -> None:
    run = cli("nonexistent")
    assert run.code == 2 and run.out == ""
    err = lines(run.err)
    assert err[0] == "Unmatched argument at index 0: 'nonexistent'"
    assert err[-1] == f"Try '{CMD} --help' {TRY}" and len(err) in (2, 3)  # picocli's suggestion line between


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        ((), f"Usage: {CMD} [OPTIONS] COMMAND [ARGS]..."),
        (("config",), f"Usage: {CMD} config [OPTIONS] COMMAND [ARGS]..."),
        (("config", "credentials"), f"Usage: {CMD} config credentials [ARGUMENTS]"),
        (("create",), f"Usage: {CMD} create ENDPOINT_URI [ARGUMENTS]"),
        (("get",), f"Usage: {CMD} get ENDPOINT_URI [ARGUMENTS]"),
        (("update",), f"Usage: {CMD} update ENDPOINT_URI [ARGUMENTS]"),
        (("delete",), f"Usage: {CMD} delete ENDPOINT_URI [ARGUMENTS]"),
        (("add-roles",), f"Usage: {CMD} add-roles [ARGUMENTS]"),
        (("remove-roles",), f"Usage: {CMD} remove-roles [ARGUMENTS]"),
        (("set-password",), f"Usage: {CMD} set-password [ARGUMENTS]"),
    ],
)
def test_no_args_prints_the_help_on_stdout_with_exit_status_2(cli: Cli, args: tuple[str, ...], usage: str) -> None:
    run = cli(*args)
    assert run.code == 2 and run.err == ""
    assert run.out.splitlines()[0] == usage and len(run.out.splitlines()) > 5
    assert not cli.config.exists()


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (("--help",), f"Usage: {CMD} [OPTIONS] COMMAND [ARGS]..."),
        (("help",), f"Usage: {CMD} [OPTIONS] COMMAND [ARGS]..."),
        (("create", "--help"), f"Usage: {CMD} create ENDPOINT_URI [ARGUMENTS]"),
        (("get", "--help"), f"Usage: {CMD} get ENDPOINT_URI [ARGUMENTS]"),
        (("help", "get"), f"Usage: {CMD} get ENDPOINT_URI [ARGUMENTS]"),
        (("update", "--help"), f"Usage: {CMD} update ENDPOINT_URI [ARGUMENTS]"),
        (("delete", "--help"), f"Usage: {CMD} delete ENDPOINT_URI [ARGUMENTS]"),
        (("get-roles", "--help"), f"Usage: {CMD} get-roles [ARGUMENTS]"),
        (("add-roles", "--help"), f"Usage: {CMD} add-roles [ARGUMENTS]"),
        (("remove-roles", "--help"), f"Usage: {CMD} remove-roles [ARGUMENTS]"),
        (("set-password", "--help"), f"Usage: {CMD} set-password [ARGUMENTS]"),
        (("config", "--help"), f"Usage: {CMD} config [OPTIONS] COMMAND [ARGS]..."),
        (("config", "credentials", "--help"), f"Usage: {CMD} config credentials [ARGUMENTS]"),
        (("help", "config", "credentials"), f"Usage: {CMD} config credentials [ARGUMENTS]"),
    ],
)
def test_help_is_printed_on_stdout_with_exit_status_0(cli: Cli, args: tuple[str, ...], usage: str) -> None:
    run = cli(*args)
    assert run.code == 0 and run.err == ""
    assert run.out.splitlines()[0] == usage


@pytest.mark.parametrize(
    ("args", "message", "command"),
    [
        (("--nonexistent",), "Unknown option: '--nonexistent'", ""),
        (("get", "users", "--nonexistent"), "Unknown option: '--nonexistent'", " get"),
        (("set-password", "--nonexistent"), "Unknown option: '--nonexistent'", " set-password"),
        (
            (
                "config",
                "credentials",
                "--server",
                "http://localhost:8080",
                "--realm",
                "master",
                "--username",
                "admin",
                "--password",
                "admin",
            ),
            "Unknown options: '--username', 'admin'",
            " config credentials",
        ),
        (
            ("config", "credentials", "--realm", "master", "--user", "admin", "--password", "admin"),
            "Required option not specified: --server",
            " config credentials",
        ),
        (
            ("config", "credentials", "--server", "http://localhost:8080", "--user", "admin", "--password", "admin"),
            "Required option not specified: --realm",
            " config credentials",
        ),
        (
            ("config", "credentials", "--no-config", "--server", "http://localhost:8080", "--realm", "master"),
            "Unsupported option: --no-config",
            " config credentials",
        ),
    ],
)
def test_bad_options(cli: Cli, args: tuple[str, ...], message: str, command: str) -> None:
    run = cli(*args)
    assert run.code == 2 and run.out == ""
    err = lines(run.err)
    assert err[0] == message and err[-1] == f"Try '{CMD}{command} --help' {TRY}"
    assert not cli.config.exists()


def test_user_login_with_default_config(shared: DoorkeepProcess, cli: Cli) -> None:
    run = cli.ok("config", "credentials", "--server", shared.base_url, "--realm", "master", "--user", "admin",
                 "--password", "admin")  # fmt: skip
    assert run.out == "" and lines(run.err) == [f"Logging into {shared.base_url} as user admin of realm master"]


def test_user_login_with_angle_brackets(shared: DoorkeepProcess, cli: Cli) -> None:
    """The password keeps its angle brackets. The username does not: Keycloak 26's user profile refuses '>' in
    a username (username-prohibited-characters), and a user imported with one cannot log in ("Account is not
    fully set up"), here as there."""
    admin = Cli(cli.config.parent / "setup.config")
    admin.log_in(shared.base_url)
    user = {"username": "special-character", "enabled": True, "email": "special@test.example", "firstName": "S",
            "lastName": "C", "credentials": [{"type": "password", "value": "<password>", "temporary": False}]}  # fmt: skip
    admin.ok("create", "realms", "-b", json.dumps({"realm": "angles", "enabled": True, "users": [user]}))
    run = cli.ok("config", "credentials", "--server", shared.base_url, "--realm", "angles", "--user",
                 "special-character", "--password", "<password>")  # fmt: skip
    assert run.out == ""
    assert lines(run.err) == [f"Logging into {shared.base_url} as user special-character of realm angles"]


def test_user_login_with_custom_config(shared: DoorkeepProcess, tmp_path: Path) -> None:
    custom = Cli(tmp_path / "custom.config")
    run = custom.ok("config", "credentials", "--server", shared.base_url, "--realm", "master", "--user", "admin",
                    "--password", "admin", "--config", str(custom.config))  # fmt: skip
    assert run.out == "" and len(lines(run.err)) == 1
    stored = custom.stored()
    assert stored["serverUrl"] == shared.base_url and stored["realm"] == "master"
    entry = custom.login_entry()
    assert entry["clientId"] == "admin-cli" and entry["token"] and entry["refreshToken"]
    assert entry["expiresAt"] > 0 and entry["refreshExpiresAt"] > entry["expiresAt"] - 60_000


def test_custom_config_login_create_delete_leaves_the_file_as_it_was(shared: DoorkeepProcess, tmp_path: Path) -> None:
    custom = Cli(tmp_path / "custom.config")
    custom.log_in(shared.base_url)
    before = custom.config.read_text()
    run = custom.ok("create", "--config", str(custom.config), "clients", "-s", "clientId=test-client", "-o")
    assert lines(run.err) == []
    client = run.json()
    assert client["clientId"] == "test-client" and custom.config.read_text() == before
    deleted = custom.ok("delete", f"clients/{client['id']}", "--config", str(custom.config))
    assert deleted.out == "" and deleted.err == "" and custom.config.read_text() == before


def _crud_on_the_fly(shared: DoorkeepProcess, cli: Cli, credentials: list[str], login_message: str) -> None:
    """AbstractAdmCliTest.testCRUDWithOnTheFlyAuth: create, get, update, delete, delete again; no file written."""
    once = ["--no-config", "--server", shared.base_url, "--realm", "test", *credentials]
    logged = [login_message] if login_message else []
    run = cli.ok("create", "clients", *once, "-s", "clientId=test-client", "-o")
    assert login_message in lines(run.err) or not login_message
    client = run.json()
    assert client["clientId"] == "test-client"
    got = cli.ok("get", f"clients/{client['id']}", *once)
    assert got.json()["clientId"] == "test-client" and lines(got.err) == logged
    updated = cli.ok("update", f"clients/{client['id']}", *once, "-s", "enabled=false", "-o")
    assert updated.json()["enabled"] is False and lines(updated.err) == logged
    deleted = cli.ok("delete", f"clients/{client['id']}", *once)
    assert deleted.out == "" and lines(deleted.err) == logged
    again = cli("delete", f"clients/{client['id']}", *once)
    url = f"{shared.base_url}/admin/realms/test/clients/{client['id']}"
    assert again.code == 1 and again.out == ""
    assert lines(again.err) == [*logged, f"Resource not found for url: {url}"]
    assert not cli.config.exists()


def test_crud_with_on_the_fly_user_auth(shared: DoorkeepProcess, cli: Cli) -> None:
    user = ["--user", "user1", "--password", "userpass"]
    _crud_on_the_fly(shared, cli, user, f"Logging into {shared.base_url} as user user1 of realm test")


@pytest.mark.parametrize(
    ("credentials", "error"),
    [
        (
            ["--password", "userpass", "--client", "admin-cli-secret", "--secret", "password"],
            "Client not allowed for direct access grants [unauthorized_client]",
        ),
        (
            ["--password", "wrong", "--client", "admin-cli-secret-direct", "--secret", "password"],
            "Invalid user credentials [invalid_grant]",
        ),
        (
            ["--password", "userpass", "--client", "admin-cli-secret-direct", "--secret", "wrong"],
            "Invalid client or Invalid client credentials [unauthorized_client]",
        ),
    ],
)
def test_on_the_fly_user_auth_with_a_client_secret_is_refused_with_the_servers_words(
    shared: DoorkeepProcess, cli: Cli, credentials: list[str], error: str
) -> None:
    run = cli("get", "clients", "--no-config", "--server", shared.base_url, "--realm", "test", "--user", "user1",
              *credentials)  # fmt: skip
    assert run.code == 1 and run.out == ""
    assert lines(run.err) == [f"Logging into {shared.base_url} as user user1 of realm test", error]


def test_crud_with_on_the_fly_user_auth_with_client_secret(shared: DoorkeepProcess, cli: Cli) -> None:
    credentials = [
        "--user",
        "user1",
        "--password",
        "userpass",
        "--client",
        "admin-cli-secret-direct",
        "--secret",
        "password",
    ]
    _crud_on_the_fly(shared, cli, credentials, f"Logging into {shared.base_url} as user user1 of realm test")


def test_crud_with_on_the_fly_service_account_with_client_secret(shared: DoorkeepProcess, cli: Cli) -> None:
    credentials = ["--client", "admin-cli-secret", "--secret", "password"]
    message = f"Logging into {shared.base_url} as service-account-admin-cli-secret of realm test"
    _crud_on_the_fly(shared, cli, credentials, message)


def test_crud_with_token(shared: DoorkeepProcess, cli: Cli) -> None:
    _crud_on_the_fly(shared, cli, ["--token", shared.admin_token()], "")


def test_get_user_name_exact(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    cli.ok("create", "realms", "-s", "realm=exactusers", "-s", "enabled=true")
    for name in ("testuser", "anothertestuser", "onemoretestuser"):
        cli.ok("create", "users", "-r", "exactusers", "-s", f"username={name}")
    for name in ("testuser", "anothertestuser", "onemoretestuser"):
        cli.ok("add-roles", f"--uusername={name}", "--rolename", "offline_access", "--target-realm=exactusers")
        roles = cli.ok("get-roles", "-r", "exactusers", "--uusername", name, "-F", "name").json()
        assert {"name": "offline_access"} in roles


def test_get_group_name_exact(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    cli.ok("create", "realms", "-s", "realm=exactgroups", "-s", "enabled=true")
    cli.ok("create", "roles", "-r", "exactgroups", "-s", "name=testrole")
    for name in ("test", "anothertest", "onemoretest"):
        cli.ok("create", "groups", "-r", "exactgroups", "-s", f"name={name}")
    for name in ("test", "anothertest", "onemoretest"):
        assert cli("get-roles", "-r", "exactgroups", "--gname", name).code == 0
    assert cli.fails("get-roles", "-r", "exactgroups", "--gname", "not_there") == "Group not found for name: not_there"


def test_csv_format(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    run = cli.ok("get", "realms/master", "--format", "csv")
    assert len(lines(run.out)) == 1 and lines(run.err) == [] and run.out.startswith('"')


def test_csv_format_with_missing_fields_is_blank(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    run = cli.ok("get", "realms/master", "--format", "csv", "--fields", "foo")
    assert run.out.strip() == "" and lines(run.err) == []


def test_compressed_csv_is_one_error_line(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    run = cli.ok("get", "realms/master", "--format", "csv", "--compressed")
    assert run.out == ""
    assert lines(run.err) == ["Cannot create CSV nor filter returned fields because the response is compressed"]


def test_env_password_with_a_regular_command_is_ignored(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    run = cli.ok("get", "users", "--format", "csv", env={"KC_CLI_PASSWORD": "ignoreme"})
    assert len(lines(run.out)) == 1 and lines(run.err) == []


def test_status_option_for_config_credentials(shared: DoorkeepProcess, cli: Cli) -> None:
    assert cli.ok("config", "credentials", "--status").out == "You are not logged in\n"
    cli.log_in(shared.base_url)
    before = cli.config.read_text()
    prefix = f"Logged in (server: {shared.base_url}, realm: master, expired: false, timeToExpiry:"
    for extra in ([], ["--server", shared.base_url, "--realm", "master", "--user", ADMIN_USERNAME,
                       "--password", ADMIN_PASSWORD]):  # fmt: skip
        run = cli.ok("config", "credentials", "--status", *extra)
        assert run.out.startswith(prefix) and run.out.endswith("s from now)\n") and run.err == ""
    assert cli.config.read_text() == before  # --status checks and changes nothing
    cli.edit_login(expiresAt=1)
    assert cli.ok("config", "credentials", "--status").out == "You are not logged in\n"
