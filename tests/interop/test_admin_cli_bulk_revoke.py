"""``doorkeep admin revoke-offline-sessions`` end to end: a real CLI process against a real server (issue #13 3b)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interop.admin_cli_support import Cli, offline_login, refresh
from interop.server import DEMO_REALM, DoorkeepProcess, StartServer

pytestmark = pytest.mark.interop


@pytest.fixture
def server(start_server: StartServer) -> DoorkeepProcess:
    return start_server(import_realms=[DEMO_REALM])


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "home" / ".doorkeep" / "admin.config")


def test_the_dry_run_prints_a_table_then_the_real_run_ends_the_sessions_and_their_tokens(
    server: DoorkeepProcess, cli: Cli
) -> None:
    base = server.base_url
    cli.log_in(base)
    tokens = [offline_login(base)["refresh_token"] for _ in range(3)]
    criteria = ("-r", "demo", "--client", "offline-access-portal", "--user", "user1", "--ip", "127.0.0.0/8")

    preview = cli.ok("revoke-offline-sessions", *criteria, "--last-access-before", "2999-01-01", "--dry-run")
    lines = preview.out.splitlines()
    assert lines[0].split()[:6] == ["USER", "SESSION", "ID", "IP", "ADDRESS", "CLIENTS"]
    assert [line.split()[:1] + line.split()[2:4] for line in lines[1:4]] == [
        ["user1", "127.0.0.1", "offline-access-portal"]
    ] * 3
    assert lines[4] == "3 offline session(s) would be ended in realm 'demo' (showing 3)"
    for token in tokens:
        assert refresh(base, token).status_code == 200  # the dry run ended nothing

    done = cli.ok("revoke-offline-sessions", *criteria, "--started-before", "4102444800")
    assert done.out.strip() == "Ended 3 offline session(s) in realm 'demo'"
    for token in tokens:
        answer = refresh(base, token)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant", answer.text
    again = cli.ok("revoke-offline-sessions", *criteria)
    assert again.out.strip() == "Ended 0 offline session(s) in realm 'demo'"


def test_bad_criteria_are_one_clear_line(server: DoorkeepProcess, cli: Cli) -> None:
    cli.log_in(server.base_url)
    assert "at least one of" in cli("revoke-offline-sessions", "-r", "demo").err
    assert "Client not found" in cli.fails("revoke-offline-sessions", "-r", "demo", "--client", "nobody")
    assert "ipAddress must be an IP address" in cli.fails(
        "revoke-offline-sessions", "-r", "demo", "--ip", "10.0.0.0/99"
    )
    assert "not a date" in cli("revoke-offline-sessions", "-r", "demo", "--started-before", "soon").err


def test_device_label_picks_the_sessions_of_one_device_in_any_case(server: DoorkeepProcess, cli: Cli) -> None:
    base = server.base_url
    cli.log_in(base)
    laptop = offline_login(base, device_label="Work Laptop")["refresh_token"]
    phone = offline_login(base, device_label="phone")["refresh_token"]
    criteria = ("-r", "demo", "--device-label", "work laptop")

    preview = cli.ok("revoke-offline-sessions", *criteria, "--dry-run")
    lines = preview.out.splitlines()
    assert lines[0].split()[-1] == "DEVICE" and lines[1].endswith("Work Laptop")
    assert lines[2] == "1 offline session(s) would be ended in realm 'demo' (showing 1)"
    assert cli.ok("revoke-offline-sessions", *criteria).out.strip() == "Ended 1 offline session(s) in realm 'demo'"
    assert refresh(base, laptop).status_code == 400
    assert refresh(base, phone).status_code == 200
