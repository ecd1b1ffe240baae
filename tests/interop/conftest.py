"""Interop fixtures: real ``doorkeep start-dev`` processes, always stopped at teardown, their log shown on failure."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Generator, Iterator, Sequence
from pathlib import Path

import pytest
from keycloak import KeycloakAdmin, KeycloakError, KeycloakOpenID

from interop.server import (
    DoorkeepProcess,
    SeedRealm,
    StartServer,
    port_from_env,
    seed_database,
    self_signed_certificate,
)
from pg import ThrowawayPostgres

_SERVERS = pytest.StashKey[list[DoorkeepProcess]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
    call: pytest.CallInfo[None],
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attach the output of every server the test started to its failure report."""
    report = yield
    module = item.getparent(pytest.Module)
    shared = [] if module is None else module.stash.get(_SERVERS, [])
    servers: list[DoorkeepProcess] = [*item.stash.get(_SERVERS, []), *shared]
    if report.failed:
        for number, server in enumerate(servers, 1):
            report.sections.append((f"doorkeep server {number} ({server.log_path})", server.output()[-20000:]))
    return report


@pytest.fixture(scope="module")
def report_module_server(request: pytest.FixtureRequest) -> Callable[[DoorkeepProcess], None]:
    """Attach the log of a server a module starts itself to the failure reports of that module's tests."""

    def report(server: DoorkeepProcess) -> None:
        request.node.stash.setdefault(_SERVERS, []).append(server)

    return report


@pytest.fixture
def start_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StartServer]:
    """Start a server in a fresh directory under tmp_path, optionally seeded first, over HTTPS with a self-signed
    certificate if asked, on a database URL (PostgreSQL) and a port if given, with further ``options``; all are
    stopped at teardown."""
    started: list[DoorkeepProcess] = []
    request.node.stash[_SERVERS] = started

    def start(
        *,
        seed: SeedRealm | None = None,
        import_realms: Sequence[Path] = (),
        https: bool = False,
        db_url: str | None = None,
        port: int | None = None,
        options: Sequence[str] = (),
    ) -> DoorkeepProcess:
        workdir = tmp_path / f"server{len(started) + 1}"
        if seed is not None:
            seed_database(workdir / "data" / "doorkeep.db", seed)
        tls = self_signed_certificate(workdir / "tls") if https else None
        server = DoorkeepProcess(
            workdir, port=port, db_url=db_url, import_realms=import_realms, tls=tls, options=options
        )
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def module_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DoorkeepProcess]:
    """One server shared by a module's tests (each sets up its own realm), on a port of
    ``DOORKEEP_TEST_PORTS`` (``first-last``) if set, on a fresh PostgreSQL database of its own when
    ``DOORKEEP_WIRE_ENGINE=postgresql``, else on SQLite; its log joins any of those tests' failure reports."""
    db_url = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        db_url = request.getfixturevalue("postgres_url_of_module")
    server = DoorkeepProcess(tmp_path_factory.mktemp("module-server"), port=port_from_env(), db_url=db_url)
    request.node.stash[_SERVERS] = [server]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def postgres_url_of_module(postgres_server: ThrowawayPostgres) -> str:
    """An empty database of the session's throwaway PostgreSQL, for one module's shared server."""
    name = f"module_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    return postgres_server.url(name)


@pytest.fixture
def seed() -> SeedRealm:
    return SeedRealm()


@pytest.fixture
def seeded_server(start_server: StartServer, seed: SeedRealm) -> DoorkeepProcess:
    """A server whose data directory holds the ``seed`` realm before it starts."""
    return start_server(seed=seed)


