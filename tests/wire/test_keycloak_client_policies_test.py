"""Keycloak's ClientPoliciesTest (testsuite/.../client/policies/ClientPoliciesTest.java), the methods that use the
conditions and executors Doorkeep runs (any-client, client-access-type, client-roles, client-scopes,
client-updater-context; pkce-enforcer, secure-session, confidential-client, consent-required, full-scope-disabled,
reject-implicit-grant, reject-ropc-grant, secure-client-authenticator), each named after the Java method.

AbstractClientPoliciesTest's helpers: ``createClientByAdmin`` (a confidential client with service accounts and
the test redirect URI; a 400 is its ClientPolicyException with the body's ``error``), ``updateClientByAdmin``
(the client's representation read, changed and sent back), ``successfulLoginAndLogout`` (a browser login and
the code exchanged) and ``failLoginByNotFollowingPKCE`` (the authorization request sent back with
``Missing parameter: code_challenge_method``). One realm for the module; each test leaves no profile or policy.

Not ported:
  testHolderOfKeyEnforceExecutor: ported with the FAPI executors, tests/wire/test_keycloak_fapi_executors_test.py
  (this module's app has no certificate lookup);
  testSuppressRefreshTokenRotationWithHolderOfKeyToken: its profile holds suppress-refresh-token-rotation, an
  executor Doorkeep does not run (and the Java method runs only with TLS and a client certificate);
  testIntentionalExceptionOnCondition, testClientGrantTypeCondition: Keycloak's test-only providers
  (test-raise-exception); grant-type has Doorkeep's own tests in test_keycloak_client_policies_condition_test.py;
  testRejectResourceOwnerCredentialsGrantExecutorWithClientProtocolCondition and
  ...WithClientAttributesCondition: not in the copies of ClientPoliciesTest this port was checked against, and
  in Keycloak 26 neither ClientProtocolCondition nor ClientAttributesCondition votes on the password grant;
  both conditions are tested in tests/wire/test_keycloak_client_policies_condition_test.py;
  testRejectRequestExecutor: not here but in tests/wire/test_keycloak_client_policies_endpoints_test.py;
  testIntentClientBindCheck: the intent-client-bind-checker executor;
  testPKCEEnforcerDoesNotApplyToResponseTypeNone: newer than Keycloak 26, whose PKCE checks (the client's
  pkce.code.challenge.method, AuthorizationEndpointChecker.checkPKCEParams) refuse response_type=none too.
The secret-rotation methods (whenCreateDynamicClientSecretExpirationDateMustExist,
whenUpdateDynamicClientRotationMustFollowConfiguration,
whenUpdateDynamicClientDuringRemainingExpirationPeriodMustRotateSecret) are at the end, with
AbstractClientPoliciesTest's ``configureCustomProfileAndPolicy`` (the executor for confidential clients).
testUpdatePolicyWithoutNameNotAllowed is tests/wire/test_client_policies_admin.py's
test_policy_validation_messages ("client policy without name not allowed").
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
import pytest

import client_policies_port
import group_port
from browser_flow import REDIRECT, code_from, exchange, start, submit
from client_policies_port import (
    POLICY_NAME,
    PROFILE_NAME,
    SAMPLE_CLIENT_ROLE,
    USER,
    ClientPolicyRefused,
    add_client_role,
    create_client_by_admin,
    get_client_by_admin,
    realm_fixture,
    realm_with_test_user,
    suffixed,
)
from keycloak_port import get, put
from oidc_registration_port import bearer
from role_port import call
from support import add_audience, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
CLIENT_NAME = "Zahlungs-App"
MISSING_NONCE = "Missing parameter: nonce"  # ERR_MSG_MISSING_NONCE
env = realm_fixture(realm_with_test_user)
no_policies = client_policies_port.no_policies


def executor(provider: str, **config: Any) -> dict[str, Any]:
    return {"executor": provider, "configuration": config}


def condition(provider: str, **config: Any) -> dict[str, Any]:
    return {"condition": provider, "configuration": config}


async def update_profiles(env: Env, *profiles: tuple[str, list[dict[str, Any]]]) -> None:
    reps = [{"name": name, "description": name, "executors": executors} for name, executors in profiles]
    await put(env, "/client-policies/profiles", {"profiles": reps})


async def update_policies(env: Env, *policies: tuple[str, list[dict[str, Any]], list[str]]) -> None:
    reps = [
        {"name": name, "description": name, "enabled": True, "conditions": conditions, "profiles": profiles}
        for name, conditions, profiles in policies
    ]
    await put(env, "/client-policies/policies", {"policies": reps})


async def update_client_by_admin(env: Env, cid: str, **fields: Any) -> None:
    rep = await get_client_by_admin(env, cid)
    attributes = fields.pop("attributes", None)
    rep.update(fields)
    if attributes is not None:
        rep["attributes"] = {**rep.get("attributes", {}), **attributes}
    response = await call(env, "PUT", f"/clients/{cid}", rep)
    if response.status_code == 400:
        raise ClientPolicyRefused(response.json())
    assert response.status_code == 204, response.text


async def open_login_form(env: Env, client_id: str, **params: str) -> httpx.Response:
    env.http.cookies.clear()
    return await start(env.http, "test", client_id, **params)


async def successful_login_and_logout(env: Env, client_id: str, secret: str) -> None:
    page = await open_login_form(env, client_id)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"))
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, secret)
    assert tokens.status_code == 200, tokens.text


def sent_back(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, (response.status_code, response.text[:300])
    return code_from(response)


async def fail_login_by_not_following_pkce(
    env: Env, client_id: str, *, by_policy: bool = True, description: str = "Missing parameter: code_challenge_method"
) -> None:
    """failLoginByNotFollowingPKCE (``by_policy``: the executor refused, ``expectClientPolicyError``) or
    failLoginByNotFollowingPKCEWithoutClientPolicyValidation (the client's own PKCE setting refused); with another
    ``description``, failLoginWithoutSecureSessionParameter (the secure-session executor's refusal)."""
    back = sent_back(await open_login_form(env, client_id))
    assert back["error"] == "invalid_request"
    assert back["error_description"] == description
    (event, *_) = await get(env, "/events", type="LOGIN_ERROR", client=client_id)
    assert event["error"] == "invalid_request" and "userId" not in event, event
    if by_policy:  # expectClientPolicyError
        policy_error = {
            "reason": "client_policy_error",
            "client_policy_error": "invalid_request",
            "client_policy_error_detail": description,
        }
        assert policy_error.items() <= event["details"].items(), event
    else:
        assert event["details"]["reason"] == description, event


async def create_client_dynamically(env: Env, name: str, **metadata: Any) -> dict[str, Any]:
    """``createClientDynamically`` with the initial access token of the Java ``@Before``
    (setInitialAccessTokenForDynamicClientRegistration): the registered OIDCClientRepresentation."""
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    registered = await env.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"client_name": name, "redirect_uris": [REDIRECT], **metadata},
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )
    assert registered.status_code == 201, registered.text
    return dict(registered.json())


