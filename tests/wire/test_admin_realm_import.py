"""``POST /admin/realms`` imports the whole RealmRepresentation, as Keycloak's RealmsAdminResource does
(``kcadm.sh create realms -f realm.json``, the admin clients' ``realms.create``): roles, client scopes,
clients, groups and users with their credentials, not only the realm's settings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"


def full() -> dict[str, Any]:
    return {
        "realm": "imported",
        "enabled": True,
        "accessTokenLifespan": 120,
        "roles": {"realm": [{"name": "reader", "description": "reads"}]},
        "groups": [{"name": "staff", "attributes": {"site": ["north"]}, "realmRoles": ["reader"]}],
        "clients": [
            {
                "clientId": "portal",
                "secret": "portal-secret",
                "publicClient": False,
                "directAccessGrantsEnabled": True,
                "redirectUris": ["http://127.0.0.1:3000/*"],
            }
        ],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "email": "alice@example.com",
                "firstName": "Alice",
                "lastName": "Liddell",
                "credentials": [{"type": "password", "value": "wonderland", "temporary": False}],
                "groups": ["/staff"],
            }
        ],
    }


async def test_the_realm_comes_with_its_clients_roles_groups_and_users(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(REALMS, headers=headers, json=full())
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith("/admin/realms/imported")

    clients = (await env.http.get(f"{REALMS}/imported/clients", headers=headers)).json()
    assert {"portal", "account", "admin-cli", "realm-management"} <= {c["clientId"] for c in clients}
    groups = (await env.http.get(f"{REALMS}/imported/groups", headers=headers)).json()
    assert [g["name"] for g in groups] == ["staff"]

    tokens = await password_grant(env.http, "imported", "portal", "alice", "wonderland", secret="portal-secret")
    assert tokens.status_code == 200, tokens.text
    access = claims(tokens.json()["access_token"])
    assert "reader" in access["realm_access"]["roles"]  # through the group
    assert access["exp"] - access["iat"] == 120
    assert access["preferred_username"] == "alice"


async def test_a_bad_part_of_the_representation_answers_400_naming_it_and_stores_nothing(env: Env) -> None:
    headers = await env.admin_headers()
    bad = full()
    bad["users"][0]["credentials"][0]["value"] = 42
    response = await env.http.post(REALMS, headers=headers, json=bad)
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": "users[0].credentials[0].value: expected a string"}
    assert (await env.http.get(f"{REALMS}/imported", headers=headers)).status_code == 404
    unknown_role = full()
    unknown_role["groups"][0]["realmRoles"] = ["nobody"]
    response = await env.http.post(REALMS, headers=headers, json=unknown_role)
    assert response.status_code == 400, response.text
    assert "nobody" in response.json()["errorMessage"]
    assert (await env.http.get(f"{REALMS}/imported", headers=headers)).status_code == 404


async def test_creating_it_twice_answers_409_and_keeps_the_first(env: Env) -> None:
    headers = await env.admin_headers()
    assert (await env.http.post(REALMS, headers=headers, json=full())).status_code == 201
    second = full()
    second["clients"][0]["secret"] = "another"
    response = await env.http.post(REALMS, headers=headers, json=second)
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "Conflict detected. See logs for details"}
    tokens = await password_grant(env.http, "imported", "portal", "alice", "wonderland", secret="portal-secret")
    assert tokens.status_code == 200, tokens.text


async def test_no_admin_event_of_the_import_holds_a_secret(env: Env) -> None:
    headers = await env.admin_headers()
    enabled = await env.http.put(
        f"{REALMS}/master", headers=headers, json={"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    )
    assert enabled.status_code == 204, enabled.text
    assert (await env.http.post(REALMS, headers=headers, json=full())).status_code == 201
    for realm in ("master", "imported"):
        events = (await env.http.get(f"{REALMS}/{realm}/admin-events", headers=headers)).json()
        text = json.dumps(events)
        assert "portal-secret" not in text and "wonderland" not in text