@pytest.fixture(scope="module")
def engine_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DoorkeepProcess]:
    """One empty server for a whole module, on the database ``DOORKEEP_WIRE_ENGINE`` names: a fresh database
    of the session's throwaway PostgreSQL when it is ``postgresql``, else SQLite in its data directory. Its
    tests work in realms of their own."""
    db_url = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        name = f"interop_{uuid.uuid4().hex[:12]}"
        postgres.create_database(name)
        db_url = postgres.url(name)
    server = DoorkeepProcess(tmp_path_factory.mktemp("engine-server"), db_url=db_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def suite_realm(request: pytest.FixtureRequest, engine_server: DoorkeepProcess) -> Iterator[str]:
    """A fresh realm with a random name on the module's server (python-keycloak's ``realm`` fixture), deleted
    after the test; the server's log goes with a failure report."""
    from interop.python_keycloak_support import admin_of

    request.node.stash[_SERVERS] = [engine_server]
    name = str(uuid.uuid4())
    admin = admin_of(engine_server)
    admin.create_realm({"realm": name, "enabled": True})
    yield name
    with contextlib.suppress(KeycloakError):  # a test may delete its realm itself
        admin.delete_realm(name)


# The other fixtures of python-keycloak's suite (its tests/conftest.py), each in a suite_realm.
@pytest.fixture
def suite_admin(engine_server: DoorkeepProcess) -> KeycloakAdmin:
    """python-keycloak's ``admin``: master's admin, working on master."""
    from interop.python_keycloak_support import admin_of

    return admin_of(engine_server)


@pytest.fixture
def suite_user(suite_admin: KeycloakAdmin, suite_realm: str) -> str:
    suite_admin.change_current_realm(suite_realm)
    user_id = suite_admin.create_user({"username": "fixture-user", "email": "fixture-user@test.test"})
    assert user_id is not None
    return str(user_id)


@pytest.fixture
def suite_group(suite_admin: KeycloakAdmin, suite_realm: str) -> str:
    suite_admin.change_current_realm(suite_realm)
    group_id = suite_admin.create_group({"name": "fixture-group"})
    assert group_id is not None
    return str(group_id)


@pytest.fixture
def suite_client(suite_admin: KeycloakAdmin, suite_realm: str) -> str:
    suite_admin.change_current_realm(suite_realm)
    return str(suite_admin.create_client({"name": "fixture-client", "clientId": "fixture-client"}))


@pytest.fixture
def suite_client_role(suite_admin: KeycloakAdmin, suite_client: str) -> str:
    suite_admin.create_client_role(suite_client, {"name": "fixture-client-role", "composite": False})
    return "fixture-client-role"


@pytest.fixture
def suite_composite_client_role(suite_admin: KeycloakAdmin, suite_client: str, suite_client_role: str) -> str:
    suite_admin.create_client_role(suite_client, {"name": "fixture-composite-role", "composite": True})
    child = suite_admin.get_client_role(suite_client, suite_client_role)
    suite_admin.add_composite_client_roles_to_role(suite_client, "fixture-composite-role", [child])
    return "fixture-composite-role"


@pytest.fixture
def suite_oid_with_credentials(
    suite_admin: KeycloakAdmin, suite_realm: str, engine_server: DoorkeepProcess
) -> tuple[KeycloakOpenID, str, str]:
    """python-keycloak's ``oid_with_credentials``: a confidential client and a user with a password. The client
    says ``directAccessGrantsEnabled`` (upstream's leaves it out; a new Keycloak 26 client has it false, as
    RepresentationToModel.createClient sets it only when given), since the password grant is used."""
    suite_admin.change_current_realm(suite_realm)
    suite_admin.create_client(
        {
            "name": "oid-client",
            "clientId": "oid-client",
            "enabled": True,
            "publicClient": False,
            "protocol": "openid-connect",
            "secret": "oid-client-secret",
            "clientAuthenticatorType": "client-secret",
            "directAccessGrantsEnabled": True,
        }
    )
    suite_admin.create_user(
        {
            "username": "oid-user",
            "email": "oid-user@test.test",
            "enabled": True,
            "firstName": "first",
            "lastName": "last",
            "emailVerified": True,
            "requiredActions": [],
            "credentials": [{"type": "password", "value": "oid-user-password", "temporary": False}],
        }
    )
    oid = KeycloakOpenID(
        server_url=engine_server.base_url,
        realm_name=suite_realm,
        client_id="oid-client",
        client_secret_key="oid-client-secret",
    )
    return oid, "oid-user", "oid-user-password"
