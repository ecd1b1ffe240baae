"""A real ``doorkeep start-dev`` process on 127.0.0.1, for tests that drive it with third-party clients."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import http.client
import ipaddress
import json
import os
import signal
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from doorkeep.clock import SystemClock
from doorkeep.model import Client, ProtocolMapper, User
from doorkeep.realms import provisioning
from doorkeep.realms.bootstrap import set_password
from doorkeep.store.database import Database
from ports import free_port as free_port  # re-exported: other interop modules import it from here

DOORKEEP = Path(sys.executable).parent / "doorkeep"  # .venv/bin/doorkeep next to .venv/bin/python
DEMO_REALM = Path(__file__).resolve().parents[2] / "examples" / "demo-realm.json"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for ``127.0.0.1`` and ``localhost`` signed by its own key, and that key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def port_from_env() -> int:
    """A free port, within ``DOORKEEP_TEST_PORTS`` when set (tests/ports.py)."""
    return free_port()


def other_free_port(taken: int) -> int:
    """A free port that is not ``taken`` (the main port, not bound yet when the management port is chosen)."""
    while (port := free_port()) == taken:
        pass
    return port


class ServerFailed(RuntimeError):
    """The server died or never became ready; the message carries its output."""


class DoorkeepProcess:
    """One ``doorkeep start-dev`` server: started in ``workdir`` (so ``./data/`` lives there), restartable.

    ``stop()`` sends SIGTERM to this process only and waits, then SIGKILLs; ``kill9()`` SIGKILLs at once.
    ``start()`` again reuses the same data directory and port. The output of every run is appended to
    ``workdir/doorkeep.log``. With ``tls`` (certificate and key files) it serves HTTPS
    (``--https-certificate-file``); clients trust it with ``verify=server.ssl_context()``. ``relative_path``
    (``/auth``) is passed as ``--http-relative-path`` and ends ``base_url``; ``options`` go after the rest.
    Every run gets ``--http-management-port`` (``management_port``, a free port of its own), so servers with
    health or metrics on do not all reach for Keycloak's 9000 when tests run in parallel.
    """

    def __init__(
        self,
        workdir: Path,
        *,
        port: int | None = None,
        db_url: str | None = None,
        import_realms: Sequence[Path] = (),
        startup_timeout: float = 60.0,
        tls: tuple[Path, Path] | None = None,
        relative_path: str = "",
        options: Sequence[str] = (),
    ) -> None:
        self.workdir = workdir
        self.tls = tls
        self.relative_path = relative_path
        self.options = tuple(options)
        self.port = port or free_port()
        self.management_port = other_free_port(self.port)
        self.db_url = db_url
        self.import_realms = tuple(import_realms)
        self.startup_timeout = startup_timeout
        self.log_path = workdir / "doorkeep.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{self.relative_path}"

    @property
    def certificate(self) -> str | None:
        """The certificate file of an HTTPS server, the one its clients trust."""
        return str(self.tls[0]) if self.tls else None

    def ssl_context(self) -> ssl.SSLContext | None:
        """What a client verifies this HTTPS server with (its own certificate trusted); None over HTTP."""
        return ssl.create_default_context(cafile=self.certificate) if self.tls else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def command(self) -> list[str]:
        cmd = [str(DOORKEEP), "start-dev", "--http-host", "127.0.0.1", "--http-port", str(self.port)]
        cmd += ["--http-management-port", str(self.management_port)]
        if self.db_url:
            cmd += ["--db-url", self.db_url]
        for path in self.import_realms:
            cmd += ["--import-realm", str(path)]
        if self.tls:
            cmd += ["--https-certificate-file", str(self.tls[0]), "--https-certificate-key-file", str(self.tls[1])]
        if self.relative_path:
            cmd += ["--http-relative-path", self.relative_path]
        return cmd + list(self.options)

    def start(self) -> None:
        """Start the server and return once ``GET /realms/master`` answers 200."""
        if self.running:
            raise RuntimeError("the server is already running")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOORKEEP_")}
        env["DOORKEEP_BOOTSTRAP_ADMIN_USERNAME"] = ADMIN_USERNAME
        env["DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        # A test server stops at once unless its test asks for Keycloak's 1 s delay (or another) with
        # ``--shutdown-delay``: a flag outranks this variable. ~28 fixtures stop a server, some several times.
        env["DOORKEEP_SHUTDOWN_DELAY"] = "0"
        env["PYTHONUNBUFFERED"] = "1"  # nothing lost in a buffer when the process is killed
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._log.write(f"--- {' '.join(self.command())}\n".encode())
        self._log.flush()
        self._process = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a SIGKILL reaches the worker processes too
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.kill9()
            raise

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.base_url}/realms/master"
        while time.monotonic() < deadline:
            assert self._process is not None
            code = self._process.poll()
            if code is not None:
                raise ServerFailed(f"doorkeep exited with {code} before it was ready:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=2, context=self.ssl_context()) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, http.client.HTTPException):
                # HTTPException: before the server listens, a connection to a port in the ephemeral range can
                # meet itself (TCP simultaneous open) and read its own request back as a bad status line.
                pass
            time.sleep(0.02)  # a server is ready ~1 s after its start: a finer poll answers sooner
        raise ServerFailed(f"doorkeep did not answer {url} within {self.startup_timeout} s:\n{self.output()}")

    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, wait up to ``timeout`` seconds, then SIGKILL; the exit code."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._kill_group()
                self._process.wait()
        return self._finish()

    def kill9(self) -> int:
        """SIGKILL: the server gets no chance to flush or clean up."""
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._kill_group()
            self._process.wait()
        return self._finish()

    def _kill_group(self) -> None:
        """SIGKILL the server and every process it started (uvicorn's workers would outlive it and keep
        its port)."""
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)

    def _signal(self, signum: signal.Signals) -> None:
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError):  # it may have exited on its own meanwhile
            os.kill(self._process.pid, signum)

    def _finish(self) -> int:
        assert self._process is not None
        code = self._process.returncode
        self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return int(code)

    def admin_token(self) -> str:
        """An access token of master's ``admin`` through ``admin-cli`` (password grant)."""
        form = {
            "grant_type": "password",
            "client_id": "admin-cli",
            "username": ADMIN_USERNAME,
            "password": ADMIN_PASSWORD,
        }
        request = urllib.request.Request(
            f"{self.base_url}/realms/master/protocol/openid-connect/token", data=urllib.parse.urlencode(form).encode()
        )
        with urllib.request.urlopen(request, timeout=10, context=self.ssl_context()) as response:
            return str(json.loads(response.read())["access_token"])

    def output(self) -> str:
        """Everything the server printed so far, across restarts."""
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass(frozen=True)
class SeedRealm:
    """A realm written straight into a data directory before the server starts (no admin API needed).

    ``app`` is a confidential client with direct access grants; ``service`` a confidential client with a
    service account. The user has first/last name and email, so no required action blocks the password grant.
    """

    name: str = "interop"
    client_id: str = "interop-app"
    client_secret: str = "interop-app-secret"
    service_client_id: str = "interop-service"
    service_client_secret: str = "interop-service-secret"
    username: str = "alice"
    password: str = "alice-password"
    email: str = "alice@example.com"
    first_name: str = "Alice"
    last_name: str = "Liddell"
    email_verified: bool = True
    revoke_refresh_token: bool = False

    @classmethod
    def from_realm_json(cls, path: Path) -> SeedRealm:
        """Describe a realm-export file's realm: its first confidential direct-grant client, first password user."""
        data = json.loads(path.read_text())
        client = next(c for c in data["clients"] if c.get("secret") and c.get("directAccessGrantsEnabled"))
        user = next(u for u in data["users"] if any(c.get("type") == "password" for c in u.get("credentials", [])))
        password = next(c["value"] for c in user["credentials"] if c.get("type") == "password")
        return cls(
            name=data["realm"],
            client_id=client["clientId"],
            client_secret=client["secret"],
            service_client_id="",
            service_client_secret="",
            username=user["username"],
            password=password,
            email=user["email"],
            first_name=user["firstName"],
            last_name=user["lastName"],
            email_verified=bool(user.get("emailVerified", False)),
            revoke_refresh_token=bool(data.get("revokeRefreshToken", False)),
        )


