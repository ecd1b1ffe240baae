"""Keycloak's new-framework hostname v2 classes (tests/base/.../tests/url/HostnameV2*Test.java), one test per method.

Each Java class runs a server of its own with its ``KeycloakServerConfig`` options and no relative path (the new
framework's server answers at ``http://localhost:8080``). Here each class gets one ``doorkeep start-dev`` process,
started when its first test runs and stopped before the next class's starts (the module's servers share one
database). ``keycloakUrls.getBase()`` is the server's own ``http://127.0.0.1:<port>``.

``HostnameV2Assertions.assertFrontendAndBackendUrls`` reads discovery, as here. ``assertAdminUrls`` reads
``authServerUrl`` and ``authUrl`` in Keycloak's admin console index page; Doorkeep's console is server-rendered,
so the same two facts are read where they show (as the older HostnameV2Test port does): the frontend URL in the
realm's ``token-service``, the admin URL in where ``/admin/{realm}/console/`` sends a browser to sign in.

``HostnameV2FixedHostnameTest`` sets ``hostname-strict-host-check-enabled=false``, which turns off Keycloak's
RejectMisdirectedRequestFilter (a 421 for a Host header other than the hostname); Doorkeep has no such filter,
takes the option as one of Keycloak's it does not know (a warning, no refusal) and answers as Keycloak then does.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from interop.server import DoorkeepProcess
from pg import ThrowawayPostgres
from wire_env import prepared_postgres

pytestmark = pytest.mark.anyio
ServerFor = Callable[[str], DoorkeepProcess]  # the server of the named Java class, started if need be

REALM_FRONTEND_NAME = "frontendUrlRealm"
REALM_FRONTEND_URL = "https://realmFrontend.localtest.me:445"

# Each Java class's ServerConfig options.
SERVER_OPTIONS: dict[str, tuple[str, ...]] = {
    "BackchannelDynamic": ("--hostname=https://localtest.me:444", "--hostname-backchannel-dynamic=true"),
    "DefaultPort": ("--hostname=https://localtest.me:443", "--hostname-admin=https://admin.localtest.me:443"),
    "FixedHostname": ("--hostname=localtest.me", "--hostname-strict-host-check-enabled=false"),
    "FixedUrl": ("--hostname=https://localtest.me:444",),
    "FrontendAndAdmin": ("--hostname=http://localtest.me:444", "--hostname-admin=https://admin.localtest.me:445"),
    "NoHostnameConfigured": (),
    "RealmFrontendUrlOverride": (
        "--hostname=https://localtest.me:444",
        "--hostname-admin=https://admin.localtest.me:445",
        "--hostname-backchannel-dynamic=true",
    ),
}
# The classes whose @InjectRealm is FrontendUrlRealmConfig.
WITH_FRONTEND_URL_REALM = frozenset({"FixedHostname", "RealmFrontendUrlOverride"})


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """One database for the module's servers, which run one after the other."""
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(postgres)
        yield url
        postgres.drop_database_of(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('kc-new-hostname-v2') / 'doorkeep.db'}"


@pytest.fixture(scope="module")
def server_for(db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFor]:
    running: dict[str, DoorkeepProcess] = {}

    def start(name: str) -> DoorkeepProcess:
        if name in running:
            return running[name]
        for other in running.values():
            other.stop()
        running.clear()
        server = DoorkeepProcess(tmp_path_factory.mktemp(name), db_url=db_url, options=SERVER_OPTIONS[name])
        server.start()
        running[name] = server
        if name in WITH_FRONTEND_URL_REALM:
            add_frontend_url_realm(server)
        return server

    yield start
    for server in running.values():
        server.stop()


def add_frontend_url_realm(server: DoorkeepProcess) -> None:
    """FrontendUrlRealmConfig: the realm whose ``frontendUrl`` attribute is REALM_FRONTEND_URL."""
    realm = {"realm": REALM_FRONTEND_NAME, "enabled": True, "attributes": {"frontendUrl": REALM_FRONTEND_URL}}
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    created = httpx.post(f"{server.base_url}/admin/realms", json=realm, headers=headers, timeout=30)
    assert created.status_code in (201, 409), created.text  # 409: an earlier class's server made it


async def assert_frontend_and_backend_urls(server: DoorkeepProcess, realm: str, frontend: str, backend: str) -> None:
    """HostnameV2Assertions.assertFrontendAndBackendUrls."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.get(f"{server.base_url}/realms/{realm}/.well-known/openid-configuration")
    assert response.status_code == 200, response.text
    config = response.json()
    realm_path = f"/realms/{realm}"
    assert config["issuer"] == frontend + realm_path
    assert config["authorization_endpoint"] == f"{frontend}{realm_path}/protocol/openid-connect/auth"
    assert config["token_endpoint"] == f"{backend}{realm_path}/protocol/openid-connect/token"
    assert config["userinfo_endpoint"] == f"{backend}{realm_path}/protocol/openid-connect/userinfo"


async def assert_admin_urls(server: DoorkeepProcess, realm: str, frontend: str, admin: str) -> None:
    """HostnameV2Assertions.assertAdminUrls, read where Doorkeep's console shows the two URLs."""
    async with httpx.AsyncClient(timeout=30) as http:
        info = await http.get(f"{server.base_url}/realms/{realm}")
        console = await http.get(f"{server.base_url}/admin/{realm}/console/")
    assert info.status_code == 200, info.text
    assert info.json()["token-service"] == f"{frontend}/realms/{realm}/protocol/openid-connect"
    assert console.status_code == 302, console.text
    location = console.headers["location"]
    assert location.startswith(f"{admin}/realms/{realm}/protocol/openid-connect/auth?"), location
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [f"{admin}/admin/{realm}/console/callback"]


