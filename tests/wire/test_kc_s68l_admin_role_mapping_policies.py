"""Keycloak 26.8's client policies on the admin API's user role mappings: AdminRoleMappingClientPolicyTest
(tests/base/.../tests/client/policies/), one test per Java method (the parameterized ones once per condition).
Adding or removing a user's realm or client role mappings (a DELETE without a body too) is REGISTER_ROLE_MAPPING or
UNREGISTER_ROLE_MAPPING; the client conditions judge the role's client and abstain for a realm role, negated or not.
A refusal is 400 ``{"error", "error_description"}`` and leaves the mappings as they were.

Not ported: realmRoleMappingsTriggerCorrectEvents and clientRoleMappingsTriggerCorrectEvents read the events through
the test-only TrackEventsClientPolicyExecutor; the refusals below show each path runs its event."""

from __future__ import annotations

from typing import Any

import pytest

import client_policies_port
import group_port
from client_policies_port import (
    BY_ADMIN,
    REJECTED,
    apply_executors,
    condition,
    created_id,
    executor,
    new_client,
    new_client_role,
    new_realm_role,
    realm_fixture,
    role_names,
    suffixed,
)
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture()
no_policies = client_policies_port.no_policies


async def _user(env: Env, name: str) -> str:
    return await created_id(env, "/users", {"username": suffixed(name), "enabled": True})


async def _map(env: Env, path: str, roles: list[dict[str, Any]], method: str = "POST") -> int:
    return (await call(env, method, path, roles)).status_code


async def _refused(env: Env, method: str, path: str, body: Any = None) -> None:
    response = await call(env, method, path, body)
    assert response.status_code == 400, response.text
    assert response.json() == REJECTED


async def _add_and_remove_refused(env: Env, path: str, to_add: dict[str, Any], to_remove: dict[str, Any]) -> None:
    """``to_remove`` mapped at ``path``, then every change refused by an administrator: ``to_add`` not added,
    ``to_remove`` not removed."""
    assert await _map(env, path, [to_remove]) == 204
    await apply_executors(env, executor("reject-request"), conditions=[BY_ADMIN])

    await _refused(env, "POST", path, [to_add])
    assert to_add["name"] not in await role_names(env, path)
    await _refused(env, "DELETE", path, [to_remove])
    assert to_remove["name"] in await role_names(env, path)


async def test_reject_realm_role_mapping_add_and_remove(env: Env) -> None:
    """AdminRoleMappingClientPolicyTest.rejectRealmRoleMappingAddAndRemove"""
    path = f"/users/{await _user(env, 'realm-role-user')}/role-mappings/realm"
    to_add, to_remove = await new_realm_role(env, "realm-role-add"), await new_realm_role(env, "realm-role-remove")
    await _add_and_remove_refused(env, path, to_add, to_remove)


async def test_reject_client_role_mapping_add_and_remove(env: Env) -> None:
    """AdminRoleMappingClientPolicyTest.rejectClientRoleMappingAddAndRemove"""
    cid = await new_client(env, "role-mapping-client")
    path = f"/users/{await _user(env, 'client-role-user')}/role-mappings/clients/{cid}"
    to_add, to_remove = (
        await new_client_role(env, cid, "client-role-add"),
        await new_client_role(env, cid, "client-role-rm"),
    )
    await _add_and_remove_refused(env, path, to_add, to_remove)


async def test_reject_bodyless_realm_and_client_role_mapping_delete(env: Env) -> None:
    """AdminRoleMappingClientPolicyTest.rejectBodylessRealmAndClientRoleMappingDelete"""
    uid, cid = await _user(env, "bodyless-role-user"), await new_client(env, "bodyless-role-client")
    realm_path, client_path = f"/users/{uid}/role-mappings/realm", f"/users/{uid}/role-mappings/clients/{cid}"
    realm_role, client_role = (
        await new_realm_role(env, "bodyless-realm"),
        await new_client_role(env, cid, "bodyless-client"),
    )
    assert await _map(env, realm_path, [realm_role]) == 204
    assert await _map(env, client_path, [client_role]) == 204
    await apply_executors(env, executor("reject-request"), conditions=[BY_ADMIN])

    await _refused(env, "DELETE", realm_path)
    assert realm_role["name"] in await role_names(env, realm_path)
    await _refused(env, "DELETE", client_path)
    assert client_role["name"] in await role_names(env, client_path)

    await client_policies_port.clear_policies(env)  # the bodyless delete itself, once nothing refuses it
    assert (await call(env, "DELETE", realm_path)).status_code == 204
    assert realm_role["name"] not in await role_names(env, realm_path)


