"""``POST /realms/{realm}/broker/{alias}/token``, Keycloak's identity brokering API v2
(IdentityBrokerService.getTokenV2): the feature IDENTITY_BROKERING_API_V2 is off by default in Keycloak and Doorkeep
does not serve it, so a client asking gets what a Keycloak without the feature answers, not a 405.

IdentityProviderStoreTokenV2Test and InterfaceIdentityProviderStoreTokenV2Test run with the feature on; their methods
(testPublicClient, testDifferentAudience, testOIDCIdentityProviderStoreTokenGrantViaClientSettings,
testStoreTokenDisabled, testIdentityBrokeringAPIV1Disabled, testClientPoliciesWithIDPCondition,
testClientPoliciesWithIDPAndScopeCondition and the shared ones through the ``POST``) are not ported.
"""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, served
from broker_token_support import RETRIEVE, alice_token, enable_events, events_of
from wire_env import Env

pytestmark = pytest.mark.anyio
NOT_ENABLED = "Identity Brokering API feature not enabled"


async def test_the_v2_post_answers_keycloaks_feature_not_enabled(env: Env) -> None:
    """getTokenV2 without the feature: 400 ``invalid_request`` "Identity Brokering API feature not enabled", before
    any client authentication or token check, after an IDENTITY_PROVIDER_RETRIEVE_TOKEN_ERROR event
    ``identity_provider_error`` naming the provider with that reason; the stored token is never answered."""
    async with served(env) as broker:
        await enable_events(env)
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        form = {"client_id": "app", "client_secret": "secret", "token": token}
        async with browser(broker) as http:
            answer = await http.post(f"/realms/test/broker/{ALIAS}/token", data=form)
            bare = await http.post("/realms/test/broker/nope/token")
            missing = await http.post(f"/realms/no-such-realm/broker/{ALIAS}/token", data=form)
        assert answer.status_code == 400, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        assert answer.json() == {"error": "invalid_request", "error_description": NOT_ENABLED}
        assert (bare.status_code, bare.json()) == (400, answer.json())
        assert missing.status_code == 404
        errors = await events_of(env, f"{RETRIEVE}_ERROR")
        assert {e["error"] for e in errors} == {"identity_provider_error"}
        assert sorted(e["details"]["identity_provider"] for e in errors) == sorted([ALIAS, "nope"])
        assert all(e["details"]["reason"] == NOT_ENABLED and "userId" not in e for e in errors)
        assert await events_of(env, RETRIEVE) == []
