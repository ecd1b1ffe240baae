"""Keycloak's LightWeightAccessTokenTest (testsuite/.../oidc/LightWeightAccessTokenTest.java @5ffdbd9b, the one
that ``extends AbstractClientPoliciesTest``): the methods test_lightweight_access_token.py left out.

* testPolicyLightWeightFalseTest / testPolicyLightWeightTrueTest: the ``use-lightweight-access-token`` executor of
  a client profile, in a policy with the ``any-client`` condition (setUseLightweightAccessTokenExecutor), makes
  the token lightweight as the client attribute does; with the policy gone the next login's token is a full one.
* testAdminApiWithLightweightAccessTokenAndTransientSession: a master-realm service account with the ``admin``
  role and lightweight tokens reads ``/admin/realms/master`` with its client-credentials token, which has a
  ``sub`` and no ``sid``.
* testAdminConsoleClientWithLightweightAccessTokenTransientSessionDynamicScopes: test-app's lightweight
  client-credentials token (``sub`` kept, no ``auth_time``) may not create a realm (403). Its DYNAMIC_SCOPES
  switch changes nothing the method asserts.

Not ported: testAdminConsoleClientWithLightweightAccessToken and testAdminApiWithLightweightAccessAndSubClaim read
the master realm's ``security-admin-console`` token, which Keycloak issues lightweight (no ``sub``, no
``auth_time``) and Doorkeep issues in full (its master clients are another helper's work this session).
"""

from __future__ import annotations

from typing import Any

import pytest

from lightweight_realm import (
    ADMIN,
    APP,
    LIGHTWEIGHT,
    assert_basic_claims,
    assert_init_claims,
    assert_introspect_claims,
    assert_mapper_claims,
    browser_login,
    client_credentials,
    import_realm,
    introspect,
    logout,
    set_client_attribute,
    set_protocol_mappers,
)
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio

PROFILE_NAME, POLICY_NAME = "MyProfile", "MyPolicy"  # AbstractClientPoliciesTest's


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


def assert_access_token(token: dict[str, Any], auth_code: bool, added: bool, missing_basic: bool) -> None:
    """assertAccessToken."""
    assert "nonce" not in token, token
    assert_mapper_claims(token, added, auth_code)
    assert_init_claims(token, auth_code)
    assert_basic_claims(token, auth_code, missing_basic)


def assert_introspection(token: dict[str, Any], auth_code: bool, added: bool, missing_basic: bool) -> None:
    """assertTokenIntrospectionResponse."""
    assert_access_token(token, auth_code, added, missing_basic)
    assert_introspect_claims(token)


async def put(env: Env, path: str, body: dict[str, Any]) -> None:
    response = await env.http.put(ADMIN + path, json=body, headers=await env.admin_headers())
    assert response.status_code == 204, (path, response.status_code, response.text)


async def use_lightweight_access_token_executor(env: Env) -> None:
    """setUseLightweightAccessTokenExecutor: a profile with the executor, a policy for any client using it."""
    executor = {"executor": "use-lightweight-access-token", "configuration": {}}
    profile = {"name": PROFILE_NAME, "description": "Use Lightweight Access Token", "executors": [executor]}
    await put(env, "/client-policies/profiles", {"profiles": [profile]})
    policy = {
        "name": POLICY_NAME,
        "description": "Use Lightweight Access Token Policy",
        "enabled": True,
        "conditions": [{"condition": "any-client", "configuration": {}}],
        "profiles": [PROFILE_NAME],
    }
    await put(env, "/client-policies/policies", {"policies": [policy]})


async def delete_policy(env: Env) -> None:
    """deletePolicy(POLICY_NAME): the realm's policies without it."""
    await put(env, "/client-policies/policies", {"policies": []})


