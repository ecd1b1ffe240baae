"""Keycloak 26's HostnameV2Test (testsuite/.../url/HostnameV2Test.java), ported one method to one test.

Each test starts a real ``doorkeep start-dev`` process with the options the Java test gives Keycloak, and, as
Keycloak's test server does, ``--http-relative-path /auth`` (the test's ``AUTH_SERVER_ROOT`` ends in ``/auth``).
The server is reached at ``http://127.0.0.1:<port>/auth``; the expected URLs are the Java test's with its
``*.127.0.0.1.nip.io`` hosts (nothing resolves them: they only appear in the documents).

``testFrontendAndBackendUrls`` reads the discovery document's issuer, authorization, token and userinfo
endpoints, as in Java. ``testAdminUrls`` reads Keycloak's admin console index page (``authServerUrl`` and
``authUrl``); Doorkeep's console is its own server-rendered one, so the same two facts are read where they show:
the frontend URL in the issuer, the admin URL in where the admin console sends a browser to sign in (its
authorization endpoint and ``redirect_uri``, which keycloak-js builds from ``authUrl``).

The realm ``frontendUrlRealm`` of ``addTestRealms``, with its ``frontendUrl`` attribute, is created through the
admin API of each server that needs it (the module's servers share one database; a second creation is a 409).

The start-up refusals run ``doorkeep start-dev`` with the options and read its exit and output.

Not ported, with the reason:

* ``testAdminLocal``: Keycloak's welcome page offering to create the first admin through ``localhost``
  (``UrlType.LOCAL_ADMIN``); Doorkeep creates the bootstrap admin from the options and has no such page.
* ``testStrictModeMustBeDisabledWhenHostnameIsSpecified``: commented out in Keycloak.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from interop.server import DOORKEEP, DoorkeepProcess
from pg import ThrowawayPostgres
from ports import free_port
from wire_env import prepared_postgres

pytestmark = pytest.mark.anyio
StartWith = Callable[..., DoorkeepProcess]  # the ``start`` fixture: a server started with these options


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """One database for the module's servers, started one after the other."""
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(postgres)
        yield url
        postgres.drop_database_of(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('hostname-v2') / 'doorkeep.db'}"


@pytest.fixture
def start(db_url: str, tmp_path: Path) -> Iterator[StartWith]:
    started: list[DoorkeepProcess] = []

    def start_with(*options: str) -> DoorkeepProcess:
        server = DoorkeepProcess(tmp_path / str(len(started)), db_url=db_url, relative_path="/auth", options=options)
        started.append(server)
        server.start()
        return server

    yield start_with
    for server in started:
        server.stop()


def hostname_options(hostname: str | None, admin: str | None, dynamic: bool | None, strict: bool | None) -> list[str]:
    """setHostnameOptions: each option given only when the Java test gives it."""
    options: list[str] = []
    if hostname is not None:
        options.append(f"--hostname={hostname}")
    if admin is not None:
        options.append(f"--hostname-admin={admin}")
    if dynamic is not None:
        options.append(f"--hostname-backchannel-dynamic={str(dynamic).lower()}")
    if strict is not None:
        options.append(f"--hostname-strict={str(strict).lower()}")
    return options


def dynamic_base_url(server: DoorkeepProcess, hostname: str) -> str:
    """getDynamicBaseUrl: the request's scheme and port, the given host, the relative path."""
    return f"http://{hostname}:{server.port}/auth"


async def frontend_and_backend_urls(server: DoorkeepProcess, realm: str, frontend: str, backend: str) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{server.base_url}/realms/{realm}/.well-known/openid-configuration")
    assert response.status_code == 200, response.text
    config = response.json()
    assert config["issuer"] == f"{frontend}/realms/{realm}"
    assert config["authorization_endpoint"] == f"{frontend}/realms/{realm}/protocol/openid-connect/auth"
    assert config["token_endpoint"] == f"{backend}/realms/{realm}/protocol/openid-connect/token"
    assert config["userinfo_endpoint"] == f"{backend}/realms/{realm}/protocol/openid-connect/userinfo"


async def admin_urls(server: DoorkeepProcess, realm: str, frontend: str, admin: str) -> None:
    """The frontend URL is the issuer; the admin URL is where the admin console signs a browser in."""
    async with httpx.AsyncClient(timeout=30) as http:
        info = await http.get(f"{server.base_url}/realms/{realm}")
        console = await http.get(f"{server.base_url}/admin/{realm}/console/")
    assert info.status_code == 200, info.text
    assert info.json()["token-service"] == f"{frontend}/realms/{realm}/protocol/openid-connect"
    assert console.status_code == 302, console.text
    location = console.headers["location"]
    assert location.startswith(f"{admin}/realms/{realm}/protocol/openid-connect/auth?"), location
    query = parse_qs(urlsplit(location).query)
    assert query["redirect_uri"] == [f"{admin}/admin/{realm}/console/callback"]


async def test_fixed_frontend_hostname(start: StartWith) -> None:
    server = start(*hostname_options("127.0.0.1.nip.io", None, False, True))
    dynamic_url = dynamic_base_url(server, "127.0.0.1.nip.io")
    await frontend_and_backend_urls(server, "master", dynamic_url, dynamic_url)
    await admin_urls(server, "master", dynamic_url, dynamic_url)