async def setup_policy_authz_code_flow_under_multi_phase_policy(env: Env) -> None:
    """setupPolicyAuthzCodeFlowUnderMultiPhasePolicy."""
    authenticators = {
        "allowed-client-authenticators": ["client-secret", "client-jwt"],
        "default-client-authenticator": "client-secret",
    }
    pkce = executor("pkce-enforcer", **{"auto-configure": True})
    await update_profiles(env, (PROFILE_NAME, [executor("secure-client-authenticator", **authenticators), pkce]))
    conditions = [
        condition("client-roles", roles=[SAMPLE_CLIENT_ROLE]),
        condition("client-updater-context", **{"update-client-source": ["ByInitialAccessToken"]}),
    ]
    await update_policies(env, (POLICY_NAME, conditions, [PROFILE_NAME]))


async def test_two_profiles_with_different_configuration_of_same_executor_type(env: Env) -> None:
    """testTwoProfilesWithDifferentConfigurationOfSameExecutorType (KEYCLOAK-18108), with
    setupPolicyClientIdAndSecretNotAcceptableAuthType's profile and policy."""
    not_secret = {"allowed-client-authenticators": ["client-jwt", "client-secret-jwt", "client-x509"]}
    unused = {"allowed-client-authenticators": ["client-jwt", "client-x509"]}
    await update_profiles(
        env,
        (PROFILE_NAME, [executor("secure-client-authenticator", **not_secret)]),
        ("UnusedProfile", [executor("secure-client-authenticator", **unused)]),
    )
    by_admin = condition("client-updater-context", **{"update-client-source": ["ByAuthenticatedUser"]})
    await update_policies(env, (POLICY_NAME, [by_admin], [PROFILE_NAME]))
    cid = await create_client_by_admin(env, suffixed("Zahlungs-App"), clientAuthenticatorType="client-secret-jwt")
    assert (await get_client_by_admin(env, cid))["clientAuthenticatorType"] == "client-secret-jwt"


async def test_create_delete_policy_runtime(env: Env) -> None:
    """testCreateDeletePolicyRuntime."""
    registered = await create_client_dynamically(env, suffixed("Zahlungs-App"))
    client_id, secret = registered["client_id"], registered["client_secret"]
    assert registered["token_endpoint_auth_method"] == "client_secret_basic"
    (rep,) = await get(env, "/clients", clientId=client_id)
    await add_client_role(env, rep["id"], SAMPLE_CLIENT_ROLE)
    await successful_login_and_logout(env, client_id, secret)
    await setup_policy_authz_code_flow_under_multi_phase_policy(env)
    await fail_login_by_not_following_pkce(env, client_id)
    await put(env, "/client-policies/policies", {"policies": []})  # deletePolicy
    await successful_login_and_logout(env, client_id, secret)


