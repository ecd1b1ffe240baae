"""coreos/go-oidc v2 and golang.org/x/oauth2 (Debian's golang-github-coreos-go-oidc-dev and
golang-golang-x-oauth2-dev, built offline from /usr/share/gocode) against a real Doorkeep: the realms they sign in
to, the build of their driver (tests/go_oidc/main.go) and the driver process, one JSON command a line."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
from pathlib import Path
from typing import Any

from interop.openid_client_support import REDIRECT, alice

SOURCE = Path(__file__).resolve().parents[1] / "go_oidc"
GOPATH = "/usr/share/gocode"  # where Debian's golang-*-dev packages put their sources
RS, ES, SHORT, ROTATE = "go-rs", "go-es", "go-short", "go-rotate"
WEB, WEB_SECRET = "go-web", "go-web-secret"
SERVICE, SERVICE_SECRET = "go-service", "go-service-secret"
ODD, ODD_SECRET = "go-odd", "s3cr+t/with:colon%and space"  # x/oauth2 form-encodes it in the Basic header
ALG_CLIENTS = {"PS256": "go-ps256", "ES384": "go-es384", "EdDSA": "go-eddsa"}  # their ID tokens' algorithm
SHORT_LIFESPAN = 3  # seconds: below x/oauth2's 10 s expiryDelta, so every token of go-short counts as expired


def _client(client_id: str, secret: str, **fields: Any) -> dict[str, Any]:
    return {"clientId": client_id, "enabled": True, "secret": secret, "redirectUris": [REDIRECT], **fields}


def realm_rep(name: str, *more_clients: dict[str, Any], **settings: Any) -> dict[str, Any]:
    """A realm with ``go-web`` (code flow with PKCE S256 required, and the password grant), ``go-service``
    (client credentials only) and ``more_clients``, and alice."""
    return {
        "realm": name,
        "enabled": True,
        **settings,
        "clients": [
            _client(WEB, WEB_SECRET, directAccessGrantsEnabled=True, attributes={"pkce.code.challenge.method": "S256"}),
            _client(SERVICE, SERVICE_SECRET, standardFlowEnabled=False, serviceAccountsEnabled=True),
            *more_clients,
        ],
        "users": [alice(name)],
    }


def realm_reps() -> list[dict[str, Any]]:
    """RS256 (Keycloak's default), ES256 as the realm's default algorithm (a fallback-ES256 key made on first use),
    three-second tokens with rotating refresh tokens, and one whose keys a test rotates. The RS256 realm also has
    a client whose secret needs encoding and a client for each other algorithm its ID tokens are signed with."""
    by_alg = [
        _client(client, WEB_SECRET, directAccessGrantsEnabled=True, attributes={"id.token.signed.response.alg": alg})
        for alg, client in ALG_CLIENTS.items()
    ]
    odd = _client(ODD, ODD_SECRET, standardFlowEnabled=False, serviceAccountsEnabled=True)
    return [
        realm_rep(RS, odd, *by_alg),
        realm_rep(ES, defaultSignatureAlgorithm="ES256"),
        realm_rep(SHORT, accessTokenLifespan=SHORT_LIFESPAN, revokeRefreshToken=True, refreshTokenMaxReuse=0),
        realm_rep(ROTATE),
    ]


def start_build(folder: Path) -> subprocess.Popen[str]:
    """``go build`` of the driver into ``folder`` in the background (GOPATH mode: no module proxy, no network)."""
    go = shutil.which("go")
    assert go is not None, "Go is needed: scripts/ensure-system-deps.sh installs golang-go and the libraries"
    assert (Path(GOPATH) / "src/github.com/coreos/go-oidc/verify.go").is_file(), "run scripts/ensure-system-deps.sh"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GO")}
    env |= {"GO111MODULE": "off", "GOPATH": GOPATH, "GOCACHE": str(folder / "cache"), "GOFLAGS": "", "GOPROXY": "off"}
    return subprocess.Popen(
        [go, "build", "-ldflags=-s -w", "-o", str(folder / "go-oidc-driver"), "."],  # no debug info: a faster link
        cwd=SOURCE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish_build(build: subprocess.Popen[str], folder: Path) -> Path:
    """Wait for the build; the driver's path."""
    output, _ = build.communicate(timeout=120)
    assert build.returncode == 0, f"go build failed:\n{output}"
    return folder / "go-oidc-driver"


class GoDriver:
    """One driver process: its providers, tokens and token sources live across commands."""

    def __init__(self, binary: Path, issuer_base: str) -> None:
        self.issuer_base = issuer_base
        self._process = subprocess.Popen(
            [str(binary)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def issuer(self, realm: str) -> str:
        return f"{self.issuer_base}/realms/{realm}"

    def call(self, op: str, realm: str = RS, **fields: Any) -> dict[str, Any]:
        """Send one command (on ``realm``'s issuer unless ``issuer`` is given); its answer, ``ok`` or ``error``."""
        assert self._process.stdin is not None and self._process.stdout is not None
        command = {"op": op, "issuer": self.issuer(realm), **fields}
        self._process.stdin.write(json.dumps(command) + "\n")
        self._process.stdin.flush()
        ready, _, _ = select.select([self._process.stdout], [], [], 30)
        assert ready, f"the driver did not answer {op} within 30 s"
        line = self._process.stdout.readline()
        assert line, f"the driver died on {op}: {self._stderr()}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def ok(self, op: str, realm: str = RS, **fields: Any) -> Any:
        """A command's value; a command the library refused fails the test with what it said."""
        answer = self.call(op, realm, **fields)
        assert "error" not in answer, f"{op}: {answer}"
        return answer["ok"]

    def refused(self, op: str, realm: str = RS, **fields: Any) -> dict[str, Any]:
        """A command the library must refuse: its error."""
        answer = self.call(op, realm, **fields)
        assert "error" in answer, f"{op} was accepted: {answer}"
        return answer

    def _stderr(self) -> str:
        self._process.kill()
        _, err = self._process.communicate(timeout=10)
        return err

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        code = self._process.wait(10)
        assert self._process.stdout is not None and self._process.stderr is not None
        self._process.stdout.close()
        self._process.stderr.close()
        assert code == 0, f"the driver exited with {code}"


def claims(jwt: str) -> dict[str, Any]:
    """A JWT's payload, read without checking (the driver checks)."""
    return dict(json.loads(_b64(jwt.split(".")[1])))


def header(jwt: str) -> dict[str, Any]:
    return dict(json.loads(_b64(jwt.split(".")[0])))


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
