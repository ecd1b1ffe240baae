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


# The shape of the realm files Keycloak's own test suite creates through POST /admin/realms: old-style keys and
# default roles, SMTP settings, authorization settings, a boolean written as a string, users with realm and
# client roles or groups, group trees with roles, composites, scope mappings and client scope mappings.
TESTSUITE_SHAPED = {
    "id": "probe",
    "realm": "probe",
    "enabled": True,
    "sslRequired": "external",
    "registrationAllowed": True,
    "privateKey": "MIIC-not-a-key",
    "publicKey": "MIGf-not-a-key",
    "requiredCredentials": ["password"],
    "defaultRoles": ["member"],
    "smtpServer": {"from": "a@b.c", "host": "localhost", "port": "3025"},
    "users": [
        {
            "username": "tester@localhost",
            "enabled": True,
            "email": "tester@localhost",
            "firstName": "T",
            "lastName": "B",
            "credentials": [{"type": "password", "value": "password"}],
            "realmRoles": ["member", "offline_access"],
            "clientRoles": {"shop": ["buyer"], "account": ["view-profile", "manage-account"]},
        },
        {
            "username": "grouped",
            "enabled": True,
            "email": "g@x.y",
            "firstName": "G",
            "lastName": "R",
            "credentials": [{"type": "password", "value": "password"}],
            "groups": ["/top/inner"],
        },
    ],
    "scopeMappings": [{"client": "shop", "roles": ["member"]}],
    "clients": [
        {
            "clientId": "shop",
            "enabled": True,
            "baseUrl": "http://localhost:8180/app",
            "redirectUris": ["http://localhost:8180/app/*"],
            "adminUrl": "http://localhost:8180/app/admin",
            "secret": "password",
            "directAccessGrantsEnabled": True,
        },
        {
            "clientId": "narrow",
            "enabled": True,
            "secret": "password",
            "fullScopeAllowed": "false",
            "directAccessGrantsEnabled": True,
        },
        {
            "clientId": "authz",
            "enabled": True,
            "bearerOnly": False,
            "secret": "secret",
            "authorizationSettings": {
                "allowRemoteResourceManagement": True,
                "resources": [{"name": "r", "scopes": [{"name": "s"}]}],
            },
        },
        {
            "clientId": "named",
            "name": "Named - ${client_account}",
            "secret": "password",
            "webOrigins": ["http://localtest.me:8180"],
        },
    ],
    "roles": {
        "realm": [
            {"name": "member", "description": "m"},
            {"name": "boss"},
            {"name": "attr", "attributes": {"hello": ["world"]}},
            {
                "name": "combo",
                "composite": True,
                "composites": {"realm": ["member"], "client": {"shop": ["buyer"], "account": ["view-profile"]}},
            },
        ],
        "client": {
            "shop": [
                {"name": "buyer"},
                {"name": "seller", "composite": True, "composites": {"realm": ["boss"], "client": {"shop": ["buyer"]}}},
            ]
        },
    },
    "groups": [
        {
            "name": "top",
            "attributes": {"a": ["true"]},
            "realmRoles": ["member"],
            "subGroups": [{"name": "inner", "realmRoles": ["boss"], "clientRoles": {"shop": ["buyer"]}}],
        }
    ],
    "clientScopeMappings": {"shop": [{"client": "narrow", "roles": ["buyer"]}]},
    "internationalizationEnabled": True,
    "supportedLocales": ["en", "de"],
    "defaultLocale": "en",
    "eventsListeners": ["jboss-logging"],
}


async def test_a_realm_shaped_like_keycloak_s_test_realms_is_created_and_serves_tokens(env: Env) -> None:
    headers = await env.admin_headers()
    created = await env.http.post(REALMS, headers=headers, json=TESTSUITE_SHAPED)
    assert created.status_code == 201, created.text

    tokens = await password_grant(
        env.http, "probe", "shop", "tester@localhost", "password", secret="password", scope="openid offline_access"
    )
    assert tokens.status_code == 200, tokens.text
    access = claims(tokens.json()["access_token"])
    assert {"member", "offline_access"} <= set(access["realm_access"]["roles"])
    assert access["resource_access"]["shop"]["roles"] == ["buyer"]
    assert claims(tokens.json()["refresh_token"])["typ"] == "Offline"

    narrow = await password_grant(env.http, "probe", "narrow", "grouped", "password", secret="password")
    assert narrow.status_code == 200, narrow.text
    scoped = claims(narrow.json()["access_token"])  # fullScopeAllowed "false": only what client scope mappings allow
    assert "realm_access" not in scoped and scoped["resource_access"] == {"shop": {"roles": ["buyer"]}}
    listed = await env.http.get(f"{REALMS}/probe/clients", params={"clientId": "narrow"}, headers=headers)
    assert listed.json()[0]["fullScopeAllowed"] is False
    combo = await env.http.get(f"{REALMS}/probe/roles/combo/composites", headers=headers)
    assert sorted(r["name"] for r in combo.json()) == ["buyer", "member", "view-profile"]


async def test_booleans_written_as_strings_are_read_as_jackson_reads_them(env: Env) -> None:
    headers = await env.admin_headers()
    body = {"realm": "strings", "enabled": "TRUE", "revokeRefreshToken": "true", "bruteForceProtected": "False"}
    body["sslRequired"] = "NONE"  # an enum, any case, as Keycloak's SslRequired.valueOf(upper case)
    assert (await env.http.post(REALMS, headers=headers, json=body)).status_code == 201
    realm = (await env.http.get(f"{REALMS}/strings", headers=headers)).json()
    assert (realm["enabled"], realm["revokeRefreshToken"], realm["bruteForceProtected"]) == (True, True, False)
    assert realm["sslRequired"] == "none"
    refused = await env.http.post(REALMS, headers=headers, json={"realm": "other", "enabled": "yes"})
    assert refused.status_code == 400, refused.text
