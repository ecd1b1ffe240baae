"""Keycloak's ClientPoliciesAdminTest (testsuite/.../client/policies/ClientPoliciesAdminTest.java): client policies
acting on clients the admin REST API creates and updates. Each method but the last sets up
AbstractClientPoliciesTest's setupPolicyClientIdAndSecretNotAcceptableAuthType: secure-client-authenticator
allowing client-jwt, client-secret-jwt and client-x509 (no default) for clients changed ByAuthenticatedUser.
Every Java method is ported."""

from __future__ import annotations

import pytest

import client_policies_port
import group_port
from client_policies_port import (
    POLICY_NAME,
    PROFILE_NAME,
    ClientPolicyRefused,
    condition,
    create_client_by_admin,
    get_client_by_admin,
    policy,
    profile,
    realm_fixture,
    realm_rep,
    secure_client_authenticator,
    suffixed,
    update_client_by_admin,
    update_policies,
    update_profiles,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture(realm_rep)
no_policies = client_policies_port.no_policies

ALLOWED = ["client-jwt", "client-secret-jwt", "client-x509"]
BY_USER = condition("client-updater-context", {"update-client-source": ["ByAuthenticatedUser"]})
INVALID_METADATA = "invalid_client_metadata"


async def setup_policy_client_id_and_secret_not_acceptable_auth_type(env: Env) -> None:
    await update_profiles(env, profile(PROFILE_NAME, "Primum Profile", secure_client_authenticator(ALLOWED, None)))
    await update_policies(env, policy(POLICY_NAME, "Primum Consilium", True, [BY_USER], [PROFILE_NAME]))


async def authenticator_of(env: Env, cid: str) -> str:
    return str((await get_client_by_admin(env, cid))["clientAuthenticatorType"])


async def test_admin_client_register_unacceptable_auth_type(env: Env) -> None:
    """testAdminClientRegisterUnacceptableAuthType."""
    await setup_policy_client_id_and_secret_not_acceptable_auth_type(env)
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, suffixed("app"), clientAuthenticatorType="client-secret")
    assert refused.value.error == INVALID_METADATA
    assert refused.value.description == "Invalid client metadata: token_endpoint_auth_method"


async def test_admin_client_register_acceptable_auth_type(env: Env) -> None:
    """testAdminClientRegisterAcceptableAuthType."""
    await setup_policy_client_id_and_secret_not_acceptable_auth_type(env)
    cid = await create_client_by_admin(env, suffixed("app"), clientAuthenticatorType="client-secret-jwt")
    assert await authenticator_of(env, cid) == "client-secret-jwt"


async def test_admin_client_register_default_auth_type(env: Env) -> None:
    """testAdminClientRegisterDefaultAuthType: no authenticator sent is client-secret, which is refused."""
    await setup_policy_client_id_and_secret_not_acceptable_auth_type(env)
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, suffixed("app"))
    assert refused.value.error == INVALID_METADATA


async def test_admin_client_update_unacceptable_auth_type(env: Env) -> None:
    """testAdminClientUpdateUnacceptableAuthType: the refused update leaves the stored authenticator."""
    await setup_policy_client_id_and_secret_not_acceptable_auth_type(env)
    cid = await create_client_by_admin(env, suffixed("app"), clientAuthenticatorType="client-secret-jwt")
    assert await authenticator_of(env, cid) == "client-secret-jwt"
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, clientAuthenticatorType="client-secret")
    assert refused.value.error == INVALID_METADATA
    assert await authenticator_of(env, cid) == "client-secret-jwt"


async def test_admin_client_update_acceptable_auth_type(env: Env) -> None:
    """testAdminClientUpdateAcceptableAuthType."""
    await setup_policy_client_id_and_secret_not_acceptable_auth_type(env)
    cid = await create_client_by_admin(env, suffixed("app"), clientAuthenticatorType="client-secret-jwt")
    assert await authenticator_of(env, cid) == "client-secret-jwt"
    await update_client_by_admin(env, cid, clientAuthenticatorType="client-jwt")
    assert await authenticator_of(env, cid) == "client-jwt"


async def test_admin_client_update_default_auth_type(env: Env) -> None:
    """testAdminClientUpdateDefaultAuthType: an update that keeps an allowed authenticator goes through."""
    await setup_policy_client_id_and_secret_not_acceptable_auth_type(env)
    cid = await create_client_by_admin(env, suffixed("app"), clientAuthenticatorType="client-secret-jwt")
    await update_client_by_admin(env, cid, serviceAccountsEnabled=False)
    rep = await get_client_by_admin(env, cid)
    assert (rep["clientAuthenticatorType"], rep["serviceAccountsEnabled"]) == ("client-secret-jwt", False)


async def test_admin_client_auto_configured_client_auth_type(env: Env) -> None:
    """testAdminClientAutoConfiguredClientAuthType: the executor's default is set on a client created
    without an authenticator; a later update to another allowed one is kept, whatever the new default."""
    await update_profiles(
        env, profile(PROFILE_NAME, "Pershyy Profil", secure_client_authenticator(ALLOWED, "client-x509"))
    )
    await update_policies(env, policy(POLICY_NAME, "Persha Polityka", True, [BY_USER], [PROFILE_NAME]))
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, suffixed("app"), clientAuthenticatorType="client-secret")
    assert refused.value.error == INVALID_METADATA
    cid = await create_client_by_admin(env, suffixed("app"))
    assert await authenticator_of(env, cid) == "client-x509"
    await update_profiles(
        env, profile(PROFILE_NAME, "Pershyy Profil", secure_client_authenticator(ALLOWED, "client-jwt"))
    )
    await update_client_by_admin(env, cid, clientAuthenticatorType="client-secret-jwt")
    assert await authenticator_of(env, cid) == "client-secret-jwt"