async def test_authz_code_flow_under_multi_phase_policy(env: Env) -> None:
    """testAuthzCodeFlowUnderMultiPhasePolicy: registered under the policy (its PKCE auto-configured), the
    client logs in with PKCE, refreshes and introspects."""
    await setup_policy_authz_code_flow_under_multi_phase_policy(env)
    name = suffixed("Zahlungs-App")
    registered = await create_client_dynamically(env, name)
    client_id, secret = registered["client_id"], registered["client_secret"]
    assert registered["client_name"] == name
    assert registered["token_endpoint_auth_method"] == "client_secret_basic"
    (rep,) = await get(env, "/clients", clientId=client_id)
    assert rep["attributes"]["pkce.code.challenge.method"] == "S256"
    await add_client_role(env, rep["id"], SAMPLE_CLIENT_ROLE)
    await add_audience(env.db, "test", client_id)  # it introspects its own token (Keycloak 26.6.2's audience check)
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" * 2
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    page = await open_login_form(
        env, client_id, nonce="bjapewiziIE083d", code_challenge=challenge, code_challenge_method="S256"
    )
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, secret, code_verifier=verifier)
    assert tokens.status_code == 200, tokens.text
    refreshed = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]},
        auth=(client_id, secret),
    )
    assert refreshed.status_code == 200, refreshed.text
    introspected = await env.http.post(
        "/realms/test/protocol/openid-connect/token/introspect",
        data={"token": refreshed.json()["access_token"]},
        auth=(client_id, secret),
    )
    assert introspected.status_code == 200 and introspected.json()["active"] is True, introspected.text


async def test_create_update_delete_condition_runtime(env: Env) -> None:
    """testCreateUpdateDeleteConditionRuntime."""
    await update_profiles(env, (PROFILE_NAME, [executor("pkce-enforcer", **{"auto-configure": True})]))
    client_id, secret = suffixed("Zahlungs-App"), "secret"
    cid = await create_client_by_admin(env, client_id, secret=secret)
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    await successful_login_and_logout(env, client_id, secret)
    roles = condition("client-roles", roles=[SAMPLE_CLIENT_ROLE])
    await update_policies(env, (POLICY_NAME, [roles], [PROFILE_NAME]))
    await fail_login_by_not_following_pkce(env, client_id)
    other = condition("client-roles", roles=["anothor-client-role"])
    await update_policies(env, (POLICY_NAME, [other], [PROFILE_NAME]))
    await successful_login_and_logout(env, client_id, secret)
    await update_policies(env, (POLICY_NAME, [], [PROFILE_NAME]))  # no condition: never applied
    await successful_login_and_logout(env, client_id, secret)


async def test_create_update_delete_executor_runtime(env: Env) -> None:
    """testCreateUpdateDeleteExecutorRuntime."""
    await update_profiles(env, (PROFILE_NAME, [executor("pkce-enforcer", **{"auto-configure": False})]))
    conditions = [
        condition("client-roles", roles=[SAMPLE_CLIENT_ROLE]),
        condition("client-updater-context", **{"update-client-source": ["ByAuthenticatedUser"]}),
    ]
    await update_policies(env, (POLICY_NAME, conditions, []))
    client_id, secret = suffixed("Zahlungs-App"), "secret"
    cid = await create_client_by_admin(env, client_id, secret=secret)
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    await successful_login_and_logout(env, client_id, secret)
    await update_policies(env, (POLICY_NAME, conditions, [PROFILE_NAME]))
    await fail_login_by_not_following_pkce(env, client_id)
    await update_profiles(env, (PROFILE_NAME, [executor("pkce-enforcer", **{"auto-configure": True})]))
    await update_client_by_admin(env, cid, serviceAccountsEnabled=False)
    rep = await get_client_by_admin(env, cid)
    assert rep["serviceAccountsEnabled"] is False
    assert rep["attributes"]["pkce.code.challenge.method"] == "S256"
    await update_profiles(env, (PROFILE_NAME, []))
    await update_client_by_admin(env, cid, attributes={"pkce.code.challenge.method": ""})
    assert not (await get_client_by_admin(env, cid))["attributes"].get("pkce.code.challenge.method")
    await successful_login_and_logout(env, client_id, secret)


