"""Identity provider mappers: the admin REST resource (IdentityProviderResource's ``mapper-types`` and ``mappers``,
IdentityProviderTest.testMapperTypes, testMappers, testUpdateMapper, testDeleteMapper) and the mappers at a first
and a later login through a provider that is another realm of the same server (AbstractUserAttributeMapperTest,
OidcClaimToRoleMapperTest, HardcodedRoleMapperTest: sync modes IMPORT, LEGACY, FORCE and INHERIT)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events
from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT
from doorkeep.realms.exportimport.files import export_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = f"/admin/realms/test/identity-provider/instances/{ALIAS}"


def mapper(name: str, kind: str, **config: str) -> dict[str, Any]:
    return {"name": name, "identityProviderAlias": ALIAS, "identityProviderMapper": kind, "config": config}


async def _add(broker: Broker, rep: dict[str, Any]) -> str:
    headers = await broker.env.admin_headers()
    made = await broker.env.http.post(f"{BASE}/mappers", json=rep, headers=headers)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _update(broker: Broker, mapper_id: str, rep: dict[str, Any]) -> None:
    headers = await broker.env.admin_headers()
    put = await broker.env.http.put(f"{BASE}/mappers/{mapper_id}", json={**rep, "id": mapper_id}, headers=headers)
    assert put.status_code == 204, put.text


async def _user(env: Env, username: str) -> dict[str, Any]:
    headers = await env.admin_headers()
    found = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    [user] = found.json()
    result: dict[str, Any] = user
    return result


async def _realm_roles(env: Env, user_id: str) -> set[str]:
    headers = await env.admin_headers()
    got = await env.http.get(f"/admin/realms/test/users/{user_id}/role-mappings/realm", headers=headers)
    return {r["name"] for r in got.json()}


async def _role(env: Env, name: str) -> None:
    made = await env.http.post("/admin/realms/test/roles", json={"name": name}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


async def _login(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_mapper_types_and_the_mappers_resource(env: Env) -> None:
    """testMapperTypes, testMappers, testUpdateMapper, testDeleteMapper: the types with their properties; a mapper
    created (201, Location), listed, read, updated and deleted; a missing one is "Model not found"; a type Doorkeep
    does not run, a sync mode Keycloak has not and a second mapper of the same name are refused; the events are
    IDENTITY_PROVIDER_MAPPER ones; deleting the provider deletes its mappers."""
    async with served(env) as broker:
        await broker.add_provider()
        await enable_admin_events(env, clear=True)
        headers = await env.admin_headers()
        found = (await env.http.get(f"{BASE}/mapper-types", headers=headers)).json()
        assert set(found) == {
            "hardcoded-attribute-idp-mapper",
            "oidc-user-attribute-idp-mapper",
            "oidc-role-idp-mapper",
            "oidc-hardcoded-role-idp-mapper",
            "oidc-username-idp-mapper",
            "oidc-advanced-role-idp-mapper",
            "oidc-hardcoded-group-idp-mapper",
            "oidc-advanced-group-idp-mapper",
            "keycloak-oidc-role-to-role-idp-mapper",
        }
        role = found["oidc-role-idp-mapper"]
        assert (role["name"], role["category"]) == ("Claim to Role", "Role Importer")
        assert [p["name"] for p in role["properties"]] == ["claim", "claim.value", "role"]
        assert found["oidc-hardcoded-role-idp-mapper"]["properties"][0]["type"] == "Role"
        assert (await env.http.get(f"{BASE}/mappers", headers=headers)).json() == []

        rep = mapper("attr", "hardcoded-attribute-idp-mapper", attribute="dept", **{"attribute.value": "x"})
        mapper_id = await _add(broker, {**rep, "config": {**rep["config"], "syncMode": "INHERIT"}})
        one = (await env.http.get(f"{BASE}/mappers/{mapper_id}", headers=headers)).json()
        assert one == {
            "id": mapper_id,
            "name": "attr",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "hardcoded-attribute-idp-mapper",
            "config": {"attribute": "dept", "attribute.value": "x", "syncMode": "INHERIT"},
        }
        assert (await env.http.get(f"{BASE}/mappers", headers=headers)).json() == [one]
        await _update(broker, mapper_id, {**rep, "config": {"attribute": "dept", "attribute.value": "y"}})
        again = (await env.http.get(f"{BASE}/mappers/{mapper_id}", headers=headers)).json()
        assert again["config"] == {"attribute": "dept", "attribute.value": "y"}

        missing = await env.http.get(f"{BASE}/mappers/nope", headers=headers)
        assert missing.status_code == 404 and missing.json() == {"error": "Model not found"}
        failed = "Failed to add mapper '{}' to identity provider [keycloak-oidc]."
        for refused in (
            mapper("note", "oidc-user-session-note-idp-mapper", claims="[]"),
            mapper("mode", "hardcoded-attribute-idp-mapper", syncMode="SOMETIMES"),
            mapper("attr", "oidc-hardcoded-role-idp-mapper", role="x"),
        ):
            answer = await env.http.post(f"{BASE}/mappers", json=refused, headers=headers)
            assert answer.status_code == 400 and answer.json() == {"errorMessage": failed.format(refused["name"])}
        unknown = await env.http.post(f"{BASE}/mappers", json={**rep, "nope": 1}, headers=headers)
        assert unknown.status_code == 400
        gone = await env.http.get("/admin/realms/test/identity-provider/instances/nope/mappers", headers=headers)
        assert gone.status_code == 404

        kinds = [(e["operationType"], e["resourceType"]) for e in await admin_events(env)]
        assert ("CREATE", "IDENTITY_PROVIDER_MAPPER") in kinds and ("UPDATE", "IDENTITY_PROVIDER_MAPPER") in kinds
        deleted = await env.http.delete(f"{BASE}/mappers/{mapper_id}", headers=headers)
        assert deleted.status_code == 204
        assert (await env.http.delete(f"{BASE}/mappers/{mapper_id}", headers=headers)).status_code == 404
        await _add(broker, rep)
        assert (await env.http.delete(BASE, headers=headers)).status_code == 204
        await broker.add_provider()
        assert (await env.http.get(f"{BASE}/mappers", headers=headers)).json() == []


async def test_mappers_at_the_first_login(env: Env) -> None:
    """importNewUser after the first broker login: a hardcoded attribute, a claim imported into an attribute and
    into the last name, a hardcoded role, a claim-to-role whose claim matches and one whose claim does not."""
    async with served(env) as broker:
        await broker.add_provider()
        for name in ("hardcoded", "matched", "unmatched"):
            await _role(env, name)
        await _add(
            broker, mapper("dept", "hardcoded-attribute-idp-mapper", attribute="dept", **{"attribute.value": "x"})
        )
        await _add(
            broker, mapper("given", "oidc-user-attribute-idp-mapper", claim="given_name", **{"user.attribute": "given"})
        )
        await _add(
            broker,
            mapper("last", "oidc-user-attribute-idp-mapper", claim="given_name", **{"user.attribute": "lastName"}),
        )
        await _add(broker, mapper("hard", "oidc-hardcoded-role-idp-mapper", role="hardcoded"))
        claim = {"claim": "email", "claim.value": "alice@example.org"}
        await _add(broker, mapper("yes", "oidc-role-idp-mapper", role="matched", **claim))
        await _add(
            broker, mapper("no", "oidc-role-idp-mapper", role="unmatched", claim="email", **{"claim.value": "x"})
        )
        await _login(broker)
        user = await _user(env, "alice")
        assert user["attributes"]["dept"] == ["x"] and user["attributes"]["given"] == ["Alice"]
        assert user["lastName"] == "Alice"
        roles = await _realm_roles(env, user["id"])
        assert {"hardcoded", "matched"} <= roles and "unmatched" not in roles


async def test_sync_modes_at_a_later_login(env: Env) -> None:
    """IdentityProviderMapperSyncModeDelegate: IMPORT changes nothing after the first login; LEGACY takes back a
    claim-to-role mapper's role once its claim no longer matches, and sets a Hardcoded Attribute as FORCE does (it
    has no updateBrokeredUserLegacy of its own: AbstractIdentityProviderMapper's runs updateBrokeredUser); FORCE sets
    them again; INHERIT follows the provider's sync mode."""
    async with served(env) as broker:
        await broker.add_provider()
        await _role(env, "matched")
        hardcoded = mapper("dept", "hardcoded-attribute-idp-mapper", attribute="dept", **{"attribute.value": "x"})
        dept = await _add(broker, hardcoded)
        claim = {"claim": "email", "claim.value": "alice@example.org"}
        to_role = mapper("yes", "oidc-role-idp-mapper", role="matched", **claim)
        role_id = await _add(broker, {**to_role, "config": {**to_role["config"], "syncMode": "IMPORT"}})
        await _login(broker)
        user = await _user(env, "alice")
        assert "matched" in await _realm_roles(env, user["id"])

        await _update(broker, dept, {**hardcoded, "config": {**hardcoded["config"], "attribute.value": "y"}})
        unmatched = {**to_role["config"], "claim.value": "other", "syncMode": "IMPORT"}
        await _update(broker, role_id, {**to_role, "config": unmatched})
        await _login(broker)  # the hardcoded mapper in LEGACY (unset), the role mapper in IMPORT
        user = await _user(env, "alice")
        assert user["attributes"]["dept"] == ["y"] and "matched" in await _realm_roles(env, user["id"])

        await _update(broker, role_id, {**to_role, "config": {**unmatched, "syncMode": "LEGACY"}})
        await _login(broker)
        assert "matched" not in await _realm_roles(env, user["id"])

        forced = {**hardcoded["config"], "attribute.value": "y", "syncMode": "FORCE"}
        await _update(broker, dept, {**hardcoded, "config": forced})
        await _update(broker, role_id, {**to_role, "config": {**to_role["config"], "syncMode": "FORCE"}})
        await _login(broker)
        assert (await _user(env, "alice"))["attributes"]["dept"] == ["y"]
        assert "matched" in await _realm_roles(env, user["id"])

        inherit = {**hardcoded["config"], "attribute.value": "z", "syncMode": "INHERIT"}
        await _update(broker, dept, {**hardcoded, "config": inherit})
        await _login(broker)  # the provider is in IMPORT (broker_support's configuration)
        assert (await _user(env, "alice"))["attributes"]["dept"] == ["y"]
        headers = await env.admin_headers()
        rep = (await env.http.get(BASE, headers=headers)).json()
        rep["config"] = {**rep["config"], "syncMode": "FORCE", "clientSecret": "provider-secret"}
        assert (await env.http.put(BASE, json=rep, headers=headers)).status_code == 204
        await _login(broker)
        assert (await _user(env, "alice"))["attributes"]["dept"] == ["z"]


