"""Keycloak's ClientPoliciesExtendedEventTest (testsuite/.../client/policies/ClientPoliciesExtendedEventTest.java):
the client policy events beyond the first ones reach the policies. The realm is ``addTestRealms``' (tests/
client_policies_port.py) with the Java class's ``test-device`` client and ``device-login`` user.

Adapted: Keycloak's test raises from TestRaiseExceptionExecutor, a test-only provider that fails on the events it is
configured with; here Keycloak's real reject-request executor (RejectRequestExecutor, which refuses on every event)
under an any-client policy does the same once the policy is put in place right before the event, so each test sees
the refusal of the event it is about: invalid_request "Request not allowed" where the Java test sees the event's
name and "Exception thrown intentionally".

Not ported (they need an executor that fails on a response event alone, or one Doorkeep does not have):
testExtendedClientPolicyInterfacesForDeviceTokenResponse, ...ForTokenResponse, ...ForServiceAccountTokenResponse,
...ForResourceOwnerPasswordCredentialsResponse (TestRaiseExceptionExecutor on *_RESPONSE events, which a refusal at
the request before them cannot stand for), ...ForTokenRefreshResponse and ...WithOffline
(suppress-refresh-token-rotation), ...ForPreAuthorizationRequest (a client-roles condition at
PRE_AUTHORIZATION_REQUEST), testEnhancedPluggableTokenManagerForTokenResponse (a test-only executor).
"""

from __future__ import annotations

from typing import Any

import pytest

import client_policies_port
import device_flow
import group_port
from client_policies_port import (
    ClientPolicyRefused,
    apply_executors,
    condition,
    create_client_by_admin,
    executor,
    get_client_by_admin,
    realm_fixture,
    realm_rep,
    revert,
    suffixed,
    update_client_by_admin,
)
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

REFUSED = {"error": "invalid_request", "error_description": "Request not allowed"}


def extended_realm() -> dict[str, Any]:
    """addTestRealms: the policies tests' realm, the ``test-device`` client and the ``device-login`` user."""
    rep = realm_rep()
    device_client = {
        "clientId": "test-device",
        "secret": "secret",
        "redirectUris": ["*"],
        "attributes": {**device_flow.ENABLED, "post.logout.redirect.uris": "+"},
    }
    device_user = {
        "username": "device-login",
        "email": "device-login@localhost",
        "enabled": True,
        "credentials": [{"type": "password", "value": "password"}],
    }
    return {**rep, "clients": [device_client], "users": [*rep["users"], device_user]}


env = realm_fixture(extended_realm)
no_policies = client_policies_port.no_policies


async def reject_every_request(env: Env) -> None:
    """Den Forste Profilen with reject-request, applied by La Premiere Politique to any client."""
    descriptions = ("Den Forste Profilen", "La Premiere Politique")
    await apply_executors(env, executor("reject-request"), descriptions=descriptions)


async def test_extended_client_policy_interfaces_for_client_registration_policy_migration_create(env: Env) -> None:
    """testExtendedClientPolicyInterfacesForClientRegistrationPolicyMigrationCreate: a refused registration leaves
    no client behind."""
    await reject_every_request(env)
    name = suffixed("ByAdmin-App")
    with pytest.raises(ClientPolicyRefused) as refused:
        await create_client_by_admin(env, name)
    assert (refused.value.error, refused.value.description) == (REFUSED["error"], REFUSED["error_description"])
    await revert(env)
    assert (await call(env, "GET", "/clients", clientId=name)).json() == []


