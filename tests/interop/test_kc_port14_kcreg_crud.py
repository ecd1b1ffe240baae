"""Keycloak 26's KcRegTest (testsuite/.../cli/registration), the methods that talk to a server, transcribed method
by method against ``doorkeep reg`` (each test names its Java method; the shared body of the testCRUDWithOnTheFly*
methods is AbstractRegCliTest.testCRUDWithOnTheFlyAuth, :func:`crud_with_on_the_fly_auth` here).

Each asserts what the Java method asserts: the exit status, the number of lines on stdout and stderr (KcRegExec
counts lines; an empty line is not one here, as in the kcadm port), the messages, the config file and the clients
the server returns. The realm is AbstractRegCliTest.addTestRealms' without the signed-JWT clients
(:func:`interop.kcreg_port_support.make_reg_realm`). ``kcreg.sh`` is ``doorkeep reg``; ``$HOME/.keycloak/kcreg.config``
is the ``$DOORKEEP_REG_CONFIG`` of :class:`Reg`. Not ported: the signed-JWT and keystore methods
(testCRUDWithOnTheFlyUserAuthWithSignedJwtClient_*, testCRUDWithOnTheFlyServiceAccountWithSignedJwtClient: a Java
keystore), testCreateDeleteWithInitialAndRegistrationTokensWithUnsecureOption* (https with --insecure; Keycloak runs
them only with AUTH_SERVER_SSL_REQUIRED), testUserLoginWithDefaultConfigInteractive and
testClientLoginWithDefaultConfigInteractive (Keycloak runs them only with -Dtest.intermittent=true; their halves that
redirect stdin expect the prompt on stdout, where Keycloak 26's IoUtils.readFromConsole (``Enter password:``) asks a
console only, and ``doorkeep reg``, as ``doorkeep admin``, reads a redirected stdin with the prompt on stderr).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from interop.admin_cli_support import Cli
from interop.kcadm_port_support import lines
from interop.kcreg_port_support import Reg, make_reg_realm
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    process = DoorkeepProcess(tmp_path_factory.mktemp("kc-port14-kcreg-crud"))
    process.start()
    setup = Cli(tmp_path_factory.mktemp("kc-port14-crud-admin") / "admin.config")
    setup.log_in(process.base_url)
    make_reg_realm(setup)
    yield process
    process.stop()


@pytest.fixture(scope="module")
def admin(server: DoorkeepProcess, tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(tmp_path_factory.mktemp("kc-port14-crud-admin2") / "admin.config")
    cli.log_in(server.base_url)
    return cli


@pytest.fixture
def reg(tmp_path: Path) -> Reg:
    """kcreg with its default config file (AbstractRegCliTest deletes it before each test)."""
    return Reg(tmp_path / "home" / ".keycloak" / "kcreg.config")


def sizes(run: Any) -> tuple[int, int, int]:
    """assertExitCodeAndStreamSizes' three numbers."""
    return run.code, len(lines(run.out)), len(lines(run.err))


def login_as_admin(reg: Reg, server: str, config: Path) -> None:
    run = reg("config", "credentials", "--server", server, "--realm", "master", "--user", ADMIN_USERNAME,
              "--password", ADMIN_PASSWORD, "--config", str(config))  # fmt: skip
    assert sizes(run) == (0, 0, 1), run.err
    assert lines(run.err)[0] == f"Logging into {server} as user {ADMIN_USERNAME} of realm master"


