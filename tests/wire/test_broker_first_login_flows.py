"""Edited first broker login flows over real HTTP, with a second realm as the provider: a provider's
``firstBrokerLoginFlowAlias`` (or the realm's ``firstBrokerLoginFlow``) naming a copy of the default flow or one of
Keycloak's automatic linking flows (Create User If Unique + Automatically Set Existing User, ALTERNATIVE; Detect
Existing Broker User + Automatically Set Existing User, REQUIRED), and every flow Doorkeep cannot run refused when
bound or edited, naming the step."""

from __future__ import annotations

import pytest

from broker_support import (
    ALIAS,
    SAVED,
    broker_login,
    browser,
    links,
    provider_with,
    served,
    signs_in_linked,
    user_named,
)
from flow_builder import ADMIN, ALT, AUTH, AUTO, REQ, add, add_flow, admin, auto_link_flow, bind, events, executions
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

DETECT = "existing users only"
UNAVAILABLE = "User alice authenticated with identity provider kc does not exist. Please contact your administrator."


async def test_a_provider_names_a_flow_that_exists_and_that_doorkeep_runs(env: Env) -> None:
    async with served(env) as broker:
        missing = await provider_with(broker, "no such flow", 400)
        assert missing["errorMessage"] == "No available authentication flow with alias: no such flow"
        await admin(env, "POST", f"{AUTH}/flows/first%20broker%20login/copy", {"newName": "fbl copy"}, 201)
        await add(env, "fbl copy", "auth-otp-form", REQ)  # a step the first broker login does not run
        broken = await provider_with(broker, "fbl copy", 400)
        assert "Doorkeep cannot run flow 'fbl copy'" in broken["errorMessage"]
        assert "execution 4 of 'fbl copy' is auth-otp-form" in broken["errorMessage"], broken
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        got = (await admin(env, "GET", f"{ADMIN}/identity-provider/instances/{ALIAS}", status=200)).json()
        assert got["firstBrokerLoginFlowAlias"] == AUTO


async def test_a_flow_a_provider_runs_cannot_be_broken_renamed_or_deleted(env: Env) -> None:
    async with served(env) as broker:
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        path = f"{AUTH}/flows/{AUTO.replace(' ', '%20')}/executions"
        # the admin adds an OTP form: added DISABLED, which Keycloak skips, so the flow still runs ...
        await admin(env, "POST", f"{path}/execution", {"provider": "auth-otp-form"}, 201)
        [create, link, otp] = await executions(env, AUTO)
        assert otp["requirement"] == "DISABLED"
        # ... but made REQUIRED it is a step Doorkeep does not run there: refused, naming it, nothing changes
        put = await admin(env, "PUT", path, {**otp, "requirement": REQ})
        assert put.status_code == 400, put.text
        assert "auth-otp-form (REQUIRED) in 'auto link'" in put.json()["errorMessage"]
        assert "identity provider 'kc'" in put.json()["errorMessage"]
        assert [e["requirement"] for e in await executions(env, AUTO)] == [ALT, ALT, "DISABLED"]
        # the pair made REQUIRED + ALTERNATIVE no longer means anything Keycloak documents
        put = await admin(env, "PUT", path, {**create, "requirement": REQ})
        assert put.status_code == 400 and "idp-create-user-if-unique REQUIRED" in put.json()["errorMessage"], put.text
        assert link["requirement"] == ALT
        flows = (await admin(env, "GET", f"{AUTH}/flows", status=200)).json()
        flow = next(f for f in flows if f["alias"] == AUTO)
        renamed = await admin(env, "PUT", f"{AUTH}/flows/{flow['id']}", {**flow, "alias": "renamed"})
        assert renamed.status_code == 400, renamed.text
        deleted = await admin(env, "DELETE", f"{AUTH}/flows/{flow['id']}")
        assert deleted.status_code == 400, deleted.text


