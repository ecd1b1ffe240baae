"""Security sweep s49: mis-typed JSON bodies to endpoints added since the security review (L1) are Keycloak's 400,
never a 500, and leave nothing written, on both engines.

* An identity provider mapper whose ``identityProviderMapper`` is an object or an array (a String field of
  IdentityProviderMapperRepresentation: Jackson cannot bind it) is "Cannot parse the JSON", on create and update;
  it was a TypeError (unhashable) and a 500.
* A dynamic client registration (the ``default`` provider, Keycloak's ClientRepresentation) whose
  ``protocolMappers`` is not a list of objects is the registration service's bind failure, "Cannot parse the JSON",
  before the Allowed Protocol Mapper Types policy runs; a number was a TypeError in the policy and a 500 for
  anyone holding an initial access token, a string or a list of numbers the policy's 403.
* A client registration policy component (``POST /components``) whose ``providerId`` is an object or an array is
  ComponentResource's "Invalid provider type or no such provider", as a mis-typed ``providerType`` already was;
  it was a TypeError (unhashable) and a 500.
* A user profile configuration with ``null`` in ``attributes`` or ``groups`` is the configuration's 400 naming the
  item; it was an AttributeError and a 500, and the configuration stays as it was."""

from __future__ import annotations

import json
from typing import Any

import pytest

from broker_support import ALIAS, served
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"
REGISTER = "/realms/test/clients-registrations/default"
CANNOT_PARSE = "Cannot parse the JSON"


@pytest.mark.parametrize("kind", [{}, {"a": "b"}, [], ["oidc-hardcoded-group-idp-mapper"]])
async def test_an_identity_provider_mapper_type_that_is_no_string_is_a_parse_error(env: Env, kind: Any) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        headers = await env.admin_headers()
        config = {"syncMode": "INHERIT", "group": "/g", "claims": json.dumps([{"key": "email", "value": "x"}])}
        rep = {"name": "m", "identityProviderMapper": "oidc-advanced-group-idp-mapper", "config": config}
        made = await env.http.post(MAPPERS, json=rep, headers=headers)
        assert made.status_code == 201, made.text
        mapper_id = made.headers["location"].rsplit("/", 1)[1]
        created = await env.http.post(
            MAPPERS, json={**rep, "name": "n", "identityProviderMapper": kind}, headers=headers
        )
        updated = await env.http.put(
            f"{MAPPERS}/{mapper_id}", json={**rep, "id": mapper_id, "identityProviderMapper": kind}, headers=headers
        )
        for answer in (created, updated):
            assert answer.status_code == 400, answer.text
            assert answer.json()["error_description"] == CANNOT_PARSE
        [kept] = (await env.http.get(MAPPERS, headers=headers)).json()
        assert kept["identityProviderMapper"] == "oidc-advanced-group-idp-mapper"


@pytest.mark.parametrize("mappers", [1, -1, True, 1e308, "x", [1], ["x"], {"a": 1}])
async def test_registration_protocol_mappers_that_are_no_list_of_objects_cannot_be_bound(
    env: Env, mappers: Any
) -> None:
    await seed_login_realm(env.db, env.clock)
    headers = await env.admin_headers()
    made = await env.http.post(f"{ADMIN}/clients-initial-access", json={"count": 5, "expiration": 0}, headers=headers)
    assert made.status_code in (200, 201), made.text
    bearer = {"Authorization": f"Bearer {made.json()['token']}"}
    rep = {"clientId": "registered", "redirectUris": ["https://app.example/cb"], "protocolMappers": mappers}
    answer = await env.http.post(REGISTER, json=rep, headers=bearer)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "unknown_error", "error_description": CANNOT_PARSE}
    found = await env.http.get(f"{ADMIN}/clients", params={"clientId": "registered"}, headers=headers)
    assert found.json() == []
    allowed = {**rep, "protocolMappers": []}
    assert (await env.http.post(REGISTER, json=allowed, headers=bearer)).status_code == 201


@pytest.mark.parametrize("provider_id", [[], ["trusted-hosts"], {}, {"a": "b"}])
async def test_a_registration_policy_whose_provider_id_is_no_string_is_no_such_provider(
    env: Env, provider_id: Any
) -> None:
    await seed_login_realm(env.db, env.clock)
    headers = await env.admin_headers()
    before = (await env.http.get(f"{ADMIN}/components", headers=headers)).json()
    rep = {
        "name": "hosts",
        "providerId": provider_id,
        "providerType": "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy",
        "subType": "anonymous",
        "config": {"trusted-hosts": ["a.example"]},
    }
    answer = await env.http.post(f"{ADMIN}/components", json=rep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "Invalid provider type or no such provider"}
    assert (await env.http.get(f"{ADMIN}/components", headers=headers)).json() == before