async def test_apply_target_client_protocol_condition_with_realm_role_semantics(env: Env) -> None:
    """AdminRoleMappingClientPolicyTest.applyTargetClientProtocolConditionWithRealmRoleSemantics"""
    uid = await _user(env, "target-role-user")
    oidc, saml = await new_client(env, "target-role-oidc-client"), await new_client(env, "target-role-saml", "saml")
    oidc_role, saml_role = (
        await new_client_role(env, oidc, "target-oidc-role"),
        await new_client_role(env, saml, "saml-r"),
    )
    realm_role = await new_realm_role(env, "target-realm-role")
    only_oidc = [condition("client-type", {"protocol": "openid-connect"})]
    await apply_executors(env, executor("reject-request"), conditions=only_oidc)

    oidc_path = f"/users/{uid}/role-mappings/clients/{oidc}"
    await _refused(env, "POST", oidc_path, [oidc_role])
    assert oidc_role["name"] not in await role_names(env, oidc_path)
    saml_path = f"/users/{uid}/role-mappings/clients/{saml}"
    assert await _map(env, saml_path, [saml_role]) == 204
    assert saml_role["name"] in await role_names(env, saml_path)
    realm_path = f"/users/{uid}/role-mappings/realm"
    assert await _map(env, realm_path, [realm_role]) == 204
    assert realm_role["name"] in await role_names(env, realm_path)


def _client_conditions() -> list[tuple[str, dict[str, Any]]]:
    """clientConditions(): the conditions that judge a client."""
    return [
        ("client-access-type", {"type": ["public"]}),
        ("client-attributes", {"attributes": '[{"key":"policy-test","value":"value"}]'}),
        ("client-type", {"protocol": "openid-connect"}),
        ("client-roles", {"roles": ["policy-test"]}),
    ]


CLIENT_CONDITIONS = pytest.mark.parametrize(("provider", "config"), _client_conditions())


@CLIENT_CONDITIONS
async def test_realm_role_mapping_ignores_negative_client_condition(
    env: Env, provider: str, config: dict[str, Any]
) -> None:
    """AdminRoleMappingClientPolicyTest.realmRoleMappingIgnoresNegativeClientCondition"""
    path = f"/users/{await _user(env, 'negative-condition-user')}/role-mappings/realm"
    role = await new_realm_role(env, "negative-condition-role")
    negated = [condition(provider, {**config, "is-negative-logic": True})]
    await apply_executors(env, executor("reject-request"), conditions=negated)
    assert await _map(env, path, [role]) == 204
    assert role["name"] in await role_names(env, path)


@CLIENT_CONDITIONS
async def test_realm_role_removal_ignores_negative_client_condition(
    env: Env, provider: str, config: dict[str, Any]
) -> None:
    """AdminRoleMappingClientPolicyTest.realmRoleRemovalIgnoresNegativeClientCondition"""
    path = f"/users/{await _user(env, 'negative-condition-user')}/role-mappings/realm"
    role = await new_realm_role(env, "negative-condition-role")
    assert await _map(env, path, [role]) == 204
    negated = [condition(provider, {**config, "is-negative-logic": True})]
    await apply_executors(env, executor("reject-request"), conditions=negated)
    assert await _map(env, path, [role], "DELETE") == 204
    assert role["name"] not in await role_names(env, path)


@CLIENT_CONDITIONS
async def test_realm_role_mapping_evaluates_remaining_conditions(
    env: Env, provider: str, config: dict[str, Any]
) -> None:
    """AdminRoleMappingClientPolicyTest.realmRoleMappingEvaluatesRemainingConditions: the client condition
    abstains, the updater one decides."""
    path = f"/users/{await _user(env, 'multiple-condition-user')}/role-mappings/realm"
    role = await new_realm_role(env, "multiple-condition-role")
    await apply_executors(env, executor("reject-request"), conditions=[condition(provider, config), BY_ADMIN])
    await _refused(env, "POST", path, [role])
    assert role["name"] not in await role_names(env, path)
