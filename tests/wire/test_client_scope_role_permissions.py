"""A client scope with role scope mappings is granted only to a user who holds one of its roles
(Keycloak's DefaultClientSessionContext.isClientScopePermittedForUser, OIDCScopeTest.testClientScopesPermissions):
otherwise it is missing from the token scope and its mappers are not applied."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, role_ref
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"


async def _scope(env: Env, name: str, role: str, *, default: bool) -> None:
    """Client scope ``name``, realm scope mapping to ``role``, a hardcoded claim ``name``, on client ``app``."""
    headers = await env.admin_headers()
    mapper = {
        "name": f"{name}-claim",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {"claim.name": name.replace("-", "_"), "claim.value": "yes", "access.token.claim": "true"},
    }
    body = {"name": name, "protocol": "openid-connect", "protocolMappers": [mapper]}
    made = await env.http.post(f"{REALM}/client-scopes", json=body, headers=headers)
    assert made.status_code == 201, made.text
    scope_id = made.headers["location"].rsplit("/", 1)[1]
    mapping = [await role_ref(env, "test", role)]
    mapped = await env.http.post(
        f"{REALM}/client-scopes/{scope_id}/scope-mappings/realm", json=mapping, headers=headers
    )
    assert mapped.status_code == 204, mapped.text
    kind = "default" if default else "optional"
    app = await client_uuid(env, "test", "app")
    linked = await env.http.put(f"{REALM}/clients/{app}/{kind}-client-scopes/{scope_id}", headers=headers)
    assert linked.status_code == 204, linked.text


async def _grant_role(env: Env, role: str) -> None:
    headers = await env.admin_headers()
    found = await env.http.get(f"{REALM}/users", params={"username": "user1", "exact": "true"}, headers=headers)
    user_id = found.json()[0]["id"]
    mapping = [await role_ref(env, "test", role)]
    granted = await env.http.post(f"{REALM}/users/{user_id}/role-mappings/realm", json=mapping, headers=headers)
    assert granted.status_code == 204, granted.text


@pytest.fixture
async def scoped(realm: Env) -> Env:
    headers = await realm.admin_headers()
    for role in ("role-1", "role-2"):
        assert (await realm.http.post(f"{REALM}/roles", json={"name": role}, headers=headers)).status_code == 201
    await _scope(realm, "scope-role-1", "role-1", default=True)
    await _scope(realm, "scope-role-2", "role-2", default=False)
    return realm


async def _tokens(env: Env, scope: str) -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_user_without_the_scopes_roles_does_not_get_the_scopes(scoped: Env) -> None:
    tokens = await _tokens(scoped, "openid scope-role-2")
    assert tokens["scope"] == "openid email profile"
    access = claims(tokens["access_token"])
    assert access["scope"] == "openid email profile"
    assert "scope_role_1" not in access and "scope_role_2" not in access


async def test_a_user_with_one_of_the_roles_gets_that_scope_only(scoped: Env) -> None:
    await _grant_role(scoped, "role-2")
    tokens = await _tokens(scoped, "openid scope-role-2")
    assert tokens["scope"] == "openid email profile scope-role-2"
    access = claims(tokens["access_token"])
    assert access["scope_role_2"] == "yes" and "scope_role_1" not in access


async def test_the_refreshed_token_keeps_the_permitted_scopes(scoped: Env) -> None:
    await _grant_role(scoped, "role-1")
    tokens = await _tokens(scoped, "openid scope-role-2")
    assert tokens["scope"] == "openid email profile scope-role-1"
    refreshed = await refresh(scoped.http, "test", "app", tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["scope"] == "openid email profile scope-role-1"
    assert claims(refreshed.json()["access_token"])["scope_role_1"] == "yes"
