"""docs/admin-cli.md's offline-access tasks, run as written: two offline logins of the demo user, then the
shortcuts that count, list, sum up and revoke them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.admin_cli_support import Cli
from interop.docs_examples import demo_cli, run_example
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture
def cli(tmp_path: Path, engine_server: DoorkeepProcess) -> Iterator[Cli]:
    with demo_cli(tmp_path, engine_server) as cli:
        yield cli


def test_the_documented_shortcuts_count_list_and_revoke_the_demo_users_offline_sessions(
    engine_server: DoorkeepProcess, cli: Cli, tmp_path: Path
) -> None:
    lines = run_example(cli, engine_server, "admin-cli.md", "admin-cli-offline", tmp_path).splitlines()

    assert lines[0] == "2", lines
    assert lines[1].split() == ["USER", "SESSION", "ID", "IP", "ADDRESS", "STARTED", "(UTC)", "LAST", "ACCESS", "(UTC)"]
    assert [line.split()[0] for line in lines[2:4]] == ["user1", "user1"]
    assert lines[4].split() == ["CLIENT", "ONLINE", "OFFLINE"]
    assert lines[5].split() == ["offline-access-portal", "0", "2"]
    assert lines[6].split()[:2] == ["CLIENT", "GRANTED"]
    assert lines[7].split() == ["offline-access-portal", "yes"]
    assert lines[8] == (
        "Revoked the consent and offline tokens of user 'user1' for client 'offline-access-portal' in realm 'demo'"
    )
    assert lines[9:] == ["0"]
