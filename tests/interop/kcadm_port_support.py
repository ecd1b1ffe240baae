"""The realm KcAdm*Test runs against (AbstractAdmCliTest.addTestRealms), made with ``doorkeep admin`` itself.

Realm ``test``: ``user1``/``userpass`` with realm-admin; ``admin-cli-secret`` (a service account with
realm-admin, no direct grants) and ``admin-cli-secret-direct`` (direct grants), both with secret ``password``.
The signed-JWT clients (``admin-cli-jwt*``) need a Java keystore and are not ported.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interop.admin_cli_support import Cli
from interop.server import DEMO_REALM, DoorkeepProcess


def lines(text: str) -> list[str]:
    """A stream's lines as KcAdmExec counts them in these assertions (the blank line kcadm adds on stderr
    after a body without a final newline is not counted: ``get`` with a login has one stderr line)."""
    return [line for line in text.splitlines() if line]


def make_test_realm(cli: Cli) -> None:
    cli.ok("create", "realms", "-s", "realm=test", "-s", "enabled=true")
    cli.ok(
        "create", "users", "-r", "test", "-s", "username=user1", "-s", "enabled=true", "-s", "email=user1@test.example",
        "-s", "firstName=User", "-s", "lastName=One",
    )  # fmt: skip
    cli.ok("set-password", "-r", "test", "--username", "user1", "--new-password", "userpass")
    cli.ok(
        "add-roles",
        "-r",
        "test",
        "--uusername",
        "user1",
        "--cclientid",
        "realm-management",
        "--rolename",
        "realm-admin",
    )
    secret = ["-s", "secret=password", "-s", "publicClient=false"]
    cli.ok("create", "clients", "-r", "test", "-s", "clientId=admin-cli-secret", "-s", "serviceAccountsEnabled=true",
           "-s", "directAccessGrantsEnabled=false", *secret)  # fmt: skip
    cli.ok(
        "add-roles", "-r", "test", "--uusername", "service-account-admin-cli-secret", "--cclientid", "realm-management",
        "--rolename", "realm-admin",
    )  # fmt: skip
    cli.ok(
        "create",
        "clients",
        "-r",
        "test",
        "-s",
        "clientId=admin-cli-secret-direct",
        "-s",
        "directAccessGrantsEnabled=true",
        *secret,
    )


def kcadm_server(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[DoorkeepProcess]:
    """A module's server: Doorkeep with the demo realm and ``make_test_realm`` made through ``doorkeep admin``
    (a setup login of its own), stopped when the module is done."""
    process = DoorkeepProcess(tmp_path_factory.mktemp(name), import_realms=[DEMO_REALM])
    process.start()
    setup = Cli(tmp_path_factory.mktemp(f"{name}-setup") / "admin.config")
    setup.log_in(process.base_url)
    make_test_realm(setup)
    yield process
    process.stop()