async def test_backchannel_dynamic_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2BackchannelDynamicTest#testFrontendAndBackendUrls."""
    server = server_for("BackchannelDynamic")
    await assert_frontend_and_backend_urls(server, "master", "https://localtest.me:444", server.base_url)


async def test_backchannel_dynamic_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2BackchannelDynamicTest#testAdminUrls."""
    server = server_for("BackchannelDynamic")
    await assert_admin_urls(server, "master", "https://localtest.me:444", "https://localtest.me:444")


async def test_default_port_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2DefaultPortTest#testFrontendAndBackendUrls: a URL's default port is left out."""
    server = server_for("DefaultPort")
    await assert_frontend_and_backend_urls(server, "master", "https://localtest.me", "https://localtest.me")


async def test_default_port_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2DefaultPortTest#testAdminUrls."""
    server = server_for("DefaultPort")
    await assert_admin_urls(server, "master", "https://localtest.me", "https://admin.localtest.me")


def fixed_hostname_url(server: DoorkeepProcess) -> str:
    """HostnameV2FixedHostnameTest's EXPECTED_URL: the hostname with the request's scheme and port."""
    return f"http://localtest.me:{server.port}"


async def test_fixed_hostname_master_realm_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2FixedHostnameTest#testMasterRealmFrontendAndBackendUrls."""
    server = server_for("FixedHostname")
    expected = fixed_hostname_url(server)
    await assert_frontend_and_backend_urls(server, "master", expected, expected)


async def test_fixed_hostname_master_realm_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2FixedHostnameTest#testMasterRealmAdminUrls."""
    server = server_for("FixedHostname")
    expected = fixed_hostname_url(server)
    await assert_admin_urls(server, "master", expected, expected)


async def test_fixed_hostname_custom_realm_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2FixedHostnameTest#testCustomRealmFrontendAndBackendUrls."""
    server = server_for("FixedHostname")
    await assert_frontend_and_backend_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, REALM_FRONTEND_URL)


async def test_fixed_hostname_custom_realm_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2FixedHostnameTest#testCustomRealmAdminUrls."""
    server = server_for("FixedHostname")
    await assert_admin_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, REALM_FRONTEND_URL)


async def test_fixed_url_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2FixedUrlTest#testFrontendAndBackendUrls."""
    server = server_for("FixedUrl")
    await assert_frontend_and_backend_urls(server, "master", "https://localtest.me:444", "https://localtest.me:444")


async def test_fixed_url_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2FixedUrlTest#testAdminUrls."""
    server = server_for("FixedUrl")
    await assert_admin_urls(server, "master", "https://localtest.me:444", "https://localtest.me:444")


async def test_frontend_and_admin_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2FrontendAndAdminTest#testFrontendAndBackendUrls."""
    server = server_for("FrontendAndAdmin")
    await assert_frontend_and_backend_urls(server, "master", "http://localtest.me:444", "http://localtest.me:444")


async def test_frontend_and_admin_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2FrontendAndAdminTest#testAdminUrls."""
    server = server_for("FrontendAndAdmin")
    await assert_admin_urls(server, "master", "http://localtest.me:444", "https://admin.localtest.me:445")


async def test_no_hostname_configured_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2NoHostnameConfiguredTest#testFrontendAndBackendUrls: start-dev, every URL from the request."""
    server = server_for("NoHostnameConfigured")
    await assert_frontend_and_backend_urls(server, "master", server.base_url, server.base_url)


async def test_no_hostname_configured_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2NoHostnameConfiguredTest#testAdminUrls."""
    server = server_for("NoHostnameConfigured")
    await assert_admin_urls(server, "master", server.base_url, server.base_url)


async def test_realm_frontend_url_override_frontend_and_backend_urls(server_for: ServerFor) -> None:
    """HostnameV2RealmFrontendUrlOverrideTest#testFrontendAndBackendUrls: the realm's frontendUrl wins the
    frontend; the backchannel stays dynamic."""
    server = server_for("RealmFrontendUrlOverride")
    await assert_frontend_and_backend_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, server.base_url)


async def test_realm_frontend_url_override_admin_urls(server_for: ServerFor) -> None:
    """HostnameV2RealmFrontendUrlOverrideTest#testAdminUrls: the admin URL stays hostname-admin."""
    server = server_for("RealmFrontendUrlOverride")
    await assert_admin_urls(server, REALM_FRONTEND_NAME, REALM_FRONTEND_URL, "https://admin.localtest.me:445")
