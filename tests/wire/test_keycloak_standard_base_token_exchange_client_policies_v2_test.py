"""Keycloak's StandardBaseTokenExchangeClientPoliciesV2Test (tests/base/.../tests/oauth/tokenexchange/
StandardBaseTokenExchangeClientPoliciesV2Test.java @011d25ca), on the realm of ``tests/token_exchange_realm.py``:
the client policies at a standard token exchange (ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST, which
TokenExchangeGrantType triggers once a provider supports the request and before it reads the subject token).

Ported: ``testClientPolicies`` (reject-request under client-scopes ANY ``optional-scope2`` and grant-type
token-exchange). Its older copy, StandardTokenExchangeClientPoliciesV2Test (@925705fe), runs the same steps with
TestRaiseExceptionExecutor, an executor of Keycloak's test providers (error ``TOKEN_EXCHANGE_REQUEST``,
"Exception thrown intentionally"); Doorkeep has no such provider, so that method is this one with Keycloak's
reject-request.

Not ported, for executors Doorkeep does not run (a profile naming one is refused, docs/client-policies.md):
``testDownscopeClientPolicies`` (``downscope-assertion-grant-enforcer``) and ``testJWTClaimClientPolicies``
(``jwt-claim-enforcer``), both of them executors of Keycloak's JWT authorization grant work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from client_policies_port import condition, executor, policy, profile, update_policies, update_profiles
from support import assert_error, claims
from token_exchange_realm import GRANT, aud, events, exchange, import_realm, subject
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def te(env: Env) -> AsyncIterator[Env]:
    await import_realm(env)
    yield env
    await update_policies(env)
    await update_profiles(env)


async def test_client_policies(te: Env) -> None:
    """StandardBaseTokenExchangeClientPoliciesV2Test.testClientPolicies (and
    StandardTokenExchangeClientPoliciesV2Test.testClientPolicies, with reject-request for its test executor)"""
    await update_profiles(te, profile("MyProfile", "Profilo", executor("reject-request")))
    scopes = condition("client-scopes", {"type": "Any", "scopes": ["optional-scope2"]})
    grant_types = condition("grant-type", {"is-negative-logic": False, "grantTypes": [GRANT]})
    await update_policies(te, policy("MyPolicy", "Client Scope Policy", True, [scopes, grant_types], ["MyProfile"]))

    access = (await subject(te))["access_token"]
    response = await exchange(te, access, audience=["target-client1"])
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert aud(token) == {"target-client1"} and set(token["scope"].split()) == {"default-scope1"}, token

    # the token exchange is refused when optional-scope2 is asked for
    response = await exchange(te, access, audience=["target-client2"], scope="optional-scope2")
    assert_error(response, 400, "invalid_request", "Request not allowed")
    (event, *_) = await events(te, "TOKEN_EXCHANGE_ERROR")
    assert event["clientId"] == "requester-client" and event["error"] == "invalid_request"
    details = event["details"]
    assert details["reason"] == "client_policy_error" and details["client_policy_error"] == "invalid_request"
    assert details["client_policy_error_detail"] == "Request not allowed"


async def test_grant_type_condition_names_only_token_exchange(te: Env) -> None:
    """GrantTypeCondition votes on TOKEN_EXCHANGE_REQUEST by the token-exchange grant (keycloak@1274cb8b): the
    same policy naming another grant leaves the exchange alone, and ClientScopesCondition reads the exchange's
    own ``scope`` (an optional scope not asked for is no match)."""
    await update_profiles(te, profile("MyProfile", "", executor("reject-request")))
    scopes = condition("client-scopes", {"type": "Optional", "scopes": ["optional-scope2"]})
    password = condition("grant-type", {"grantTypes": ["password"]})
    await update_policies(te, policy("MyPolicy", "", True, [scopes, password], ["MyProfile"]))
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, audience=["target-client2"], scope="optional-scope2")
    assert response.status_code == 200, response.text
    exchange_grant = condition("grant-type", {"grantTypes": [GRANT]})
    await update_policies(te, policy("MyPolicy", "", True, [scopes, exchange_grant], ["MyProfile"]))
    assert (await exchange(te, access, audience=["target-client1"])).status_code == 200
    refused = await exchange(te, access, audience=["target-client2"], scope="optional-scope2")
    assert_error(refused, 400, "invalid_request", "Request not allowed")
