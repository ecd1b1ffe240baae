"""Keycloak's KcRegCreateTest and KcRegTest (testsuite/.../cli/registration, Keycloak 26) against ``doorkeep reg``.

KcRegCreateTest.testCreateWithRealmOverride and testCreateThoroughly (all but its SAML step) are transcribed
method by method (test_create_with_realm_override, test_create_thoroughly; Keycloak runs them over https with
--insecure, whose two warning lines on stderr are not counted here, over http). testCreateThoroughly differs in one
step, noted in it: its document turns on serviceAccountsEnabled with an initial access token, which Keycloak 26.6
refuses (DcrSsfPrivilegeEscalationTest). KcRegTest's server-free methods are transcribed in
test_kc_port14_kcreg_cli.py, its server methods in test_kc_port14_kcreg_crud.py. The other tests here follow
KcRegCreateTest's and KcRegTest's scenarios loosely and assert the exit status, the lines on stdout and stderr, the
config file's tokens and the server's state. ``kcreg.sh`` is ``doorkeep reg`` here. Cannot apply: SAML (Doorkeep
registers OpenID Connect clients only; testCreateThoroughly's SAML step), testCreateWithAuthorizationServices
(Doorkeep keeps no resource servers, and Keycloak 26.6 refuses authorizationServicesEnabled with an initial access
token: DcrSsfPrivilegeEscalationTest.authorizationServicesEnabledCannotBeSetViaIat), JKS/PKCS12 keystores and
truststores (testCRUDWithOnTheFlyUserAuthWithSignedJwtClient_*, testCRUDWithOnTheFlyServiceAccountWithSignedJwtClient,
KcRegTruststoreTest), the https-only --insecure tests
(testCreateDeleteWithInitialAndRegistrationTokensWithUnsecureOption*), interactive prompts on a TTY.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from interop.admin_cli_support import Cli, Run
from interop.kcadm_port_support import lines, make_test_realm
from interop.kcreg_port_support import Reg
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

pytestmark = pytest.mark.interop
TRY = "for more information on the available options."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    process = DoorkeepProcess(tmp_path_factory.mktemp("kc-port14-kcreg"))
    process.start()
    admin = Cli(tmp_path_factory.mktemp("kc-port14-admin") / "admin.config")
    admin.log_in(process.base_url)
    make_test_realm(admin)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def admin(server: DoorkeepProcess, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(tmp_path_factory.mktemp("kc-port14-admin2") / "admin.config")
    cli.log_in(server.base_url)
    return cli


@pytest.fixture
def reg(tmp_path: Path) -> Reg:
    return Reg(tmp_path / "home" / ".doorkeep" / "reg.config")


def sizes(run: Run) -> tuple[int, int, int]:
    """KcRegExec's assertExitCodeAndStreamSizes: exit status, lines on stdout, lines on stderr."""
    return run.code, len(lines(run.out)), len(lines(run.err))


def initial_token(admin: Cli, count: int = 5) -> str:
    run = admin.ok(
        "create", "clients-initial-access", "-r", "test", "-s", f"count={count}", "-s", "expiration=600", "-o"
    )
    token: str = run.json()["token"]
    return token


def test_create_with_an_initial_token_from_the_config_stores_the_registration_token(
    server: DoorkeepProcess, admin: Cli, reg: Reg
) -> None:
    """KcRegCreateTest: config initial-token, then create."""
    url = server.base_url
    reg.ok("config", "initial-token", "--server", url, "--realm", "test", initial_token(admin))
    assert reg.stored()["serverUrl"] == url and reg.stored()["realm"] == "test"
    run = reg.ok("create", "-s", "clientId=reg-one", "-s", 'redirectUris=["http://localhost:8980/myapp/*"]')
    assert run.out == "" and run.err.strip() == "Registered new client with client_id 'reg-one'"
    first = reg.registration_token(url, "test", "reg-one")
    assert first
    got = reg.ok("get", "reg-one")  # no session at all: the stored registration access token is used
    client = json.loads(got.out)
    assert client["clientId"] == "reg-one" and client["redirectUris"] == ["http://localhost:8980/myapp/*"]
    assert got.out.startswith('{\n  "id" : ')  # Jackson's pretty printer, as kcreg prints it
    assert reg.registration_token(url, "test", "reg-one") == client["registrationAccessToken"]
    assert (reg.config.stat().st_mode & 0o777) == 0o600