async def test_multiple_policies(env: Env) -> None:
    """testMultiplePolicies."""
    alpha, beta, zeta, common = (f"sample-client-role-{x}" for x in ("alpha", "beta", "zeta", "common"))
    only_secret = {"allowed-client-authenticators": ["client-secret"], "default-client-authenticator": "client-secret"}
    await update_profiles(
        env,
        ("MyProfile-alpha", [executor("secure-client-authenticator", **only_secret)]),
        ("MyProfile-beta", [executor("pkce-enforcer", **{"auto-configure": True})]),
    )
    await update_policies(
        env,
        (
            "MyPolicy-alpha",
            [
                condition("client-roles", roles=[alpha, zeta]),
                condition("client-updater-context", **{"update-client-source": ["ByAuthenticatedUser"]}),
            ],
            ["MyProfile-alpha"],
        ),
        ("MyPolicy-beta", [condition("client-roles", roles=[beta, zeta])], ["MyProfile-beta"]),
    )
    alpha_id, alpha_secret = suffixed("Alpha-App"), "secretAlpha"
    with pytest.raises(ClientPolicyRefused) as refused:  # a client authenticator the policy does not allow
        await create_client_by_admin(
            env, suffixed("Zahlungs-App"), secret=alpha_secret, clientAuthenticatorType="client-secret-jwt"
        )
    assert refused.value.error == "invalid_client_metadata"
    assert refused.value.description == "Invalid client metadata: token_endpoint_auth_method"
    c_alpha = await create_client_by_admin(env, alpha_id, secret=alpha_secret, clientAuthenticatorType="client-secret")
    await add_client_role(env, c_alpha, alpha)
    await add_client_role(env, c_alpha, common)
    beta_id = suffixed("Beta-App")
    c_beta = await create_client_by_admin(env, beta_id, secret="secretBeta")
    await add_client_role(env, c_beta, beta)
    await add_client_role(env, c_beta, common)
    assert (await get_client_by_admin(env, c_alpha))["clientAuthenticatorType"] == "client-secret"
    await successful_login_and_logout(env, alpha_id, alpha_secret)
    await fail_login_by_not_following_pkce(env, beta_id)


async def test_confidential_client_accept_executor_executor(env: Env) -> None:
    """testConfidentialClientAcceptExecutorExecutor. The description is ConfidentialClientAcceptExecutor's
    ("invalid client access type"); the newest Java test expects ": public" after it, which Keycloak 26's
    executor does not append."""
    await update_profiles(env, (PROFILE_NAME, [executor("confidential-client")]))
    await update_policies(env, (POLICY_NAME, [condition("client-roles", roles=[SAMPLE_CLIENT_ROLE])], [PROFILE_NAME]))
    confidential_id, secret = suffixed("confidential-app"), "app-secret"
    flows = {"standardFlowEnabled": True, "implicitFlowEnabled": True, "bearerOnly": False}
    cid = await create_client_by_admin(env, confidential_id, secret=secret, publicClient=False, **flows)
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    await successful_login_and_logout(env, confidential_id, secret)
    public_id = suffixed("public-app")
    public = await create_client_by_admin(env, public_id, secret=secret, publicClient=True, **flows)
    await add_client_role(env, public, SAMPLE_CLIENT_ROLE)
    back = sent_back(await open_login_form(env, public_id))
    assert back["error"] == "invalid_client"
    assert back["error_description"] == "invalid client access type"


async def test_consent_required_executor_executor(env: Env) -> None:
    """testConsentRequiredExecutorExecutor."""
    await update_profiles(env, (PROFILE_NAME, [executor("consent-required", **{"auto-configure": True})]))
    await update_policies(env, (POLICY_NAME, [condition("any-client")], [PROFILE_NAME]))
    client_id = suffixed("aaa-app")
    cid = await create_client_by_admin(env, client_id, implicitFlowEnabled=False, consentRequired=False)
    assert (await get_client_by_admin(env, cid))["consentRequired"] is True  # auto-configured
    await update_client_by_admin(env, cid, consentRequired=False)
    assert (await get_client_by_admin(env, cid))["consentRequired"] is True
    await update_profiles(env, (PROFILE_NAME, [executor("consent-required", **{"auto-configure": False})]))
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, client_id, consentRequired=False)
    assert refused.value.error == "invalid_registration"
    assert refused.value.description == "Client is required to enable consentRequired"
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, consentRequired=False)
    assert refused.value.error == "invalid_registration"
    assert (await get_client_by_admin(env, cid))["consentRequired"] is True
    await update_client_by_admin(env, cid, implicitFlowEnabled=True)
    rep = await get_client_by_admin(env, cid)
    assert rep["implicitFlowEnabled"] is True
    assert rep["consentRequired"] is True


async def test_consent_required_executor_with_client_roles_condition(env: Env) -> None:
    """testConsentRequiredExecutorWithClientRolesCondition."""
    await update_profiles(env, (PROFILE_NAME, [executor("consent-required", **{"auto-configure": True})]))
    await update_policies(env, (POLICY_NAME, [condition("client-roles", roles=[SAMPLE_CLIENT_ROLE])], [PROFILE_NAME]))
    cid = await create_client_by_admin(env, suffixed("consent-app"), implicitFlowEnabled=False, consentRequired=False)
    assert (await get_client_by_admin(env, cid))["consentRequired"] is False  # no role when it is created
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    await update_client_by_admin(env, cid, consentRequired=False)
    assert (await get_client_by_admin(env, cid))["consentRequired"] is True