async def test_auto_link_links_the_account_with_the_same_email_without_asking(env: Env) -> None:
    async with served(env) as broker:
        await update_realm(env.db, "test", enabled_event_types=(*SAVED, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"))
        await seed_user(env.db, env.clock, "test", "alice-local", email="alice@example.org")
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        await signs_in_linked(broker, "alice-local")
        local = await user_named(env, "alice-local")
        assert local is not None
        assert await user_named(env, "alice") is None
        [linked] = await events(env, "FEDERATED_IDENTITY_LINK")
        assert linked.user_id == local["id"] and linked.details["identity_provider"] == ALIAS
        assert not await events(env, "REGISTER")


async def test_auto_link_creates_a_user_when_no_account_matches(env: Env) -> None:
    async with served(env) as broker:
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        await signs_in_linked(broker, "alice")
        assert len(await events(env, "REGISTER")) == 1


async def test_the_realm_binding_runs_the_auto_link_flow_for_a_provider_naming_none(env: Env) -> None:
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", email="alice@example.org")
        await auto_link_flow(env)
        await bind(env, "firstBrokerLoginFlow", AUTO)
        await broker.add_provider()
        await signs_in_linked(broker, "alice-local")


async def test_detect_existing_refuses_an_identity_no_account_matches(env: Env) -> None:
    async with served(env) as broker:
        await update_realm(env.db, "test", enabled_event_types=(*SAVED, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"))
        await auto_link_flow(env, DETECT, detect=True)
        await provider_with(broker, DETECT)
        async with browser(broker) as http:
            refused = await broker_login(http)
        assert refused.status_code == 401 and UNAVAILABLE in refused.text, refused.text
        assert await user_named(env, "alice") is None
        [error] = await events(env, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR")
        assert error.error == "user_not_found"
        assert error.details["authenticator"] == "DetectExistingBrokerUser"


async def test_detect_existing_links_the_matching_account(env: Env) -> None:
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice")  # the same username, no e-mail
        await auto_link_flow(env, DETECT, detect=True)
        await provider_with(broker, DETECT)
        await signs_in_linked(broker, "alice")


async def test_auto_link_never_links_a_disabled_account(env: Env) -> None:
    async with served(env) as broker:
        await update_realm(env.db, "test", enabled_event_types=(*SAVED, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"))
        await seed_user(env.db, env.clock, "test", "alice-local", email="alice@example.org", enabled=False)
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        async with browser(broker) as http:
            refused = await broker_login(http)
        assert refused.status_code == 400 and "Account is disabled" in refused.text, refused.text
        local = await user_named(env, "alice-local")
        assert local is not None and await links(env, local["id"]) == []
        [error] = await events(env, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR")
        assert error.error == "user_disabled"


async def test_nested_pair_and_review_profile_first_are_run(env: Env) -> None:
    """The pair in a REQUIRED sub-flow after Review Profile ``on``: the review page shows first."""
    async with served(env) as broker:
        body = {"alias": AUTO, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": AUTO}
        await admin(env, "POST", f"{AUTH}/flows", body, 201)
        await add(env, AUTO, "idp-review-profile", REQ, {"update.profile.on.first.login": "on"})
        await add_flow(env, AUTO, "linking", REQ)
        await add(env, "linking", "idp-create-user-if-unique", ALT)
        await add(env, "linking", "idp-auto-link", ALT)
        await provider_with(broker, AUTO)
        async with browser(broker) as http:
            page = await broker_login(http)
        assert page.status_code == 200 and 'name="firstName"' in page.text, page.text


async def test_a_realm_file_with_the_flow_and_a_provider_naming_it_is_imported(env: Env) -> None:
    step = {"requirement": ALT, "autheticatorFlow": False, "userSetupAllowed": False}
    flow = {
        "alias": AUTO,
        "providerId": "basic-flow",
        "topLevel": True,
        "builtIn": False,
        "authenticationExecutions": [
            {**step, "authenticator": "idp-create-user-if-unique", "priority": 10},
            {**step, "authenticator": "idp-auto-link", "priority": 20},
        ],
    }
    provider = {"alias": "corp", "providerId": "oidc", "enabled": True, "firstBrokerLoginFlowAlias": AUTO}
    provider["config"] = {"clientId": "c", "tokenUrl": "https://idp.example/token"}
    rep = {"realm": "imported", "enabled": True, "authenticationFlows": [flow], "identityProviders": [provider]}
    await admin(env, "POST", "/admin/realms", rep, 201)
    got = await admin(env, "GET", "/admin/realms/imported/identity-provider/instances/corp", status=200)
    assert got.json()["firstBrokerLoginFlowAlias"] == AUTO
    broken = {**rep, "realm": "broken", "identityProviders": [{**provider, "firstBrokerLoginFlowAlias": "none"}]}
    refused = await admin(env, "POST", "/admin/realms", broken, 400)
    assert "No available authentication flow with alias: none" in refused.text, refused.text
