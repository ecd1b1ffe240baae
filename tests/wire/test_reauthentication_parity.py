"""Re-authentication joins the SSO session, as Keycloak 26 does (OIDCAdvancedRequestParamsTest.promptLogin,
testMaxAge1): ``prompt=login`` or an expired ``max_age`` asks the known user's password again, then issues the
code in the same user session (same ``session_state``) with a newer ``auth_time`` (the AUTH_TIME note).
The form names the user instead of asking for one, and checks that user's password whatever username is
posted (UsernamePasswordForm.validateForm), so another user cannot log in to the session there."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, exchange, login, start, submit
from support import claims, seed_login_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "user2", password="other")
    return env


async def id_token(env: Env, params: dict[str, str]) -> dict[str, object]:
    body = (await exchange(env.http, "test", "app", params["code"])).json()
    assert body["session_state"] == params["session_state"]
    return claims(body["id_token"])


async def live_sessions(env: Env, username: str) -> int:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        return len(await tx.sessions.user_sessions_of(user.id, False))


def assert_reauthentication_form(page: httpx.Response) -> None:
    assert page.status_code == 200, page.text[:500]
    assert '<label id="kc-attempted-username">user1</label>' in page.text
    assert 'name="username"' not in page.text and 'name="password"' in page.text


async def test_prompt_login_asks_the_known_user_and_keeps_the_session(realm: Env) -> None:
    first = await id_token(realm, await login(realm.http, "test", "app"))
    realm.clock.advance(5)
    page = await start(realm.http, "test", "app", prompt="login")
    assert_reauthentication_form(page)
    assert "Please re-authenticate to continue<" in page.text  # no full stop, as messages_en.properties
    params = code_from(await submit(realm.http, page, password="password"))
    second = await id_token(realm, params)
    assert second["sid"] == first["sid"] and params["session_state"] == first["sid"]
    assert second["auth_time"] == first["auth_time"] + 5  # type: ignore[operator]
    assert second["acr"] == "1"
    assert await live_sessions(realm, "user1") == 1


async def test_an_expired_max_age_asks_again_and_the_new_auth_time_counts(realm: Env) -> None:
    first = await id_token(realm, await login(realm.http, "test", "app"))
    realm.clock.advance(2)
    page = await start(realm.http, "test", "app", max_age="1")
    assert_reauthentication_form(page)
    second = await id_token(realm, code_from(await submit(realm.http, page, password="password")))
    assert second["sid"] == first["sid"] and second["auth_time"] == first["auth_time"] + 2  # type: ignore[operator]
    # max_age is measured from the re-authentication now, not from the session's start
    third = await id_token(realm, code_from(await start(realm.http, "test", "app", max_age="1")))
    assert third["sid"] == first["sid"] and third["auth_time"] == second["auth_time"] and third["acr"] == "0"
    assert await live_sessions(realm, "user1") == 1


async def test_a_wrong_password_keeps_the_re_authentication_form(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await start(realm.http, "test", "app", prompt="login")
    again = await submit(realm.http, page, password="nope")
    assert_reauthentication_form(again)
    # the generic error, as for an unknown name (keycloak@b137016c's AbstractUsernameFormAuthenticator, CVE-2026-4633)
    assert "Invalid username or password." in again.text and "re-authenticate" not in again.text
    assert "code" in code_from(await submit(realm.http, again, password="password"))


async def test_another_user_cannot_log_in_to_the_session_on_the_re_authentication_form(realm: Env) -> None:
    first = await id_token(realm, await login(realm.http, "test", "app"))
    page = await start(realm.http, "test", "app", prompt="login")
    refused = await submit(realm.http, page, username="user2", password="other")
    assert_reauthentication_form(refused)
    assert "Invalid username or password." in refused.text
    # the posted username is ignored: the known user's password logs the known user in
    params = code_from(await submit(realm.http, refused, username="user2", password="password"))
    token = await id_token(realm, params)
    assert token["sid"] == first["sid"] and token["preferred_username"] == "user1"
    assert await live_sessions(realm, "user2") == 0


async def test_prompt_none_with_an_expired_max_age_is_login_required(realm: Env) -> None:
    await login(realm.http, "test", "app")
    realm.clock.advance(2)
    params = code_from(await start(realm.http, "test", "app", max_age="1", prompt="none"))
    assert params["error"] == "login_required"


async def test_a_consent_given_over_the_sso_session_stays_in_that_session(realm: Env) -> None:
    first = await id_token(realm, await login(realm.http, "test", "app"))
    await update_client(realm.db, "test", "app", consent_required=True)
    consent = await start(realm.http, "test", "app")
    assert 'name="accept"' in consent.text
    token = await id_token(realm, code_from(await submit(realm.http, consent, accept="yes")))
    assert token["sid"] == first["sid"] and token["acr"] == "0"
    assert await live_sessions(realm, "user1") == 1
