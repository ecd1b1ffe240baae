"""``doorkeep bootstrap-admin user`` run at the moment a server first starts on the same empty PostgreSQL database:
real processes. Both migrate (one after the other, under the migration lock) and then both look for master at
nearly the same instant; the creations of master are queued (RealmRepo.serialize_creation, as Keycloak's boot runs
under its global KEYCLOAK_BOOT lock), so the command succeeds, the server starts, master exists once, and the
temporary admin logs in. Never a duplicate key.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest

from doorkeep.store.database import Database
from interop.server import ADMIN_USERNAME, DoorkeepProcess
from interop.test_bootstrap_admin import bootstrap

pytestmark = [pytest.mark.interop, pytest.mark.postgres]
PASSWORD = "Rescue-pw-3e71b0"


async def _master_users(url: str) -> tuple[int, list[str]]:
    db = Database(url, pool_size=1)
    try:
        async with db.transaction(write=False) as tx:
            masters = [r for r in await tx.realms.list() if r.name == "master"]
            return len(masters), sorted(u.username for u in await tx.users.search(masters[0].id))
    finally:
        await db.dispose()


@pytest.mark.parametrize("attempt", [1, 2])  # the race is the processes' own timing: before the fix 1 in 3 failed
def test_bootstrap_admin_during_the_first_start_makes_one_master_and_both_succeed(
    tmp_path: Path, postgres_url: str, attempt: int
) -> None:
    results: list[object] = []
    command = threading.Thread(
        target=lambda: results.append(
            bootstrap(
                "user",
                "--db-url",
                postgres_url,
                "--username",
                "rescuer",
                "--password:env",
                "RESCUE_PW",
                env={"RESCUE_PW": PASSWORD},
            )
        )
    )
    server = DoorkeepProcess(tmp_path / "server", db_url=postgres_url)
    command.start()
    try:
        server.start()
        command.join(120)
        made = results[0]
        assert made.returncode == 0, made.stderr  # type: ignore[attr-defined]
        assert made.stdout.strip() == "Created temporary admin user with username rescuer"  # type: ignore[attr-defined]
        form = {"grant_type": "password", "client_id": "admin-cli", "username": "rescuer", "password": PASSWORD}
        response = httpx.post(f"{server.base_url}/realms/master/protocol/openid-connect/token", data=form, timeout=10)
        assert response.status_code == 200, response.text
    finally:
        command.join(120)
        server.stop()
    masters, users = asyncio.run(_master_users(postgres_url))
    # The server first: its bootstrap admin and the command's; the command first: the server finds master and
    # creates no admin (as when it starts on a database that has one).
    assert masters == 1 and users in (["rescuer"], sorted([ADMIN_USERNAME, "rescuer"])), users
    log = server.output()
    assert "duplicate key" not in log and PASSWORD not in log
