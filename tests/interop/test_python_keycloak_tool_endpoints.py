"""python-keycloak 7.1.1's KeycloakAdmin calls for admin events, serverinfo, keys, users/count and role
members, against ``doorkeep start-dev`` (the seed realm ``interop``, see ``interop.server.SeedRealm``)."""

from __future__ import annotations

import pytest
from keycloak import KeycloakGetError

from interop.python_keycloak_support import admin_of, body_of
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


def test_admin_events_are_turned_on_recorded_and_filtered_through_python_keycloak(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, seed.name)
    assert admin.get_admin_events() == []
    admin.set_events({"adminEventsEnabled": True, "adminEventsDetailsEnabled": True, "eventsEnabled": True})
    user_id = admin.create_user(
        {
            "username": "bob-the-builder",
            "enabled": True,
            "credentials": [{"type": "password", "value": "bob-pw-123", "temporary": False}],
        }
    )
    admin.set_user_password(user_id, "bob-pw-456", temporary=False)
    admin.update_user(user_id, {"firstName": "Bob"})

    events = admin.get_admin_events()
    assert [(e["operationType"], e["resourceType"]) for e in events] == [
        ("UPDATE", "USER"),
        ("ACTION", "USER"),
        ("CREATE", "USER"),
        ("UPDATE", "REALM"),
    ]
    assert events[2]["resourcePath"] == f"users/{user_id}"
    assert "bob-pw" not in str(events)
    master_admin = admin_of(seeded_server).get_user_id("admin")
    assert all(e["authDetails"]["userId"] == master_admin for e in events)
    assert [e["resourcePath"] for e in admin.get_admin_events({"operationTypes": "ACTION"})] == [
        f"users/{user_id}/reset-password"
    ]
    assert len(admin.get_admin_events({"resourcePath": "users/*", "first": 1, "max": 5})) == 2
    assert len(admin.get_admin_events({"resourceTypes": "REALM"})) == 1

    with pytest.raises(KeycloakGetError) as bad:
        admin.get_admin_events({"operationTypes": "NOPE"})
    assert bad.value.response_code == 400


def test_serverinfo_and_keys_answer_what_python_keycloak_returns(
    seeded_server: DoorkeepProcess, seed: SeedRealm
) -> None:
    admin = admin_of(seeded_server, seed.name)
    info = admin.get_server_info()
    assert info["systemInfo"]["version"].startswith("26.")
    assert "openid-connect" in info["protocolMapperTypes"]
    keys = admin.get_keys()
    assert {k["type"] for k in keys["keys"]} >= {"RSA", "OCT"}
    assert keys["active"]["RS256"] in {k["kid"] for k in keys["keys"]}
    assert all("privateKey" not in k for k in keys["keys"])


def test_users_count_and_role_members_take_keycloak_query_parameters(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    admin = admin_of(seeded_server, seed.name)
    for name in ("carol", "carla", "dave"):
        admin.create_user({"username": name, "enabled": True})
    assert admin.users_count() == 4
    assert admin.users_count({"search": "car"}) == 2
    assert admin.users_count({"username": "dave", "exact": True}) == 1

    admin.create_realm_role({"name": "auditor"})
    role = admin.get_realm_role("auditor")
    for name in ("carol", "carla", "dave"):
        user_id = admin.get_user_id(name)
        assert user_id is not None, name
        admin.assign_realm_roles(user_id, [role])
    everyone = admin.get_realm_role_members("auditor")
    assert sorted(u["username"] for u in everyone) == ["carla", "carol", "dave"]
    # python-keycloak pages this call itself (first/max of its own), so it reads every member
    assert len(admin.get_realm_role_members("auditor", {"briefRepresentation": True})) == 3

    client = admin.get_client_id(seed.client_id)
    assert client is not None
    admin.create_client_role(client, {"name": "reader"})
    dave = admin.get_user_id("dave")
    assert dave is not None
    admin.assign_client_role(dave, client, [admin.get_client_role(client, "reader")])
    assert [u["username"] for u in admin.get_client_role_members(client, "reader")] == ["dave"]

    with pytest.raises(KeycloakGetError) as missing:
        admin.get_realm_role_members("no-such-role")
    assert missing.value.response_code == 404
    assert body_of(missing.value) == {"error": "Could not find role"}
