"""Admin events: what Keycloak records for changes made through the admin API, and the endpoints that
list and clear them (RealmAdminResource ``admin-events``)."""

from __future__ import annotations

import json

import pytest

from admin_support import admin_events, client_uuid, make_admin
from doorkeep.sessions.cleaner import clean_once
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def enable(env: Env, *, details: bool = False) -> None:
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": details}
    response = await env.http.put(f"{REALM}/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def ids(env: Env) -> tuple[str, str, str]:
    """The test realm's id, the master realm's id and the master admin's user id."""
    async with env.db.transaction() as tx:
        test, master = await tx.realms.get_by_name("test"), await tx.realms.get_by_name("master")
        assert test is not None and master is not None
        admin = await tx.users.get_by_username(master.id, "admin")
        assert admin is not None
        return test.id, master.id, admin.id


async def test_nothing_is_recorded_while_admin_events_are_off(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/users", json={"username": "user2"}, headers=headers)).status_code == 201
    assert await admin_events(realm) == []


async def test_turning_admin_events_on_is_itself_recorded_with_keycloak_auth_details(realm: Env) -> None:
    await enable(realm)
    test_id, master_id, admin_id = await ids(realm)
    (event,) = await admin_events(realm)
    assert event == {
        "id": event["id"],
        "time": realm.clock.now() * 1000,
        "realmId": test_id,
        "authDetails": {
            "realmId": master_id,
            "clientId": await client_uuid(realm, "master", "admin-cli"),
            "userId": admin_id,
            "ipAddress": "127.0.0.1",
        },
        "operationType": "UPDATE",
        "resourceType": "REALM",
        "resourcePath": "events/config",
    }


async def test_a_created_user_is_recorded_with_its_new_path_and_no_representation_without_details(
    realm: Env,
) -> None:
    await enable(realm)
    response = await realm.http.post(f"{REALM}/users", json={"username": "user2"}, headers=await realm.admin_headers())
    user_id = response.headers["location"].rsplit("/", 1)[1]
    latest = (await admin_events(realm))[0]
    assert (latest["operationType"], latest["resourceType"], latest["resourcePath"]) == (
        "CREATE",
        "USER",
        f"users/{user_id}",
    )
    assert "representation" not in latest


async def test_details_keep_the_representation_without_passwords_or_client_secrets(realm: Env) -> None:
    await enable(realm, details=True)
    headers = await realm.admin_headers()
    user = {"username": "user3", "credentials": [{"type": "password", "value": "hunter2-secret", "temporary": False}]}
    assert (await realm.http.post(f"{REALM}/users", json=user, headers=headers)).status_code == 201
    client = {"clientId": "svc", "secret": "s3cr3t-value", "attributes": {"client.secret.rotated": "old-one"}}
    assert (await realm.http.post(f"{REALM}/clients", json=client, headers=headers)).status_code == 201
    created_client, created_user = (await admin_events(realm))[:2]
    assert created_client["resourceType"] == "CLIENT"
    assert json.loads(created_client["representation"])["secret"] == "**********"
    assert json.loads(created_client["representation"])["attributes"]["client.secret.rotated"] == "**********"
    assert "credentials" not in json.loads(created_user["representation"])  # StripSecretsUtils.stripUser
    listed = json.dumps(await admin_events(realm))
    for secret in ("hunter2-secret", "s3cr3t-value", "old-one"):
        assert secret not in listed


async def test_a_reset_password_is_an_action_on_the_user_that_never_stores_the_password(realm: Env) -> None:
    await enable(realm, details=True)
    user = await seed_user(realm.db, realm.clock, "test", "user4")
    body = {"type": "password", "value": "n3w-passw0rd", "temporary": False}
    response = await realm.http.put(
        f"{REALM}/users/{user.id}/reset-password", json=body, headers=await realm.admin_headers()
    )
    assert response.status_code == 204, response.text
    latest = (await admin_events(realm))[0]
    assert (latest["operationType"], latest["resourceType"]) == ("ACTION", "USER")
    assert latest["resourcePath"] == f"users/{user.id}/reset-password"
    assert "representation" not in latest  # UserResource.resetPassword records none


async def test_role_mappings_deletes_and_realm_actions_get_keycloak_resource_types(realm: Env) -> None:
    await enable(realm)
    headers = await realm.admin_headers()
    user = await seed_user(realm.db, realm.clock, "test", "user5")
    assert (await realm.http.post(f"{REALM}/roles", json={"name": "reader"}, headers=headers)).status_code == 201
    role = (await realm.http.get(f"{REALM}/roles/reader", headers=headers)).json()
    mapping = f"{REALM}/users/{user.id}/role-mappings/realm"
    assert (await realm.http.post(mapping, json=[role], headers=headers)).status_code == 204
    assert (await realm.http.post(f"{REALM}/push-revocation", headers=headers)).status_code == 200
    assert (await realm.http.delete(f"{REALM}/users/{user.id}", headers=headers)).status_code == 204
    seen = [(e["operationType"], e["resourceType"], e.get("resourcePath")) for e in await admin_events(realm)]
    assert seen[:4] == [
        ("DELETE", "USER", f"users/{user.id}"),
        ("ACTION", "REALM", "push-revocation"),
        ("CREATE", "REALM_ROLE_MAPPING", f"users/{user.id}/role-mappings/realm"),
        ("CREATE", "REALM_ROLE", "roles/reader"),
    ]


async def test_a_failed_change_records_nothing_and_rolls_back_with_it(realm: Env) -> None:
    await enable(realm)
    headers = await realm.admin_headers()
    before = await admin_events(realm)
    assert (await realm.http.post(f"{REALM}/users", json={"username": "user1"}, headers=headers)).status_code == 409
    assert await admin_events(realm) == before


async def test_filters_select_by_operation_resource_path_wildcard_auth_and_paging(realm: Env) -> None:
    await enable(realm)
    headers = await realm.admin_headers()
    for name in ("alice", "bob", "carol"):
        assert (await realm.http.post(f"{REALM}/users", json={"username": name}, headers=headers)).status_code == 201
    _, master_id, admin_id = await ids(realm)
    created = await admin_events(realm, operationTypes="CREATE")
    assert [e["operationType"] for e in created] == ["CREATE"] * 3
    assert len(await admin_events(realm, resourceTypes=["USER", "REALM"])) == 4
    assert len(await admin_events(realm, resourceTypes="CLIENT")) == 0
    assert len(await admin_events(realm, resourcePath="users/*")) == 3
    assert len(await admin_events(realm, resourcePath="events/config")) == 1
    assert len(await admin_events(realm, authRealm=master_id, authUser=admin_id, authIpAddress="127.0.0.1")) == 4
    assert await admin_events(realm, authUser="someone-else") == []
    admin_cli = await client_uuid(realm, "master", "admin-cli")
    assert len(await admin_events(realm, authClient=admin_cli)) == 4
    newest_first = await admin_events(realm)
    assert await admin_events(realm, first=1, max=2) == newest_first[1:3]
    assert await admin_events(realm, direction="asc") == newest_first[::-1]
    now_ms = realm.clock.now() * 1000
    assert len(await admin_events(realm, dateFrom=now_ms, dateTo=now_ms)) == 4
    assert await admin_events(realm, dateTo=now_ms - 1) == []
    assert await admin_events(realm, dateFrom="2000-01-01", dateTo="2000-01-02") == []


async def test_bad_filters_are_keycloak_400s_and_404s_never_500s(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.get(f"{REALM}/admin-events", params={"operationTypes": "EXPLODE"}, headers=headers)
    assert response.status_code == 400 and response.json() == {"error": "Invalid value for 'operationTypes': EXPLODE"}
    response = await realm.http.get(f"{REALM}/admin-events", params={"dateFrom": "yesterday"}, headers=headers)
    assert response.status_code == 400
    response = await realm.http.get(f"{REALM}/admin-events", params={"max": "many"}, headers=headers)
    assert response.status_code == 404 and response.json() == {"error": "HTTP 404 Not Found"}


async def test_clearing_admin_events_needs_manage_events_and_leaves_none(realm: Env) -> None:
    await enable(realm)
    _, viewer = await make_admin(realm, "test", "viewer", "view-events")
    assert (await realm.http.get(f"{REALM}/admin-events", headers=viewer)).status_code == 200
    assert (await realm.http.delete(f"{REALM}/admin-events", headers=viewer)).status_code == 403
    _, nobody = await make_admin(realm, "test", "nobody")
    assert (await realm.http.get(f"{REALM}/admin-events", headers=nobody)).status_code == 403
    response = await realm.http.delete(f"{REALM}/admin-events", headers=await realm.admin_headers())
    assert response.status_code == 204
    assert await admin_events(realm) == []


async def test_the_realm_representation_carries_both_admin_event_flags(realm: Env) -> None:
    headers = await realm.admin_headers()
    update = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(REALM, json=update, headers=headers)).status_code == 204
    rep = (await realm.http.get(REALM, headers=headers)).json()
    assert (rep["adminEventsEnabled"], rep["adminEventsDetailsEnabled"]) == (True, True)
    assert await admin_events(realm) == []  # the realm kept no admin events when the PUT began
    assert (await realm.http.put(REALM, json=update, headers=headers)).status_code == 204
    (event,) = await admin_events(realm)
    assert (event["operationType"], event["resourceType"]) == ("UPDATE", "REALM")
    assert "resourcePath" not in event and json.loads(event["representation"]) == update


async def test_the_cleaner_purges_admin_events_older_than_the_realm_s_admin_events_expiration(realm: Env) -> None:
    """Keycloak's ClearExpiredAdminEvents: the realm attribute ``adminEventsExpiration`` (seconds) bounds the
    admin events' age; a realm without it, or with a value that is not a number, keeps them all."""
    await enable(realm)
    headers = await realm.admin_headers()
    expiring = {"attributes": {"adminEventsExpiration": "3600"}}
    assert (await realm.http.put(REALM, json=expiring, headers=headers)).status_code == 204
    realm.clock.advance(1800)
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/users", json={"username": "kept"}, headers=headers)).status_code == 201
    realm.clock.advance(2000)  # the config change and the realm update are now 3800 s old, the user's creation 2000 s
    await clean_once(realm.db, realm.clock.now())
    assert [(e["resourceType"], e["time"]) for e in await admin_events(realm)] == [
        ("USER", (realm.clock.now() - 2000) * 1000)
    ]
    headers = await realm.admin_headers()
    unreadable = {"attributes": {"adminEventsExpiration": "an hour"}}
    assert (await realm.http.put(REALM, json=unreadable, headers=headers)).status_code == 204
    realm.clock.advance(7200)
    await clean_once(realm.db, realm.clock.now())
    assert len(await admin_events(realm)) == 2
