"""Automatic linking under attack: a provider that lets anyone claim an address (``email_verified`` false, the
provider not trusted) gets the local account with that address, exactly as Keycloak's IdpAutoLinkAuthenticator
hands it over (the documented account takeover risk, reproduced, not fixed), where the default flow asks for the
account's password; the answer is good once; a flow the admin copied and broke cannot be bound anywhere."""

from __future__ import annotations

import jwt
import pytest

from broker_support import ALIAS, browser, callback, links, served_with_fake, to_provider, user_named
from browser_flow import REDIRECT, exchange
from flow_builder import ADMIN, AUTH, AUTO, REQ, add, admin, auto_link_flow, bind
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

VICTIM = "user1@example.com"  # seed_login_realm's user1, who has a password and no link


async def test_auto_link_gives_an_unverified_claimed_email_the_account_as_keycloak_does(env: Env) -> None:
    async with served_with_fake(env, trustEmail=False) as (broker, idp):
        await auto_link_flow(env)
        await admin(env, "PUT", f"{ADMIN}/identity-provider/instances/{ALIAS}", {
            **(await admin(env, "GET", f"{ADMIN}/identity-provider/instances/{ALIAS}", status=200)).json(),
            "firstBrokerLoginFlowAlias": AUTO,
        }, 204)  # fmt: skip
        now = env.clock.now()
        idp.id_token = lambda nonce: idp.signed(idp.claims(now, email=VICTIM, email_verified=False))
        async with browser(broker) as http:
            state = (await to_provider(http, idp))["state"]
            done = await callback(http, state)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            code = done.headers["location"].split("code=")[1].split("&")[0]
            token = await exchange(http, "test", "app", code)
            # the answer is good once: replayed, it links and signs in nothing more (its tab gone, the browser signed
            # in: SessionCodeChecks' ALREADY_LOGGED_IN error for the client, no code)
            again = await callback(http, state)
            assert again.status_code == 302, again.text
            assert again.headers["location"].startswith(REDIRECT + "?error=temporarily_unavailable&"), again.text
        claims = jwt.decode(token.json()["access_token"], options={"verify_signature": False})
        assert claims["preferred_username"] == "user1"
        victim = await user_named(env, "user1")
        assert victim is not None and await links(env, victim["id"]) == [ALIAS]
        assert await user_named(env, "mallory") is None


async def test_the_default_flow_asks_for_the_password_instead(env: Env) -> None:
    async with served_with_fake(env, trustEmail=False) as (broker, idp):
        now = env.clock.now()
        idp.id_token = lambda nonce: idp.signed(idp.claims(now, email=VICTIM, email_verified=False))
        async with browser(broker) as http:
            page = await callback(http, (await to_provider(http, idp))["state"])
        assert page.status_code == 200 and "Account already exists" in page.text, page.text
        victim = await user_named(env, "user1")
        assert victim is not None and await links(env, victim["id"]) == []


async def test_a_copied_and_broken_flow_is_refused_for_the_realm_and_for_a_provider(env: Env) -> None:
    async with served_with_fake(env) as (_broker, _idp):
        await seed_user(env.db, env.clock, "test", "carol")
        await admin(env, "POST", f"{AUTH}/flows/first%20broker%20login/copy", {"newName": "broken"}, 201)
        await add(env, "broken", "auth-username-password-form", REQ)
        refused = await bind(env, "firstBrokerLoginFlow", "broken", 400)
        assert "auth-username-password-form" in refused.json()["errorMessage"], refused.text
        rep = (await admin(env, "GET", f"{ADMIN}/identity-provider/instances/{ALIAS}", status=200)).json()
        put = await admin(
            env, "PUT", f"{ADMIN}/identity-provider/instances/{ALIAS}", {**rep, "firstBrokerLoginFlowAlias": "broken"}
        )
        assert put.status_code == 400 and "auth-username-password-form" in put.json()["errorMessage"], put.text
        got = (await admin(env, "GET", f"{ADMIN}/identity-provider/instances/{ALIAS}", status=200)).json()
        assert got.get("firstBrokerLoginFlowAlias") in (None, "first broker login")
