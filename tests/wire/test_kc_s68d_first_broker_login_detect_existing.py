"""KcOidcFirstBrokerLoginDetectExistingUserTest: a first broker login flow of Detect Existing Broker User then
Automatically Set Existing User (both REQUIRED), the provider in FORCE.

#loginWhenUserDoesNotExistOnConsumer is ported in test_broker_first_login_flows.py
(test_detect_existing_refuses_an_identity_no_account_matches: the "User alice authenticated with identity provider
kc does not exist. Please contact your administrator." page). Here #loginWhenUserExistsOnConsumer: the matching
account, made without names, is linked without a question and, the provider being in FORCE, takes the provider's
e-mail and names at that first login (afterFirstBrokerLogin updates a linked user as a later login does)."""

from __future__ import annotations

import pytest

from broker_support import served, signs_in_linked, user_named
from flow_builder import ADMIN, admin, auto_link_flow
from support import seed_user, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

DETECT = "detectExistingUserFlow"


async def test_login_when_user_exists_on_consumer(env: Env) -> None:
    """KcOidcFirstBrokerLoginDetectExistingUserTest#loginWhenUserExistsOnConsumer."""
    async with served(env) as broker:
        first, last = "Firstname_loginWhenUserExistsOnConsumer", "Lastname_loginWhenUserExistsOnConsumer"
        await update_user(env.db, "provider", "alice", first_name=first, last_name=last)
        await seed_user(env.db, env.clock, "test", "alice", email="alice@example.org", first_name=None, last_name=None)
        await auto_link_flow(env, DETECT, detect=True)
        rep = broker.provider_rep(syncMode="FORCE") | {"firstBrokerLoginFlowAlias": DETECT}
        await admin(env, "POST", f"{ADMIN}/identity-provider/instances", rep, 201)
        await signs_in_linked(broker, "alice")
        user = await user_named(env, "alice")
        assert user is not None
        assert (user["email"], user.get("firstName"), user.get("lastName")) == ("alice@example.org", first, last)
