"""python-keycloak 7.1.1's KeycloakAdmin and KeycloakOpenID calls, as scripts use them, against ``doorkeep start-dev``.

Every call goes through python-keycloak itself (its URLs, its JSON, its expected status codes); the
assertions read back what the server stored. The seed realm ``interop`` holds a confidential
direct-grant client, a service-account client and the user alice (see ``interop.server.SeedRealm``).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from keycloak import (
    KeycloakAdmin,
    KeycloakAuthenticationError,
    KeycloakDeleteError,
    KeycloakGetError,
    KeycloakOpenID,
    KeycloakPostError,
    KeycloakPutError,
)

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


def admin_of(server: DoorkeepProcess, realm: str = "master") -> KeycloakAdmin:
    """The master admin, working on ``realm``."""
    admin = KeycloakAdmin(server_url=server.base_url, username=ADMIN_USERNAME, password=ADMIN_PASSWORD,
                          realm_name="master", user_realm_name="master")
    admin.change_current_realm(realm)
    return admin


def openid(server: DoorkeepProcess, realm: str, client_id: str, secret: str | None) -> KeycloakOpenID:
    return KeycloakOpenID(server_url=server.base_url, realm_name=realm, client_id=client_id,
                          client_secret_key=secret)


def body_of(error: KeycloakGetError | KeycloakPostError | KeycloakPutError | KeycloakDeleteError) -> dict[str, Any]:
    assert error.response_body is not None
    return dict(json.loads(error.response_body))


def names(items: list[dict[str, Any]]) -> set[str]:
    return {str(item["name"]) for item in items}


def raw_json(admin: KeycloakAdmin, path: str) -> Any:
    """GET an admin path python-keycloak 7.1.1 has no method for, through its own authenticated connection."""
    response = admin.connection.raw_get(f"admin/realms/{admin.connection.realm_name}/{path}")
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


# --- realms -------------------------------------------------------------------------------------
def test_realms_are_listed_read_updated_and_deleted_through_python_keycloak(seeded_server: DoorkeepProcess) -> None:
    admin = admin_of(seeded_server)
    assert {"master", "interop"} <= {r["realm"] for r in admin.get_realms()}

    admin.create_realm({"realm": "scratch", "enabled": True})
    realm = admin.get_realm("scratch")
    assert realm["realm"] == "scratch"
    assert realm["enabled"] is True
    assert realm["offlineSessionIdleTimeout"] == 2592000
    assert realm["revokeRefreshToken"] is False
    assert realm["defaultRole"]["name"] == "default-roles-scratch"

    assert admin.update_realm("scratch", {
        "offlineSessionIdleTimeout": 86400, "offlineSessionMaxLifespanEnabled": True,
        "offlineSessionMaxLifespan": 604800, "revokeRefreshToken": True, "refreshTokenMaxReuse": 2,
        "displayName": "Scratch realm",
    }) == {}
    updated = admin.get_realm("scratch")
    assert updated["offlineSessionIdleTimeout"] == 86400
    assert updated["offlineSessionMaxLifespanEnabled"] is True
    assert updated["offlineSessionMaxLifespan"] == 604800
    assert updated["revokeRefreshToken"] is True
    assert updated["refreshTokenMaxReuse"] == 2
    assert updated["displayName"] == "Scratch realm"
    assert updated["accessTokenLifespan"] == realm["accessTokenLifespan"]  # untouched by a partial update

    assert admin.delete_realm("scratch") == {}
    assert "scratch" not in {r["realm"] for r in admin.get_realms()}
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_realm("scratch")
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Realm not found."}


# --- clients ------------------------------------------------------------------------------------
def test_a_confidential_service_account_client_is_created_read_and_updated_through_python_keycloak(
    seeded_server: DoorkeepProcess,
) -> None:
    admin = admin_of(seeded_server, "interop")
    uuid = admin.create_client({
        "clientId": "reports", "secret": "reports-secret", "publicClient": False, "serviceAccountsEnabled": True,
        "standardFlowEnabled": False, "directAccessGrantsEnabled": True,
        "attributes": {"client.offline.session.idle.timeout": "3600", "use.refresh.tokens": "true"},
    })
    assert admin.get_client_id("reports") == uuid
    assert admin.get_client_id("no-such-client") is None
    assert "reports" in {c["clientId"] for c in admin.get_clients()}

    client = admin.get_client(uuid)
    assert client["id"] == uuid
    assert client["clientId"] == "reports"
    assert client["serviceAccountsEnabled"] is True
    assert client["publicClient"] is False
    assert client["attributes"]["client.offline.session.idle.timeout"] == "3600"
    assert "offline_access" in client["optionalClientScopes"]

    assert admin.update_client(uuid, {
        "description": "Nightly reports", "attributes": {"client.offline.session.max.lifespan": "7200"},
    }) == {}
    updated = admin.get_client(uuid)
    assert updated["description"] == "Nightly reports"
    assert updated["attributes"]["client.offline.session.max.lifespan"] == "7200"
    assert updated["attributes"]["client.offline.session.idle.timeout"] == "3600"  # attributes merge

    assert admin.get_client_secrets(uuid) == {"type": "secret", "value": "reports-secret"}
    regenerated = admin.generate_client_secrets(uuid)
    assert regenerated["type"] == "secret"
    assert regenerated["value"] != "reports-secret"
    assert admin.get_client_secrets(uuid)["value"] == regenerated["value"]

    account = admin.get_client_service_account_user(uuid)
    assert account["username"] == "service-account-reports"
    assert account["serviceAccountClientId"] == uuid
    assert account["enabled"] is True

    oidc = openid(seeded_server, "interop", "reports", regenerated["value"])
    token = oidc.token(grant_type="client_credentials")
    assert "refresh_token" not in token
    assert oidc.decode_token(token["access_token"], validate=True)["sub"] == account["id"]


def test_client_scopes_are_linked_and_unlinked_through_python_keycloak(seeded_server: DoorkeepProcess) -> None:
    admin = admin_of(seeded_server, "interop")
    uuid = admin.get_client_id(SeedRealm().client_id)
    assert uuid is not None
    scopes = admin.get_client_scopes()
    by_name = {s["name"]: s for s in scopes}
    assert {"openid", "profile", "email", "roles", "offline_access"} - {"openid"} <= set(by_name)
    offline = admin.get_client_scope_by_name("offline_access")
    assert offline is not None
    assert offline["id"] == by_name["offline_access"]["id"]
    assert offline["protocol"] == "openid-connect"
    assert admin.get_client_scope_by_name("no-such-scope") is None

    assert {"profile", "email", "roles"} <= names(admin.get_client_default_client_scopes(uuid))
    assert "offline_access" in names(admin.get_client_optional_client_scopes(uuid))

    assert admin.delete_client_optional_client_scope(uuid, offline["id"]) == {}
    assert "offline_access" not in names(admin.get_client_optional_client_scopes(uuid))
    assert admin.add_client_default_client_scope(uuid, offline["id"], {
        "realm": "interop", "client": uuid, "clientScopeId": offline["id"],
    }) == {}
    assert "offline_access" in names(admin.get_client_default_client_scopes(uuid))
    assert "offline_access" in admin.get_client(uuid)["defaultClientScopes"]

    phone = by_name.get("phone")
    assert phone is not None
    assert admin.add_client_optional_client_scope(uuid, phone["id"], {}) == {}
    assert "phone" in names(admin.get_client_optional_client_scopes(uuid))
    assert admin.delete_client_default_client_scope(uuid, offline["id"]) == {}
    assert "offline_access" not in names(admin.get_client_default_client_scopes(uuid))


def test_client_roles_are_created_listed_and_go_with_the_deleted_client(seeded_server: DoorkeepProcess) -> None:
    admin = admin_of(seeded_server, "interop")
    uuid = admin.create_client({"clientId": "shop", "publicClient": True, "redirectUris": ["http://127.0.0.1/*"]})
    assert admin.create_client_role(uuid, {"name": "buyer", "description": "May buy"}) == "buyer"
    assert admin.create_client_role(uuid, {"name": "buyer"}, skip_exists=True) == "buyer"
    roles = admin.get_client_roles(uuid)
    assert [(r["name"], r["clientRole"], r["containerId"]) for r in roles] == [("buyer", True, uuid)]
    assert admin.get_client_role(uuid, "buyer")["description"] == "May buy"

    assert admin.delete_client(uuid) == {}
    assert admin.get_client_id("shop") is None
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_client(uuid)
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Could not find client"}


# --- roles --------------------------------------------------------------------------------------
def test_realm_roles_and_composites_are_managed_through_python_keycloak(seeded_server: DoorkeepProcess) -> None:
    admin = admin_of(seeded_server, "interop")
    assert admin.create_realm_role({"name": "reader", "description": "Reads"}) == "reader"
    assert admin.create_realm_role({"name": "writer"}) == "writer"
    assert {"reader", "writer", "offline_access", "uma_authorization", "default-roles-interop"} <= names(
        admin.get_realm_roles())
    assert names(admin.get_realm_roles(search_text="read")) == {"reader"}

    reader = admin.get_realm_role("reader")
    assert reader["description"] == "Reads"
    assert reader["composite"] is False
    assert admin.get_realm_role_by_id(reader["id"])["name"] == "reader"
    assert admin.update_realm_role("reader", {"name": "reader", "description": "Reads everything"}) == {}
    assert admin.get_realm_role("reader")["description"] == "Reads everything"

    assert admin.add_composite_realm_roles_to_role("writer", [reader]) == {}
    assert names(admin.get_composite_realm_roles_of_role("writer")) == {"reader"}
    assert admin.get_realm_role("writer")["composite"] is True
    assert admin.remove_composite_realm_roles_to_role("writer", [reader]) == {}
    assert admin.get_composite_realm_roles_of_role("writer") == []

    assert admin.delete_realm_role("writer") == {}
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_realm_role("writer")
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Could not find role"}


def test_realm_and_client_roles_are_mapped_to_users_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    user_id = admin.get_user_id(seed.username)
    assert user_id is not None
    admin.create_realm_role({"name": "auditor"})
    admin.create_realm_role({"name": "senior-auditor"})
    admin.add_composite_realm_roles_to_role("senior-auditor", [admin.get_realm_role("auditor")])
    client_uuid = admin.get_client_id(seed.client_id)
    assert client_uuid is not None
    admin.create_client_role(client_uuid, {"name": "editor"})

    assert admin.assign_realm_roles(user_id, [admin.get_realm_role("senior-auditor")]) == {}
    assert names(admin.get_realm_roles_of_user(user_id)) >= {"senior-auditor", "default-roles-interop"}
    assert "auditor" not in names(admin.get_realm_roles_of_user(user_id))
    assert {"senior-auditor", "auditor", "offline_access", "uma_authorization"} <= names(
        admin.get_composite_realm_roles_of_user(user_id))
    assert "senior-auditor" not in names(admin.get_available_realm_roles_of_user(user_id))

    assert admin.assign_client_role(user_id, client_uuid, [admin.get_client_role(client_uuid, "editor")]) == {}
    assert names(admin.get_client_roles_of_user(user_id, client_uuid)) == {"editor"}
    assert names(admin.get_composite_client_roles_of_user(user_id, client_uuid)) == {"editor"}
    mappings = admin.get_all_roles_of_user(user_id)
    assert "senior-auditor" in names(mappings["realmMappings"])
    assert names(mappings["clientMappings"][seed.client_id]["mappings"]) == {"editor"}

    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    access = oidc.decode_token(oidc.token(seed.username, seed.password)["access_token"], validate=True)
    assert {"senior-auditor", "auditor"} <= set(access["realm_access"]["roles"])
    assert access["resource_access"][seed.client_id] == {"roles": ["editor"]}

    assert admin.delete_client_roles_of_user(user_id, client_uuid, [admin.get_client_role(client_uuid, "editor")]) == {}
    assert admin.get_client_roles_of_user(user_id, client_uuid) == []
    assert admin.delete_realm_roles_of_user(user_id, [admin.get_realm_role("senior-auditor")]) == {}
    assert not {"senior-auditor", "auditor"} & names(admin.get_composite_realm_roles_of_user(user_id))


def test_default_roles_and_roles_by_id_are_managed_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    admin.create_realm_role({"name": "member"})
    member = admin.get_realm_role("member")
    default_id = admin.get_default_realm_role_id()
    assert admin.get_role_by_id(default_id)["name"] == "default-roles-interop"
    assert names(admin.get_realm_default_roles()) == {"offline_access", "uma_authorization"}
    account = admin.get_client_id("account")
    assert account is not None
    assert names(admin.get_role_client_level_children(account, default_id)) == {"view-profile", "manage-account"}
    assert {"offline_access", "view-profile"} <= names(admin.get_role_composites_by_id(default_id))

    assert admin.add_realm_default_roles([member]) == {}
    assert "member" in names(admin.get_realm_default_roles())
    newcomer = admin.create_user({"username": "newcomer", "enabled": True})
    assert "member" in names(admin.get_composite_realm_roles_of_user(newcomer))
    assert admin.remove_realm_default_roles([member]) == {}
    assert "member" not in names(admin.get_realm_default_roles())

    assert admin.update_role_by_id(member["id"], {"name": "member", "description": "Paying member"}) == {}
    assert admin.get_role_by_id(member["id"])["description"] == "Paying member"
    assert admin.delete_role_by_id(member["id"]) == {}
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_role_by_id(member["id"])
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Could not find role with id"}
    with pytest.raises(KeycloakDeleteError) as default_kept:
        admin.delete_role_by_id(default_id)
    assert default_kept.value.response_code == 400
    assert body_of(default_kept.value) == {
        "errorMessage": "default-roles-interop is default role of the realm and cannot be removed.",
    }


def test_role_members_are_listed_through_python_keycloak(seeded_server: DoorkeepProcess, seed: SeedRealm) -> None:
    admin = admin_of(seeded_server, "interop")
    admin.create_realm_role({"name": "operator"})
    client_uuid = admin.get_client_id(seed.client_id)
    service_uuid = admin.get_client_id(seed.service_client_id)
    assert client_uuid is not None and service_uuid is not None
    admin.create_client_role(client_uuid, {"name": "approver"})
    alice = admin.get_user_id(seed.username)
    assert alice is not None
    robot = admin.get_client_service_account_user(service_uuid)
    admin.assign_realm_roles(alice, [admin.get_realm_role("operator")])
    admin.assign_realm_roles(robot["id"], [admin.get_realm_role("operator")])
    admin.assign_client_role(alice, client_uuid, [admin.get_client_role(client_uuid, "approver")])

    members = admin.get_realm_role_members("operator")
    assert [m["username"] for m in members] == [seed.username, f"service-account-{seed.service_client_id}"]
    assert members[0]["id"] == alice
    assert [m["id"] for m in admin.get_client_role_members(client_uuid, "approver")] == [alice]
    assert len(admin.get_realm_role_members("offline_access")) == 0  # held through the default role only
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_realm_role_members("no-such-role")
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Could not find role"}


def test_client_role_scope_mappings_are_managed_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    api = admin.create_client({"clientId": "api", "bearerOnly": True})
    admin.create_client_role(api, {"name": "read"})
    admin.create_client_role(api, {"name": "write"})
    read, write = admin.get_client_role(api, "read"), admin.get_client_role(api, "write")
    app = admin.get_client_id(seed.client_id)
    assert app is not None
    admin.update_client(app, {"fullScopeAllowed": False})
    alice = admin.get_user_id(seed.username)
    assert alice is not None
    admin.assign_client_role(alice, api, [read, write])

    assert admin.assign_client_roles_to_client_scope(app, api, [read]) == {}
    assert names(admin.get_client_roles_of_client_scope(app, api)) == {"read"}
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    access = oidc.decode_token(oidc.token(seed.username, seed.password)["access_token"], validate=True)
    assert access["resource_access"]["api"] == {"roles": ["read"]}
    assert admin.delete_client_roles_of_client_scope(app, api, [read]) == {}
    assert admin.get_client_roles_of_client_scope(app, api) == []

    roles_scope = admin.get_client_scope_by_name("roles")
    assert roles_scope is not None
    assert admin.add_client_specific_roles_to_client_scope(roles_scope["id"], api, [write]) == {}
    assert names(admin.get_client_specific_roles_of_client_scope(roles_scope["id"], api)) == {"write"}
    everything = admin.get_all_roles_of_client_scope(roles_scope["id"])
    assert everything["clientMappings"]["api"]["id"] == api
    assert names(everything["clientMappings"]["api"]["mappings"]) == {"write"}
    access = oidc.decode_token(oidc.token(seed.username, seed.password)["access_token"], validate=True)
    assert access["resource_access"]["api"] == {"roles": ["write"]}
    assert admin.remove_client_specific_roles_of_client_scope(roles_scope["id"], api, [write]) == {}
    assert "clientMappings" not in admin.get_all_roles_of_client_scope(roles_scope["id"])


# --- users --------------------------------------------------------------------------------------
def test_users_are_created_found_counted_updated_and_deleted_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    bob = admin.create_user({
        "username": "Bob", "email": "bob@example.com", "firstName": "Bob", "lastName": "Builder",
        "enabled": True, "emailVerified": True,
        "credentials": [{"type": "password", "value": "bob-password", "temporary": False}],
    })
    carol = admin.create_user({"username": "carol", "email": "carol@example.org", "firstName": "Carol",
                               "lastName": "Singer", "enabled": True})
    assert admin.create_user({"username": "bob"}, exist_ok=True) == bob

    assert admin.get_user_id("bob") == bob
    assert admin.get_user_id("nobody") is None
    assert [u["id"] for u in admin.get_users({"username": "bob", "exact": True})] == [bob]
    assert [u["id"] for u in admin.get_users({"email": "carol@example.org"})] == [carol]
    assert admin.get_users({"search": "example.com"}) == []  # Keycloak's search is by prefix
    assert {u["username"] for u in admin.get_users({"search": "*@example.com"})} == {"alice", "bob"}
    assert [u["username"] for u in admin.get_users({"search": "car"})] == ["carol"]
    everyone = admin.get_users()
    assert {u["username"] for u in everyone} == {"alice", "bob", "carol"}
    assert len(admin.get_users({"first": 1, "max": 1})) == 1
    assert admin.users_count() == 3
    assert admin.users_count({"search": "*example.com"}) == 2

    user = admin.get_user(bob)
    assert (user["username"], user["email"], user["firstName"], user["enabled"]) == (
        "bob", "bob@example.com", "Bob", True)
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    assert oidc.token("bob", "bob-password")["token_type"] == "Bearer"

    assert admin.update_user(bob, {"firstName": "Robert", "attributes": {"team": ["blue"]}}) == {}
    updated = admin.get_user(bob)
    assert updated["firstName"] == "Robert"
    assert updated["lastName"] == "Builder"
    assert updated["attributes"] == {"team": ["blue"]}

    assert admin.set_user_password(bob, "new-bob-password", temporary=False) == {}
    with pytest.raises(KeycloakAuthenticationError) as refused:  # python-keycloak's class for any 401
        oidc.token("bob", "bob-password")
    assert refused.value.response_code == 401
    assert body_of(refused.value) == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    assert oidc.token("bob", "new-bob-password")["token_type"] == "Bearer"

    assert admin.delete_user(carol) == {}
    assert admin.users_count() == 2
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_user(carol)
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "User not found"}


def test_user_filters_and_credentials_behave_as_keycloak_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    dora = admin.create_user({"username": "dora", "email": "dora@example.org", "enabled": False,
                              "attributes": {"team": ["Blue"], "site": ["oslo"]}})
    alice = admin.get_user_id(seed.username)
    assert alice is not None
    assert [u["username"] for u in admin.get_users({"enabled": False})] == ["dora"]
    assert seed.username in {u["username"] for u in admin.get_users({"enabled": True})}
    assert [u["id"] for u in admin.get_users({"q": "team:blue"})] == [dora]
    assert admin.get_users({"q": "team:blue site:bergen"}) == []
    assert [u["username"] for u in admin.get_users({"emailVerified": True})] == [seed.username]
    assert [u["username"] for u in admin.get_users({"search": "dora", "enabled": True})] == []
    assert admin.users_count({"enabled": False}) == 1
    robot = f"service-account-{seed.service_client_id}"
    assert admin.get_user_id(robot) == admin.get_client_service_account_user(
        str(admin.get_client_id(seed.service_client_id)))["id"]  # a field query finds service accounts
    assert robot not in {u["username"] for u in admin.get_users()}  # a plain listing does not

    credentials = admin.get_credentials(alice)
    assert [(c["type"], set(c)) for c in credentials] == [
        ("password", {"id", "type", "createdDate", "credentialData"}),
    ]
    assert json.loads(credentials[0]["credentialData"])["algorithm"] == "argon2"
    assert admin.delete_credential(alice, credentials[0]["id"]) == {}
    assert admin.get_credentials(alice) == []
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    with pytest.raises(KeycloakAuthenticationError):
        oidc.token(seed.username, seed.password)
    with pytest.raises(KeycloakDeleteError) as missing:
        admin.delete_credential(alice, credentials[0]["id"])
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Credential not found"}


def test_a_service_account_with_realm_management_roles_administers_its_realm_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    master = admin_of(seeded_server, "interop")
    service_uuid = master.get_client_id(seed.service_client_id)
    management = master.get_client_id("realm-management")
    assert service_uuid is not None and management is not None
    robot = master.get_client_service_account_user(service_uuid)
    master.assign_client_role(robot["id"], management, [
        master.get_client_role(management, "manage-users"), master.get_client_role(management, "view-clients"),
    ])

    admin = KeycloakAdmin(server_url=seeded_server.base_url, realm_name=seed.name, client_id=seed.service_client_id,
                          client_secret_key=seed.service_client_secret)
    created = admin.create_user({"username": "hired", "enabled": True})
    assert admin.get_user(created)["username"] == "hired"
    assert seed.client_id in {c["clientId"] for c in admin.get_clients()}
    with pytest.raises(KeycloakPutError) as forbidden:
        admin.update_realm(seed.name, {"displayName": "Taken over"})
    assert forbidden.value.response_code == 403
    assert body_of(forbidden.value) == {"error": "HTTP 403 Forbidden"}


# --- sessions, consents and offline access ------------------------------------------------------
def test_sessions_appear_in_python_keycloak_and_user_logout_ends_them(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_id = admin.get_user_id(seed.username)
    client_uuid = admin.get_client_id(seed.client_id)
    assert user_id is not None and client_uuid is not None
    online = oidc.token(seed.username, seed.password)
    offline = oidc.token(seed.username, seed.password, scope="openid offline_access")

    sessions = admin.get_sessions(user_id)
    assert [s["id"] for s in sessions] == [online["session_state"]]
    assert sessions[0]["username"] == seed.username
    assert sessions[0]["userId"] == user_id
    assert sessions[0]["ipAddress"] == "127.0.0.1"
    assert sessions[0]["clients"] == {client_uuid: seed.client_id}
    assert sessions[0]["start"] % 1000 == 0

    assert [s["id"] for s in admin.get_client_all_sessions(client_uuid)] == [online["session_state"]]
    offline_sessions = raw_json(admin, f"clients/{client_uuid}/offline-sessions")
    assert [s["id"] for s in offline_sessions] == [offline["session_state"]]
    assert raw_json(admin, f"clients/{client_uuid}/offline-session-count") == {"count": 1}
    assert raw_json(admin, f"users/{user_id}/offline-sessions/{client_uuid}")[0]["id"] == offline["session_state"]
    assert admin.get_client_sessions_stats() == [
        {"id": client_uuid, "clientId": seed.client_id, "active": "1", "offline": "1"},
    ]

    time.sleep(1.1)  # notBefore has one-second resolution: a token issued in the logout's second stays valid
    assert admin.user_logout(user_id) == {}
    assert admin.get_sessions(user_id) == []
    assert admin.get_client_all_sessions(client_uuid) == []
    with pytest.raises(KeycloakPostError) as stale:
        oidc.refresh_token(offline["refresh_token"])
    assert stale.value.response_code == 400
    assert body_of(stale.value) == {"error": "invalid_grant", "error_description": "Stale token"}


def test_revoking_consent_through_python_keycloak_kills_the_offline_token(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_id = admin.get_user_id(seed.username)
    client_uuid = admin.get_client_id(seed.client_id)
    assert user_id is not None and client_uuid is not None
    offline = oidc.token(seed.username, seed.password, scope="openid offline_access")
    assert oidc.refresh_token(offline["refresh_token"])["refresh_expires_in"] == 0

    assert admin.user_consents(user_id) == [{
        "clientId": seed.client_id, "grantedClientScopes": [], "createdDate": None, "lastUpdatedDate": None,
        "additionalGrants": [{"client": client_uuid, "key": "Offline Token"}],
    }]
    assert admin.revoke_consent(user_id, seed.client_id) == {}
    assert admin.user_consents(user_id) == []
    assert raw_json(admin, f"clients/{client_uuid}/offline-session-count") == {"count": 0}
    assert oidc.introspect(offline["refresh_token"]) == {"active": False}
    with pytest.raises(KeycloakPostError) as dead:
        oidc.refresh_token(offline["refresh_token"])
    assert dead.value.response_code == 400
    assert body_of(dead.value) == {"error": "invalid_grant", "error_description": "Offline user session not found"}

    with pytest.raises(KeycloakDeleteError) as again:
        admin.revoke_consent(user_id, seed.client_id)
    assert again.value.response_code == 404
    assert body_of(again.value) == {"error": "Consent nor offline token not found"}


# --- events -------------------------------------------------------------------------------------
def test_events_are_switched_on_and_read_back_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    assert admin.set_events({"eventsEnabled": True, "enabledEventTypes": ["LOGIN", "LOGIN_ERROR", "LOGOUT"]}) == {}
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    token = oidc.token(seed.username, seed.password)
    with pytest.raises(KeycloakAuthenticationError):
        oidc.token(seed.username, "wrong password")
    oidc.logout(token["refresh_token"])

    user_id = admin.get_user_id(seed.username)
    found = admin.get_events()
    # Doorkeep stamps events in whole seconds (times in ms, always ending in 000), so events of one second
    # come back in no particular order; Keycloak stamps milliseconds.
    assert sorted(e["type"] for e in found) == ["LOGIN", "LOGIN_ERROR", "LOGOUT"]
    assert all(e["realmId"] == admin.get_realm("interop")["id"] for e in found)
    by_type = {e["type"]: e for e in found}
    login = by_type["LOGIN"]
    assert login["clientId"] == seed.client_id
    assert login["userId"] == user_id
    assert login["sessionId"] == token["session_state"]
    assert login["details"]["grant_type"] == "password"
    assert login["details"]["username"] == seed.username
    assert by_type["LOGIN_ERROR"]["error"] == "invalid_user_credentials"
    assert by_type["LOGOUT"]["sessionId"] == token["session_state"]
    assert [e["type"] for e in admin.get_events({"type": "LOGIN"})] == ["LOGIN"]
    assert len(admin.get_events({"user": user_id, "max": 1})) == 1
    assert admin.get_events({"client": "no-such-client"}) == []


# --- KeycloakOpenID -----------------------------------------------------------------------------
def test_discovery_keys_and_authorization_url_come_from_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    issuer = f"{seeded_server.base_url}/realms/{seed.name}"
    well_known = oidc.well_known()
    assert well_known["issuer"] == issuer
    assert well_known["token_endpoint"] == f"{issuer}/protocol/openid-connect/token"
    assert "offline_access" in well_known["scopes_supported"]

    certs = oidc.certs()
    assert [k["alg"] for k in certs["keys"] if k["use"] == "sig" and k["kty"] == "RSA"] == ["RS256"]
    public_key = oidc.public_key()
    assert public_key.startswith("MII")

    url = oidc.auth_url(redirect_uri="http://127.0.0.1/callback", scope="openid offline_access", state="s1",
                        nonce="n1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == well_known["authorization_endpoint"]
    assert parse_qs(parts.query) == {
        "client_id": [seed.client_id], "response_type": ["code"], "redirect_uri": ["http://127.0.0.1/callback"],
        "scope": ["openid offline_access"], "state": ["s1"], "nonce": ["n1"],
    }


def test_client_credentials_userinfo_introspection_refresh_and_logout_work_through_python_keycloak(
    seeded_server: DoorkeepProcess, seed: SeedRealm,
) -> None:
    service = openid(seeded_server, seed.name, seed.service_client_id, seed.service_client_secret)
    token = service.token(grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert "refresh_token" not in token
    assert "session_state" not in token
    access = service.decode_token(token["access_token"], validate=True)
    assert access["azp"] == seed.service_client_id
    assert access["preferred_username"] == f"service-account-{seed.service_client_id}"
    assert "sid" not in access
    info = service.introspect(token["access_token"])
    assert info["active"] is True
    assert info["client_id"] == seed.service_client_id

    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_token = oidc.token(seed.username, seed.password)
    assert oidc.userinfo(user_token["access_token"])["preferred_username"] == seed.username
    refreshed = oidc.refresh_token(user_token["refresh_token"])
    assert refreshed["session_state"] == user_token["session_state"]
    assert oidc.logout(refreshed["refresh_token"]) == {}
    assert oidc.introspect(refreshed["access_token"]) == {"active": False}