async def test_policy_light_weight_false_test(kc: Env) -> None:
    """testPolicyLightWeightFalseTest: under the policy, no mapper marked for the lightweight token, so the token
    has only the initial claims (no ``sub``); introspection gives the mapped ones back. Without the policy the next
    login's token is a full one."""
    await use_lightweight_access_token_executor(kc)
    await set_protocol_mappers(kc, access=True, introspection=True, lightweight=False)
    _, body = await browser_login(kc, nonce="123456")
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=True, added=False, missing_basic=True)
    assert token["jti"].startswith("onltac:"), token["jti"]
    assert_introspection(await introspect(kc, body["access_token"]), auth_code=True, added=True, missing_basic=False)

    await delete_policy(kc)
    await logout(kc, body["refresh_token"])
    _, body = await browser_login(kc)
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=True, added=True, missing_basic=False)
    assert token["jti"].startswith("onrtac:"), token["jti"]


async def test_policy_light_weight_true_test(kc: Env) -> None:
    """testPolicyLightWeightTrueTest: the mappers marked ``lightweight.claim`` feed the lightweight token though
    ``access.token.claim`` is false; the token's context (``jti``) is ONLINE, LIGHTWEIGHT, authorization_code."""
    await use_lightweight_access_token_executor(kc)
    await set_protocol_mappers(kc, access=False, introspection=True, lightweight=True)
    _, body = await browser_login(kc, nonce="123456")
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=True, added=True, missing_basic=True)
    assert token["jti"].startswith("onltac:"), token["jti"]
    assert_introspection(await introspect(kc, body["access_token"]), auth_code=True, added=True, missing_basic=False)


async def test_admin_api_with_lightweight_access_token_and_transient_session(kc: Env) -> None:
    """testAdminApiWithLightweightAccessTokenAndTransientSession: the service account of master's
    ``transient_client`` holds master's ``admin`` role; its lightweight token (no refresh token, a ``sub``, no
    ``sid``) reads the master realm."""
    headers = await kc.admin_headers()
    rep = {
        "clientId": "transient_client",
        "serviceAccountsEnabled": True,
        "attributes": {LIGHTWEIGHT: "true"},
    }
    created = await kc.http.post("/admin/realms/master/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    uuid = created.headers["location"].rsplit("/", 1)[1]
    secret = (await kc.http.get(f"/admin/realms/master/clients/{uuid}/client-secret", headers=headers)).json()
    account = (await kc.http.get(f"/admin/realms/master/clients/{uuid}/service-account-user", headers=headers)).json()
    admin_role = (await kc.http.get("/admin/realms/master/roles/admin", headers=headers)).json()
    mapped = await kc.http.post(
        f"/admin/realms/master/users/{account['id']}/role-mappings/realm", json=[admin_role], headers=headers
    )
    assert mapped.status_code == 204, mapped.text

    form = {"grant_type": "client_credentials"}
    response = await kc.http.post(
        "/realms/master/protocol/openid-connect/token", data=form, auth=("transient_client", secret["value"])
    )
    assert response.status_code == 200, response.text
    assert "refresh_token" not in response.json(), response.json()
    token = claims(response.json()["access_token"])
    assert token.get("sub") and "sid" not in token, token
    realm = await kc.http.get(
        "/admin/realms/master", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
    )
    assert realm.status_code == 200, realm.text
    assert realm.json()["realm"] == "master"


async def test_admin_console_client_with_lightweight_access_token_transient_session_dynamic_scopes(kc: Env) -> None:
    """testAdminConsoleClientWithLightweightAccessTokenTransientSessionDynamicScopes: test-app's lightweight
    client-credentials token has a ``sub`` and no ``auth_time``, and may not create a realm."""
    await set_client_attribute(kc, LIGHTWEIGHT, "true", APP)
    body = await client_credentials(kc)
    token = claims(body["access_token"])
    assert_basic_claims(token, auth_code=False, missing=False)
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    response = await kc.http.post("/admin/realms", json={"realm": "invalid", "enabled": True}, headers=bearer)
    assert response.status_code == 403, response.text
