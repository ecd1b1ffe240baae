"""Keycloak's KcAdmCreateTest, KcAdmUpdateTest and KcAdmSessionTest (Keycloak 26) against ``doorkeep admin``.

Not ported: the SAML identity provider of testUpdateIDPWithoutInternalId (no SAML broker here) and the file
fixture of testCreateIDPWithoutSyncMode (test_docs_examples_brokering.py creates OIDC providers with kcadm's
commands).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from interop.admin_cli_support import Cli
from interop.kcadm_port_support import kcadm_server, lines
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    yield from kcadm_server(tmp_path_factory, "kc-port8-crud")


@pytest.fixture
def cli(tmp_path: Path, shared: DoorkeepProcess) -> Cli:
    made = Cli(tmp_path / "custom.config")
    run = made.ok("config", "credentials", "-x", "--server", shared.base_url, "--realm", "master", "--user", "admin",
                  "--password", "admin")  # fmt: skip
    assert run.out == "" and len(lines(run.err)) == 1
    return made


def test_create_with_realm_override(shared: DoorkeepProcess, cli: Cli) -> None:
    run = cli.ok("create", "clients", "--server", shared.base_url, "-r", "test", "-s", "clientId=my_first_client")
    assert run.out == "" and len(lines(run.err)) == 1
    assert cli.ok("get", "clients", "-r", "test", "-q", "clientId=my_first_client", "-F", "clientId").json() == [
        {"clientId": "my_first_client"}
    ]


def test_create_thoroughly(cli: Cli, tmp_path: Path) -> None:
    content = {
        "clientId": "my_client", "enabled": True, "redirectUris": ["http://localhost:8980/myapp/*"],
        "serviceAccountsEnabled": True, "name": "My Client App", "implicitFlowEnabled": False, "publicClient": True,
        "webOrigins": ["http://localhost:8980/myapp"], "consentRequired": False, "baseUrl": "http://localhost:8980/myapp",
        "bearerOnly": True, "standardFlowEnabled": True,
    }  # fmt: skip
    document = tmp_path / "client.json"
    document.write_text(json.dumps(content, indent=8))
    run = cli.ok("create", "clients", "-o", "-f", "-", stdin=document.read_text())
    assert lines(run.err) == []
    client = run.json()
    assert client["id"] and client["clientId"] == "my_client" and client["enabled"] is True
    assert client["redirectUris"] == ["http://localhost:8980/myapp/*"] and client["serviceAccountsEnabled"] is True
    assert client["name"] == "My Client App" and client["implicitFlowEnabled"] is False
    assert client["publicClient"] is True and client["webOrigins"] == ["http://localhost:8980/myapp"]
    assert client["consentRequired"] is False and client["baseUrl"] == "http://localhost:8980/myapp"
    assert client["standardFlowEnabled"] is True

    run = cli.ok(
        "create", "clients", "-o", "-f", str(document), "-s", "clientId=my_client2", "-s", "enabled=false",
        "-s", 'redirectUris=["http://localhost:8980/myapp2/*"]', "-s", "name=My Client App II",
        "-s", 'webOrigins=["http://localhost:8980/myapp2"]', "-s", "baseUrl=http://localhost:8980/myapp2",
        "-s", "rootUrl=http://localhost:8980/myapp2",
    )  # fmt: skip
    assert lines(run.err) == []
    client2 = run.json()
    assert client2["id"] != client["id"] and client2["clientId"] == "my_client2" and client2["enabled"] is False
    assert client2["redirectUris"] == ["http://localhost:8980/myapp2/*"] and client2["serviceAccountsEnabled"] is True
    assert client2["name"] == "My Client App II" and client2["webOrigins"] == ["http://localhost:8980/myapp2"]
    assert client2["baseUrl"] == client2["rootUrl"] == "http://localhost:8980/myapp2"

    only_id = cli.ok("create", "clients", "-i", "-s", "clientId=my_client3")
    assert len(lines(only_id.out)) == 1 and only_id.err == ""
    default = cli.ok("create", "clients", "-s", "clientId=my_client4")
    assert default.out == "" and lines(default.err)[-1].startswith("Created new client with id '")


def test_update_thoroughly(shared: DoorkeepProcess, tmp_path: Path) -> None:
    cli = Cli(tmp_path / "user1.config")
    cli.ok("config", "credentials", "--server", shared.base_url, "--realm", "test", "--user", "user1",
           "--password", "userpass")  # fmt: skip
    client = cli.ok("create", "clients", "-o", "-s", "clientId=my_client").json()
    assert client["enabled"] is True and client["publicClient"] is False and client["bearerOnly"] is False
    assert client["redirectUris"] == []
    path = f"clients/{client['id']}"

    client = cli.ok(
        "update", path, "-o", "-s", "enabled=false", "-s", 'redirectUris=["http://localhost:8980/myapp/*"]'
    ).json()
    assert client["enabled"] is False and client["redirectUris"] == ["http://localhost:8980/myapp/*"]

    client = cli.ok(
        "update", path, "-o", "-d", "redirectUris[0]", "-s", "webOrigins+=http://localhost:8980/myapp",
        "-s", "webOrigins+=http://localhost:8981/myapp", "-d", "webOrigins[0]",
    ).json()  # fmt: skip
    assert client["redirectUris"] == [] and client["webOrigins"] == ["http://localhost:8981/myapp"]

    run = cli("update", path, "--nonexisting")
    assert run.code == 2 and run.out == ""
    assert lines(run.err) == [
        "Unknown option: '--nonexisting'",
        "Try 'doorkeep admin update --help' for more information on the available options.",
    ]

    overwrite = ["-o", "-s", "clientId=my_client", "-s", 'redirectUris=["http://localhost:8980/myapp/*"]', "-f", "-"]
    run = cli.ok("update", path, *overwrite, stdin='{ "enabled": false }')
    client = run.json()
    assert lines(run.err) == []
    assert client["webOrigins"] == ["http://localhost:8981/myapp"]  # not sent, so the server kept it
    assert client["enabled"] is False and client["redirectUris"] == ["http://localhost:8980/myapp/*"]

    client = cli.ok(
        "update", path, "-o", "-m", "-f", "-", stdin='{ "webOrigins": ["http://localhost:8980/myapp"] }'
    ).json()
    assert client["webOrigins"] == ["http://localhost:8980/myapp"] and client["enabled"] is False
    assert client["redirectUris"] == ["http://localhost:8980/myapp/*"]

    merged = cli.ok("update", path, "-o", "-s", "enabled=true", "-m", "-f", "-",
                    stdin='{ "webOrigins": ["http://localhost:8980/myapp1"] }').json()  # fmt: skip
    assert merged["webOrigins"] == ["http://localhost:8980/myapp1"] and merged["enabled"] is True


def test_session(shared: DoorkeepProcess, tmp_path: Path) -> None:
    """KcAdmSessionTest.test: a realm admin made with kcadm administers its own realm with kcadm."""
    cli = Cli(tmp_path / "session.config")
    for env in ({}, {"KC_CLI_PASSWORD": "admin"}):  # the password as an option, then from the environment
        cli.ok("config", "credentials", "--server", shared.base_url, "--realm", "master", "--user", "admin",
               *([] if env else ["--password", "admin"]), env=env)  # fmt: skip
    run = cli.ok("create", "realms", "-s", "realm=demorealm", "-s", "enabled=true")
    assert run.out == "" and lines(run.err)[-1].startswith("Created ")
    run = cli.ok("create", "users", "-r", "demorealm", "-s", "username=testuser", "-s", "firstName=testuser",
                 "-s", "lastName=testuser", "-s", "email=testuser@keycloak.org", "-s", "enabled=true", "-i")  # fmt: skip
    user_id = run.out.strip()
    assert len(lines(run.out)) == 1 and run.err == ""
    assert user_id in cli.ok("get", "users", "-r", "demorealm", "-q", "q=username:testuser").out
    assert user_id not in cli.ok("get", "users", "-r", "demorealm", "-q", "q=username:non-existent").out
    run = cli.ok("add-roles", "-r", "demorealm", "--uusername", "testuser", "--cclientid", "realm-management",
                 "--rolename", "realm-admin")  # fmt: skip
    assert run.out == run.err == ""
    assert cli.ok("set-password", "-r", "demorealm", "--username", "testuser", "-p", "password").err == ""

    cli.ok("config", "credentials", "--server", shared.base_url, "--realm", "demorealm", "--user", "testuser",
           "--password", "password")  # fmt: skip
    assert len(cli.ok("get-roles").json()) == 3
    role = cli.ok("create", "roles", "-s", "name=testrole", "-s", "description=Test role", "-o").json()
    assert role["name"] == "testrole" and role["id"]
    assert len(cli.ok("get-roles").json()) == 4
    client_id = cli.ok("create", "clients", "-s", "clientId=testclient", "-i").out.strip()
    run = cli.ok("create", f"clients/{client_id}/roles", "-s", "name=clientrole", "-s", "description=Test client role")
    assert run.out == "" and lines(run.err)[-1].startswith("Created ")
    assert [r["name"] for r in cli.ok("get-roles", "--cclientid", "testclient").json()] == ["clientrole"]
    run = cli.ok("add-roles", "--uusername", "testuser", "--cclientid", "testclient", "--rolename", "clientrole")
    assert run.out == run.err == ""

    every = cli.ok("get-roles", "--uusername", "testuser", "--all").json()
    assert sorted(r["name"] for r in every["realmMappings"]) == ["default-roles-demorealm"]
    clients = every["clientMappings"]
    assert sorted(m["client"] for m in clients.values()) == ["realm-management", "testclient"]
    assert [r["name"] for r in clients["realm-management"]["mappings"]] == ["realm-admin"]
    assert [r["name"] for r in clients["testclient"]["mappings"]] == ["clientrole"]
    assert cli.ok("add-roles", "--uusername", "testuser", "--rolename", "testrole").err == ""
    every = cli.ok("get-roles", "--uusername", "testuser", "--all").json()
    assert sorted(r["name"] for r in every["realmMappings"]) == ["default-roles-demorealm", "testrole"]

    group_id = cli.ok("create", "groups", "-s", "name=TestUsers", "-i").out.strip()
    sub_id = cli.ok("create", f"groups/{group_id}/children", "-s", "name=TestPowerUsers", "-i").out.strip()
    run = cli.ok("update", f"users/{user_id}/groups/{sub_id}", "-s", "realm=demorealm", "-s", f"userId={user_id}",
                 "-s", f"groupId={sub_id}", "-n")  # fmt: skip
    assert run.out == run.err == ""
    assert [g["id"] for g in cli.ok("get", f"users/{user_id}/groups").json()] == [sub_id]

    for path in (
        f"groups/{sub_id}",
        f"groups/{group_id}",
        f"clients/{client_id}",
        "roles/testrole",
        f"users/{user_id}",
    ):
        run = cli.ok("delete", path)
        assert run.out == run.err == ""
    run = cli.ok("delete", "realms/demorealm", "--realm", "master")  # master's login, still in the file
    assert run.out == run.err == ""
    assert cli("get", "realms/demorealm", "--realm", "master").code == 1


def test_composite_role_creation_with_higher_volume_of_roles(cli: Cli) -> None:
    cli.ok("create", "realms", "-s", "realm=HigherVolumeRolesRealm", "-s", "enabled=true")
    for i in range(20):
        run = cli.ok("create", "roles", "-r", "HigherVolumeRolesRealm", "-s", f"name=ROLE{i}")
        assert len(lines(run.err)) == 1
    run = cli.ok("add-roles", "-r", "HigherVolumeRolesRealm", "--rname", "ROLE11", "--cclientid", "realm-management",
                 "--rolename", "impersonation", "--rolename", "view-users", "--rolename", "view-realm",
                 "--rolename", "manage-users")  # fmt: skip
    assert run.out == run.err == ""
    composites = cli.ok("get", "roles/ROLE11/composites", "-r", "HigherVolumeRolesRealm", "-F", "name").json()
    assert sorted(r["name"] for r in composites) == ["impersonation", "manage-users", "view-realm", "view-users"]