def seed_database(db_path: Path, seed: SeedRealm) -> None:
    """Migrate the SQLite database at ``db_path`` and create ``seed``'s realm, clients and user in it."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(_seed(f"sqlite:///{db_path}", seed))


def own_audience(client_id: str) -> ProtocolMapper:
    """An audience mapper naming the client itself in its access tokens, so that it may introspect them: Keycloak
    26.6.2 answers an introspection only for a client in the token's ``aud``."""
    config = {"included.custom.audience": client_id, "access.token.claim": "true"}
    return ProtocolMapper(id=provisioning.new_id(), name="own audience", mapper="oidc-audience-mapper", config=config)


async def _seed(db_url: str, seed: SeedRealm) -> None:
    now = SystemClock().now()
    db = Database(db_url)
    try:
        await db.migrate()
        async with db.transaction() as tx:
            realm = await provisioning.create_realm(tx, seed.name, now, revoke_refresh_token=seed.revoke_refresh_token)
            app = await provisioning.create_client(
                tx,
                realm,
                Client(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    client_id=seed.client_id,
                    secret=seed.client_secret,
                    direct_access_grants_enabled=True,
                ),
                now=now,
            )
            service = await provisioning.create_client(
                tx,
                realm,
                Client(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    client_id=seed.service_client_id,
                    secret=seed.service_client_secret,
                    service_accounts_enabled=True,
                    standard_flow_enabled=False,
                ),
                now=now,
            )
            for client in (app, service):  # each may introspect its own tokens (Keycloak 26.6.2's audience check)
                await tx.mappers.add(realm.id, client.id, own_audience(client.client_id), client=True)
            user = await provisioning.create_user(
                tx,
                realm,
                User(
                    id=provisioning.new_id(),
                    realm_id=realm.id,
                    username=seed.username,
                    email=seed.email,
                    email_verified=seed.email_verified,
                    first_name=seed.first_name,
                    last_name=seed.last_name,
                    created_timestamp=now * 1000,
                ),
            )
            await set_password(tx, user, seed.password, now, policy=realm.password_policy)
    finally:
        await db.dispose()


StartServer = Callable[..., DoorkeepProcess]
"""The ``start_server`` fixture: ``start_server(seed=SeedRealm(...), import_realms=[...])``."""


class WorkersProcess(DoorkeepProcess):
    """``doorkeep start --workers N`` (PostgreSQL: ``db_url``; 2 workers unless said), importing ``import_realms``
    at start, with ``extra`` options after the rest (e.g. the shutdown delay)."""

    def __init__(
        self,
        workdir: Path,
        *,
        port: int | None = None,
        db_url: str | None = None,
        import_realms: Sequence[Path] = (),
        startup_timeout: float = 60.0,
        workers: int = 2,
        extra: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            workdir, port=port, db_url=db_url, import_realms=import_realms, startup_timeout=startup_timeout
        )
        self.workers, self.extra = workers, extra

    def command(self) -> list[str]:
        return [
            *super().command()[:1],
            "start",
            "--http-host",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--db-url",
            str(self.db_url),
            "--http-management-port",
            str(self.management_port),
            "--workers",
            str(self.workers),
            "--hostname-strict",
            "false",
            *(arg for path in self.import_realms for arg in ("--import-realm", str(path))),
            *self.extra,
        ]