@pytest.mark.parametrize("where", ["attributes", "groups"])
async def test_a_null_user_profile_attribute_or_group_is_refused(env: Env, where: str) -> None:
    await seed_login_realm(env.db, env.clock)
    headers = await env.admin_headers()
    config = (await env.http.get(f"{ADMIN}/users/profile", headers=headers)).json()
    answer = await env.http.put(
        f"{ADMIN}/users/profile", json={**config, where: [*config[where], None]}, headers=headers
    )
    assert answer.status_code == 400, answer.text
    assert f"{where}[{len(config[where])}]" in answer.text
    assert (await env.http.get(f"{ADMIN}/users/profile", headers=headers)).json() == config


LONG_NAMES = [
    ("roles", {"name": "r" * 256}),
    ("client-scopes", {"name": "s" * 256, "protocol": "openid-connect"}),
    ("clients", {"clientId": "c" * 256}),
    (
        "components",
        {"name": "k" * 256, "providerId": "hmac-generated", "providerType": "org.keycloak.keys.KeyProvider"},
    ),
]


@pytest.mark.parametrize(("path", "rep"), LONG_NAMES, ids=[p for p, _ in LONG_NAMES])
async def test_a_name_longer_than_its_column_is_invalid_input_on_both_engines(
    env: Env, path: str, rep: dict[str, Any]
) -> None:
    """PostgreSQL refuses a role's or client scope's name, a clientId or a key provider's name over 255 characters
    (VARCHAR(255), as Keycloak's columns) with the 400 "Invalid input"; SQLite stored it. Now both refuse it before
    the write, on create and on update, and 255 characters still fit."""
    await seed_login_realm(env.db, env.clock)
    headers = await env.admin_headers()
    url = f"{ADMIN}/{path}"
    before = (await env.http.get(url, headers=headers)).json()
    refused = await env.http.post(url, json=rep, headers=headers)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": "Invalid input"}
    assert (await env.http.get(url, headers=headers)).json() == before
    key = "clientId" if path == "clients" else "name"
    fits = {**rep, key: rep[key][:255]}
    made = await env.http.post(url, json=fits, headers=headers)
    assert made.status_code == 201, made.text
    where = made.headers["location"].replace("http://localhost", "")
    stored = (await env.http.get(where, headers=headers)).json()
    renamed = await env.http.put(where, json={**stored, key: rep[key]}, headers=headers)
    assert renamed.status_code == 400, renamed.text
    assert (await env.http.get(where, headers=headers)).json()[key] == rep[key][:255]


POLICY = {
    "providerId": "max-clients",
    "providerType": "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy",
    "subType": "anonymous",
    "config": {"max-clients": ["10"]},
}
KEY = {"providerId": "hmac-generated", "providerType": "org.keycloak.keys.KeyProvider"}
UNSTORABLE = [
    ("key name NUL", {**KEY, "name": "a\x00b"}),
    ("policy name NUL", {**POLICY, "name": "a\x00b"}),
    ("policy name long", {**POLICY, "name": "p" * 256}),
    ("policy subType NUL", {**POLICY, "name": "p", "subType": "a\x00b"}),
    ("policy subType long", {**POLICY, "name": "p", "subType": "s" * 65}),
]


@pytest.mark.parametrize(("case", "rep"), UNSTORABLE, ids=[c for c, _ in UNSTORABLE])
async def test_a_component_its_columns_cannot_hold_is_invalid_input_on_both_engines(
    env: Env, case: str, rep: dict[str, Any]
) -> None:
    """A key provider's or client registration policy's name with a NUL, or longer than its column (name 255,
    subType 64): PostgreSQL's 400 "Invalid input", which SQLite stored (201); nothing written, create and update."""
    await seed_login_realm(env.db, env.clock)
    headers = await env.admin_headers()
    url = f"{ADMIN}/components"
    before = (await env.http.get(url, headers=headers)).json()
    refused = await env.http.post(url, json=rep, headers=headers)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": "Invalid input"}
    assert (await env.http.get(url, headers=headers)).json() == before
    made = await env.http.post(url, json={**rep, "name": "fits", "subType": "anonymous"}, headers=headers)
    assert made.status_code == 201, made.text
    where = made.headers["location"].replace("http://localhost", "")
    stored = (await env.http.get(where, headers=headers)).json()
    updated = await env.http.put(
        where, json={**stored, "name": rep["name"], "subType": rep.get("subType")}, headers=headers
    )
    assert updated.status_code == 400, updated.text
    assert (await env.http.get(where, headers=headers)).json()["name"] == "fits"
