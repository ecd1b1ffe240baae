"""``doorkeep admin`` end to end: a real CLI process against a real ``doorkeep start-dev`` (issue #10 item 1)."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli, offline_login, refresh
from interop.server import DEMO_REALM, DoorkeepProcess, StartServer, free_port

pytestmark = pytest.mark.interop


@pytest.fixture
def server(start_server: StartServer) -> DoorkeepProcess:
    return start_server(import_realms=[DEMO_REALM])


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    """One server for the tests that only read, or that fail before they write."""
    process = DoorkeepProcess(tmp_path_factory.mktemp("admin-cli-shared"), import_realms=[DEMO_REALM])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home" / ".doorkeep" / "admin.config")


def test_the_seed_kcadm_scenario_counts_lists_and_revokes_offline_sessions(server: DoorkeepProcess, cli: Cli) -> None:
    base = server.base_url
    cli.log_in(base)
    tokens = [offline_login(base)["refresh_token"] for _ in range(2)]
    portal = cli.ok("get", "clients", "-r", "demo", "-q", "clientId=offline-access-portal", "--fields", "id").json()
    uuid = portal[0]["id"]

    # kcadm.sh get realms/demo/clients/<id>/offline-session-count
    assert cli.ok("get", f"realms/demo/clients/{uuid}/offline-session-count").json() == {"count": 2}
    # kcadm.sh get realms/demo/clients/<id>/offline-sessions
    sessions = cli.ok("get", f"realms/demo/clients/{uuid}/offline-sessions").json()
    assert len(sessions) == 2 and len({s["id"] for s in sessions}) == 2
    for entry in sessions:
        assert {"id", "username", "userId", "ipAddress", "start", "lastAccess", "clients"} <= set(entry)
        assert entry["username"] == "user1" and entry["ipAddress"] == "127.0.0.1"
        assert entry["clients"] == {uuid: "offline-access-portal"}

    table = cli.ok("offline-sessions", "-r", "demo", "--client", "offline-access-portal").out.splitlines()
    assert table[0].split() == ["USER", "SESSION", "ID", "IP", "ADDRESS", "STARTED", "(UTC)", "LAST", "ACCESS", "(UTC)"]
    assert sorted(line.split()[1] for line in table[1:]) == sorted(s["id"] for s in sessions)
    assert cli.ok("offline-session-count", "-r", "demo", "--client", "offline-access-portal").out.strip() == "2"
    consents = cli.ok("consents", "-r", "demo", "--user", "user1").out.splitlines()
    assert consents[1].split()[:2] == ["offline-access-portal", "yes"]

    stats = cli.ok("session-stats", "-r", "demo").out.splitlines()  # kcadm.sh get client-session-stats, as a table
    assert stats[0].split() == ["CLIENT", "ONLINE", "OFFLINE"] and ["offline-access-portal", "0", "2"] in [
        line.split() for line in stats[1:]
    ]
    never = ("-r", "demo", "--user", "user1")
    assert cli.fails("revoke-offline", *never, "--client", "nope") == "Client not found: nope (realm demo)"
    assert cli.fails("revoke-offline", *never, "--client", "offline-access-spa") == (
        "User 'user1' has no consent and no offline token for client 'offline-access-spa' (realm demo)"
    )
    revoked = cli.ok("revoke-offline", "-r", "demo", "--user", "user1", "--client", "offline-access-portal")
    assert "Revoked" in revoked.out
    assert cli.ok("offline-session-count", "-r", "demo", "--client", "offline-access-portal").out.strip() == "0"
    assert cli.ok("consents", "-r", "demo", "--user", "user1").out == ""
    for token in tokens:
        answer = refresh(base, token)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant", answer.text


def test_offline_sessions_page_with_first_and_max(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    for _ in range(3):
        offline_login(shared.base_url)
    everything = cli.ok("offline-sessions", "-r", "demo", "--client", "offline-access-portal", "--format", "json")
    page = cli.ok(
        "offline-sessions",
        "-r",
        "demo",
        "--client",
        "offline-access-portal",
        "--first",
        "1",
        "--max",
        "1",
        "--format",
        "json",
    ).json()
    assert len(everything.json()) >= 3 and len(page) == 1 and page[0]["id"] == everything.json()[1]["id"]


def test_get_authentication_flows_reads_keycloaks_built_in_flows(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    # kcadm.sh get authentication/flows -r demo --fields alias,builtIn
    flows = cli.ok("get", "authentication/flows", "-r", "demo", "--fields", "alias,builtIn").json()
    # the realm's file names no flows: the built-in ones, in DefaultAuthenticationFlows.addFlows' order
    assert [f["alias"] for f in flows][:3] == ["browser", "direct grant", "registration"]
    assert all(f == {"alias": f["alias"], "builtIn": True} for f in flows)
    # kcadm.sh get "authentication/flows/direct grant/executions" -r demo
    rows = cli.ok("get", "authentication/flows/direct grant/executions", "-r", "demo").json()
    assert [r["providerId"] for r in rows if "providerId" in r] == [
        "direct-grant-validate-username",
        "direct-grant-validate-password",
        "conditional-user-configured",
        "direct-grant-validate-otp",
    ]


def test_config_credentials_keeps_the_tokens_in_a_private_file_and_prints_no_secret(
    shared: DoorkeepProcess, cli: Cli
) -> None:
    run = cli.log_in(shared.base_url)
    assert run.err.strip() == f"Logging into {shared.base_url} as user admin of realm master"
    assert stat.S_IMODE(cli.config.stat().st_mode) == 0o600
    assert stat.S_IMODE(cli.config.parent.stat().st_mode) == 0o700
    entry = cli.login_entry()
    assert entry["clientId"] == "admin-cli" and entry["token"] and entry["refreshToken"]
    for secret in (entry["token"], entry["refreshToken"]):
        assert secret not in run.out + run.err
    listing = cli.ok("get", "realms", "--fields", "realm", "--format", "csv")
    assert sorted(listing.out.split()) == ['"demo"', '"master"']
    assert entry["token"] not in listing.out + listing.err


def test_a_password_is_prompted_for_when_not_given_and_never_printed(
    server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    cli.log_in(server.base_url)
    ops = cli.ok("create", "users", "-r", "master", "-s", "username=ops", "-s", "enabled=true", "-i").out.strip()
    cli.ok(
        "update",
        f"users/{ops}/reset-password",
        "-r",
        "master",
        "-s",
        "type=password",
        "-s",
        "value=Ops-Pa55word!",
        "-s",
        "temporary=false",
        "--no-merge",
    )
    admin_role = cli.ok("get", "roles/admin", "-r", "master").json()
    cli.ok("create", f"users/{ops}/role-mappings/realm", "-r", "master", "-f", "-", stdin=f"[{json.dumps(admin_role)}]")

    other = Cli(tmp_path / "ops.config")
    run = other.ok(
        "config",
        "credentials",
        "--server",
        server.base_url,
        "--realm",
        "master",
        "--user",
        "ops",
        stdin="Ops-Pa55word!\n",
    )
    assert "Enter password" in run.err and "Ops-Pa55word!" not in run.out + run.err
    assert other.ok("get", "realms/demo", "--fields", "realm").json() == {"realm": "demo"}


def test_an_expired_access_token_is_refreshed_with_the_refresh_token(server: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(server.base_url)
    cli.ok("update", "realms/master", "-s", "accessTokenLifespan=2")
    cli.log_in(server.base_url)  # a token that lives 2 s
    before = cli.login_entry()
    time.sleep(3.1)  # a token is still valid in its exp second (iat + 2): three whole seconds on, surely not
    stale = httpx.get(f"{server.base_url}/admin/realms", headers={"Authorization": f"Bearer {before['token']}"})
    assert stale.status_code == 401
    assert cli.ok("get", "realms/demo", "--fields", "realm").json() == {"realm": "demo"}
    after = cli.login_entry()
    assert after["token"] != before["token"] and after["refreshToken"] != before["refreshToken"]
    assert stat.S_IMODE(cli.config.stat().st_mode) == 0o600


def test_an_expired_refresh_token_asks_to_log_in_again(shared: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(shared.base_url)
    cli.edit_login(expiresAt=1, refreshExpiresAt=1)
    assert cli.fails("get", "realms") == "Session has expired. Login again with 'doorkeep admin config credentials'"


def test_a_refresh_token_the_server_refuses_asks_to_log_in_again(server: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(server.base_url)
    admin = cli.ok("get", "users", "-r", "master", "-q", "username=admin", "-q", "exact=true").json()[0]
    cli.ok("create", f"users/{admin['id']}/logout", "-r", "master")  # ends the CLI's own session
    cli.edit_login(expiresAt=1)
    line = cli.fails("get", "realms")
    assert line.startswith("Failed to refresh access token - ") and "[invalid_grant]" in line
    assert line.endswith("Login again with 'doorkeep admin config credentials'")


def test_create_update_and_delete_work_as_kcadm(server: DoorkeepProcess, cli: Cli, tmp_path: Path) -> None:
    cli.log_in(server.base_url)
    created = cli.ok(
        "create",
        "clients",
        "-r",
        "demo",
        "-s",
        "clientId=cli-app",
        "-s",
        'redirectUris=["https://app.example/*"]',
        "-s",
        'attributes."pkce.code.challenge.method"=S256',
    )
    uuid = created.err.strip().removeprefix("Created new client with id '").removesuffix("'")
    assert created.out == "" and len(uuid) == 36, created.err
    client = cli.ok("get", f"clients/{uuid}", "-r", "demo").json()
    assert client["redirectUris"] == ["https://app.example/*"]
    assert client["attributes"]["pkce.code.challenge.method"] == "S256"

    updated = cli.ok(
        "update",
        f"clients/{uuid}",
        "-r",
        "demo",
        "-s",
        "enabled=false",
        "-o",
        "--fields",
        "clientId,enabled,redirectUris",
    ).json()
    assert updated == {"clientId": "cli-app", "enabled": False, "redirectUris": ["https://app.example/*"]}

    document = tmp_path / "user.json"
    document.write_text('{"username": "carol", "enabled": true}')
    user_id = cli.ok("create", "users", "-r", "demo", "-f", str(document), "-i").out.strip()
    assert cli.ok("get", f"users/{user_id}", "-r", "demo", "--fields", "username").json() == {"username": "carol"}
    from_stdin = cli.ok(
        "create", "users", "-r", "demo", "-f", "-", "-s", "enabled=true", "-i", stdin='{"username": "dave"}'
    ).out.strip()
    cli.ok("delete", f"users/{from_stdin}", "-r", "demo")
    assert cli.fails("get", f"users/{from_stdin}", "-r", "demo").startswith("Resource not found for url: ")
    assert (
        cli.ok("create", "realms", "-s", "realm=cli-realm", "-s", "enabled=true").err.strip()
        == "Created new realm with id 'cli-realm'"
    )


def test_not_before_set_now_refuses_older_tokens_and_clear_lets_them_refresh(server: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(server.base_url)
    token = offline_login(server.base_url)["refresh_token"]
    time.sleep(1.1)  # notBefore has a resolution of one second
    assert "Set the not-before of realm 'demo'" in cli.ok("not-before", "set-now", "-r", "demo").out
    assert refresh(server.base_url, token).status_code == 400
    cli.ok("not-before", "clear", "-r", "demo")
    assert refresh(server.base_url, token).status_code == 200
    assert cli.ok("get", "realms/demo", "--fields", "notBefore").json() == {"notBefore": 0}
    cli.ok("not-before", "set-now", "-r", "demo", "--client", "offline-access-portal")
    assert (
        cli.ok("get", "clients", "-r", "demo", "-q", "clientId=offline-access-portal", "--fields", "notBefore").json()[
            0
        ]["notBefore"]
        > 0
    )
    assert "Pushed the not-before of realm 'demo' to 0 admin URL(s)" in cli.ok("not-before", "push", "-r", "demo").out


def test_a_service_account_logs_in_with_its_secret_and_again_when_its_token_expires(
    server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    cli.log_in(server.base_url)
    uuid = cli.ok(
        "create",
        "clients",
        "-r",
        "master",
        "-s",
        "clientId=automation",
        "-s",
        "publicClient=false",
        "-s",
        "secret=automation-secret",
        "-s",
        "serviceAccountsEnabled=true",
        "-i",
    ).out.strip()
    account = cli.ok("get", f"clients/{uuid}/service-account-user", "-r", "master").json()
    admin_role = cli.ok("get", "roles/admin", "-r", "master").json()
    cli.ok(
        "create",
        f"users/{account['id']}/role-mappings/realm",
        "-r",
        "master",
        "-f",
        "-",
        stdin=f'[{{"id": "{admin_role["id"]}", "name": "admin"}}]',
    )

    robot = Cli(tmp_path / "robot.config")
    run = robot.ok(
        "config",
        "credentials",
        "--server",
        server.base_url,
        "--realm",
        "master",
        "--client",
        "automation",
        "--secret",
        "automation-secret",
    )
    assert "automation-secret" not in run.out + run.err and "service-account-automation" in run.err
    assert robot.ok("get", "realms/demo", "--fields", "realm").json() == {"realm": "demo"}
    robot.edit_login(expiresAt=1)
    assert robot.ok("offline-session-count", "-r", "demo", "--client", "offline-access-portal").out.strip() == "0"
    assert robot.login_entry()["expiresAt"] > 1


@pytest.mark.parametrize(
    ("args", "stdin", "expected"),
    [
        (
            ("get", "no-such-thing", "-r", "demo"),
            None,
            "Resource not found for url: {base}/admin/realms/demo/no-such-thing",
        ),
        (
            ("get", "clients", "-r", "no-such-realm"),
            None,
            "Resource not found for url: {base}/admin/realms/no-such-realm/clients",
        ),
        (("create", "clients", "-r", "demo", "-f", "-"), "{not json", "Not a valid JSON document - "),
        (("create", "clients", "-r", "demo", "-f", "/nonexistent/x.json"), None, "File not found: /nonexistent/x.json"),
        (("create", "clients", "-r", "demo", "-s", "noequals"), None, "Invalid key=value parameter: [noequals]"),
        (("create", "clients", "-r", "demo", "-s", "clientId=account"), None, "Client account already exists"),
        (("offline-sessions", "-r", "demo", "--client", "nobody"), None, "Client not found: nobody (realm demo)"),
        (("consents", "-r", "demo", "--user", "nobody"), None, "User not found: nobody (realm demo)"),
    ],
)
def test_bad_input_prints_one_clear_line_and_exits_non_zero(
    shared: DoorkeepProcess, cli: Cli, args: tuple[str, ...], stdin: str | None, expected: str
) -> None:
    cli.log_in(shared.base_url)
    assert cli.fails(*args, stdin=stdin).startswith(expected.format(base=shared.base_url))


def test_wrong_credentials_print_the_servers_message(shared: DoorkeepProcess, cli: Cli) -> None:
    line = cli.fails(
        "config",
        "credentials",
        "--server",
        shared.base_url,
        "--realm",
        "master",
        "--user",
        "admin",
        "--password",
        "wrong",
    )
    assert line == "Invalid user credentials [invalid_grant]"
    assert not cli.config.exists()


def test_a_server_that_is_down_and_a_missing_login_are_one_line_each(cli: Cli) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    line = cli.fails("config", "credentials", "--server", down, "--realm", "master", "--user", "a", "--password", "b")
    assert line.startswith("Failed to send request - ") and down in line
    # kcadm's ConfigUtil.checkServerInfo
    assert cli.fails("get", "realms") == "No server specified. Use --server, or 'doorkeep admin config credentials'."
