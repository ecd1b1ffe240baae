"""``doorkeep bootstrap-admin user|service`` as a locked-out operator runs it: the real command against SQLite and
PostgreSQL, then a real server where the temporary admin (or service account) reads the admin API."""

from __future__ import annotations

import os
import pty
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from interop.server import DOORKEEP, DoorkeepProcess

pytestmark = pytest.mark.interop

PASSWORD = "Recovery-pw-8c1f2e"  # asserted absent from every output
SECRET = "Recovery-secret-5d0a77"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'server' / 'data' / 'doorkeep.db'}"


def bootstrap(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command, without a terminal (standard input is not one)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
    return subprocess.run(
        [str(DOORKEEP), "bootstrap-admin", *args],
        env={**environ, **(env or {})},
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def token(server: DoorkeepProcess, form: dict[str, str]) -> str:
    url = f"{server.base_url}/realms/master/protocol/openid-connect/token"
    response = httpx.post(url, data=form, timeout=10)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def realms(server: DoorkeepProcess, access_token: str) -> list[str]:
    response = httpx.get(f"{server.base_url}/admin/realms", headers={"Authorization": f"Bearer {access_token}"})
    assert response.status_code == 200, response.text
    return [realm["realm"] for realm in response.json()]


def serve_and_check(tmp_path: Path, db_url: str, login: Callable[[DoorkeepProcess], str]) -> str:
    """Start a server on the database, read the admin API as ``login`` authenticates; the server's output."""
    server = DoorkeepProcess(tmp_path / "server", db_url=db_url)
    server.start()
    try:
        assert "master" in realms(server, login(server))
    finally:
        server.stop()
    return server.output()


def test_a_temporary_admin_user_made_offline_reads_the_admin_api_and_a_second_run_is_refused(
    tmp_path: Path, db_url: str
) -> None:
    (tmp_path / "server" / "data").mkdir(parents=True)
    env = {"RECOVERY_PW": PASSWORD}
    made = bootstrap("user", "--db-url", db_url, "--username", "rescuer", "--password:env", "RECOVERY_PW", env=env)
    again = bootstrap(
        "--no-prompt", "user", "--db-url", db_url, "--username=Rescuer", "--password:env=RECOVERY_PW", env=env
    )

    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Created temporary admin user with username rescuer" and not made.stderr
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.strip() == "Error: Failed to add user 'Rescuer' to realm 'master': user with username exists"
    form = {"grant_type": "password", "client_id": "admin-cli", "username": "rescuer", "password": PASSWORD}
    log = serve_and_check(tmp_path, db_url, lambda server: token(server, form))
    assert PASSWORD not in made.stdout + made.stderr + again.stderr + log


def test_a_temporary_admin_service_account_made_offline_reads_the_admin_api_and_a_second_run_is_refused(
    tmp_path: Path, db_url: str
) -> None:
    (tmp_path / "server" / "data").mkdir(parents=True)
    env = {"RECOVERY_SECRET": SECRET}
    made = bootstrap("service", "--db-url", db_url, "--client-secret:env", "RECOVERY_SECRET", "--no-prompt", env=env)
    again = bootstrap("service", "--db-url", db_url, "--client-secret:env", "RECOVERY_SECRET", "--no-prompt", env=env)

    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Created temporary admin service account with client id temp-admin"
    assert again.returncode == 1
    assert again.stderr.strip() == (
        "Error: Failed to add client 'temp-admin' to realm 'master': client with client ID exists"
    )
    form = {"grant_type": "client_credentials", "client_id": "temp-admin", "client_secret": SECRET}
    log = serve_and_check(tmp_path, db_url, lambda server: token(server, form))
    assert SECRET not in made.stdout + made.stderr + again.stderr + log


@pytest.mark.parametrize(
    "args, env, code, message",
    [
        (["user", "--no-prompt"], {}, 2, "Error: No password provided"),
        (["service", "--no-prompt"], {}, 2, "Error: No client secret provided"),
        (
            ["user", "--username", "a", "--password:env", "MY_PASSWORD"],
            {},
            2,
            "Environment variable MY_PASSWORD not found",
        ),
        (
            ["user", "--username:env", "WHO", "--password:env", "PW"],
            {"PW": "x"},
            2,
            "Environment variable WHO not found",
        ),
        (["user", "--password:env", "PW"], {"PW": "  "}, 2, "Error: Password must not be blank"),
        (["user"], {}, 1, "Error: Console is not active, but password is required"),
        (["service"], {}, 1, "Error: Console is not active, but client secret is required"),
        (
            ["user", "--username", "a", "--username:env", "B", "--password:env", "PW"],
            {"PW": "x"},
            2,
            "mutually exclusive",
        ),
        (["user", "--expiration", "60"], {}, 2, "No such option '--expiration'"),
    ],
)
def test_bad_input_is_refused_with_keycloaks_message_and_writes_nothing(
    tmp_path: Path, args: list[str], env: dict[str, str], code: int, message: str
) -> None:
    db = tmp_path / "x.db"
    done = bootstrap(*args, "--db-url", f"sqlite:///{db}", env=env)
    assert (done.returncode, done.stdout) == (code, ""), done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not db.exists()


def test_on_a_terminal_the_username_and_twice_the_hidden_password_are_asked(tmp_path: Path) -> None:
    """Keycloak's IoUtils prompts: "Enter username [temp-admin]:", then the password twice, not echoed."""
    db = tmp_path / "x.db"
    typed = ["\n", f"{PASSWORD}\n", f"{PASSWORD}-typo\n"]
    first, screen_first = _on_terminal(["user", "--db-url", f"sqlite:///{db}"], typed)
    typed = ["\n", f"{PASSWORD}\n", f"{PASSWORD}\n"]
    second, screen = _on_terminal(["user", "--db-url", f"sqlite:///{db}"], typed)

    assert first == 2 and "Passwords do not match" in screen_first
    assert second == 0, screen
    assert "Enter username [temp-admin]:" in screen and "Enter password again:" in screen
    assert "Created temporary admin user with username temp-admin" in screen
    assert PASSWORD not in screen + screen_first  # hidden input is not echoed


def _on_terminal(args: list[str], typed: list[str]) -> tuple[int, str]:
    """Run the command with a pseudo-terminal as its standard input and output; the exit code and the screen."""
    controller, terminal = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
    process = subprocess.Popen(
        [str(DOORKEEP), "bootstrap-admin", *args], stdin=terminal, stdout=terminal, stderr=terminal, env=environ
    )
    os.close(terminal)
    screen = b""
    for answer in typed:
        screen += _read_until_prompt(controller)
        os.write(controller, answer.encode())
    code = process.wait(timeout=120)
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        screen += chunk
    os.close(controller)
    return code, screen.decode(errors="replace")


def _read_until_prompt(controller: int) -> bytes:
    seen = b""
    while not seen.rstrip().endswith(b":"):
        seen += os.read(controller, 1024)
    return seen


def test_a_password_masters_policy_refuses_is_refused_with_its_message_and_nothing_is_written(tmp_path: Path) -> None:
    import asyncio
    import dataclasses

    from doorkeep.realms.bootstrap import create_master
    from doorkeep.store.database import Database

    url = f"sqlite:///{tmp_path / 'x.db'}"

    async def master_with_policy() -> None:
        db = Database(url)
        try:
            await db.migrate()
            async with db.transaction() as tx:
                realm = await create_master(tx, 1)
                await tx.realms.update(dataclasses.replace(realm, password_policy="length(40)"))
        finally:
            await db.dispose()

    asyncio.run(master_with_policy())
    done = bootstrap("user", "--db-url", url, "--password:env", "PW", env={"PW": PASSWORD})
    again = bootstrap("user", "--db-url", url, "--password:env", "PW", env={"PW": PASSWORD * 3})

    assert done.returncode == 1 and done.stderr.strip() == "Error: Invalid password: minimum length 40."
    assert again.returncode == 0, again.stderr  # temp-admin was not written by the refused run