async def test_realm_export_and_import_carry_the_mappers(env: Env) -> None:
    """ExportUtils and RepresentationToModel.importIdentityProviderMappers: ``identityProviderMappers`` go out and
    come back in; one for a provider the file does not list is refused."""
    async with served(env) as broker:
        await broker.add_provider()
        mapper_id = await _add(broker, mapper("hard", "oidc-hardcoded-role-idp-mapper", role="x"))
        full = await export_realm(env.db, "test")
        [kept] = full["identityProviderMappers"]
        assert kept["id"] == mapper_id and kept["identityProviderMapper"] == "oidc-hardcoded-role-idp-mapper"
        headers = await env.admin_headers()
        realm = {
            "realm": "copy",
            "enabled": True,
            "identityProviders": full["identityProviders"],
            "identityProviderMappers": [kept],
        }
        assert (await env.http.post("/admin/realms", json=realm, headers=headers)).status_code == 201
        url = f"/admin/realms/copy/identity-provider/instances/{ALIAS}/mappers"
        assert [m["id"] for m in (await env.http.get(url, headers=headers)).json()] == [mapper_id]
        orphan = {"realm": "orphan", "enabled": True, "identityProviderMappers": [kept]}
        assert (await env.http.post("/admin/realms", json=orphan, headers=headers)).status_code == 400