async def test_full_scope_disabled_executor(env: Env) -> None:
    """testFullScopeDisabledExecutor."""
    await update_profiles(env, (PROFILE_NAME, [executor("full-scope-disabled", **{"auto-configure": True})]))
    await update_policies(env, (POLICY_NAME, [condition("any-client")], [PROFILE_NAME]))
    client_id = suffixed("aaa-app")
    cid = await create_client_by_admin(env, client_id, implicitFlowEnabled=False, fullScopeAllowed=True)
    assert (await get_client_by_admin(env, cid))["fullScopeAllowed"] is False
    await update_client_by_admin(env, cid, fullScopeAllowed=True)
    assert (await get_client_by_admin(env, cid))["fullScopeAllowed"] is False
    await update_profiles(env, (PROFILE_NAME, [executor("full-scope-disabled", **{"auto-configure": False})]))
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, client_id, fullScopeAllowed=True)
    assert refused.value.error == "invalid_registration"
    assert refused.value.description == "Not permitted to enable fullScopeAllowed"
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, fullScopeAllowed=True)
    assert refused.value.error == "invalid_registration"
    assert (await get_client_by_admin(env, cid))["fullScopeAllowed"] is False
    await update_client_by_admin(env, cid, implicitFlowEnabled=True)
    rep = await get_client_by_admin(env, cid)
    assert rep["implicitFlowEnabled"] is True
    assert rep["fullScopeAllowed"] is False


async def create_client_for_ropc(env: Env, client_id: str, secret: str) -> str:
    """createClientForResourceOwnerPasswordCredential."""
    return await create_client_by_admin(
        env,
        client_id,
        secret=secret,
        standardFlowEnabled=True,
        directAccessGrantsEnabled=True,
        publicClient=False,
        attributes={"use.refresh.tokens": "true"},
    )


async def register_ropc_reject_profile(env: Env) -> None:
    """registerClientProfileWithResourceOwnerRejectExecutor."""
    await update_profiles(env, (PROFILE_NAME, [executor("reject-ropc-grant", **{"auto-configure": True})]))


async def assert_ropc_prohibited(env: Env, client_id: str, secret: str, scope: str | None = None) -> None:
    response = await password_grant(env.http, "test", client_id, USER, "password", secret=secret, scope=scope)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "resource owner password credentials grant is prohibited.",
    }


async def test_reject_resource_owner_credentials_grant_executor_with_any_client_condition(env: Env) -> None:
    """testRejectResourceOwnerCredentialsGrantExecutorWithAnyClientCondition."""
    client_id, secret = suffixed("Zahlungs-App"), "secret"
    await create_client_for_ropc(env, client_id, secret)
    await register_ropc_reject_profile(env)
    await update_policies(env, (POLICY_NAME, [condition("any-client")], [PROFILE_NAME]))
    await assert_ropc_prohibited(env, client_id, secret)


async def test_reject_resource_owner_credentials_grant_executor_with_client_scope_condition(env: Env) -> None:
    """testRejectResourceOwnerCredentialsGrantExecutorWithClientScopeCondition."""
    client_id, secret = suffixed("Zahlungs-App"), "secret"
    await create_client_for_ropc(env, client_id, secret)
    await register_ropc_reject_profile(env)
    phone = condition("client-scopes", type="Any", scopes=["phone"])
    await update_policies(env, (POLICY_NAME, [phone], [PROFILE_NAME]))
    response = await password_grant(env.http, "test", client_id, USER, "password", secret=secret)
    assert response.status_code == 200, response.text
    assert response.json()["access_token"]
    await assert_ropc_prohibited(env, client_id, secret, scope="phone")  # the optional scope asked for


async def test_reject_resource_owner_credentials_grant_executor_with_client_roles_condition(env: Env) -> None:
    """testRejectResourceOwnerCredentialsGrantExecutorWithClientRolesCondition."""
    client_id, secret = suffixed("Zahlungs-App"), "secret"
    cid = await create_client_for_ropc(env, client_id, secret)
    await register_ropc_reject_profile(env)
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    await update_policies(env, (POLICY_NAME, [condition("client-roles", roles=[SAMPLE_CLIENT_ROLE])], [PROFILE_NAME]))
    await assert_ropc_prohibited(env, client_id, secret)


async def push(env: Env, client_id: str, secret: str, **params: str) -> httpx.Response:
    """``oauth.pushedAuthorizationRequest().send()``."""
    form = {"client_id": client_id, "client_secret": secret, "redirect_uri": REDIRECT, **params}
    return await env.http.post("/realms/test/protocol/openid-connect/ext/par/request", data=form)