def test_create_prints_only_the_client_id_with_i_and_the_client_with_o(
    server: DoorkeepProcess, admin: Cli, reg: Reg
) -> None:
    """KcRegCreateTest: -i prints the clientId, -o the client, -c compact."""
    token = initial_token(admin)
    common = ["--server", server.base_url, "--realm", "test", "-t", token]
    run = reg.ok("create", *common, "-s", "clientId=reg-ids", "-i")
    assert run.out == "reg-ids\n" and run.err == ""
    run = reg.ok("create", *common, "-s", "clientId=reg-out", "-o", "-c")
    assert len(run.out.splitlines()) == 1 and json.loads(run.out)["clientId"] == "reg-out"
    assert '"clientId":"reg-out"' in run.out  # compact: Jackson's writeValueAsString
    fails = reg("create", *common, "-s", "clientId=reg-both", "-o", "-i")
    assert fails.code == 2 and fails.err.splitlines()[0] == "Options -o and -i are mutually exclusive"
    assert fails.err.splitlines()[1] == f"Try 'doorkeep reg create --help' {TRY}"


def test_create_tells_an_oidc_document_from_keycloaks_format(
    server: DoorkeepProcess, admin: Cli, reg: Reg, tmp_path: Path
) -> None:
    """KcRegCreateTest / the format deduced from the file: redirect_uris means 'oidc'."""
    document = tmp_path / "oidc.json"
    document.write_text(json.dumps({"client_name": "reg-oidc", "redirect_uris": ["http://localhost:8980/cb"]}))
    token = initial_token(admin)
    run = reg.ok("create", "--server", server.base_url, "--realm", "test", "-t", token, "-f", str(document), "-o")
    created = json.loads(run.out)
    assert created["client_name"] == "reg-oidc" and created["redirect_uris"] == ["http://localhost:8980/cb"]
    client_id = created["client_id"]
    assert reg.registration_token(server.base_url, "test", client_id) == created["registration_access_token"]
    got = json.loads(reg.ok("get", client_id, "-e", "oidc", "--server", server.base_url, "--realm", "test").out)
    assert got["client_id"] == client_id and "registration_access_token" in got
    mixed = reg("create", "-t", token, "-e", "default", "-f", str(document))
    assert mixed.code == 1 and mixed.err.strip() == "Attribute 'client_name' not supported on document type 'default'"


def test_create_from_stdin_with_a_session_of_config_credentials(server: DoorkeepProcess, reg: Reg) -> None:
    """KcRegTest, then create -f - with the session's access token."""
    reg.ok("config", "credentials", "--server", server.base_url, "--realm", "test", "--user", "user1",
           "--password", "userpass")  # fmt: skip
    entry = reg.realm_entry(server.base_url, "test")
    assert entry["token"] and entry["refreshToken"]
    run = reg.ok("create", "-f", "-", stdin='{"clientId": "reg-stdin", "publicClient": true}')
    assert run.err.strip() == "Registered new client with client_id 'reg-stdin'"
    assert reg.realm_entry(server.base_url, "test")["token"] == entry["token"]  # the login stays beside the clients
    assert reg.registration_token(server.base_url, "test", "reg-stdin")


def test_bad_input_is_refused_as_kcreg_refuses_it(server: DoorkeepProcess, reg: Reg) -> None:
    """KcRegTest's refusals."""
    run = reg("create")
    assert run.code == 2 and run.out.startswith("Usage: doorkeep reg create")  # nothing to do: the help
    run = reg("nonexistent")
    assert run.code == 2 and run.err.splitlines()[0] == "Unmatched argument at index 0: 'nonexistent'"
    run = reg("create", "-s", "clientId=x")
    assert (
        run.code == 1 and run.err.strip() == "No server specified. Use --server, or 'doorkeep reg config credentials'."
    )
    run = reg("get", "-e", "bogus", "x", "--server", server.base_url, "--realm", "test")
    assert run.code == 2 and run.err.splitlines()[0] == "Endpoint not supported: bogus"
    run = reg("create", "--server", server.base_url, "--realm", "test", "-s", "nosuch=1")
    assert run.code == 1 and run.err.strip() == "Failed to set attribute 'nosuch' on document type 'default'"
    run = reg("create", "--config", "a", "--no-config", "-s", "clientId=x")
    assert run.code == 2 and run.err.splitlines()[0] == "Options --config and --no-config are mutually exclusive"
    run = reg("create", "--server", server.base_url, "--realm", "test", "-t", "not-a-token", "-s", "clientId=x")
    assert run.code == 1 and run.err.strip()  # the server's refusal in one line
    assert httpx.get(f"{server.base_url}/realms/test").status_code == 200


