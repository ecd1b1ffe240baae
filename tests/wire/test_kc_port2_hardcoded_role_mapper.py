"""Keycloak's HardcodedRoleMapperTest (tests/base, org.keycloak.tests.oauth, 2026): what the Hardcoded Role mapper
(``oidc-hardcoded-role-mapper``) adds to the access token when the role it names is a composite.

Ported: testCompositeRoleNotExpandedByDefault and testUnknownRoleWithExpansion without the option; beyond the port,
a composite client role in resource_access, a client without full scope, and the Role Name mapper on a composite. The class's
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


def client(client_id: str, role: str, *, full_scope: bool = True, new_name: str | None = None) -> dict[str, Any]:
    """A client whose Hardcoded Role mapper names ``role`` (a Role Name mapper renaming it to ``new_name`` instead,
    when given)."""
    config = {"role": role, "access.token.claim": "true"}
    kind = "oidc-hardcoded-role-mapper" if new_name is None else "oidc-role-name-mapper"
    if new_name is not None:
        config["new.role.name"] = new_name
    mapper = {"name": "role-mapper", "protocol": "openid-connect", "protocolMapper": kind, "config": config}
    return {
        "clientId": client_id,
        "secret": "secret",
        "directAccessGrantsEnabled": True,
        "fullScopeAllowed": full_scope,
        "protocolMappers": [mapper],
    }


REALM: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "clients": [
        {"clientId": "role-service", "bearerOnly": True},
        client("default-client", "composite-role"),
        client("unknown-role-client", "no-such-role"),
        # beyond the port: a client role, a client without full scope, and the Role Name mapper on a composite
        client("client-role-client", "role-service.composite-client-role"),
        client("scoped-client", "composite-role", full_scope=False),
        client("renaming-client", "composite-role", new_name="role-service.renamed-role"),
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
        },
        {
            "username": "mary",
            "enabled": True,
            "firstName": "Mary",
            "lastName": "Doe",
            "email": "mary@email.cz",
            "credentials": [{"type": "password", "value": "password"}],
            "realmRoles": ["composite-role"],
        },
    ],
}


async def access_token(env: Env, client_id: str, username: str = "john") -> dict[str, Any]:
    response = await password_grant(env.http, "test", client_id, username, "password")
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


def _realm_roles(token: dict[str, Any]) -> list[str]:
    return list(token.get("realm_access", {}).get("roles", []))


async def test_a_composite_client_role_is_added_alone_to_resource_access(kc: Env) -> None:
    """Beyond the port: HardcodedRole.setClaim adds ``clientId.role`` to RoleResolveUtil.getResolvedClientRoles of
    that client (``access.addRole(roleName)``), never the roles inside it (Keycloak 26.x's HardcodedRole has no
    expansion): resource_access holds the composite alone, realm_access none of its realm roles."""
    token = await access_token(kc, "client-role-client")
    assert token["resource_access"]["role-service"]["roles"] == ["composite-client-role"], token["resource_access"]
    assert "nested-realm-role" not in _realm_roles(token), token.get("realm_access")


async def test_the_clients_scope_does_not_filter_the_hardcoded_role(kc: Env) -> None:
    """Beyond the port: the resolved roles are the client session's, filtered by the client's scope
    (TokenManager.getAccess); the mapper adds its name to them afterwards, so a client without full scope and
    without scope mappings still carries it (and still none of the roles inside it)."""
    roles = _realm_roles(await access_token(kc, "scoped-client"))
    assert "composite-role" in roles, roles
    assert "inner-realm-role" not in roles and "nested-realm-role" not in roles, roles


async def test_the_role_name_mapper_moves_a_composite_and_leaves_what_it_expanded_to(kc: Env) -> None:
    """Beyond the port: RoleNameMapper.setClaim removes the one name from the resolved roles and adds the new one
    (here to another client's); the roles the user holds through the composite were expanded before the mappers
    ran and stay where they are."""
    token = await access_token(kc, "renaming-client", "mary")
    roles = _realm_roles(token)
    assert "composite-role" not in roles, roles
    assert {"inner-realm-role", "nested-realm-role"} <= set(roles), roles
    moved = token["resource_access"]["role-service"]["roles"]
    assert sorted(moved) == ["inner-client-role", "renamed-role"], token["resource_access"]
