"""Keycloak's new-framework GroupMappersTest (tests/base/.../tests/admin/group/): the roles and attributes of a
user's groups and their parents reach the access token, and the Group Membership mapper names the groups: by
name without ``full.path`` (GroupMembershipMapper.useFullPath), by full path once it is "true", a ``/`` in a
group's name left as it is (KeycloakModelUtils.buildGroupPath, GroupProvider.DEFAULT_ESCAPE_SLASHES false).

GroupMappersTestRealmConfig is made over ``POST /admin/realms``: the client ``my-app`` (secret ``password``, direct
grants) with the mappers ``groups`` (oidc-group-membership-mapper, claim ``groups.groups``), ``topAttribute`` and
``level2Attribute`` (oidc-usermodel-attribute-mapper); ``topGroup`` (attribute topAttribute, realm role
``user``) with the subgroups ``level2group`` and ``level2group2`` (attribute level2Attribute, realm role
``admin``, my-app's ``customer-user``); ``topGroupUser`` in topGroup and ``level2GroupUser`` in
topGroup/level2group. Keycloak's import makes the realm roles a group names; here the realm declares them."""

from __future__ import annotations

from typing import Any

import pytest

from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "group-mappers"
ADMIN = f"/admin/realms/{REALM}"
CLIENT_ID = "my-app"
CLIENT_SECRET = "password"
CLIENT_ROLE = "customer-user"


def _attribute_mapper(name: str) -> dict[str, Any]:
    config = {
        "user.attribute": name,
        "claim.name": name,
        "jsonType.label": "String",
        "access.token.claim": "true",
        "id.token.claim": "true",
    }
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": config,
    }


def _level2(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "realmRoles": ["admin"],
        "clientRoles": {CLIENT_ID: [CLIENT_ROLE]},
        "attributes": {"level2Attribute": ["true"]},
    }


def _user(username: str, first: str, email: str, group: str) -> dict[str, Any]:
    return {
        "username": username,
        "firstName": first,
        "lastName": "Doe",
        "enabled": True,
        "email": email,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "groups": [group],
    }


REALM_REP: dict[str, Any] = {
    "realm": REALM,
    "enabled": True,
    "eventsEnabled": True,
    "roles": {"realm": [{"name": "user"}, {"name": "admin"}], "client": {CLIENT_ID: [{"name": CLIENT_ROLE}]}},
    "clients": [
        {
            "clientId": CLIENT_ID,
            "enabled": True,
            "secret": CLIENT_SECRET,
            "directAccessGrantsEnabled": True,
            "protocolMappers": [
                {
                    "name": "groups",
                    "protocol": "openid-connect",
                    "protocolMapper": "oidc-group-membership-mapper",
                    "config": {"claim.name": "groups.groups", "access.token.claim": "true", "id.token.claim": "true"},
                },
                _attribute_mapper("topAttribute"),
                _attribute_mapper("level2Attribute"),
            ],
        }
    ],
    "groups": [
        {
            "name": "topGroup",
            "attributes": {"topAttribute": ["true"]},
            "realmRoles": ["user"],
            "subGroups": [_level2("level2group"), _level2("level2group2")],
        }
    ],
    "users": [
        _user("topGroupUser", "John", "top@redhat.com", "topGroup"),
        _user("level2GroupUser", "Jane", "level2@redhat.com", "topGroup/level2group"),
    ],
}


@pytest.fixture
async def realm(env: Env) -> Env:
    response = await env.http.post("/admin/realms", json=REALM_REP, headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


async def login(env: Env, username: str) -> dict[str, Any]:
    """AbstractGroupTest.login: the password grant of ``my-app``; the access token's claims."""
    response = await password_grant(env.http, REALM, CLIENT_ID, username, secret=CLIENT_SECRET)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


async def get(env: Env, path: str, **params: str) -> Any:
    response = await env.http.get(f"{ADMIN}{path}", params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def test_group_mappers(realm: Env) -> None:
    """GroupMappersTest#testGroupMappers"""
    token = await login(realm, "topGroupUser")
    assert "user" in token["realm_access"]["roles"]
    assert token["groups"]["groups"] == ["topGroup"]
    assert token["topAttribute"] == "true"

    token = await login(realm, "level2GroupUser")
    assert {"user", "admin"} <= set(token["realm_access"]["roles"])
    assert CLIENT_ROLE in token["resource_access"][CLIENT_ID]["roles"]
    assert token["groups"]["groups"] == ["level2group"]
    assert token["topAttribute"] == "true"
    assert token["level2Attribute"] == "true"


async def test_group_mappers_with_slash(realm: Env) -> None:
    """GroupMappersTest#testGroupMappersWithSlash: a subgroup ``child/slash`` joined, ``full.path`` on: both
    groups by full path, the slash of the name not escaped."""
    headers = await realm.admin_headers()
    top = await get(realm, "/group-by-path/topGroup")
    created = await realm.http.post(
        f"{ADMIN}/groups/{top['id']}/children", json={"name": "child/slash"}, headers=headers
    )
    assert created.status_code == 201, created.text
    child_id = created.headers["location"].rsplit("/", 1)[-1]
    user = (await get(realm, "/users", username="level2GroupUser", exact="true"))[0]
    joined = await realm.http.put(f"{ADMIN}/users/{user['id']}/groups/{child_id}", headers=headers)
    assert joined.status_code == 204, joined.text

    client = (await get(realm, "/clients", clientId=CLIENT_ID))[0]
    mappers = await get(realm, f"/clients/{client['id']}/protocol-mappers/models")
    groups_mapper = next(m for m in mappers if m["name"] == "groups" and m["protocol"] == "openid-connect")
    groups_mapper["config"]["full.path"] = "true"
    updated = await realm.http.put(
        f"{ADMIN}/clients/{client['id']}/protocol-mappers/models/{groups_mapper['id']}",
        json=groups_mapper,
        headers=headers,
    )
    assert updated.status_code == 204, updated.text

    token = await login(realm, "level2GroupUser")
    assert sorted(token["groups"]["groups"]) == sorted(["/topGroup/level2group", "/topGroup/child/slash"])