def test_attrs_lists_the_attributes_of_each_format(reg: Reg) -> None:
    """AttrsCmd: every attribute with its type, for default and oidc."""
    listed = reg.ok("attrs").out.splitlines()
    assert listed[0] == "Attributes for default format:" and any(line.split()[0] == "clientId" for line in listed[1:])
    oidc = reg.ok("attrs", "-e", "oidc").out.splitlines()
    assert oidc[0] == "Attributes for openid-connect format:" and "redirect_uris" in oidc[1].split() + [
        line.split()[0] for line in oidc[1:]
    ]
    assert reg.ok("attrs", "publicClient").out.split() == ["publicClient", "boolean"]


def test_create_with_realm_override(server: DoorkeepProcess, admin: Cli, reg: Reg, tmp_path: Path) -> None:
    """KcRegCreateTest.testCreateWithRealmOverride (over http, so without the two lines of --insecure's warning)"""
    config = str(tmp_path / "custom.config")
    run = reg("config", "credentials", "-x", "--config", config, "--server", server.base_url, "--realm", "master",
              "--user", ADMIN_USERNAME, "--password", ADMIN_PASSWORD)  # fmt: skip
    assert sizes(run) == (0, 0, 1), run.err
    # the initial access token of another realm, with --server and --realm overriding the session's
    token = initial_token(admin, 10)
    run = reg("create", "--config", config, "--server", server.base_url, "--realm", "test", "-s",
              "clientId=my_first_client", "-t", token)  # fmt: skip
    assert sizes(run) == (0, 0, 1), run.err


THOROUGH = """{
        "clientId": "my_client",
        "enabled": true,
        "redirectUris": ["http://localhost:8980/myapp/*"],
        "serviceAccountsEnabled": true,
        "name": "My Client App",
        "implicitFlowEnabled": false,
        "publicClient": true,
        "protocol": "openid-connect",
        "webOrigins": ["http://localhost:8980/myapp"],
        "consentRequired": false,
        "baseUrl": "http://localhost:8980/myapp",
        "rootUrl": "http://localhost:8980/myapp",
        "bearerOnly": true,
        "standardFlowEnabled": true
}"""

THOROUGH_OIDC = """        {
            "redirect_uris" : [ "http://localhost:8980/myapp/*" ],
            "grant_types" : [ "authorization_code", "client_credentials", "refresh_token" ],
            "response_types" : [ "code", "none" ],
            "client_name" : "My Client App",
            "client_uri" : "http://localhost:8980/myapp"
        }"""


