"""Logout CSRF (M2): an id_token_hint for another session than the browser's asks for confirmation first."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, form_fields, login, start, submit
from support import password_grant, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
LOGOUT = "/realms/test/protocol/openid-connect/logout"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(
        env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), attributes={"post.logout.redirect.uris": "+"}
    )
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "attacker")
    return env


async def id_token(env: Env, username: str = "attacker", realm: str = "test") -> str:
    response = await password_grant(env.http, realm, "app", username, scope="openid")
    assert response.status_code == 200, response.text
    return str(response.json()["id_token"])


async def still_logged_in(env: Env) -> bool:
    return (await start(env.http, "test", "app")).status_code == 302


async def logout(env: Env, hint: str, **extra: str) -> httpx.Response:
    return await env.http.get(
        LOGOUT, params={"id_token_hint": hint, "post_logout_redirect_uri": REDIRECT, "state": "s", **extra}
    )


async def test_another_users_hint_shows_the_confirmation_instead_of_logging_out(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await logout(realm, await id_token(realm))
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    assert "DOORKEEP_LOGOUT_CSRF" in page.headers["set-cookie"]
    assert form_fields(page.text)["session_code"]
    assert await still_logged_in(realm)


async def test_the_browser_session_ends_only_after_the_user_confirms(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await logout(realm, await id_token(realm))
    done = await submit(realm.http, page)
    assert done.status_code == 302 and done.headers["location"] == REDIRECT + "?state=s"
    assert not await still_logged_in(realm)


async def test_the_same_users_other_session_also_needs_confirmation(realm: Env) -> None:
    await login(realm.http, "test", "app")
    assert (await logout(realm, await id_token(realm, "user1"))).status_code == 200
    assert await still_logged_in(realm)


async def test_a_forged_confirmation_is_refused(realm: Env) -> None:
    await login(realm.http, "test", "app")
    hint = await id_token(realm)
    forged = {"id_token_hint": hint, "confirmLogout": "true", "session_code": "x"}
    assert (await realm.http.post(LOGOUT + "/logout-confirm", data=forged)).status_code == 400
    guessed = {**forged, "session_code": ""}
    assert (await realm.http.post(LOGOUT + "/logout-confirm", data=guessed)).status_code == 400
    assert await still_logged_in(realm)


async def test_a_confirmation_token_without_its_cookie_is_refused(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await logout(realm, await id_token(realm))
    realm.http.cookies.delete("DOORKEEP_LOGOUT_CSRF")
    assert (await submit(realm.http, page)).status_code == 400
    assert await still_logged_in(realm)


async def test_post_with_another_sessions_hint_also_asks(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await realm.http.post(LOGOUT, data={"id_token_hint": await id_token(realm)})
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    assert await still_logged_in(realm)


async def test_a_hint_from_another_realm_is_refused(realm: Env) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "app")
    await seed_user(realm.db, realm.clock, "other", "attacker")
    await login(realm.http, "test", "app")
    response = await logout(realm, await id_token(realm, realm="other"))
    assert response.status_code == 400 and "Invalid parameter: id_token_hint" in response.text
    assert await still_logged_in(realm)


@pytest.mark.parametrize("hint", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJ0eXAiOiJJRCJ9.", "x" * 3000])
async def test_a_malformed_hint_is_refused(realm: Env, hint: str) -> None:
    await login(realm.http, "test", "app")
    response = await logout(realm, hint)
    assert response.status_code == 400 and "Invalid parameter: id_token_hint" in response.text
    assert await still_logged_in(realm)


async def test_an_access_token_as_hint_is_refused(realm: Env) -> None:
    await login(realm.http, "test", "app")
    access = (await password_grant(realm.http, "test", "app", "attacker", scope="openid")).json()["access_token"]
    assert (await logout(realm, access)).status_code == 400
    assert await still_logged_in(realm)


async def test_the_browsers_own_hint_logs_out_without_confirmation(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    body = (
        await realm.http.post(
            "/realms/test/protocol/openid-connect/token",
            data={
                "grant_type": "authorization_code",
                "code": params["code"],
                "client_id": "app",
                "client_secret": "secret",
                "redirect_uri": REDIRECT,
            },
        )
    ).json()
    response = await logout(realm, body["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT + "?state=s"
    assert not await still_logged_in(realm)


async def test_a_hint_without_a_browser_session_ends_the_hinted_session(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", "attacker", scope="openid")
    body = response.json()
    assert (await logout(realm, body["id_token"])).status_code == 302
    refreshed = await realm.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": "app",
            "client_secret": "secret",
        },
    )
    assert refreshed.status_code == 400


async def test_the_confirmation_keeps_the_validated_redirect(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"post.logout.redirect.uris": "+"})
    await login(realm.http, "test", "app")
    page = await logout(realm, await id_token(realm))
    fields = form_fields(page.text)
    assert fields["post_logout_redirect_uri"] == REDIRECT and fields["state"] == "s"
    assert code_from(await submit(realm.http, page))["state"] == "s"


# Keycloak 26's LogoutEndpoint parameter rules (status, page text, confirmation or not).


async def test_a_redirect_without_hint_or_client_id_is_a_missing_parameter(realm: Env) -> None:
    await login(realm.http, "test", "app")
    for value in (REDIRECT, "", "http://evil.example/"):
        response = await realm.http.get(LOGOUT, params={"post_logout_redirect_uri": value})
        assert response.status_code == 400 and "Missing parameters: id_token_hint" in response.text
    assert await still_logged_in(realm)


async def test_an_empty_hint_is_an_invalid_hint(realm: Env) -> None:
    await login(realm.http, "test", "app")
    response = await realm.http.get(LOGOUT, params={"id_token_hint": ""})
    assert response.status_code == 400 and "Invalid parameter: id_token_hint" in response.text
    assert await still_logged_in(realm)


async def test_a_hint_for_another_client_than_client_id_is_refused(realm: Env) -> None:
    await seed_client(
        realm.db,
        "test",
        "other-app",
        redirect_uris=("http://127.0.0.1:9999/*",),
        attributes={"post.logout.redirect.uris": "+"},
    )
    await login(realm.http, "test", "app")
    for method in ("GET", "POST"):
        hint = await id_token(realm)
        fields = {"id_token_hint": hint, "client_id": "other-app", "post_logout_redirect_uri": REDIRECT}
        response = await (
            realm.http.get(LOGOUT, params=fields) if method == "GET" else realm.http.post(LOGOUT, data=fields)
        )
        assert response.status_code == 400 and "Invalid parameter: id_token_hint" in response.text
    assert await still_logged_in(realm)


async def test_an_unknown_client_id_asks_and_never_redirects(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await realm.http.get(LOGOUT, params={"client_id": "nobody"})
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    response = await realm.http.get(LOGOUT, params={"client_id": "nobody", "post_logout_redirect_uri": REDIRECT})
    assert response.status_code == 400 and "Invalid redirect uri" in response.text
    assert await still_logged_in(realm)


async def test_client_id_alone_asks_while_the_browser_is_logged_in(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await realm.http.get(LOGOUT, params={"client_id": "app", "post_logout_redirect_uri": REDIRECT})
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    assert await still_logged_in(realm)


async def test_client_id_alone_without_a_browser_session_goes_straight_back(realm: Env) -> None:
    response = await realm.http.get(
        LOGOUT, params={"client_id": "app", "post_logout_redirect_uri": REDIRECT, "state": "s"}
    )
    assert response.status_code == 302 and response.headers["location"] == REDIRECT + "?state=s"


async def test_a_matching_client_id_and_hint_log_out_without_confirmation(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    body = (
        await realm.http.post(
            "/realms/test/protocol/openid-connect/token",
            data={
                "grant_type": "authorization_code",
                "code": params["code"],
                "client_id": "app",
                "client_secret": "secret",
                "redirect_uri": REDIRECT,
            },
        )
    ).json()
    response = await logout(realm, body["id_token"], client_id="app")
    assert response.status_code == 302 and response.headers["location"] == REDIRECT + "?state=s"
    assert not await still_logged_in(realm)


async def test_a_confirmed_hint_for_another_session_ends_only_that_session(realm: Env) -> None:
    """LogoutEndpoint.doBrowserLogout ends the hinted session alone; finishBrowserLogout expires the browser's
    cookies, but the browser's own session stays in the store and its refresh token still works."""
    params = await login(realm.http, "test", "app")
    mine = (await exchange(realm.http, "test", "app", params["code"])).json()
    theirs = (await password_grant(realm.http, "test", "app", "attacker", scope="openid")).json()
    page = await logout(realm, theirs["id_token"])
    done = await submit(realm.http, page)
    assert done.status_code == 302 and done.headers["location"] == REDIRECT + "?state=s"
    expired = {c.split("=", 1)[0] for c in done.headers.get_list("set-cookie") if "Max-Age=0" in c}
    assert {"KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION"} <= expired, done.headers.get_list("set-cookie")
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(theirs["session_state"], False) is None
        assert await tx.sessions.get_user_session(mine["session_state"], False) is not None
    assert (await refreshed(realm, mine["refresh_token"])).status_code == 200, "the browser's session must survive"
    assert (await refreshed(realm, theirs["refresh_token"])).status_code == 400
    assert not await still_logged_in(realm)  # its identity cookie is gone, so the browser logs in again


async def test_a_hint_for_the_browsers_own_session_ends_it(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    mine = (await exchange(realm.http, "test", "app", params["code"])).json()
    other = (await password_grant(realm.http, "test", "app", "user1", scope="openid")).json()
    assert (await logout(realm, mine["id_token"])).status_code == 302
    assert (await refreshed(realm, mine["refresh_token"])).status_code == 400
    assert (await refreshed(realm, other["refresh_token"])).status_code == 200, "an unnamed session is untouched"


async def refreshed(env: Env, token: str) -> httpx.Response:
    return await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": token, "client_id": "app", "client_secret": "secret"},
    )