async def test_extended_client_policy_interfaces_for_client_registration_policy_migration_update(env: Env) -> None:
    """testExtendedClientPolicyInterfacesForClientRegistrationPolicyMigrationUpdate: an update refused leaves the
    client as it was; its deletion is refused at UNREGISTER (ClientResource.deleteClient), 400 with the executor's
    error, and the client stays."""
    cid = await create_client_by_admin(env, suffixed("ByAdmin-App"))
    assert (await get_client_by_admin(env, cid))["enabled"] is True
    await reject_every_request(env)
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, enabled=False)
    assert refused.value.error == REFUSED["error"]
    assert (await get_client_by_admin(env, cid))["enabled"] is True
    deleted = await call(env, "DELETE", f"/clients/{cid}")
    assert deleted.status_code == 400, deleted.text
    assert deleted.json() == REFUSED
    assert (await call(env, "GET", f"/clients/{cid}")).status_code == 200


async def test_a_client_is_deleted_once_no_policy_refuses(env: Env) -> None:
    """Beyond the Java class: UNREGISTER under a policy whose condition does not match (a confidential-only one,
    the client public) lets the deletion through."""
    cid = await create_client_by_admin(env, suffixed("public-app"), publicClient=True)
    confidential = [condition("client-access-type", {"type": ["confidential"]})]
    await apply_executors(env, executor("reject-request"), conditions=confidential)
    assert (await call(env, "DELETE", f"/clients/{cid}")).status_code == 204
    assert (await call(env, "GET", f"/clients/{cid}")).status_code == 404


async def test_extended_client_policy_interfaces_for_device_authorization_request(env: Env) -> None:
    """testExtendedClientPolicyInterfacesForDeviceAuthorizationRequest: DeviceEndpoint's refusal is 400 with the
    executor's error and detail."""
    await reject_every_request(env)
    data = {"client_id": "test-device", "client_secret": "secret"}
    response = await env.http.post(device_flow.DEVICE_URL, data=data)
    assert response.status_code == 400, response.text
    assert response.json() == REFUSED


async def test_extended_client_policy_interfaces_for_device_token_request(env: Env) -> None:
    """testExtendedClientPolicyInterfacesForDeviceTokenRequest: the user approves the device, then the policy
    refuses the device's token request: DeviceGrantType answers invalid_grant with the executor's detail, and
    its OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR names the executor's error."""
    answer = await device_flow.authorize(env)
    for field in ("device_code", "user_code", "verification_uri", "verification_uri_complete"):
        assert answer[field], field
    approved = await device_flow.approve(env, answer)
    assert approved.headers["location"].endswith("/device/status")  # verificationPage.assertApprovedPage()
    await reject_every_request(env)
    response = await device_flow.poll(env, answer["device_code"])
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": "Request not allowed"}
    events = (await call(env, "GET", "/events", type="OAUTH2_DEVICE_CODE_TO_TOKEN_ERROR")).json()
    assert events[0]["error"] == "invalid_request", events[0]
    assert events[0]["details"]["client_policy_error_detail"] == "Request not allowed"


async def test_grant_type_condition_judges_the_device_token_request(env: Env) -> None:
    """Beyond the Java class: GrantTypeCondition votes on DEVICE_TOKEN_REQUEST by the device_code grant
    (keycloak@1274cb8b), so a policy naming that grant refuses the device's token request and one naming another
    grant leaves it alone."""
    password_only = [condition("grant-type", {"grantTypes": ["password"]})]
    await apply_executors(env, executor("reject-request"), conditions=password_only)
    answer = await device_flow.authorize(env)
    await device_flow.approve(env, answer)
    assert (await device_flow.poll(env, answer["device_code"])).status_code == 200
    device_only = [condition("grant-type", {"grantTypes": [device_flow.DEVICE]})]
    await apply_executors(env, executor("reject-request"), conditions=device_only)
    answer = await device_flow.authorize(env)
    consent = await env.http.get(answer["verification_uri_complete"].removeprefix("http://localhost"))
    await device_flow.answer_consent(env, consent)  # the SSO session of the first approval: consent at once
    response = await device_flow.poll(env, answer["device_code"])
    assert response.json() == {"error": "invalid_grant", "error_description": "Request not allowed"}
