"""Keycloak's new-framework partial import classes for users, groups and roles (tests/base/.../tests/admin/
partialimport/: PartialImportUserTest, PartialImportGroupTest, PartialImportRolesTest over
AbstractPartialImportTest): ``POST partialImport`` with ``ifResourceExists`` FAIL, SKIP or OVERWRITE, seven of
each resource, the answer's counts and results, and the admin events of the users added (RealmAdminResource
.partialImport, PartialImportManager).

AbstractPartialImportTest's realm (here ``partial``, made for each test over the admin API) refuses duplicate
e-mails (Keycloak's default); a test that imports client roles first makes ``clientRolesClient``.
PartialImportClientTest is ported in test_kc_new_admin_partial_import_clients.py, PartialImportProvidersTest and
PartialImportRealmTest in test_kc_new_admin_partial_import_providers.py. Not ported:
PartialImportOrganizationMembershipTest.

The old testsuite's monolith PartialImportTest (admin/partialimport/) has no method these new classes lack: its
user, group, client, provider, realm and client role methods (add, FAIL, SKIP, OVERWRITE, with service accounts,
everything at once, the overwritten built-in and service-account clients) are the same-named tests of these
three files."""

from __future__ import annotations

from typing import Any

import pytest

from partial_import_port import (
    NUM_ENTITIES,
    REALM,
    ROLES_CLIENT,
    check_fail,
    check_overwrite,
    check_skip,
    do_import,
    groups,
    make_realm,
    roles,
    roles_client,
    users,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    return await make_realm(env)


async def enable_admin_events(realm: Env) -> None:
    """Admin events with their representations on (@InjectAdminEvents), none saved yet."""
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    response = await realm.http.put(f"{REALM}/events/config", json=config, headers=await realm.admin_headers())
    assert response.status_code == 204, response.text
    cleared = await realm.http.delete(f"{REALM}/admin-events", headers=await realm.admin_headers())  # .clear()
    assert cleared.status_code == 204, cleared.text


async def admin_events(realm: Env) -> list[dict[str, Any]]:
    response = await realm.http.get(f"{REALM}/admin-events", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def realm_id(realm: Env) -> str:
    response = await realm.http.get(REALM, headers=await realm.admin_headers())
    return str(response.json()["id"])


async def added_user_events(realm: Env) -> set[str]:
    """The admin events since the clear: NUM_ENTITIES CREATE events of resource type REALM on ``users/{id}``
    (in no particular order), and nothing else; the ids they name."""
    events = await admin_events(realm)
    assert len(events) == NUM_ENTITIES, events
    ids = set()
    for event in events:
        assert event["realmId"] == await realm_id(realm)
        assert event["operationType"] == "CREATE"
        assert event["resourceType"] == "REALM"
        assert event["resourcePath"].startswith("users/")
        ids.add(event["resourcePath"][len("users/") :])
    return ids


async def get_user(realm: Env, user_id: str) -> dict[str, Any]:
    response = await realm.http.get(f"{REALM}/users/{user_id}", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_add_users(realm: Env) -> None:
    """PartialImportUserTest#testAddUsers"""
    await enable_admin_events(realm)
    results = await do_import(realm, {"users": users()}, "FAIL")
    assert results["added"] == NUM_ENTITIES
    event_ids = await added_user_events(realm)
    for result in results["results"]:
        assert (await get_user(realm, result["id"]))["username"].startswith("user")
        assert result["id"] in event_ids


async def test_add_users_with_ids(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersWithIds: the users keep the ids the import gives them."""
    await enable_admin_events(realm)
    rep_users = users(with_ids=True)
    rep_ids = {u["id"] for u in rep_users}
    results = await do_import(realm, {"users": rep_users}, "FAIL")
    assert results["added"] == NUM_ENTITIES
    event_ids = await added_user_events(realm)
    assert event_ids <= rep_ids
    for result in results["results"]:
        assert (await get_user(realm, result["id"]))["username"].startswith("user")
        assert result["id"] in event_ids
        assert result["id"] in rep_ids


async def test_add_users_with_duplicate_emails_forbidden(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersWithDuplicateEmailsForbidden: 409."""
    rep_users = [*users(), {"username": "user999", "email": "user1@foo.com", "firstName": "foo", "lastName": "bar"}]
    await do_import(realm, {"users": rep_users}, "FAIL", status=409)


async def test_add_users_with_duplicate_emails_allowed(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersWithDuplicateEmailsAllowed"""
    headers = await realm.admin_headers()
    rep = (await realm.http.get(REALM, headers=headers)).json()
    updated = await realm.http.put(REALM, json={**rep, "duplicateEmailsAllowed": True}, headers=headers)
    assert updated.status_code == 204, updated.text
    await do_import(realm, {"users": users()}, "FAIL")
    twin = {"username": "user999", "email": "user1@foo.com", "firstName": "foo", "lastName": "bar"}
    assert (await do_import(realm, {"users": [twin]}, "FAIL"))["added"] == 1


async def test_add_users_with_terms_and_conditions(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersWithTermsAndConditions: the required action kept as given."""
    await enable_admin_events(realm)
    results = await do_import(realm, {"users": users(required_actions=["TERMS_AND_CONDITIONS"])}, "FAIL")
    assert results["added"] == NUM_ENTITIES
    event_ids = await added_user_events(realm)
    for result in results["results"]:
        user = await get_user(realm, result["id"])
        assert user["username"].startswith("user")
        assert result["id"] in event_ids
        assert user["requiredActions"] == ["TERMS_AND_CONDITIONS"]


async def test_add_users_fail(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersFail"""
    await check_fail(realm, {"users": users()})


async def test_add_users_skip(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersSkip"""
    await check_skip(realm, {"users": users()})


async def test_add_users_overwrite(realm: Env) -> None:
    """PartialImportUserTest#testAddUsersOverwrite"""
    await check_overwrite(realm, {"users": users()})


async def test_add_groups_fail(realm: Env) -> None:
    """PartialImportGroupTest#testAddGroupsFail"""
    await check_fail(realm, {"groups": groups()})


async def test_add_groups_skip(realm: Env) -> None:
    """PartialImportGroupTest#testAddGroupsSkip"""
    await check_skip(realm, {"groups": groups()})


async def test_add_groups_overwrite(realm: Env) -> None:
    """PartialImportGroupTest#testAddGroupsOverwrite"""
    await check_overwrite(realm, {"groups": groups()})


def realm_roles() -> dict[str, Any]:
    return {"roles": {"realm": roles("realmRole")}}


def client_roles() -> dict[str, Any]:
    return {"roles": {"client": {ROLES_CLIENT: roles("clientRole")}}}


async def test_add_realm_roles(realm: Env) -> None:
    """PartialImportRolesTest#testAddRealmRoles"""
    results = await do_import(realm, realm_roles(), "FAIL")
    assert results["added"] == NUM_ENTITIES
    for result in results["results"]:
        response = await realm.http.get(f"{REALM}/roles/{result['resourceName']}", headers=await realm.admin_headers())
        assert response.status_code == 200, response.text
        assert response.json()["name"].startswith("realmRole")


async def test_add_client_roles(realm: Env) -> None:
    """PartialImportRolesTest#testAddClientRoles"""
    uuid = await roles_client(realm)
    assert (await do_import(realm, client_roles(), "FAIL"))["added"] == NUM_ENTITIES
    listed = (await realm.http.get(f"{REALM}/clients/{uuid}/roles", headers=await realm.admin_headers())).json()
    assert len(listed) == NUM_ENTITIES
    assert all(role["name"].startswith("clientRole") for role in listed)


async def test_add_realm_roles_fail(realm: Env) -> None:
    """PartialImportRolesTest#testAddRealmRolesFail"""
    await check_fail(realm, realm_roles())


async def test_add_client_roles_fail(realm: Env) -> None:
    """PartialImportRolesTest#testAddClientRolesFail"""
    await roles_client(realm)
    await check_fail(realm, client_roles())


async def test_add_realm_roles_skip(realm: Env) -> None:
    """PartialImportRolesTest#testAddRealmRolesSkip"""
    await check_skip(realm, realm_roles())


async def test_add_client_roles_skip(realm: Env) -> None:
    """PartialImportRolesTest#testAddClientRolesSkip"""
    await roles_client(realm)
    await check_skip(realm, client_roles())


async def test_add_realm_roles_overwrite(realm: Env) -> None:
    """PartialImportRolesTest#testAddRealmRolesOverwrite"""
    await check_overwrite(realm, realm_roles())


async def test_add_client_roles_overwrite(realm: Env) -> None:
    """PartialImportRolesTest#testAddClientRolesOverwrite"""
    await roles_client(realm)
    await check_overwrite(realm, client_roles())


async def test_overwrite_default_role(realm: Env) -> None:
    """PartialImportRolesTest#testOverwriteDefaultRole: the realm's default role, as the realm representation
    names it, is overwritten."""
    default_role = (await realm.http.get(REALM, headers=await realm.admin_headers())).json()["defaultRole"]
    assert (await do_import(realm, {"roles": {"realm": [default_role]}}, "OVERWRITE"))["overwritten"] == 1