def crud_with_on_the_fly_auth(reg: Reg, server: str, credentials: list[str], login_message: str) -> None:
    """AbstractRegCliTest.testCRUDWithOnTheFlyAuth: create, get, update, delete with --no-config and a login per
    command (or a registration access token with -t); the default config file is never written."""
    target = ["--no-config", "--server", server, "--realm", "test"]
    assert not reg.config.exists()

    run = reg("create", *target, *credentials, "-s", "clientId=test-client", "-o")
    assert run.code == 0, run.err
    assert lines(run.err)[0] == login_message
    client = json.loads(run.out)
    assert client["clientId"] == "test-client" and client["registrationAccessToken"]
    assert not reg.config.exists()

    run = reg("get", "test-client", *target, *credentials)
    assert (run.code, len(lines(run.err))) == (0, 1), run.err
    client2 = json.loads(run.out)
    assert client2["clientId"] == "test-client"
    assert client2.get("registrationAccessToken") is None  # no registration access token was used
    assert not reg.config.exists()

    # the token still works: the get in between did not use a registration access token
    run = reg("get", "test-client", *target, "-t", client["registrationAccessToken"])
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    client3 = json.loads(run.out)
    assert client3["clientId"] == "test-client"
    assert client3["registrationAccessToken"] == client["registrationAccessToken"]
    assert not reg.config.exists()

    run = reg("update", "test-client", *target, *credentials, "-s", "enabled=false", "-o")
    assert (run.code, len(lines(run.err))) == (0, 1), run.err
    client4 = json.loads(run.out)
    assert client4["clientId"] == "test-client" and client4["enabled"] is False
    assert client4.get("registrationAccessToken") is None
    assert not reg.config.exists()

    run = reg("update", "test-client", *target, "-s", "enabled=true", "-o", "-t", client3["registrationAccessToken"])
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    client5 = json.loads(run.out)
    assert client5["clientId"] == "test-client" and client5["enabled"] is True
    assert client5["registrationAccessToken"] != client3["registrationAccessToken"]
    assert not reg.config.exists()

    run = reg("delete", "test-client", *target, *credentials)
    assert sizes(run) == (0, 0, 1), run.err
    assert not reg.config.exists()

    run = reg("delete", "test-client", *target, *credentials)  # a second delete fails
    assert sizes(run) == (1, 0, 2), run.err
    assert lines(run.err)[1] == "Client not found [invalid_request]"
    assert not reg.config.exists()


def test_user_login_with_custom_config(server: DoorkeepProcess, reg: Reg, tmp_path: Path) -> None:
    """KcRegTest.testUserLoginWithCustomConfig"""
    config = tmp_path / "custom.config"
    login_as_admin(reg, server.base_url, config)
    stored = json.loads(config.read_text())
    assert stored["serverUrl"] == server.base_url and stored["realm"] == "master"
    entry = stored["endpoints"][server.base_url]["master"]
    assert entry["clientId"] == "admin-cli"
    assert entry["token"] and entry["refreshToken"] and entry["expiresAt"] and entry["refreshExpiresAt"]
    assert entry.get("clients", {}) == {}
    assert not reg.config.exists()


def test_custom_config_login_create_delete(server: DoorkeepProcess, reg: Reg, tmp_path: Path) -> None:
    """KcRegTest.testCustomConfigLoginCreateDelete"""
    url = server.base_url
    config = tmp_path / "custom.config"
    login_as_admin(reg, url, config)
    config1 = json.loads(config.read_text())

    run = reg("create", "--config", str(config), "-s", "clientId=test-client", "-o")
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    config2 = json.loads(config.read_text())
    token = config2["endpoints"][url]["master"]["clients"]["test-client"]
    assert token
    assert without_client(config2, url, "test-client") == without_client(config1, url, "test-client")
    client = json.loads(run.out)
    assert client["clientId"] == "test-client" and client["registrationAccessToken"] == token

    run = reg("delete", "test-client", "--config", str(config))
    assert sizes(run) == (0, 0, 0), run.err
    config3 = json.loads(config.read_text())
    assert without_client(config3, url, "test-client") == without_client(config2, url, "test-client")
    assert config3["endpoints"][url]["master"].get("clients", {}) == {}


def without_client(config: dict[str, Any], server: str, client_id: str) -> dict[str, Any]:
    """assertFieldsEqualWithExclusions(…, "endpoints.<server>.master.clients.<client>"): all but that token."""
    copy: dict[str, Any] = json.loads(json.dumps(config))
    copy["endpoints"][server]["master"].get("clients", {}).pop(client_id, None)
    if copy["endpoints"][server]["master"].get("clients") == {}:
        copy["endpoints"][server]["master"].pop("clients")
    return copy


def test_crud_with_on_the_fly_user_auth(server: DoorkeepProcess, reg: Reg) -> None:
    """KcRegTest.testCRUDWithOnTheFlyUserAuth"""
    url = server.base_url
    crud_with_on_the_fly_auth(
        reg, url, ["--user", "user1", "--password", "userpass"], f"Logging into {url} as user user1 of realm test"
    )