async def test_reject_implicit_grant_executor(env: Env) -> None:
    """testRejectImplicitGrantExecutor."""
    client_id, secret = suffixed("Zahlungs-App"), "secret"
    await create_client_by_admin(
        env, client_id, secret=secret, standardFlowEnabled=True, implicitFlowEnabled=True, publicClient=False
    )
    await update_profiles(env, (PROFILE_NAME, [executor("reject-implicit-grant", **{"auto-configure": True})]))
    await update_policies(env, (POLICY_NAME, [condition("any-client")], [PROFILE_NAME]))
    cases = [
        ("token", None, "profile"),
        ("token id_token", "exsefweag", "openid"),
        ("token code", "exsefweag", "openid"),
        ("token code id_token", "exsefweag", "openid"),
    ]
    for response_type, nonce, scope in cases:
        params = {"response_type": response_type, "scope": scope, **({"nonce": nonce} if nonce else {})}
        back = sent_back(await open_login_form(env, client_id, **params))
        assert back["error"] == "invalid_request", (response_type, back)
        assert back["error_description"] == "Implicit/Hybrid flow is prohibited."
    pushed = [
        ("token", "evawieak39j", "profile"),
        ("token id_token", "ob937kcoiei3", "openid"),
        ("token code", "xiensoi3", "openid"),
        ("token code id_token", "bor9v8uoan", "openid"),
    ]
    for response_type, nonce, scope in pushed:
        answer = await push(env, client_id, secret, response_type=response_type, nonce=nonce, scope=scope)
        assert answer.status_code == 400, (response_type, answer.text)
        assert answer.json() == {"error": "invalid_request", "error_description": "Implicit/Hybrid flow is prohibited."}
    allowed = await push(env, client_id, secret, response_type="code", nonce="ddab9e88", scope="openid")
    assert allowed.status_code == 201, allowed.text


async def test_auto_configured_pkce_is_stored_on_register(env: Env) -> None:
    """Not a Java method: the PKCE enforcer's auto-configure on REGISTER (PKCEEnforcerExecutor.autoConfigure),
    and its validation without it ("Invalid client metadata: code_challenge_method")."""
    await update_profiles(env, (PROFILE_NAME, [executor("pkce-enforcer", **{"auto-configure": True})]))
    await update_policies(env, (POLICY_NAME, [condition("client-access-type", type=["public"])], [PROFILE_NAME]))
    cid = await create_client_by_admin(env, suffixed("spa"), publicClient=True)
    assert (await get_client_by_admin(env, cid))["attributes"]["pkce.code.challenge.method"] == "S256"
    confidential = await create_client_by_admin(env, suffixed("app"))  # the condition says no
    assert not (await get_client_by_admin(env, confidential))["attributes"].get("pkce.code.challenge.method")
    await update_profiles(env, (PROFILE_NAME, [executor("pkce-enforcer", **{"auto-configure": False})]))
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, suffixed("spa"), publicClient=True)
    assert (refused.value.error, refused.value.description) == (
        "invalid_client_metadata",
        "Invalid client metadata: code_challenge_method",
    )


async def test_updater_context_tells_dynamic_registration_from_the_admin_api(env: Env) -> None:
    """Not a Java method (AbstractClientPoliciesTest's setupPolicyAuthzCodeFlowUnderMultiPhasePolicy uses it):
    client-updater-context ``ByInitialAccessToken`` picks a dynamic registration made with an initial access
    token, whose representation the PKCE enforcer auto-configures; a client the admin API makes
    (``ByAuthenticatedUser``) is left alone."""
    await update_profiles(env, (PROFILE_NAME, [executor("pkce-enforcer", **{"auto-configure": True})]))
    by_iat = condition("client-updater-context", **{"update-client-source": ["ByInitialAccessToken"]})
    await update_policies(env, (POLICY_NAME, [by_iat], [PROFILE_NAME]))
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    registered = await env.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"client_name": suffixed("Dynamic"), "redirect_uris": [REDIRECT]},
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )
    assert registered.status_code == 201, registered.text
    client_id = registered.json()["client_id"]
    (rep,) = await get(env, "/clients", clientId=client_id)
    assert rep["attributes"]["pkce.code.challenge.method"] == "S256"
    await fail_login_by_not_following_pkce(env, client_id, by_policy=False)
    cid = await create_client_by_admin(env, suffixed("Admin-App"))
    assert not (await get_client_by_admin(env, cid))["attributes"].get("pkce.code.challenge.method")


async def test_negative_logic_condition(env: Env) -> None:
    """testNegativeLogicCondition: under the secure-session executor a login without a nonce is refused
    ("Missing parameter: nonce", a client policy error); ``is-negative-logic`` turns the any-client condition's yes
    into a no (the login passes), and back."""
    await update_profiles(env, (PROFILE_NAME, [executor("secure-session")]))
    await update_policies(env, (POLICY_NAME, [condition("any-client")], [PROFILE_NAME]))
    client_id, secret = suffixed("Zahlungs-App"), "secretBeta"
    await create_client_by_admin(env, client_id, secret=secret)
    await fail_login_by_not_following_pkce(env, client_id, description=MISSING_NONCE)
    negated = condition("any-client", **{"is-negative-logic": True})
    await update_policies(env, (POLICY_NAME, [negated], [PROFILE_NAME]))
    await successful_login_and_logout(env, client_id, secret)
    plain = condition("any-client", **{"is-negative-logic": False})
    await update_policies(env, (POLICY_NAME, [plain], [PROFILE_NAME]))
    await fail_login_by_not_following_pkce(env, client_id, description=MISSING_NONCE)


