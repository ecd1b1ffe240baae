"""``partialImport`` as Keycloak 26 does it beyond the basics: built-in clients are never imported over
(ClientsPartialImport.getRepList), client roles of a client that is nowhere answer 412
(ClientRolesPartialImport.noClientFound), and each added or overwritten resource is its own admin event
(RealmAdminResource.fireCreatedEvent, fireUpdateEvent)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from admin_support import admin_events, client_uuid, enable_admin_events
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
URL = f"{REALM}/partialImport"


async def test_overwriting_built_in_clients_leaves_them_alone(realm: Env) -> None:
    headers = await realm.admin_headers()
    console_id = await client_uuid(realm, "test", "security-admin-console")
    before = (await realm.http.get(f"{REALM}/clients/{console_id}", headers=headers)).json()
    body = {
        "ifResourceExists": "OVERWRITE",
        "clients": [
            {"clientId": "security-admin-console", "redirectUris": ["https://evil.example/*"]},
            {"clientId": "broker", "publicClient": True},
            {"clientId": "other-realm"},
            {"clientId": "newcomer"},
        ],
    }
    response = await realm.http.post(URL, json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["overwritten"], answer["added"], answer["skipped"]) == (0, 1, 0)
    assert [r["resourceName"] for r in answer["results"]] == ["newcomer"]
    after = (await realm.http.get(f"{REALM}/clients/{console_id}", headers=headers)).json()
    assert after == before
    listed = await realm.http.get(f"{REALM}/clients", params={"clientId": "other-realm"}, headers=headers)
    assert listed.json() == []


async def test_built_in_clients_do_not_fail_an_import_either(realm: Env) -> None:
    body = {"clients": [{"clientId": "account"}, {"clientId": "admin-cli"}, {"clientId": "realm-management"}]}
    response = await realm.http.post(URL, json=body, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    assert response.json() == {"overwritten": 0, "added": 0, "skipped": 0, "results": []}


async def test_client_roles_of_a_client_that_is_nowhere_answer_412_and_write_nothing(realm: Env) -> None:
    headers = await realm.admin_headers()
    body = {
        "roles": {"realm": [{"name": "first"}], "client": {"clientRolesClient": [{"name": "r1"}]}},
        "users": [{"username": "later"}],
    }
    response = await realm.http.post(URL, json=body, headers=headers)
    assert response.status_code == 412, response.text
    assert response.json() == {
        "errorMessage": "Can not import client roles for nonexistent client named clientRolesClient"
    }
    assert (await realm.http.get(f"{REALM}/roles/first", headers=headers)).status_code == 404


async def test_client_roles_of_a_client_the_import_brings_are_imported_under_that_client(realm: Env) -> None:
    body = {"clients": [{"clientId": "bringer"}], "roles": {"client": {"bringer": [{"name": "r1"}]}}}
    response = await realm.http.post(URL, json=body, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    bringer = await client_uuid(realm, "test", "bringer")
    role = [r for r in response.json()["results"] if r["resourceType"] == "CLIENT_ROLE"]
    assert role == [{"action": "ADDED", "resourceType": "CLIENT_ROLE", "resourceName": "bringer-->r1", "id": bringer}]


async def test_each_added_resource_is_a_create_event_on_its_own_path(realm: Env) -> None:
    await enable_admin_events(realm, clear=True)
    body = {
        "clients": [{"clientId": "imported", "secret": "s3cr3t"}],
        "roles": {"realm": [{"name": "reader"}], "client": {"imported": [{"name": "operator"}]}},
        "groups": [{"name": "staff"}],
        "users": [
            {"username": "user-one", "credentials": [{"type": "password", "value": "pw"}]},
            {"username": "user-two"},
        ],
    }
    response = await realm.http.post(URL, json=body, headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    events = await admin_events(realm)
    assert len(events) == len(results) == 6
    assert {e["operationType"] for e in events} == {"CREATE"}
    assert {e["resourceType"] for e in events} == {"REALM"}
    paths = {e["resourcePath"] for e in events}
    expected = {"USER": "users", "GROUP": "groups", "CLIENT": "clients", "REALM_ROLE": "realms"}
    expected["CLIENT_ROLE"] = "clients"
    assert paths == {f"{expected[r['resourceType']]}/{r['id']}" for r in results}
    by_path = {e["resourcePath"]: json.loads(e["representation"]) for e in events}
    user = next(r for r in results if r["resourceName"] == "user-one")
    assert by_path[f"users/{user['id']}"] == {"username": "user-one", "id": user["id"]}  # credentials stripped
    client = next(r for r in results if r["resourceType"] == "CLIENT")
    assert by_path[f"clients/{client['id']}"] == {"clientId": "imported", "secret": "**********", "id": client["id"]}


async def test_overwritten_resources_are_update_events_and_skipped_ones_none(realm: Env) -> None:
    headers = await realm.admin_headers()
    body: dict[str, Any] = {"roles": {"realm": [{"name": "reader"}]}, "users": [{"username": "user-one"}]}
    assert (await realm.http.post(URL, json=body, headers=headers)).status_code == 200
    await enable_admin_events(realm, clear=True)
    skipped = await realm.http.post(URL, json={**body, "ifResourceExists": "SKIP"}, headers=headers)
    assert skipped.status_code == 200 and skipped.json()["skipped"] == 2
    assert await admin_events(realm) == []
    overwritten = await realm.http.post(URL, json={**body, "ifResourceExists": "OVERWRITE"}, headers=headers)
    assert overwritten.status_code == 200 and overwritten.json()["overwritten"] == 2
    events = await admin_events(realm)
    assert sorted((e["operationType"], e["resourceType"], e["resourcePath"].split("/")[0]) for e in events) == [
        ("UPDATE", "REALM", "realms"),
        ("UPDATE", "REALM", "users"),
    ]


async def test_a_null_policy_is_the_default_and_the_policy_is_the_constant_s_exact_name(realm: Env) -> None:
    """PartialImportRepresentation.setIfResourceExists: an explicit null sets no policy, and with nothing that
    exists the import runs (200, added); the name goes through Policy.valueOf, which knows ``SKIP`` and not
    ``skip``: refused, nothing written."""
    headers = await realm.admin_headers()
    added = await realm.http.post(URL, json={"ifResourceExists": None, "groups": [{"name": "g1"}]}, headers=headers)
    assert added.status_code == 200, added.text
    assert added.json()["added"] == 1
    again = await realm.http.post(URL, json={"ifResourceExists": None, "groups": [{"name": "g1"}]}, headers=headers)
    assert again.status_code == 409, again.text
    assert again.json() == {"errorMessage": "Group '/g1' already exists"}
    lower = await realm.http.post(URL, json={"ifResourceExists": "skip", "groups": [{"name": "g2"}]}, headers=headers)
    assert lower.status_code == 400, lower.text
    groups = await realm.http.get(f"{REALM}/groups", params={"search": "g2"}, headers=headers)
    assert groups.json() == []


async def test_an_existing_user_s_message_names_the_email_where_duplicates_are_allowed(realm: Env) -> None:
    """UsersPartialImport.existsMessage: with duplicate e-mails allowed and an e-mail given, Keycloak's FAIL text
    names both; without an e-mail, the username only."""
    headers = await realm.admin_headers()
    rep = (await realm.http.get(REALM, headers=headers)).json()
    updated = await realm.http.put(REALM, json={**rep, "duplicateEmailsAllowed": True}, headers=headers)
    assert updated.status_code == 204, updated.text
    user = {"username": "twin", "email": "twin@example.org", "enabled": True}
    assert (await realm.http.post(URL, json={"users": [user]}, headers=headers)).status_code == 200
    again = await realm.http.post(URL, json={"users": [user]}, headers=headers)
    assert again.status_code == 409, again.text
    assert again.json() == {"errorMessage": "User with user name twin or with email twin@example.org already exists."}
    bare = await realm.http.post(URL, json={"users": [{"username": "twin"}]}, headers=headers)
    assert bare.status_code == 409, bare.text
    assert bare.json() == {"errorMessage": "User with user name twin already exists."}
