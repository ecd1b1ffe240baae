"""Admin and user events as Keycloak 26 records and lists them: the events-config PUT that turns admin
events off (RealmAdminResource.updateRealmEventsConfig), StripSecretsUtils' stripping, the operations and
representations of user, client and realm links (UserResource, ClientResource, RealmAdminResource), the
``direction`` of both listings and millisecond times (Time.currentTimeMillis)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from admin_support import admin_events, client_uuid
from doorkeep import events
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def configure(env: Env, **config: Any) -> None:
    response = await env.http.put(f"{REALM}/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


def summary(event: dict[str, Any]) -> tuple[str, str, str | None]:
    return event["operationType"], event["resourceType"], event.get("resourcePath")


async def test_turning_admin_events_off_is_itself_recorded_but_nothing_after_it(realm: Env) -> None:
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    await configure(realm, adminEventsEnabled=False, adminEventsDetailsEnabled=True)
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/users", json={"username": "later"}, headers=headers)).status_code == 201
    off, on = await admin_events(realm)
    assert summary(off) == summary(on) == ("UPDATE", "REALM", "events/config")
    assert json.loads(off["representation"])["adminEventsEnabled"] is False


async def test_a_realm_put_turning_admin_events_on_is_not_recorded_as_keycloak_checks_the_old_setting(
    realm: Env,
) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.put(REALM, json={"adminEventsEnabled": True}, headers=headers)
    assert response.status_code == 204, response.text
    assert await admin_events(realm) == []


async def test_a_user_loses_its_credentials_and_keeps_attributes_that_only_look_secret(realm: Env) -> None:
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    user = {
        "username": "hinted",
        "attributes": {"passwordHint": ["blue"]},
        "credentials": [{"type": "password", "value": "hunter2-secret", "temporary": False}],
    }
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/users", json=user, headers=headers)).status_code == 201
    stored = json.loads((await admin_events(realm))[0]["representation"])
    assert "credentials" not in stored
    assert stored["attributes"] == {"passwordHint": ["blue"]}


async def test_a_client_masks_its_secrets_unless_vault_references_and_keeps_other_attributes(realm: Env) -> None:
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    client = {
        "clientId": "vaulted",
        "secret": "${vault.cl_secret}",
        "attributes": {"x.password.hint": "kept", "client.secret.rotated": "old-one"},
    }
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/clients", json=client, headers=headers)).status_code == 201
    stored = json.loads((await admin_events(realm))[0]["representation"])
    assert stored["secret"] == "${vault.cl_secret}"
    assert stored["attributes"]["x.password.hint"] == "kept"
    assert stored["attributes"]["client.secret.rotated"] == "**********"


async def test_a_realm_masks_its_smtp_password_and_nothing_else(realm: Env) -> None:
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    rep = {"displayName": "password policy", "smtpServer": {"host": "mail", "from": "a@b.c", "password": "smtp-pw"}}
    response = await realm.http.put(REALM, json=rep, headers=await realm.admin_headers())
    assert response.status_code == 204, response.text
    stored = json.loads((await admin_events(realm))[0]["representation"])
    assert stored["smtpServer"]["password"] == "**********"
    assert stored["displayName"] == "password policy"


async def test_reset_password_records_an_action_without_representation(realm: Env) -> None:
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    user = await seed_user(realm.db, realm.clock, "test", "resetme")
    body = {"type": "password", "value": "n3w-passw0rd", "temporary": False}
    headers = await realm.admin_headers()
    response = await realm.http.put(f"{REALM}/users/{user.id}/reset-password", json=body, headers=headers)
    assert response.status_code == 204, response.text
    latest = (await admin_events(realm))[0]
    assert summary(latest) == ("ACTION", "USER", f"users/{user.id}/reset-password")
    assert "representation" not in latest


async def test_regenerating_a_client_secret_records_the_masked_credential(realm: Env) -> None:
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    uuid = await client_uuid(realm, "test", "app")
    response = await realm.http.post(f"{REALM}/clients/{uuid}/client-secret", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    latest = (await admin_events(realm))[0]
    assert summary(latest) == ("ACTION", "CLIENT", f"clients/{uuid}/client-secret")
    assert json.loads(latest["representation"]) == {"type": "secret", "value": "**********"}


async def test_joining_and_leaving_a_group_are_membership_creates_and_deletes_once(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/groups", json={"name": "team"}, headers=headers)).status_code == 201
    group = (await realm.http.get(f"{REALM}/groups", headers=headers)).json()[0]
    user = await seed_user(realm.db, realm.clock, "test", "joiner")
    await configure(realm, adminEventsEnabled=True, adminEventsDetailsEnabled=True)
    path = f"users/{user.id}/groups/{group['id']}"
    for method in ("PUT", "PUT", "DELETE", "DELETE"):  # the repeats change nothing and record nothing
        response = await realm.http.request(method, f"{REALM}/{path}", headers=headers)
        assert response.status_code == 204, response.text
    left, joined = (await admin_events(realm, resourceTypes="GROUP_MEMBERSHIP"))[:3]
    assert [summary(left), summary(joined)] == [
        ("DELETE", "GROUP_MEMBERSHIP", path),
        ("CREATE", "GROUP_MEMBERSHIP", path),
    ]
    representation = json.loads(joined["representation"])
    assert (representation["id"], representation["path"]) == (group["id"], "/team")
    assert "access" not in representation
    assert len(await admin_events(realm, resourceTypes="GROUP_MEMBERSHIP")) == 2


async def test_links_are_creates_and_deletes_of_keycloak_resource_types(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{REALM}/groups", json={"name": "newcomers"}, headers=headers)).status_code == 201
    group_id = (await realm.http.get(f"{REALM}/groups", headers=headers)).json()[0]["id"]
    response = await realm.http.post(
        f"{REALM}/client-scopes", json={"name": "extra", "protocol": "openid-connect"}, headers=headers
    )
    scope_id = response.headers["location"].rsplit("/", 1)[1]
    uuid = await client_uuid(realm, "test", "app")
    await configure(realm, adminEventsEnabled=True)
    calls = [
        ("PUT", f"default-groups/{group_id}"),
        ("DELETE", f"default-groups/{group_id}"),
        ("PUT", f"clients/{uuid}/optional-client-scopes/{scope_id}"),
        ("DELETE", f"clients/{uuid}/optional-client-scopes/{scope_id}"),
        ("PUT", f"default-default-client-scopes/{scope_id}"),
        ("DELETE", f"default-default-client-scopes/{scope_id}"),
    ]
    for method, path in calls:
        response = await realm.http.request(method, f"{REALM}/{path}", headers=headers)
        assert response.status_code == 204, (method, path, response.text)
    seen = [summary(e) for e in await admin_events(realm, direction="asc")][1:]  # after the config PUT
    assert seen == [
        ("CREATE", "GROUP", calls[0][1]),
        ("DELETE", "GROUP", calls[1][1]),
        ("CREATE", "CLIENT_SCOPE_CLIENT_MAPPING", calls[2][1]),
        ("DELETE", "CLIENT_SCOPE_CLIENT_MAPPING", calls[3][1]),
        ("CREATE", "CLIENT_SCOPE", calls[4][1]),
        ("DELETE", "CLIENT_SCOPE", calls[5][1]),
    ]


@pytest.mark.parametrize("listing", ["admin-events", "events"])
@pytest.mark.parametrize("direction", ["ASC", "Desc", "up"])
async def test_a_direction_other_than_asc_or_desc_is_a_400(realm: Env, listing: str, direction: str) -> None:
    response = await realm.http.get(
        f"{REALM}/{listing}", params={"direction": direction}, headers=await realm.admin_headers()
    )
    assert response.status_code == 400
    assert response.json() == {"error": "Invalid value for sortDirection, expected value is asc or desc"}


async def test_user_events_list_oldest_first_with_direction_asc(realm: Env) -> None:
    await configure(realm, eventsEnabled=True, enabledEventTypes=["CLIENT_LOGIN"])
    async with realm.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        for step in range(3):
            await events.record(tx, test, "CLIENT_LOGIN", now=realm.clock.now(), client_id=f"c{step}")
            realm.clock.advance(1)
    response = await realm.http.get(f"{REALM}/events", params={"direction": "asc"}, headers=await realm.admin_headers())
    assert [e["clientId"] for e in response.json()] == ["c0", "c1", "c2"]


async def test_admin_event_times_keep_their_milliseconds(realm: Env) -> None:
    realm.clock.advance_ms(1234)
    await configure(realm, adminEventsEnabled=True)
    (event,) = await admin_events(realm)
    assert event["time"] == realm.clock.now_ms()
    assert event["time"] % 1000 == 234