async def test_dynamic_client_register_and_update(env: Env) -> None:
    """testDynamicClientRegisterAndUpdate: setupPolicyClientIdAndSecretNotAcceptableAuthType's policy (the
    secure-client-authenticator without client-secret, for clients an authenticated user changes) does not judge
    a registration by initial access token nor an update by registration access token: the client registers with
    ``client_secret_basic`` and its update to certificate-bound tokens goes through."""
    authenticators = {"allowed-client-authenticators": ["client-jwt", "client-secret-jwt", "client-x509"]}
    await update_profiles(env, ("MyProfile", [executor("secure-client-authenticator", **authenticators)]))
    by_user = condition("client-updater-context", **{"update-client-source": ["ByAuthenticatedUser"]})
    await update_policies(env, (POLICY_NAME, [by_user], ["MyProfile"]))
    registered = await create_client_dynamically(env, suffixed(CLIENT_NAME))
    fetched = await get_client_dynamically(env, registered)
    assert fetched["token_endpoint_auth_method"] == "client_secret_basic", fetched
    assert fetched["tls_client_certificate_bound_access_tokens"] is False, fetched
    changed = {**fetched, "token_endpoint_auth_method": "client_secret_basic"}
    changed["tls_client_certificate_bound_access_tokens"] = True
    url = f"/realms/test/clients-registrations/openid-connect/{fetched['client_id']}"
    updated = await env.http.put(url, json=changed, headers=bearer(fetched["registration_access_token"]))
    assert updated.status_code == 200, updated.text
    fetched = await get_client_dynamically(env, updated.json())
    assert fetched["token_endpoint_auth_method"] == "client_secret_basic", fetched
    assert fetched["tls_client_certificate_bound_access_tokens"] is True, fetched


async def get_client_dynamically(env: Env, registered: dict[str, Any]) -> dict[str, Any]:
    """``getClientDynamically``: the client read with its registration access token (which the read renews)."""
    url = f"/realms/test/clients-registrations/openid-connect/{registered['client_id']}"
    response = await env.http.get(url, headers=bearer(registered["registration_access_token"]))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_service_account_token_request_runs_the_policies_keycloak_runs_there(env: Env) -> None:
    """ClientCredentialsGrantType fires SERVICE_ACCOUNT_TOKEN_REQUEST once the scopes are read. Of the executors
    Doorkeep runs only confidential-client acts on it (ConfidentialClientAcceptExecutor), and the grant has
    refused public and bearer-only clients before; dpop-bind-enforcer (TOKEN_REQUEST and TOKEN_REFRESH only),
    pkce-enforcer and secure-client-authenticator (its request check: TOKEN_REQUEST, TOKEN_REFRESH, TOKEN_REVOKE,
    TOKEN_INTROSPECT, LOGOUT_REQUEST) leave it alone, so a proof-less request of a client-secret client passes.
    Keycloak's own refusal there (testClientGrantTypeCondition) needs its test-only test-raise-exception."""
    profile = [
        executor("confidential-client"),
        executor("dpop-bind-enforcer", **{"auto-configure": False}),
        executor("pkce-enforcer", **{"auto-configure": False}),
        executor("secure-client-authenticator", **{"allowed-client-authenticators": ["client-jwt"]}),
    ]
    client_id, secret = suffixed("service-app"), "app-secret"
    await create_client_by_admin(env, client_id, secret=secret)
    await update_profiles(env, (PROFILE_NAME, profile))
    await update_policies(env, (POLICY_NAME, [condition("any-client")], [PROFILE_NAME]))
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    answer = await env.http.post("/realms/test/protocol/openid-connect/token", data=data)
    assert answer.status_code == 200 and answer.json()["token_type"] == "Bearer", answer.text


async def test_condition_without_no_configuration(env: Env) -> None:
    """testConditionWithoutNoConfiguration: client-access-type, client-updater-source-groups, -roles and
    client-updater-context conditions with no configuration vote no, so the secure-client-authenticator (itself
    unconfigured) of their four policies never acts: the admin creates a client-secret client, which logs in."""
    await put(
        env,
        "/client-policies/profiles",
        {
            "profiles": [
                {
                    "name": PROFILE_NAME,
                    "description": "Die Erste Politik",
                    "executors": [{"executor": "secure-client-authenticator"}],
                }
            ]
        },
    )
    providers = [
        "client-access-type",
        "client-updater-source-groups",
        "client-updater-source-roles",
        "client-updater-context",
    ]
    reps = [
        {
            "name": f"MyPolicy-{provider}",
            "enabled": True,
            "conditions": [{"condition": provider}],
            "profiles": [PROFILE_NAME],
        }
        for provider in providers
    ]
    await put(env, "/client-policies/policies", {"policies": reps})
    client_id, secret = suffixed("test-app"), "secret"
    await create_client_by_admin(env, client_id, secret=secret, bearerOnly=False, publicClient=False)
    await successful_login_and_logout(env, client_id, secret)


# --- the secret-rotation executor on dynamically registered clients ---------------------------------------------
OIDC_REGISTRATION = "/realms/test/clients-registrations/openid-connect"


