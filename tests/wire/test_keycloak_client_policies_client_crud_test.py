"""Keycloak's ClientPoliciesClientCRUDTest (tests/base/.../tests/client/policies/ClientPoliciesClientCRUDTest.java
@1fac0fe3), one test per Java method: client policies judging a client the admin API creates or updates, with
the condition reading the client as the request would leave it (keycloak#51380: an update that makes a public
client confidential meets a confidential-only condition; keycloak#51382: a new client without ``fullScopeAllowed``
has it on). The realm is ``addTestRealms``' (tests/client_policies_port.py); each refusal is the executor's
``invalid_client_metadata`` 400 with its detail, and leaves the client as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

import client_policies_port
import group_port
from client_policies_port import (
    ClientPolicyRefused,
    apply_executors,
    condition,
    create_client_by_admin,
    executor,
    get_client_by_admin,
    realm_fixture,
    suffixed,
    update_client_by_admin,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture()
no_policies = client_policies_port.no_policies

ROPC = "Invalid client metadata: resource owner password credentials grant enabled"
FULL_SCOPE = "Not permitted to enable fullScopeAllowed"


async def _refused(detail: str, call: Any) -> None:
    with pytest.raises(ClientPolicyRefused) as refused:
        await call
    assert refused.value.description == detail


async def test_client_protocol_condition_client_crud(env: Env) -> None:
    """ClientPoliciesClientCRUDTest.testClientProtocolConditionClientCRUD"""
    reject_ropc = executor("reject-ropc-grant", {"auto-configure": False})
    await apply_executors(env, reject_ropc, conditions=[condition("client-type", {"protocol": "openid-connect"})])
    name = suffixed("example-client")
    await _refused(ROPC, create_client_by_admin(env, name, directAccessGrantsEnabled=True))
    # without a protocol the client is OpenID Connect's all the same
    await _refused(ROPC, create_client_by_admin(env, name, protocol=None, directAccessGrantsEnabled=True))
    # a SAML client is created; turning it into an OpenID Connect one with the direct grant is refused
    cid = await create_client_by_admin(env, name, protocol="saml")
    await _refused(ROPC, update_client_by_admin(env, cid, protocol="openid-connect", directAccessGrantsEnabled=True))
    assert (await get_client_by_admin(env, cid))["protocol"] == "saml"
    await create_client_by_admin(env, suffixed("example-client-oidc"))


async def test_client_access_type_condition_client_crud(env: Env) -> None:
    """ClientPoliciesClientCRUDTest.testClientAccessTypeConditionClientCRUD"""
    reject_ropc = executor("reject-ropc-grant", {"auto-configure": False})
    await apply_executors(env, reject_ropc, conditions=[condition("client-access-type", {"type": ["confidential"]})])
    confidential = {"publicClient": False, "bearerOnly": False, "directAccessGrantsEnabled": True}
    await _refused(ROPC, create_client_by_admin(env, suffixed("confidential-client"), **confidential))
    public = {"publicClient": True, "bearerOnly": False, "directAccessGrantsEnabled": True}
    cid = await create_client_by_admin(env, suffixed("public-client"), **public)
    assert (await get_client_by_admin(env, cid))["publicClient"] is True
    # made confidential with the direct grant kept: the condition judges the client as the update leaves it
    await _refused(ROPC, update_client_by_admin(env, cid, **confidential))
    assert (await get_client_by_admin(env, cid))["publicClient"] is True
    await update_client_by_admin(env, cid, publicClient=False, bearerOnly=False, directAccessGrantsEnabled=False)
    assert (await get_client_by_admin(env, cid))["publicClient"] is False


async def test_full_scope_disabled_executor_client_crud(env: Env) -> None:
    """ClientPoliciesClientCRUDTest.testFullScopeDisabledExecutorClientCRUD"""
    await apply_executors(env, executor("full-scope-disabled", {"auto-configure": False}))
    # no fullScopeAllowed is fullScopeAllowed true
    await _refused(FULL_SCOPE, create_client_by_admin(env, suffixed("client-null-full-scope"), fullScopeAllowed=None))
    await _refused(FULL_SCOPE, create_client_by_admin(env, suffixed("client-full-scope-true"), fullScopeAllowed=True))
    cid = await create_client_by_admin(env, suffixed("client-full-scope-false"), fullScopeAllowed=False)
    assert (await get_client_by_admin(env, cid))["fullScopeAllowed"] is False
    # an update that says nothing of it keeps the stored false
    await update_client_by_admin(env, cid, fullScopeAllowed=None)
    await _refused(FULL_SCOPE, update_client_by_admin(env, cid, fullScopeAllowed=True))
    assert (await get_client_by_admin(env, cid))["fullScopeAllowed"] is False
