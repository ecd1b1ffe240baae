"""python-keycloak 7.1.1's KeycloakAdmin calls for users (create, find, count, update, passwords, credentials,
field queries) and a service account administering its own realm, against ``doorkeep start-dev``.
"""

from __future__ import annotations

import json

import pytest
from keycloak import (
    KeycloakAdmin,
    KeycloakDeleteError,
    KeycloakGetError,
    KeycloakPostError,
    KeycloakPutError,
)

from interop.python_keycloak_support import admin_of, body_of, openid
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


# --- users --------------------------------------------------------------------------------------
def test_users_are_created_found_counted_updated_and_deleted_through_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    bob = admin.create_user(
        {
            "username": "Bob",
            "email": "bob@example.com",
            "firstName": "Bob",
            "lastName": "Builder",
            "enabled": True,
            "emailVerified": True,
            "credentials": [{"type": "password", "value": "bob-password", "temporary": False}],
        }
    )
    carol = admin.create_user(
        {"username": "carol", "email": "carol@example.org", "firstName": "Carol", "lastName": "Singer", "enabled": True}
    )
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
        "bob",
        "bob@example.com",
        "Bob",
        True,
    )
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    assert oidc.token("bob", "bob-password")["token_type"] == "Bearer"

    assert admin.update_user(bob, {"firstName": "Robert", "attributes": {"team": ["blue"]}}) == {}
    updated = admin.get_user(bob)
    assert updated["firstName"] == "Robert"
    assert updated["lastName"] == "Builder"
    assert updated["attributes"] == {"team": ["blue"]}

    assert admin.set_user_password(bob, "new-bob-password", temporary=False) == {}
    with pytest.raises(KeycloakPostError) as refused:  # the direct grant's invalid_grant is 400 since Keycloak 26.6
        oidc.token("bob", "bob-password")
    assert refused.value.response_code == 400
    assert body_of(refused.value) == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    assert oidc.token("bob", "new-bob-password")["token_type"] == "Bearer"

    assert admin.delete_user(carol) == {}
    assert admin.users_count() == 2
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_user(carol)
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "User not found"}


def test_user_filters_and_credentials_behave_as_keycloak_through_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, "interop")
    dora = admin.create_user(
        {
            "username": "dora",
            "email": "dora@example.org",
            "enabled": False,
            "attributes": {"team": ["Blue"], "site": ["oslo"]},
        }
    )
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
    assert (
        admin.get_user_id(robot)
        == admin.get_client_service_account_user(str(admin.get_client_id(seed.service_client_id)))["id"]
    )  # a field query finds service accounts
    assert robot not in {u["username"] for u in admin.get_users()}  # a plain listing does not

    credentials = admin.get_credentials(alice)
    assert [(c["type"], set(c)) for c in credentials] == [
        ("password", {"id", "type", "createdDate", "credentialData"}),
    ]
    assert json.loads(credentials[0]["credentialData"])["algorithm"] == "argon2"
    assert admin.delete_credential(alice, credentials[0]["id"]) == {}
    assert admin.get_credentials(alice) == []
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    with pytest.raises(KeycloakPostError):
        oidc.token(seed.username, seed.password)
    with pytest.raises(KeycloakDeleteError) as missing:
        admin.delete_credential(alice, credentials[0]["id"])
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Credential not found"}


def test_a_service_account_with_realm_management_roles_administers_its_realm_through_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    master = admin_of(seeded_server, "interop")
    service_uuid = master.get_client_id(seed.service_client_id)
    management = master.get_client_id("realm-management")
    assert service_uuid is not None and management is not None
    robot = master.get_client_service_account_user(service_uuid)
    master.assign_client_role(
        robot["id"],
        management,
        [
            master.get_client_role(management, "manage-users"),
            master.get_client_role(management, "view-clients"),
        ],
    )

    admin = KeycloakAdmin(
        server_url=seeded_server.base_url,
        realm_name=seed.name,
        client_id=seed.service_client_id,
        client_secret_key=seed.service_client_secret,
    )
    created = admin.create_user({"username": "hired", "enabled": True})
    assert admin.get_user(created)["username"] == "hired"
    assert seed.client_id in {c["clientId"] for c in admin.get_clients()}
    with pytest.raises(KeycloakPutError) as forbidden:
        admin.update_realm(seed.name, {"displayName": "Taken over"})
    assert forbidden.value.response_code == 403
    assert body_of(forbidden.value) == {"error": "HTTP 403 Forbidden"}