async def test_fixed_frontend_hostname_url(start: StartWith) -> None:
    fixed_url = "https://127.0.0.1.nip.io:444"
    server = start(*hostname_options(fixed_url, None, False, True))
    await frontend_and_backend_urls(server, "master", fixed_url, fixed_url)
    await admin_urls(server, "master", fixed_url, fixed_url)


async def test_fixed_frontend_and_admin_hostname_url(start: StartWith) -> None:
    fixed_frontend_url = "http://127.0.0.1.nip.io:444"
    fixed_admin_url = "https://admin.127.0.0.1.nip.io:445"
    server = start(*hostname_options(fixed_frontend_url, fixed_admin_url, False, True))
    await frontend_and_backend_urls(server, "master", fixed_frontend_url, fixed_frontend_url)
    await admin_urls(server, "master", fixed_frontend_url, fixed_admin_url)


async def test_fixed_frontend_hostname_url_with_default_port(start: StartWith) -> None:
    server = start(*hostname_options("https://127.0.0.1.nip.io:443", "https://admin.127.0.0.1.nip.io:443", False, True))
    await frontend_and_backend_urls(server, "master", "https://127.0.0.1.nip.io", "https://127.0.0.1.nip.io")
    await admin_urls(server, "master", "https://127.0.0.1.nip.io", "https://admin.127.0.0.1.nip.io")


async def test_dynamic_backend(start: StartWith) -> None:
    fixed_url = "https://127.0.0.1.nip.io:444"
    server = start(*hostname_options(fixed_url, None, True, True))
    await frontend_and_backend_urls(server, "master", fixed_url, server.base_url)
    await admin_urls(server, "master", fixed_url, fixed_url)


async def test_dynamic_everything(start: StartWith) -> None:
    server = start(*hostname_options(None, None, False, False))
    await frontend_and_backend_urls(server, "master", server.base_url, server.base_url)
    await admin_urls(server, "master", server.base_url, server.base_url)


REALM_FRONTEND_NAME = "frontendUrlRealm"
REALM_FRONTEND_URL = "https://realmFrontend.127.0.0.1.nip.io:445"


async def add_frontend_url_realm(server: DoorkeepProcess) -> None:
    """addTestRealms: the realm whose ``frontendUrl`` attribute is REALM_FRONTEND_URL."""
    realm = {"realm": REALM_FRONTEND_NAME, "enabled": True, "attributes": {"frontendUrl": REALM_FRONTEND_URL}}
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    async with httpx.AsyncClient(timeout=30) as http:
        created = await http.post(f"{server.base_url}/admin/realms", json=realm, headers=headers)
    assert created.status_code in (201, 409), created.text


async def test_realm_frontend_url_with_other_urls_set(start: StartWith) -> None:
    fixed_frontend_url = "https://127.0.0.1.nip.io:444"
    fixed_admin_url = "https://admin.127.0.0.1.nip.io:445"
    server = start(*hostname_options(fixed_frontend_url, fixed_admin_url, True, True))
    await add_frontend_url_realm(server)
    await frontend_and_backend_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, server.base_url)
    await admin_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, fixed_admin_url)


async def test_realm_frontend_url(start: StartWith) -> None:
    server = start(*hostname_options("127.0.0.1.nip.io", None, False, True))
    await add_frontend_url_realm(server)
    await frontend_and_backend_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, REALM_FRONTEND_URL)
    await admin_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, REALM_FRONTEND_URL)


def startup_failure(
    tmp_path: Path, expected: str, hostname: str | None, admin: str | None, dynamic: bool | None, strict: bool | None
) -> None:
    """The server refuses to start, saying ``expected``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOORKEEP_", "KC_"))}
    command = [str(DOORKEEP), "start-dev", "--http-port", str(free_port()), "--http-relative-path", "/auth"]
    command += ["--db-url", f"sqlite:///{tmp_path / 'never.db'}"]
    done = subprocess.run(
        [*command, *hostname_options(hostname, admin, dynamic, strict)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0, done.stdout + done.stderr
    assert expected in done.stderr, done.stderr
    assert not (tmp_path / "never.db").exists()  # refused before anything touched a database


def test_strict_mode(tmp_path: Path) -> None:
    startup_failure(
        tmp_path,
        "hostname is not configured; either configure hostname, or set hostname-strict to false",
        None,
        None,
        None,
        True,
    )


def test_invalid_hostname_url(tmp_path: Path) -> None:
    startup_failure(
        tmp_path,
        "Provided hostname is neither a plain hostname nor a valid URL",
        "htt://127.0.0.1.nip.io",
        None,
        None,
        True,
    )


def test_invalid_admin_url(tmp_path: Path) -> None:
    startup_failure(
        tmp_path,
        "Provided hostname-admin is not a valid URL",
        "127.0.0.1.nip.io",
        "htt://admin.127.0.0.1.nip.io",
        None,
        True,
    )


def test_backchannel_dynamic_requires_hostname(tmp_path: Path) -> None:
    startup_failure(
        tmp_path,
        "hostname-backchannel-dynamic must be set to false when no hostname is provided",
        None,
        None,
        True,
        False,
    )


def test_backchannel_dynamic_requires_full_hostname_url(tmp_path: Path) -> None:
    startup_failure(
        tmp_path,
        "hostname-backchannel-dynamic must be set to false if hostname is not provided as full URL",
        "127.0.0.1.nip.io",
        None,
        True,
        True,
    )