def test_create_thoroughly(server: DoorkeepProcess, admin: Cli, reg: Reg, tmp_path: Path) -> None:
    """KcRegCreateTest.testCreateThoroughly, all but its SAML step (over http: no --insecure warning lines)"""
    url = server.base_url
    config = tmp_path / "custom.config"
    at = ["--config", str(config)]
    token = initial_token(admin, 10)
    run = reg("config", "initial-token", "-x", *at, "--server", url, "--realm", "test", token)
    assert sizes(run) == (0, 0, 0), run.err
    stored = json.loads(config.read_text())
    assert stored["serverUrl"] == url and stored["realm"] == "test"
    assert stored["endpoints"][url]["test"]["initialToken"] == token

    # Keycloak 26.6's DcrSsfPrivilegeEscalationTest.serviceAccountsEnabledCannotBeSetViaIat: an initial access token
    # may no longer register a client with a service account (400), so the document's serviceAccountsEnabled, which
    # this older test expects to be kept, is refused; the rest of the test runs without it
    run = reg("create", *at, "-o", "-f", "-", stdin=THOROUGH)
    assert sizes(run) == (1, 0, 1), run.err
    assert lines(run.err)[0].endswith(" [invalid_client_metadata]")
    thorough = THOROUGH.replace('        "serviceAccountsEnabled": true,\n', "")
    document = tmp_path / "client.json"
    document.write_text(thorough)
    run = reg("create", *at, "-o", "-f", "-", stdin=thorough)  # kcreg's "-f - < file"
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    client = json.loads(run.out)
    assert client["id"]
    expected = {
        "clientId": "my_client", "enabled": True, "redirectUris": ["http://localhost:8980/myapp/*"],
        "serviceAccountsEnabled": False, "name": "My Client App", "implicitFlowEnabled": False, "publicClient": True,
        "protocol": "openid-connect", "webOrigins": ["http://localhost:8980/myapp"], "consentRequired": False,
        "baseUrl": "http://localhost:8980/myapp", "rootUrl": "http://localhost:8980/myapp", "standardFlowEnabled": True,
    }  # fmt: skip
    assert {key: client.get(key) for key in expected} == expected
    assert client.get("protocolMappers") is None

    # the file as a template, attributes overridden
    run = reg("create", *at, "-o", "-f", str(document), "-s", "clientId=my_client2", "-s", "enabled=false",
              "-s", 'redirectUris=["http://localhost:8980/myapp2/*"]', "-s", "name=My Client App II",
              "-s", "protocol=openid-connect", "-s", 'webOrigins=["http://localhost:8980/myapp2"]',
              "-s", "baseUrl=http://localhost:8980/myapp2", "-s", "rootUrl=http://localhost:8980/myapp2")  # fmt: skip
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    client2 = json.loads(run.out)
    assert client2["id"]
    expected2 = {
        **expected, "clientId": "my_client2", "enabled": False, "redirectUris": ["http://localhost:8980/myapp2/*"],
        "name": "My Client App II", "webOrigins": ["http://localhost:8980/myapp2"],
        "baseUrl": "http://localhost:8980/myapp2", "rootUrl": "http://localhost:8980/myapp2",
    }  # fmt: skip
    assert {key: client2.get(key) for key in expected2} == expected2
    assert client2.get("protocolMappers") is None

    # an attribute the format does not have is not ignored
    run = reg("create", *at, "-o", "-f", str(document), "-s", "client_id=my_client3")
    assert sizes(run) == (1, 0, 1), run.err
    assert lines(run.err)[0] == "Failed to set attribute 'client_id' on document type 'default'"

    run = reg("create", *at, "-i", "-s", "clientId=my_client3")
    assert sizes(run) == (0, 1, 0), run.err
    assert lines(run.out)[0] == "my_client3"

    run = reg("create", *at, "-s", "clientId=my_client4")
    assert sizes(run) == (0, 0, 1), run.err
    assert lines(run.err)[0] == "Registered new client with client_id 'my_client4'"

    # the OIDC endpoint, the format told from the document
    oidc = tmp_path / "oidc.json"
    oidc.write_text(THOROUGH_OIDC)
    run = reg("create", *at, "-s", "client_name=My Client App V",
              "-s", 'redirect_uris=["http://localhost:8980/myapp5/*"]',
              "-s", "client_uri=http://localhost:8980/myapp5", "-o", "-f", "-", stdin=THOROUGH_OIDC)  # fmt: skip
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    created = json.loads(run.out)
    assert created["client_id"]
    assert created["redirect_uris"] == ["http://localhost:8980/myapp5/*"]
    assert created["grant_types"] == ["authorization_code", "client_credentials", "refresh_token"]
    assert created["response_types"] == ["code", "none"]
    assert created["client_name"] == "My Client App V" and created["client_uri"] == "http://localhost:8980/myapp5"

    # an endpoint that does not fit the document
    run = reg("create", *at, "-e", "default", "-f", str(oidc))
    assert sizes(run) == (1, 0, 1), run.err
    assert lines(run.err)[0] == "Attribute 'redirect_uris' not supported on document type 'default'"

    run = reg("config", "initial-token", *at, "--server", url, "--realm", "test", "--delete")
    assert sizes(run) == (0, 0, 0), run.err
    assert json.loads(config.read_text())["endpoints"][url]["test"].get("initialToken") is None
