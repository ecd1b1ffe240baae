"""Brute Force Detection and logins through an identity provider, over real HTTP with a second realm as the
provider: Automatically Set Existing User (IdpAutoLinkAuthenticator) asks no lockout, so an account locked for now
is linked and signed in (its failures then cleared by the login's success); a linked account locked for now is
refused at the provider's login (IdentityBrokerService.validateUser: ``user_temporarily_disabled``, "Account is
disabled, contact your administrator.") until the lockout ends."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, SAVED, broker_login, browser, provider_with, served, signs_in_linked, user_named
from browser_flow import REDIRECT
from doorkeep.users import brute_force
from flow_builder import AUTO, auto_link_flow, events
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

LOCKED_FOR = 60  # seconds: one failure locks the account for the wait increment
DISABLED = "Account is disabled, contact your administrator."


async def _lock(env: Env, username: str) -> None:
    """Brute Force Detection on (one failure locks for LOCKED_FOR seconds) and one wrong password counted."""
    await update_realm(env.db, "test", brute_force_protected=True, failure_factor=1, wait_increment_seconds=LOCKED_FOR)
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        await brute_force.failed_login(tx, realm, user, "127.0.0.1", env.clock.now_ms())
        locked = brute_force.lock_error(realm, user, await tx.login_failures.get(realm.id, user.id), env.clock.now())
    assert locked == brute_force.USER_TEMPORARILY_DISABLED


async def _failures(env: Env, username: str) -> int:
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        failure = await tx.login_failures.get(realm.id, user.id)
        return failure.num_failures if failure is not None else 0


async def test_auto_link_links_and_signs_in_an_account_locked_for_now(env: Env) -> None:
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", email="alice@example.org")
        await _lock(env, "alice-local")
        await auto_link_flow(env)
        await provider_with(broker, AUTO)
        await signs_in_linked(broker, "alice-local")
        assert await _failures(env, "alice-local") == 0


async def test_a_linked_account_locked_for_now_is_refused_until_the_lockout_ends(env: Env) -> None:
    async with served(env) as broker:
        await update_realm(env.db, "test", enabled_event_types=(*SAVED, "IDENTITY_PROVIDER_LOGIN_ERROR"))
        await broker.add_provider()
        async with browser(broker) as http:  # the first login creates and links alice
            first = await broker_login(http)
        assert first.status_code == 302, first.text
        await _lock(env, "alice")
        async with browser(broker) as http:
            refused = await broker_login(http)
        assert refused.status_code == 400 and DISABLED in refused.text, refused.text  # validateUser's error page
        assert 'id="kc-error-message"' in refused.text
        [error] = [e for e in await events(env, "IDENTITY_PROVIDER_LOGIN_ERROR") if e.error]
        assert error.error == "user_temporarily_disabled" and error.details["identity_provider"] == ALIAS
        assert await _failures(env, "alice") == 1  # refused, nothing counted nor cleared
        env.clock.advance(LOCKED_FOR + 1)
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        alice = await user_named(env, "alice")
        assert alice is not None and await _failures(env, "alice") == 0
