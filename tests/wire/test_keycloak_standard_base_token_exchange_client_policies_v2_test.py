"""Keycloak's StandardBaseTokenExchangeClientPoliciesV2Test (tests/base/.../tests/oauth/tokenexchange/
StandardBaseTokenExchangeClientPoliciesV2Test.java @011d25ca), on the realm of ``tests/token_exchange_realm.py``:
the client policies at a standard token exchange (ClientPolicyEvent.TOKEN_EXCHANGE_REQUEST, which
TokenExchangeGrantType triggers once a provider supports the request and before it reads the subject token).

Ported: ``testClientPolicies`` (reject-request under client-scopes ANY ``optional-scope2`` and grant-type
token-exchange). Its older copy, StandardTokenExchangeClientPoliciesV2Test (@925705fe), runs the same steps with
TestRaiseExceptionExecutor, an executor of Keycloak's test providers (error ``TOKEN_EXCHANGE_REQUEST``,
"Exception thrown intentionally"); Doorkeep has no such provider, so that method is this one with Keycloak's
reject-request.

Ported too, for which Doorkeep gained the two executors (Keycloak's, not behind a feature):
``testJWTClaimClientPolicies`` (``jwt-claim-enforcer``, JWTClaimEnforcerExecutor: a hardcoded ``username`` claim on
the subject client's tokens, matched against the executor's ``allowed-value``; clientpolicies/executors_jwt_claim.py)
and ``testDownscopeClientPolicies`` (``downscope-assertion-grant-enforcer``, DownscopeAssertionGrantEnforcerExecutor:
the exchanged token keeps only scopes the subject token had; its refusal prints both sets in Java HashSet order,
clientpolicies/executors_downscope.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from access_token_realm import client_uuid
from client_policies_port import condition, executor, policy, profile, update_policies, update_profiles
from keycloak_port import ADMIN, admin_headers
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


async def _add_hardcoded_claim(env: Env, value: str | None) -> str:
    """HardcodedClaim.create("username", "username", value, "String", true, true, true) on subject-client: the
    mapper's id."""
    config = {"claim.name": "username", "jsonType.label": "String", "access.token.claim": "true"}
    config |= {"id.token.claim": "true", "introspection.token.claim": "true"}
    if value is not None:
        config["claim.value"] = value
    mapper = {"name": "username", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper"}
    path = f"{ADMIN}/clients/{await client_uuid(env, 'subject-client')}/protocol-mappers/models"
    created = await env.http.post(path, json={**mapper, "config": config}, headers=await admin_headers(env))
    assert created.status_code == 201, created.text
    return f"{path}/{created.headers['location'].rsplit('/', 1)[1]}"


@pytest.mark.parametrize(
    ("claim_value", "allowed", "error"),
    [
        ("testuser", "testuser", None),
        ("baduser", "testuser", "Value for claim 'username' not allowed"),
        ("admin", "^(admin|service|test-[0-9]+)$", None),
        ("test-12345", "^(admin|service|test-[0-9]+)$", None),
        ("unknown-username", "^(admin|service|test-[0-9]+)$", "Value for claim 'username' not allowed"),
        ("testuser", None, None),  # no allowed value: the claim's presence is enough
        (None, None, "Required claim 'username' is missing from the token"),
    ],
)
async def test_jwt_claim_client_policies(
    te: Env, claim_value: str | None, allowed: str | None, error: str | None
) -> None:
    """StandardBaseTokenExchangeClientPoliciesV2Test.testJWTClaimClientPolicies (and its older copy's), one case
    per parameter set of the Java method's seven calls."""
    mapper = await _add_hardcoded_claim(te, claim_value)
    settings = {"claim-name": "username"} | ({} if allowed is None else {"allowed-value": allowed})
    await update_profiles(te, profile("MyProfile", "Profile", executor("jwt-claim-enforcer", settings)))
    grant_types = condition("grant-type", {"is-negative-logic": False, "grantTypes": [GRANT]})
    await update_policies(te, policy("MyPolicy", "Client Scope Policy", True, [grant_types], ["MyProfile"]))
    access = (await subject(te))["access_token"]
    assert claims(access).get("username") == claim_value
    response = await exchange(te, access)
    if error is None:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 400, "invalid_request", error)
    removed = await te.http.delete(mapper, headers=await admin_headers(te))
    assert removed.status_code == 204, removed.text


async def test_downscope_client_policies(te: Env) -> None:
    """StandardBaseTokenExchangeClientPoliciesV2Test.testDownscopeClientPolicies (and its older copy's)"""
    await update_profiles(te, profile("MyProfile", "Profile", executor("downscope-assertion-grant-enforcer")))
    grant_types = condition("grant-type", {"is-negative-logic": False, "grantTypes": [GRANT]})
    await update_policies(te, policy("MyPolicy", "Client Scope Policy", True, [grant_types], ["MyProfile"]))
    access = (await subject(te, scope="optional-scope2"))["access_token"]
    assert set(claims(access)["scope"].split()) == {"email", "profile", "optional-scope2"}

    # the subject token's scopes, all optional for requester-client: only they, even default-scope1 left out
    for asked, expected in (
        ("email profile optional-scope2", {"email", "profile", "optional-scope2"}),
        ("optional-scope2", {"optional-scope2"}),
    ):
        response = await exchange(te, access, scope=asked)
        assert response.status_code == 200, response.text
        token = claims(response.json()["access_token"])
        assert aud(token) == {"target-client2"} and set(token["scope"].split()) == expected, token

    # a scope the subject token lacks is refused, a default one not shown in tokens (basic) too
    for asked, missing in (
        ("basic optional-scope2", "basic"),
        ("optional-requester-scope", "optional-requester-scope"),
        ("default-scope1", "default-scope1"),
    ):
        response = await exchange(te, access, scope=asked)
        description = f"Scopes [{missing}] not present in the initial access token [optional-scope2, profile, email]"
        assert_error(response, 400, "invalid_scope", description)
