"""``doorkeep admin`` prints, fails and authenticates as Keycloak 26's kcadm does (KcAdmTest, KcAdmSessionTest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.admin_cli_support import Cli
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_REALM, DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    process = DoorkeepProcess(tmp_path_factory.mktemp("admin-cli-parity"), import_realms=[DEMO_REALM])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def cli(tmp_path: Path, shared: DoorkeepProcess) -> Cli:
    made = Cli(tmp_path / "home" / ".doorkeep" / "admin.config")
    made.log_in(shared.base_url)
    return made


def test_json_is_jacksons_pretty_print_without_a_final_newline_on_stdout(cli: Cli) -> None:
    run = cli.ok("get", "realms/demo", "-F", "realm,enabled")
    assert run.out == '{\n  "realm" : "demo",\n  "enabled" : true\n}'
    assert run.err == "\n"  # kcadm ends the line on stderr (AbstractRequestCmd: printErr(""))


def test_compressed_prints_the_body_as_sent_and_refuses_fields(cli: Cli) -> None:
    assert cli.ok("get", "realms/demo", "-c").out.startswith('{"')
    run = cli.ok("get", "realms/demo", "-c", "-F", "realm")
    assert run.out == ""
    assert run.err == "Cannot create CSV nor filter returned fields because the response is compressed\n"


def test_csv_has_no_header_and_quotes_only_strings(cli: Cli) -> None:
    run = cli.ok("get", "realms", "-F", "realm,enabled", "--format", "csv")
    assert sorted(run.out.splitlines()) == ['"demo",true', '"master",true'] and run.err == ""
    unquoted = cli.ok("get", "realms", "-F", "realm", "--format", "csv", "--noquotes")
    assert sorted(unquoted.out.splitlines()) == ["demo", "master"]


def test_offset_and_limit_are_o_and_l_on_get(cli: Cli) -> None:
    every = cli.ok("get", "users", "-r", "master", "-F", "username").json()
    page = cli.ok("get", "users", "-r", "master", "-F", "username", "-o", "0", "-l", "1").json()
    assert len(every) >= 1 and page == every[:1]


def test_a_404_names_the_url_with_its_query_and_nothing_else(shared: DoorkeepProcess, cli: Cli) -> None:
    run = cli("get", "clients/nope", "-r", "demo", "-q", "a=b")
    assert run.code == 1
    assert run.err == f"Resource not found for url: {shared.base_url}/admin/realms/demo/clients/nope?a=b\n"


@pytest.mark.parametrize(
    ("args", "message", "command"),
    [
        (("get", "realms", "--bogus"), "Unknown option: '--bogus'", "get"),
        (("create", "users", "-o", "-i", "-s", "username=x"), "Options -o and -i are mutually exclusive", "create"),
        (
            ("update", "realms/demo", "-m", "-n", "-s", "a=b"),
            "Options --merge and --no-merge are mutually exclusive",
            "update",
        ),
        (("create", "clients", "-s", "noequals"), "Invalid key=value parameter: [noequals]", "create"),
        (("get", "-F", "id"), "Resource URI not specified", "get"),  # with no argument at all: the help
        (
            ("get", "realms", "--config", "x", "--no-config"),
            "Options --config and --no-config are mutually exclusive",
            "get",
        ),
    ],
)
def test_bad_input_exits_2_with_kcadms_try_line(cli: Cli, args: tuple[str, ...], message: str, command: str) -> None:
    run = cli(*args)
    assert run.code == 2 and run.out == ""
    assert run.err == (
        f"{message}\nTry 'doorkeep admin {command} --help' for more information on the available options.\n"
    )


def test_no_config_logs_in_for_one_command_and_writes_nothing(shared: DoorkeepProcess, tmp_path: Path) -> None:
    fresh = Cli(tmp_path / "none" / "admin.config")
    run = fresh.ok(
        "get",
        "realms/demo",
        "-F",
        "realm",
        "--no-config",
        "--server",
        shared.base_url,
        "--realm",
        "master",
        "--user",
        ADMIN_USERNAME,
        "--password",
        ADMIN_PASSWORD,
    )
    assert run.json() == {"realm": "demo"}
    assert run.err.startswith(f"Logging into {shared.base_url} as user admin of realm master\n")
    assert not fresh.config.exists()


def test_one_time_credentials_leave_the_credentials_file_as_it_was(cli: Cli, shared: DoorkeepProcess) -> None:
    before = cli.config.read_text()
    uid = cli.ok(
        "create",
        "users",
        "-r",
        "demo",
        "-b",
        '{"username": "once", "enabled": true}',
        "-i",
        "--server",
        shared.base_url,
        "--realm",
        "master",
        "--user",
        ADMIN_USERNAME,
        env={"KC_CLI_PASSWORD": ADMIN_PASSWORD},
    ).out.strip()
    assert cli.config.read_text() == before
    assert cli.ok("get", f"users/{uid}", "-r", "demo", "-F", "username").json() == {"username": "once"}
    cli.ok("delete", f"users/{uid}", "-r", "demo")


def test_kc_cli_password_logs_in_without_a_prompt(shared: DoorkeepProcess, tmp_path: Path) -> None:
    other = Cli(tmp_path / "env.config")
    run = other.ok(
        "config",
        "credentials",
        "--server",
        shared.base_url,
        "--realm",
        "master",
        "--user",
        ADMIN_USERNAME,
        env={"KC_CLI_PASSWORD": ADMIN_PASSWORD},
    )
    assert run.err == f"Logging into {shared.base_url} as user admin of realm master\n" and run.out == ""
    assert other.login_entry()["token"]


def test_server_and_realm_alone_are_saved_without_logging_in(shared: DoorkeepProcess, cli: Cli) -> None:
    kept = cli.stored()["endpoints"]
    run = cli.ok("config", "credentials", "--server", shared.base_url, "--realm", "demo")
    assert run.out == "" and run.err == ""
    stored = cli.stored()
    assert stored["serverUrl"] == shared.base_url and stored["realm"] == "demo" and stored["endpoints"] == kept


def test_a_token_is_sent_as_it_is(shared: DoorkeepProcess, cli: Cli, tmp_path: Path) -> None:
    token = cli.login_entry()["token"]
    other = Cli(tmp_path / "token.config")
    run = other.ok("get", "realms/demo", "-F", "realm", "--no-config", "--server", shared.base_url, "--token", token)
    assert run.json() == {"realm": "demo"}
    refused = other("get", "realms/demo", "--no-config", "--server", shared.base_url, "--token", "nonsense")
    assert refused.code == 1 and refused.out == ""