def test_crud_with_on_the_fly_user_auth_with_client_secret(server: DoorkeepProcess, reg: Reg) -> None:
    """KcRegTest.testCRUDWithOnTheFlyUserAuthWithClientSecret"""
    url = server.base_url
    login = f"Logging into {url} as user user1 of realm test"
    target = ["get", "test-client", "--no-config", "--server", url, "--realm", "test", "--user", "user1"]

    # a client without direct grants
    run = reg(*target, "--password", "userpass", "--client", "reg-cli-secret", "--secret", "password")
    assert sizes(run) == (1, 0, 2), run.err
    assert lines(run.err)[0] == login
    assert lines(run.err)[-1] == "Client not allowed for direct access grants [unauthorized_client]"

    # a wrong user password
    run = reg(*target, "--password", "wrong", "--client", "reg-cli-secret-direct", "--secret", "password")
    assert sizes(run) == (1, 0, 2), run.err
    assert lines(run.err)[0] == login
    assert lines(run.err)[-1] == "Invalid user credentials [invalid_grant]"

    # a wrong client secret
    run = reg(*target, "--password", "userpass", "--client", "reg-cli-secret-direct", "--secret", "wrong")
    assert sizes(run) == (1, 0, 2), run.err
    assert lines(run.err)[0] == login
    assert lines(run.err)[-1] == "Invalid client or Invalid client credentials [unauthorized_client]"

    credentials = ["--user", "user1", "--password", "userpass", "--client", "reg-cli-secret-direct", "--secret",
                   "password"]  # fmt: skip
    crud_with_on_the_fly_auth(reg, url, credentials, login)


def test_crud_with_on_the_fly_service_account_with_client_secret(server: DoorkeepProcess, reg: Reg) -> None:
    """KcRegTest.testCRUDWithOnTheFlyServiceAccountWithClientSecret"""
    url = server.base_url
    crud_with_on_the_fly_auth(
        reg,
        url,
        ["--client", "reg-cli-secret", "--secret", "password"],
        f"Logging into {url} as service-account-reg-cli-secret of realm test",
    )


def add_localhost_to_allowed_hosts(admin: Cli, realm: str) -> None:
    """AbstractRegCliTest.addLocalhostToAllowedHosts: the anonymous Trusted Hosts policy trusts localhost."""
    policy = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
    listed = admin.ok("get", "components", "-r", realm, "-q", f"type={policy}").json()
    found = [c for c in listed if c["providerId"] == "trusted-hosts" and c["subType"] == "anonymous"]
    assert len(found) == 1
    admin.ok("update", f"components/{found[0]['id']}", "-r", realm, "-s", 'config.trusted-hosts=["localhost"]')


@pytest.mark.parametrize("use_config", [True, False], ids=["config", "no-config"])
def test_create_with_allowed_hosts_without_authentication(
    server: DoorkeepProcess, admin: Cli, reg: Reg, tmp_path: Path, use_config: bool
) -> None:
    """KcRegTest.testCreateWithAllowedHostsWithoutAuthentication (config) and …NoConfig (no-config)"""
    add_localhost_to_allowed_hosts(admin, "test")
    config = tmp_path / "custom.config"
    where = ["--config", str(config)] if use_config else ["--no-config"]
    target = [*where, "--server", server.base_url, "--realm", "test"]

    run = reg("create", *target, "-s", "clientId=test-client", "-o")
    assert (run.code, len(lines(run.err))) == (0, 0), run.err
    client = json.loads(run.out)
    assert client["clientId"] == "test-client" and client["registrationAccessToken"]

    run = reg("delete", "test-client", *target, "-t", client["registrationAccessToken"])
    assert sizes(run) == (0, 0, 0), run.err
    assert config.exists() is use_config and not reg.config.exists()


def test_user_login_with_default_config(server: DoorkeepProcess, reg: Reg) -> None:
    """KcRegTest.testUserLoginWithDefaultConfig"""
    run = reg("config", "credentials", "--server", server.base_url, "--realm", "master", "--user", ADMIN_USERNAME,
              "--password", ADMIN_PASSWORD)  # fmt: skip
    assert sizes(run) == (0, 0, 1), run.err
    assert lines(run.err)[0] == f"Logging into {server.base_url} as user {ADMIN_USERNAME} of realm master"
    assert reg.stored()["endpoints"][server.base_url]["master"]["token"]
