"""python-keycloak 7.1.1's KeycloakAdmin calls for realms, clients, client scopes and roles, as scripts use
them, against ``doorkeep start-dev``.

Every call goes through python-keycloak itself (its URLs, its JSON, its expected status codes); the
assertions read back what the server stored. The seed realm ``interop`` holds a confidential
direct-grant client, a service-account client and the user alice (see ``interop.server.SeedRealm``).
Users are in ``test_python_keycloak_users.py``; sessions, consents, events and KeycloakOpenID in
``test_python_keycloak_sessions.py``.
"""

from __future__ import annotations

import pytest
from keycloak import (
    KeycloakAuthenticationError,
    KeycloakDeleteError,
    KeycloakGetError,
)

from interop.python_keycloak_support import admin_of, body_of, names, openid
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


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

    assert (
        admin.update_realm(
            "scratch",
            {
                "offlineSessionIdleTimeout": 86400,
                "offlineSessionMaxLifespanEnabled": True,
                "offlineSessionMaxLifespan": 604800,
                "revokeRefreshToken": True,
                "refreshTokenMaxReuse": 2,
                "displayName": "Scratch realm",
            },
        )
        == {}
    )
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


def test_a_whole_realm_representation_is_imported_by_create_realm_and_imported_again_after_deletion(
    seeded_server: DoorkeepProcess,
) -> None:
    """``create_realm(payload)`` with clients and users, as setup scripts send a realm JSON; deleted and created
    again from the same JSON (same id) with a new secret, the old one stops working at once."""

    def payload(secret: str) -> dict[str, object]:
        return {
            "id": "5b0c8a4e-7f1d-4a8e-9c61-2f9e5a7d3c10",
            "realm": "whole",
            "enabled": True,
            "roles": {"realm": [{"name": "reader"}]},
            "clients": [
                {"clientId": "cli", "secret": secret, "publicClient": False, "directAccessGrantsEnabled": True}
            ],
            "users": [
                {
                    "username": "carol",
                    "enabled": True,
                    "email": "carol@localhost",
                    "firstName": "Carol",
                    "lastName": "Reader",
                    "realmRoles": ["reader"],
                    "credentials": [{"type": "password", "value": "carol-password", "temporary": False}],
                }
            ],
        }

    admin = admin_of(seeded_server)
    admin.create_realm(payload("first"))
    tokens = openid(seeded_server, "whole", "cli", "first").token("carol", "carol-password")
    assert (
        "reader"
        in openid(seeded_server, "whole", "cli", "first").decode_token(tokens["access_token"], validate=False)[
            "realm_access"
        ]["roles"]
    )
    assert admin.delete_realm("whole") == {}
    admin.create_realm(payload("second"))
    with pytest.raises(KeycloakAuthenticationError):
        openid(seeded_server, "whole", "cli", "first").token("carol", "carol-password")
    assert openid(seeded_server, "whole", "cli", "second").token("carol", "carol-password")["access_token"]
    assert admin.delete_realm("whole") == {}


def test_partial_import_realm_adds_users_and_skips_what_exists_through_python_keycloak(
    seeded_server: DoorkeepProcess,
) -> None:
    admin = admin_of(seeded_server, "interop")
    payload: dict[str, object] = {
        "ifResourceExists": "SKIP",
        "roles": {"realm": [{"name": "importer-role"}]},
        "users": [
            {
                "username": "erin",
                "enabled": True,
                "realmRoles": ["importer-role"],
                "credentials": [{"type": "password", "value": "erin-password", "temporary": False}],
            }
        ],
    }
    first = admin.partial_import_realm("interop", payload)
    assert (first["added"], first["skipped"]) == (2, 0)
    again = admin.partial_import_realm("interop", payload)
    assert (again["added"], again["skipped"]) == (0, 2)
    assert {r["resourceName"] for r in again["results"]} == {"importer-role", "erin"}
    [erin] = admin.get_users({"username": "erin", "exact": True})
    assert "importer-role" in names(admin.get_realm_roles_of_user(erin["id"]))
    admin.delete_user(erin["id"])
    admin.delete_realm_role("importer-role")


