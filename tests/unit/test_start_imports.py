"""What ``doorkeep start`` imports before it serves (issue #8: time to ready): not the admin CLI, not
httpx (only backchannel deliveries use it, imported when one is sent), not Alembic (a database already
at the newest migration is not handed to it)."""

from __future__ import annotations

import subprocess
import sys

PROBE = (
    "import sys, doorkeep.cli, doorkeep.app;"
    "print(sorted(m for m in ('doorkeep.admincli.commands', 'httpx', 'alembic') if m in sys.modules))"
)


def test_the_server_command_and_the_app_load_without_the_admin_cli_httpx_or_alembic() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_admin_cli_is_still_a_command_of_doorkeep() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from doorkeep.cli import main; main()", "admin", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "kcadm.sh" in done.stdout
