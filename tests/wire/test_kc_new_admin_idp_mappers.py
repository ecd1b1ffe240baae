"""Keycloak's new-framework IdentityProviderMapperTest (tests/base/.../tests/admin/identityprovider/): an
identity provider's ``mappers`` resource (IdentityProviderResource.addMapper, getMappers, getMapperById, update,
delete) and its admin events.

The Java methods make ``google`` providers, which Doorkeep answers 501 (it brokers ``oidc`` and
``keycloak-oidc`` only): testMappers, testUpdateProtocolMappers and testDeleteProtocolMappersAfterDeleteIdentityProvider
run here on an ``oidc`` provider of the same alias. Not ported: testMapperTypes (its social providers, and for
``oidc`` the session-note mappers, which Doorkeep does not run and so does not list; test_broker_idp_mappers.py pins the types it lists) and mapperTypesCanBeOverwritten (a custom
provider of Keycloak's test providers)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events
from wire_env import Env

pytestmark = pytest.mark.anyio

INSTANCES = "/admin/realms/test/identity-provider/instances"


async def call(env: Env, method: str, path: str, body: Any = None, status: int = 204) -> Any:
    response = await env.http.request(method, f"{INSTANCES}{path}", json=body, headers=await env.admin_headers())
    assert response.status_code == status, response.text
    return response


async def create(env: Env, alias: str) -> None:
    """AbstractIdentityProviderTest.create(createRep(alias, providerId)): enabled, display name the alias."""
    rep = {"alias": alias, "displayName": alias, "providerId": "oidc", "enabled": True}
    response = await env.http.post(INSTANCES, json=rep, headers=await env.admin_headers())
    assert response.status_code == 201, response.text


def hardcoded_role(alias: str, role: str) -> dict[str, Any]:
    return {
        "identityProviderAlias": alias,
        "name": "my_mapper",
        "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
        "config": {"role": role, "syncMode": "INHERIT"},
    }


def last_event(events: list[dict[str, Any]]) -> dict[str, Any]:
    return max(events, key=lambda e: (e["time"], e["id"]))


async def test_mappers(realm: Env) -> None:
    """IdentityProviderMapperTest#testMappers: create (a CREATE event), list, read, a second of the same name
    refused (400), update (an UPDATE event), delete (a DELETE event), then 404."""
    await create(realm, "google")
    await enable_admin_events(realm, clear=True)
    mapper = hardcoded_role("google", "offline_access")
    created = await call(realm, "POST", "/google/mappers", mapper, status=201)
    mapper_id = created.headers["location"].rsplit("/", 1)[-1]
    path = f"identity-provider/instances/google/mappers/{mapper_id}"
    event = last_event(await admin_events(realm))
    assert (event["operationType"], event["resourcePath"], event["resourceType"]) == (
        "CREATE",
        path,
        "IDENTITY_PROVIDER_MAPPER",
    )

    listed = (await call(realm, "GET", "/google/mappers", status=200)).json()
    assert [m["id"] for m in listed] == [mapper_id]
    assert listed[0]["config"]["syncMode"] == "INHERIT"
    one = (await call(realm, "GET", f"/google/mappers/{mapper_id}", status=200)).json()
    assert one["id"] == mapper_id
    assert one["config"]["role"] == "offline_access"

    await call(realm, "POST", "/google/mappers", one, status=400)  # the name is unique

    # The Java class's master-realm.manage-realm names master's client, not one of this realm, where Doorkeep
    # refuses a role the realm lacks; test_a_mapper_in_master_may_confer_master_realm_roles runs that step in master.
    one["config"]["role"] = "offline_access"
    one["config"]["syncMode"] = "FORCE"
    await call(realm, "PUT", f"/google/mappers/{mapper_id}", one)
    event = last_event(await admin_events(realm))
    assert (event["operationType"], event["resourcePath"]) == ("UPDATE", path)
    assert (await call(realm, "GET", f"/google/mappers/{mapper_id}", status=200)).json()["config"][
        "syncMode"
    ] == "FORCE"

    await call(realm, "DELETE", f"/google/mappers/{mapper_id}")
    event = last_event(await admin_events(realm))
    assert (event["operationType"], event["resourcePath"], event["resourceType"]) == (
        "DELETE",
        path,
        "IDENTITY_PROVIDER_MAPPER",
    )
    await call(realm, "GET", f"/google/mappers/{mapper_id}", status=404)


async def test_a_mapper_in_master_may_confer_master_realm_roles(env: Env) -> None:
    """testMappers' update to ``master-realm.manage-realm``, on a provider of master, where that client holds
    master's own admin roles as in Keycloak: master's admin sets it and reads it back."""
    headers = await env.admin_headers()
    instances = "/admin/realms/master/identity-provider/instances"
    rep = {"alias": "google", "displayName": "google", "providerId": "oidc", "enabled": True}
    assert (await env.http.post(instances, json=rep, headers=headers)).status_code == 201
    created = await env.http.post(
        f"{instances}/google/mappers", json=hardcoded_role("google", "offline_access"), headers=headers
    )
    assert created.status_code == 201, created.text
    url = f"{instances}/google/mappers/{created.headers['location'].rsplit('/', 1)[-1]}"
    one = (await env.http.get(url, headers=headers)).json()
    one["config"]["role"] = "master-realm.manage-realm"
    updated = await env.http.put(url, json=one, headers=headers)
    assert updated.status_code == 204, updated.text
    assert (await env.http.get(url, headers=headers)).json()["config"]["role"] == "master-realm.manage-realm"


async def test_update_protocol_mappers(realm: Env) -> None:
    """IdentityProviderMapperTest#testUpdateProtocolMappers (KEYCLOAK-4962): an empty ``role`` is not kept, so
    the config holds the sync mode alone; an update with the role then holds both."""
    await create(realm, "google2")
    created = await call(realm, "POST", "/google2/mappers", hardcoded_role("google2", ""), status=201)
    mapper_id = created.headers["location"].rsplit("/", 1)[-1]
    listed = (await call(realm, "GET", "/google2/mappers", status=200)).json()
    assert len(listed) == 1
    assert len(listed[0]["config"]) == 1

    one = (await call(realm, "GET", f"/google2/mappers/{mapper_id}", status=200)).json()
    one["config"]["role"] = "offline_access"
    await call(realm, "PUT", f"/google2/mappers/{mapper_id}", one)
    listed = (await call(realm, "GET", "/google2/mappers", status=200)).json()
    assert len(listed) == 1
    assert listed[0]["config"] == {"syncMode": "INHERIT", "role": "offline_access"}


async def test_delete_protocol_mappers_after_delete_identity_provider(realm: Env) -> None:
    """IdentityProviderMapperTest#testDeleteProtocolMappersAfterDeleteIdentityProvider (KEYCLOAK-7872): the
    provider's DELETE event, and a new provider of the same alias has no mappers."""
    await create(realm, "google3")
    await call(realm, "POST", "/google3/mappers", hardcoded_role("google3", "offline_access"), status=201)
    assert len((await call(realm, "GET", "/google3/mappers", status=200)).json()) == 1
    await enable_admin_events(realm, clear=True)
    await call(realm, "DELETE", "/google3")
    event = last_event(await admin_events(realm))
    assert (event["operationType"], event["resourcePath"], event["resourceType"]) == (
        "DELETE",
        "identity-provider/instances/google3",
        "IDENTITY_PROVIDER",
    )
    await create(realm, "google3")
    assert (await call(realm, "GET", "/google3/mappers", status=200)).json() == []