async def configure_custom_profile_and_policy(env: Env, expiration: int, rotated: int, remaining: int) -> None:
    """AbstractClientPoliciesTest.configureCustomProfileAndPolicy: secret-rotation for confidential clients."""
    periods = {
        "expiration-period": expiration,
        "rotated-expiration-period": rotated,
        "remaining-rotation-period": remaining,
    }
    await update_profiles(env, (PROFILE_NAME, [executor("secret-rotation", **periods)]))
    await update_policies(env, (POLICY_NAME, [condition("client-access-type", type=["confidential"])], [PROFILE_NAME]))


class Dynamic:
    """The Java ``reg`` after ``createClientDynamically``: its registration access token, renewed by each update."""

    def __init__(self, env: Env, registered: dict[str, Any]) -> None:
        self.env, self.client_id = env, str(registered["client_id"])
        self.token = str(registered["registration_access_token"])

    async def get(self) -> dict[str, Any]:
        """``getClientDynamically``."""
        headers = {"Authorization": f"Bearer {self.token}"}
        answer = await self.env.http.get(f"{OIDC_REGISTRATION}/{self.client_id}", headers=headers)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    async def update(self, **changes: Any) -> None:
        """``updateClientDynamically``: the client's metadata read, changed and sent back."""
        rep = {**await self.get(), **changes}
        headers = {"Authorization": f"Bearer {self.token}"}
        answer = await self.env.http.put(f"{OIDC_REGISTRATION}/{self.client_id}", json=rep, headers=headers)
        assert answer.status_code == 200, answer.text
        self.token = str(answer.json()["registration_access_token"])


async def assert_login_and_logout_status(env: Env, client_id: str, secret: str, status: int) -> None:
    """assertLoginAndLogoutStatus: the code exchange answers ``status``."""
    page = await open_login_form(env, client_id)
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, secret)
    assert tokens.status_code == status, tokens.text
    if status == 200:
        form = {"client_id": client_id, "client_secret": secret, "refresh_token": tokens.json()["refresh_token"]}
        out = await env.http.post("/realms/test/protocol/openid-connect/logout", data=form)
        assert out.status_code == 204, out.text


@pytest.fixture
def time_offset(env: Env) -> Any:
    """``setTimeOffset``, undone after the test."""
    base = env.clock.now()
    yield lambda seconds: env.clock.set(base + seconds)
    env.clock.set(base)


async def test_when_create_dynamic_client_secret_expiration_date_must_exist(env: Env) -> None:
    """whenCreateDynamicClientSecretExpirationDateMustExist."""
    await configure_custom_profile_and_policy(env, 60, 30, 20)
    dynamic = Dynamic(env, await create_client_dynamically(env, suffixed("Zahlungs-App")))
    response = await dynamic.get()
    assert response["client_secret"]
    assert response["client_secret_expires_at"] == env.clock.now() + 60


async def test_when_update_dynamic_client_rotation_must_follow_configuration(env: Env, time_offset: Any) -> None:
    """whenUpdateDynamicClientRotationMustFollowConfiguration."""
    await configure_custom_profile_and_policy(env, 60, 30, 20)
    dynamic = Dynamic(env, await create_client_dynamically(env, suffixed("Zahlungs-App")))
    response = await dynamic.get()
    first_secret, first_expiration = response["client_secret"], response["client_secret_expires_at"]
    await dynamic.update(contacts=["keycloak@keycloak.org"])
    updated = await dynamic.get()
    assert (updated["client_secret"], updated["client_secret_expires_at"]) == (first_secret, first_expiration)
    time_offset(61)  # the secret expired
    await dynamic.update(client_name=suffixed("Zahlungs-App"))
    updated = await dynamic.get()
    updated_secret = updated["client_secret"]
    assert updated_secret != first_secret and updated["client_secret_expires_at"] != first_expiration
    await assert_login_and_logout_status(env, dynamic.client_id, updated_secret, 200)
    await assert_login_and_logout_status(env, dynamic.client_id, first_secret, 200)  # the rotated secret
    time_offset(100)  # the rotated secret expired
    await assert_login_and_logout_status(env, dynamic.client_id, updated_secret, 200)
    await assert_login_and_logout_status(env, dynamic.client_id, first_secret, 401)


async def test_when_update_dynamic_client_during_remaining_expiration_period_must_rotate_secret(
    env: Env, time_offset: Any
) -> None:
    """whenUpdateDynamicClientDuringRemainingExpirationPeriodMustRotateSecret: the secret is still valid, but
    within the last 20 seconds an update rotates it."""
    await configure_custom_profile_and_policy(env, 60, 30, 20)
    dynamic = Dynamic(env, await create_client_dynamically(env, suffixed("Zahlungs-App")))
    response = await dynamic.get()
    first_secret, first_expiration = response["client_secret"], response["client_secret_expires_at"]
    assert first_expiration > env.clock.now()
    time_offset(41)
    await dynamic.update(contacts=["keycloak@keycloak.org"])
    updated = await dynamic.get()
    assert updated["client_secret"] != first_secret and updated["client_secret_expires_at"] != first_expiration
