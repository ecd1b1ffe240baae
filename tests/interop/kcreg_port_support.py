"""Running ``doorkeep reg`` as a real process against a real server (the KcReg*Test ports)."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interop.admin_cli_support import Cli, Run
from interop.server import DOORKEEP


@dataclass(frozen=True)
class Reg:
    """``doorkeep reg …`` with its own config file (``$DOORKEEP_REG_CONFIG``)."""

    config: Path

    def __call__(self, *args: str, stdin: str | None = None) -> Run:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
        environ["DOORKEEP_REG_CONFIG"] = str(self.config)
        done = subprocess.run(
            [str(DOORKEEP), "reg", *args], input=stdin, capture_output=True, text=True, env=environ, timeout=60
        )
        assert "Traceback" not in done.stderr, done.stderr
        return Run(done.returncode, done.stdout, done.stderr)

    def ok(self, *args: str, stdin: str | None = None) -> Run:
        run = self(*args, stdin=stdin)
        assert run.code == 0, f"doorkeep reg {' '.join(args)} failed ({run.code}): {run.err}"
        return run

    def stored(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.config.read_text())
        return data

    def realm_entry(self, server: str, realm: str) -> dict[str, Any]:
        entry: dict[str, Any] = self.stored()["endpoints"][server][realm]
        return entry

    def registration_token(self, server: str, realm: str, client_id: str) -> str:
        token: str = self.realm_entry(server, realm)["clients"][client_id]
        return token


def make_reg_realm(admin: Cli) -> None:
    """AbstractRegCliTest.addTestRealms, the parts that need no keystore: realm ``test`` with ``user1``/``userpass``
    holding realm-management's manage-clients (with the email and names Keycloak 26's user profile asks for, else
    its login is "Account is not fully set up"); ``reg-cli-secret`` (a service account with manage-clients, no
    direct grants) and ``reg-cli-secret-direct`` (direct grants), both with secret ``password``."""
    admin.ok("create", "realms", "-s", "realm=test", "-s", "enabled=true")
    admin.ok("create", "users", "-r", "test", "-s", "username=user1", "-s", "enabled=true",
             "-s", "email=user1@test.example", "-s", "firstName=User", "-s", "lastName=One")  # fmt: skip
    admin.ok("set-password", "-r", "test", "--username", "user1", "--new-password", "userpass")
    grant = ["-r", "test", "--cclientid", "realm-management", "--rolename", "manage-clients"]
    admin.ok("add-roles", "--uusername", "user1", *grant)
    secret = ["-s", "secret=password", "-s", "publicClient=false"]
    admin.ok("create", "clients", "-r", "test", "-s", "clientId=reg-cli-secret", "-s", "serviceAccountsEnabled=true",
             "-s", "directAccessGrantsEnabled=false", *secret)  # fmt: skip
    admin.ok("add-roles", "--uusername", "service-account-reg-cli-secret", *grant)
    admin.ok("create", "clients", "-r", "test", "-s", "clientId=reg-cli-secret-direct",
             "-s", "directAccessGrantsEnabled=true", *secret)  # fmt: skip
