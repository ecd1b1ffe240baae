"""oidc-agent 4.2 (Debian's ``oidc-agent-cli``) against a real Doorkeep: the realm it signs in to, and an agent
process with its own home, socket and configuration folder (never the real ``~``), driven through ``oidc-gen``,
``oidc-add`` and ``oidc-token`` with non-interactive flags only. The user's side of the device flow and of the code
flow is plain HTTP (interop.openid_client_support.log_in)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import IO, Any

import httpx

from interop.openid_client_support import alice, log_in

REALM = "agent"
PRE, PRE_SECRET = "agent-pre", "agent-pre-secret"  # pre-registered: device flow and code flow with a local redirect
LIFESPAN = 10  # seconds an access token lives: oidc-token must refresh within a test
PASSPHRASE_CMD = "--pw-cmd=echo agent-file-passphrase"  # the agent's files are encrypted with it
CODE_LINE = re.compile(r"enter the code: (\S+)")


def realm_rep(redirect_port: int) -> dict[str, Any]:
    """Short access tokens and refresh-token rotation (each refresh token used once, as a cautious site sets it),
    the pre-registered confidential client with the device grant on, and alice (offline_access among her roles)."""
    return {
        "realm": REALM,
        "enabled": True,
        "accessTokenLifespan": LIFESPAN,
        "revokeRefreshToken": True,
        "refreshTokenMaxReuse": 0,
        "clients": [
            {
                "clientId": PRE,
                "enabled": True,
                "secret": PRE_SECRET,
                "redirectUris": [f"http://localhost:{redirect_port}/*"],
                "attributes": {
                    "oauth2.device.authorization.grant.enabled": "true",
                    "oauth2.device.polling.interval": "1",
                },
            }
        ],
        "users": [alice(REALM)],
    }


class Agent:
    """``oidc-agent -d`` (in the foreground, so this process owns it) in ``home``; the tools talk to it through
    ``OIDC_SOCK``. ``stop`` ends it by its own process id."""

    def __init__(self, home: Path) -> None:
        for tool in ("oidc-agent", "oidc-gen", "oidc-add", "oidc-token"):
            assert shutil.which(tool), f"{tool} is missing: scripts/ensure-system-deps.sh installs oidc-agent-cli"
        self.home = home
        self.socket = home / "run" / "agent.sock"
        self.log_path = home / "agent.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "TMPDIR": str(self.home / "tmp"),
            "OIDC_SOCK": str(self.socket),
            "LANG": "C.UTF-8",
        }

    def start(self) -> None:
        for folder in (self.socket.parent, self.home / "tmp"):
            folder.mkdir(parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        self._log = self.log_path.open("ab")
        command = [
            "oidc-agent",
            "-d",
            "--no-autoreauthenticate",
            "--always-allow-idtoken",
            "--pw-store",
            "-a",
            str(self.socket),
        ]
        self._process = subprocess.Popen(
            command, env=self.env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while not self.socket.exists():
            assert self._process.poll() is None, f"oidc-agent exited: {self.output()}"
            assert time.monotonic() < deadline, f"oidc-agent made no socket: {self.output()}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def run(self, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """One tool's run, its standard input empty (a prompt reads end of file)."""
        return subprocess.run(
            list(args), env=self.env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
        )

    def ok(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"{args[0]} failed ({done.returncode}): {done.stdout}{done.stderr}"
        return done.stdout.strip()

    def token(self, account: str, *flags: str) -> str:
        return self.ok("oidc-token", *flags, account)

    def config(self, account: str) -> dict[str, Any]:
        """The account's configuration file as oidc-gen decrypts it."""
        return dict(json.loads(self.ok("oidc-gen", "-p", account, PASSPHRASE_CMD)))

    def generate(self, account: str, issuer: str, *flags: str, user: Any = None) -> tuple[int, str]:
        """``oidc-gen`` for ``account`` on ``issuer``; ``user(line)`` acts on each line it prints (the user's side
        of the flow). Its exit code and output (the QR code's lines dropped)."""
        command = ["oidc-gen", f"--iss={issuer}", PASSPHRASE_CMD, "--no-url-call", "--confirm-default", *flags]
        process = subprocess.Popen(
            [*command, account],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdout is not None
        lines: list[str] = []
        try:
            for line in process.stdout:
                if "\x1b[" in line:
                    continue  # the QR code
                lines.append(line)
                if user is not None:
                    user(line)
            process.wait(30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        return process.returncode, "".join(lines)


def approve_device(issuer: str) -> Any:
    """The user's side of the device flow: at the code oidc-gen prints, sign in at ``/device`` and approve."""

    def act(line: str) -> None:
        if found := CODE_LINE.search(line):
            log_in(f"{issuer}/device?user_code={found.group(1)}", back_to=f"{issuer}/device/status")

    return act


def follow_code_flow(issuer: str, redirect: str) -> Any:
    """The user's side of the code flow: open the authorization URL oidc-gen prints, sign in, and let the browser
    land on the agent's own web server at ``redirect``."""

    def act(line: str) -> None:
        url = line.strip()
        if url.startswith(f"{issuer}/protocol/openid-connect/auth?"):
            landing = log_in(url, back_to=redirect)
            httpx.get(landing.url, timeout=20)

    return act
