"""What Keycloak creates together with a client or a user: ``protocolMappers`` in ``POST …/clients``
(RepresentationToModel.createClient, and ``PUT`` makes the list the client's: updateClientProtocolMappers) and
``groups`` by path in ``POST …/users`` (createGroups). Before any write the whole body is checked: a bad part
creates or changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
HARDCODED: dict[str, Any] = {
    "name": "team",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-hardcoded-claim-mapper",
    "config": {"claim.name": "team", "claim.value": "blue", "access.token.claim": "true", "jsonType.label": "String"},
}


def client(mappers: Any) -> dict[str, Any]:
    return {
        "clientId": "withmappers",
        "secret": "s3cret",
        "publicClient": False,
        "directAccessGrantsEnabled": True,
        "protocolMappers": mappers,
    }


async def client_ids(env: Env) -> set[str]:
    listed = await env.http.get(f"{ADMIN}/clients", headers=await env.admin_headers())
    return {c["clientId"] for c in listed.json()}


async def test_a_client_is_created_with_its_protocol_mappers_and_they_map(realm: Env) -> None:
    headers = await realm.admin_headers()
    created = await realm.http.post(f"{ADMIN}/clients", headers=headers, json=client([HARDCODED]))
    assert created.status_code == 201, created.text
    uuid = created.headers["location"].rsplit("/", 1)[1]
    models = (await realm.http.get(f"{ADMIN}/clients/{uuid}/protocol-mappers/models", headers=headers)).json()
    assert [(m["name"], m["protocolMapper"], m["config"]["claim.value"]) for m in models] == [
        ("team", "oidc-hardcoded-claim-mapper", "blue")
    ]
    tokens = await password_grant(realm.http, "test", "withmappers", secret="s3cret")
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["access_token"])["team"] == "blue"


@pytest.mark.parametrize(
    ("mappers", "status"),
    [
        ({"name": "x"}, 400),  # not a list
        ([{"protocolMapper": "oidc-hardcoded-claim-mapper"}], 400),  # no name
        ([{**HARDCODED, "protocolMapper": "no-such-mapper"}], 404),  # Keycloak: provider not found
        ([HARDCODED, {**HARDCODED, "id": "other"}], 400),  # one name twice: "must be unique"
    ],
)
async def test_a_bad_protocol_mapper_creates_no_client(realm: Env, mappers: Any, status: int) -> None:
    response = await realm.http.post(f"{ADMIN}/clients", headers=await realm.admin_headers(), json=client(mappers))
    assert response.status_code == status, response.text
    assert "withmappers" not in await client_ids(realm)


async def test_a_user_is_created_in_the_groups_it_names_and_gets_their_roles(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{ADMIN}/roles", headers=headers, json={"name": "crew"})).status_code == 201
    parent = await realm.http.post(f"{ADMIN}/groups", headers=headers, json={"name": "ship"})
    parent_id = parent.headers["location"].rsplit("/", 1)[1]
    child = await realm.http.post(f"{ADMIN}/groups/{parent_id}/children", headers=headers, json={"name": "deck"})
    assert child.status_code == 201, child.text
    role = (await realm.http.get(f"{ADMIN}/roles/crew", headers=headers)).json()
    granted = await realm.http.post(f"{ADMIN}/groups/{parent_id}/role-mappings/realm", headers=headers, json=[role])
    assert granted.status_code == 204, granted.text
    body = {
        "username": "sailor",
        "enabled": True,
        "firstName": "Salty",  # the names and e-mail the default profile requires (VERIFY_PROFILE at the grant)
        "lastName": "Sailor",
        "email": "sailor@example.com",
        "groups": ["/ship/deck", "ship", "/ship"],  # the leading slash optional, a repeat harmless
        "credentials": [{"type": "password", "value": "ahoy", "temporary": False}],
    }
    created = await realm.http.post(f"{ADMIN}/users", headers=headers, json=body)
    assert created.status_code == 201, created.text
    uid = created.headers["location"].rsplit("/", 1)[1]
    groups = (await realm.http.get(f"{ADMIN}/users/{uid}/groups", headers=headers)).json()
    assert sorted(g["path"] for g in groups) == ["/ship", "/ship/deck"]
    tokens = await password_grant(realm.http, "test", "app", "sailor", "ahoy")
    assert tokens.status_code == 200, tokens.text
    assert "crew" in claims(tokens.json()["access_token"])["realm_access"]["roles"]


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        (["/nowhere"], "Unable to find group specified by path: /nowhere"),
        ("/ship", None),  # not a list
        ([3], None),
    ],
)
async def test_an_unknown_group_or_a_bad_list_creates_no_user(realm: Env, groups: Any, message: str | None) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.post(f"{ADMIN}/groups", headers=headers, json={"name": "ship"})).status_code == 201
    response = await realm.http.post(
        f"{ADMIN}/users", headers=headers, json={"username": "sailor", "enabled": True, "groups": groups}
    )
    assert response.status_code == 400, response.text
    if message is not None:
        assert response.json() == {"errorMessage": message}
    found = await realm.http.get(f"{ADMIN}/users", headers=headers, params={"username": "sailor", "exact": "true"})
    assert found.json() == []


async def test_a_client_update_with_protocol_mappers_makes_them_the_client_s(realm: Env) -> None:
    """Keycloak's updateClientProtocolMappers: matched by protocol and name (updated, id kept), new ones added,
    unlisted ones removed; a PUT without ``protocolMappers`` leaves them; a bad list changes nothing."""
    headers = await realm.admin_headers()
    created = await realm.http.post(f"{ADMIN}/clients", headers=headers, json=client([HARDCODED]))
    uuid = created.headers["location"].rsplit("/", 1)[1]
    url = f"{ADMIN}/clients/{uuid}"

    async def models() -> dict[str, tuple[str, str]]:
        found = (await realm.http.get(f"{url}/protocol-mappers/models", headers=headers)).json()
        return {m["name"]: (m["id"], m["config"].get("claim.value", "")) for m in found}

    [(team_id, _)] = (await models()).values()
    extra = {**HARDCODED, "name": "extra", "config": {**HARDCODED["config"], "claim.name": "extra"}}
    changed = {**HARDCODED, "config": {**HARDCODED["config"], "claim.value": "red"}}
    put = await realm.http.put(url, headers=headers, json={"protocolMappers": [changed, extra]})
    assert put.status_code == 204, put.text
    after = await models()
    assert after["team"] == (team_id, "red") and set(after) == {"team", "extra"}
    tokens = await password_grant(realm.http, "test", "withmappers", secret="s3cret")
    assert claims(tokens.json()["access_token"])["team"] == "red"

    assert (await realm.http.put(url, headers=headers, json={"description": "kept"})).status_code == 204
    assert set(await models()) == {"team", "extra"}
    bad = await realm.http.put(
        url, headers=headers, json={"description": "not kept", "protocolMappers": [{**extra, "protocolMapper": "nope"}]}
    )
    assert bad.status_code == 404, bad.text
    assert set(await models()) == {"team", "extra"}
    assert (await realm.http.get(url, headers=headers)).json()["description"] == "kept"
    assert (await realm.http.put(url, headers=headers, json={"protocolMappers": []})).status_code == 204
    assert await models() == {}
