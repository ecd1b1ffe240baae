"""Keycloak's HardcodedRoleMapperTest (tests/base, org.keycloak.tests.oauth, 2026): what the Hardcoded Role mapper
(``oidc-hardcoded-role-mapper``) adds to the access token when the role it names is a composite.

Ported: testCompositeRoleNotExpandedByDefault and testUnknownRoleWithExpansion without the option. The class's
other two methods (testCompositeRealmRoleExpanded, testCompositeClientRoleExpanded) set
``HardcodedRole.EXPAND_COMPOSITE_ROLES_CONFIG``, whose string value no stored HardcodedRole.java defines (every
stored version has ``role`` as its only config property), so Doorkeep cannot know the key a realm export would
carry: not built, not ported. Without the option the mapper adds the named role alone, as HardcodedRole
.transformAccessToken does (``access.addRole``), whatever the role is or whether it exists.
"""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import import_realm
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


def client(client_id: str, role: str) -> dict[str, Any]:
    mapper = {
        "name": "hardcoded-role",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": {"role": role, "access.token.claim": "true"},
    }
    return {
        "clientId": client_id,
        "secret": "secret",
        "directAccessGrantsEnabled": True,
        "fullScopeAllowed": True,
        "protocolMappers": [mapper],
    }


REALM: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "clients": [
        {"clientId": "role-service", "bearerOnly": True},
        client("default-client", "composite-role"),
        client("unknown-role-client", "no-such-role"),
    ],
    "roles": {
        "realm": [
            {"name": "nested-realm-role"},
            {"name": "inner-realm-role", "composite": True, "composites": {"realm": ["nested-realm-role"]}},
            {
                "name": "composite-role",
                "composite": True,
                "composites": {"realm": ["inner-realm-role"], "client": {"role-service": ["inner-client-role"]}},
            },
        ],
        "client": {
            "role-service": [
                {"name": "inner-client-role"},
                {
                    "name": "composite-client-role",
                    "composite": True,
                    "composites": {"realm": ["nested-realm-role"], "client": {"role-service": ["inner-client-role"]}},
                },
            ]
        },
    },
    # the user is granted none of the roles, so that they can only come from the mapper
    "users": [
        {
            "username": "john",
            "enabled": True,
            "firstName": "John",
            "lastName": "Doe",
            "email": "john@email.cz",
            "credentials": [{"type": "password", "value": "password"}],
        }
    ],
}


async def access_token(env: Env, client_id: str) -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, "john", "password")
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, REALM)
    return env


async def test_composite_role_not_expanded_by_default(kc: Env) -> None:
    """testCompositeRoleNotExpandedByDefault: the composite role alone, none of the roles inside it."""
    token = await access_token(kc, "default-client")
    roles = token["realm_access"]["roles"]
    assert "composite-role" in roles, roles
    assert "inner-realm-role" not in roles and "nested-realm-role" not in roles, roles
    assert "role-service" not in token.get("resource_access", {}), token.get("resource_access")


async def test_unknown_role_is_added_as_it_is(kc: Env) -> None:
    """testUnknownRoleWithExpansion, without the option: a name that is no role of the realm is added as written."""
    token = await access_token(kc, "unknown-role-client")
    assert "no-such-role" in token["realm_access"]["roles"], token["realm_access"]