# --- clients ------------------------------------------------------------------------------------
def test_a_confidential_service_account_client_is_created_read_and_updated_through_python_keycloak(
    seeded_server: DoorkeepProcess,
) -> None:
    admin = admin_of(seeded_server, "interop")
    uuid = admin.create_client(
        {
            "clientId": "reports",
            "secret": "reports-secret",
            "publicClient": False,
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
            "directAccessGrantsEnabled": True,
            "attributes": {"client.offline.session.idle.timeout": "3600", "use.refresh.tokens": "true"},
        }
    )
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

    assert (
        admin.update_client(
            uuid,
            {
                "description": "Nightly reports",
                "attributes": {"client.offline.session.max.lifespan": "7200"},
            },
        )
        == {}
    )
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
    assert {"profile", "email", "roles", "offline_access"} <= set(by_name)
    offline = admin.get_client_scope_by_name("offline_access")
    assert offline is not None
    assert offline["id"] == by_name["offline_access"]["id"]
    assert offline["protocol"] == "openid-connect"
    assert admin.get_client_scope_by_name("no-such-scope") is None

    assert {"profile", "email", "roles"} <= names(admin.get_client_default_client_scopes(uuid))
    assert "offline_access" in names(admin.get_client_optional_client_scopes(uuid))

    assert admin.delete_client_optional_client_scope(uuid, offline["id"]) == {}
    assert "offline_access" not in names(admin.get_client_optional_client_scopes(uuid))
    assert (
        admin.add_client_default_client_scope(
            uuid,
            offline["id"],
            {
                "realm": "interop",
                "client": uuid,
                "clientScopeId": offline["id"],
            },
        )
        == {}
    )
    assert "offline_access" in names(admin.get_client_default_client_scopes(uuid))
    assert "offline_access" in admin.get_client(uuid)["defaultClientScopes"]

    phone = by_name.get("phone")
    assert phone is not None
    assert admin.add_client_optional_client_scope(uuid, phone["id"], {}) == {}
    assert "phone" in names(admin.get_client_optional_client_scopes(uuid))
    assert admin.delete_client_default_client_scope(uuid, offline["id"]) == {}
    assert "offline_access" not in names(admin.get_client_default_client_scopes(uuid))


def test_client_scopes_and_realm_default_scopes_are_managed_through_python_keycloak(
    seeded_server: DoorkeepProcess,
) -> None:
    admin = admin_of(seeded_server, "interop")
    scope_id = admin.create_client_scope(
        {
            "name": "reports",
            "protocol": "openid-connect",
            "description": "Report access",
            "attributes": {"include.in.token.scope": "true", "display.on.consent.screen": "true"},
        }
    )
    assert admin.create_client_scope({"name": "reports"}, skip_exists=True) == scope_id
    scope = admin.get_client_scope(scope_id)
    assert (scope["name"], scope["description"], scope["protocol"]) == ("reports", "Report access", "openid-connect")
    assert admin.update_client_scope(scope_id, {"description": "Reading reports"}) == {}
    assert admin.get_client_scope(scope_id)["description"] == "Reading reports"

    assert admin.add_default_optional_client_scope(scope_id) == {}
    assert "reports" in names(admin.get_default_optional_client_scopes())
    later = admin.create_client({"clientId": "later", "publicClient": True})
    assert "reports" in names(admin.get_client_optional_client_scopes(later))
    assert admin.delete_default_optional_client_scope(scope_id) == {}
    assert "reports" not in names(admin.get_default_optional_client_scopes())
    assert {"profile", "email"} <= names(admin.get_default_default_client_scopes())

    assert admin.delete_client_scope(scope_id) == {}
    assert admin.get_client_scope_by_name("reports") is None
    assert "reports" not in names(admin.get_client_optional_client_scopes(later))


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
        admin.get_realm_roles()
    )
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
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
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
        admin.get_composite_realm_roles_of_user(user_id)
    )
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
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
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
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
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
