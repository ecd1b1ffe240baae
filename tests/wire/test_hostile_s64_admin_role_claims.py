"""Session 63's admin-role stripping (oauth/admin_role_claims.py, Keycloak's AdminRoleTokenPostProcessor) against
mapper shapes test_kc_port20_admin_role_token_stripping.py does not try. All already hold; they are pinned here.

- A lightweight access token carries no mapped claims; introspection rebuilds them, and strips there too (a
  lightweight flag on the forging mapper included).
- A claim name with escaped dots (``resource_access\\.realm-management\\.roles``) is one top-level claim of that
  literal name, as OIDCAttributeMapperHelper.splitClaimPath makes it: no ``resource_access`` entry, so nothing
  reads it as a role (Keycloak leaves it as well).
- Client ids and role names are compared exactly, as Keycloak compares them: ``Realm-Management``, a Unicode
  hyphen, ``Realm-Admin`` are not admin clients or roles, so they stay in the token, and a token carrying them
  is refused by the admin API all the same (roles there are the user's, never the token's).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from support import claims, password_grant, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "hostile-roles"
FLAGS = {"access.token.claim": "true", "id.token.claim": "true", "introspection.token.claim": "true"}


def hardcoded(name: str, claim: str, value: Any, json_type: str = "JSON", **extra: str) -> dict[str, Any]:
    text = json.dumps(value) if json_type == "JSON" else str(value)
    config = {**FLAGS, "claim.name": claim, "claim.value": text, "jsonType.label": json_type, **extra}
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": config,
    }


async def _setup(env: Env, *mappers: dict[str, Any], **attributes: str) -> None:
    headers = await env.admin_headers()
    made = await env.http.post("/admin/realms", json={"realm": REALM, "enabled": True}, headers=headers)
    assert made.status_code == 201, made.text
    rep = {"clientId": "forger", "publicClient": True, "directAccessGrantsEnabled": True, "protocol": "openid-connect"}
    rep |= {"protocolMappers": list(mappers), "attributes": attributes}
    made = await env.http.post(f"/admin/realms/{REALM}/clients", json=rep, headers=headers)
    assert made.status_code == 201, made.text
    server = {"clientId": "resource-server", "secret": "secret", "publicClient": False}
    made = await env.http.post(f"/admin/realms/{REALM}/clients", json=server, headers=headers)
    assert made.status_code == 201, made.text
    await seed_user(env.db, env.clock, REALM, "plain")


async def _token(env: Env) -> str:
    answer = await password_grant(env.http, REALM, "forger", "plain", secret=None)
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


async def _admin_refuses(env: Env, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    for path in (f"/admin/realms/{REALM}/users", f"/admin/realms/{REALM}/clients"):
        answer = await env.http.get(path, headers=headers)
        assert answer.status_code == 403, answer.text


async def test_a_lightweight_token_s_introspection_strips_what_a_lightweight_mapper_forged(env: Env) -> None:
    forged = {"realm-management": {"roles": ["realm-admin", "manage-users"]}}
    mapper = hardcoded("forged", "resource_access", forged, **{"lightweight.claim": "true"})
    config = {**FLAGS, "included.client.audience": "resource-server", "lightweight.claim": "true"}
    audience = {"name": "aud", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": config}
    await _setup(env, mapper, audience, **{"client.use.lightweight.access.token.enabled": "true"})
    token = await _token(env)
    listed = claims(token).get("resource_access", {}).get("realm-management", {}).get("roles", [])
    assert listed == []
    answer = await env.http.post(
        f"/realms/{REALM}/protocol/openid-connect/token/introspect",
        data={"token": token, "client_id": "resource-server", "client_secret": "secret"},
    )
    assert answer.status_code == 200 and answer.json()["active"] is True, answer.text
    assert answer.json()["resource_access"]["realm-management"]["roles"] == []
    await _admin_refuses(env, token)


async def test_an_escaped_dot_claim_name_is_one_literal_claim_no_reader_takes_for_roles(env: Env) -> None:
    await _setup(env, hardcoded("escaped", r"resource_access\.realm-management\.roles", "realm-admin", "String"))
    token = await _token(env)
    found = claims(token)
    assert found["resource_access.realm-management.roles"] == "realm-admin"
    assert "realm-management" not in found.get("resource_access", {})
    await _admin_refuses(env, token)


@pytest.mark.parametrize(
    ("client_key", "role"),
    [
        ("Realm-Management", "realm-admin"),
        ("realm\u2010management", "realm-admin"),
        ("realm-management", "Realm-Admin"),
    ],
    ids=["client in another case", "unicode hyphen", "role in another case"],
)
async def test_a_look_alike_admin_client_or_role_stays_as_mapped_and_grants_nothing(
    env: Env, client_key: str, role: str
) -> None:
    await _setup(env, hardcoded("lookalike", "resource_access", {client_key: {"roles": [role, "manage-users"]}}))
    token = await _token(env)
    access = claims(token)["resource_access"]
    if client_key == "realm-management":  # an admin client: its admin role goes, the look-alike role name stays
        assert access[client_key]["roles"] == [role]
    else:  # not an admin client: untouched
        assert access[client_key]["roles"] == [role, "manage-users"]
        assert "manage-users" not in access.get("realm-management", {}).get("roles", [])
    await _admin_refuses(env, token)


async def test_roles_nested_in_a_list_under_realm_management_leave_the_token(env: Env) -> None:
    """A list holding a list is no Access: beside the user's own ``account`` entry, which is one, the forged entry
    goes (TokenUtil.convertTokenRolesFromOtherClaims after keycloak#52094), nested names and all."""
    forged = {"realm-management": {"roles": [["realm-admin"], "manage-users", "realm-admin"]}}
    await _setup(env, hardcoded("nested", "resource_access", forged))
    token = await _token(env)
    access = claims(token)["resource_access"]
    assert set(access) == {"account"} and "admin" not in json.dumps(access) and "manage-users" not in json.dumps(access)
    await _admin_refuses(env, token)
