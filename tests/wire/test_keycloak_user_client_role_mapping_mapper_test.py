"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.UserClientRoleMappingMapperTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/).

A ``oidc-usermodel-client-role-mapper`` on test-app without a client id, claim ``roles``, multivalued, on a
test-app whose full scope is turned off: the ID and access tokens carry test-app's own role
``customer-user`` (account's roles are out of scope), its name after the ``usermodel.clientRoleMapping.rolePrefix``;
a prefix holding ``${client_id}`` names the role's client there (AbstractUserRoleMappingMapper.setClaim).
Each test starts from a fresh realm, so the ``@After`` removing the mapper is left out.
``test_keycloak_oidc_protocol_mappers_test.py`` covers the mapper with a client id and a fixed prefix.
The new framework's ClientRoleMapperTest (tests/base/.../tests/admin/client/) is the same four prefixes as one
parameterized testRoleMappingWithPrefix.
"""

from __future__ import annotations

from typing import Any

import pytest

from access_token_realm import client_uuid, code_to_token, do_login, get, send
from oidc_port_realm import import_realm
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


async def provision(env: Env, prefix: str | None) -> None:
    """``provisionUserClientRoleMappingMapper(prefix)``: the mapper added, full scope off (ClientManager)."""
    config = {
        "introspection.token.claim": "true",
        "multivalued": "true",
        "userinfo.token.claim": "true",
        "id.token.claim": "true",
        "access.token.claim": "true",
        "claim.name": "roles",
        "jsonType.label": "String",
    }
    if prefix is not None:  # a Java HashMap keeps the null, which the JSON leaves out as null
        config["usermodel.clientRoleMapping.rolePrefix"] = prefix
    uuid = await client_uuid(env)
    rep = await get(env, f"/clients/{uuid}")
    await send(env, "PUT", f"/clients/{uuid}", {**rep, "fullScopeAllowed": False})
    mapper = {
        "name": "UserClientRoleMappingMapperTest",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-client-role-mapper",
        "config": config,
    }
    await send(env, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper, status=201)


async def login_tokens(env: Env) -> tuple[dict[str, Any], dict[str, Any]]:
    """``oauth.doLogin`` then ``oauth.doAccessTokenRequest(code)``: the ID token's and access token's claims."""
    response = await code_to_token(env, (await do_login(env))["code"])
    assert response.status_code == 200, response.text
    body = response.json()
    return claims(body["id_token"]), claims(body["access_token"])


async def test_user_client_role_mapping_mapper_with_null_prefix(kc: Env) -> None:
    await provision(kc, None)
    id_token, access = await login_tokens(kc)
    assert id_token["roles"] == ["customer-user"]
    assert access["roles"] == ["customer-user"]


async def test_user_client_role_mapping_mapper_with_empty_prefix(kc: Env) -> None:
    await provision(kc, "")
    id_token, access = await login_tokens(kc)
    assert id_token["roles"] == ["customer-user"]
    assert access["roles"] == ["customer-user"]


async def test_user_client_role_mapping_mapper_with_fixed_prefix(kc: Env) -> None:
    await provision(kc, "client_id::")
    id_token, access = await login_tokens(kc)
    assert id_token["roles"] == ["client_id::customer-user"]
    assert access["roles"] == ["client_id::customer-user"]


async def test_user_client_role_mapping_mapper_with_client_id_placeholder_in_prefix(kc: Env) -> None:
    await provision(kc, "${client_id}::")
    id_token, access = await login_tokens(kc)
    assert id_token["roles"] == ["test-app::customer-user"]
    assert access["roles"] == ["test-app::customer-user"]
