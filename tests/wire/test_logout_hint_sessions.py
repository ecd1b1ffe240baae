"""Which session an ``id_token_hint`` ends at RP-initiated logout (LogoutEndpoint.doBrowserLogout), and when the
hint is refused.

* Offline sessions: doBrowserLogout looks the hinted session up **online only**. Keycloak added an offline
  lookup there (commit 88069cd, issue #40398), which made a plain logout remove offline sessions (issue #44888),
  and removed it again (PR #46479 for issue #46379; 26.4.11, 26.5.6, 26.6.0): a hint naming only an offline
  session finds nothing (LOGOUT_ERROR ``session_expired``), and no RP-initiated logout ever ends an offline
  session.
* checkTokenIssuedAt: a hint issued more than a second before its (online) session started is refused after any
  confirmation: 400 "Session not active.", LOGOUT_ERROR ``invalid_token`` with the reason "Toked issued before
  the user session started" (Keycloak's typo), and nothing ends.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, start, submit
from browser_flow import login as browser_login
from support import claims, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
LOGOUT = "/realms/test/protocol/openid-connect/logout"
BAD_HINT = "Invalid parameter: id_token_hint"
SESSION_NOT_ACTIVE = "Session not active."
ISSUED_BEFORE = "Toked issued before the user session started"
Seen = tuple[str, str | None, str | None, str | None, str | None]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True)
    await seed_client(
        env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",), attributes={"post.logout.redirect.uris": "+"}
    )
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "attacker")
    return env


async def grant(env: Env, username: str = "user1", *, offline: bool = False, realm: str = "test") -> dict[str, Any]:
    """A direct grant; with ``offline_access`` it leaves an offline session and no online one (KEYCLOAK.md 4.3)."""
    scope = "openid offline_access" if offline else "openid"
    response = await password_grant(env.http, realm, "app", username, scope=scope)
    assert response.status_code == 200, response.text
    body = dict(response.json())
    assert claims(body["refresh_token"])["typ"] == ("Offline" if offline else "Refresh")
    return body


async def browser(env: Env) -> dict[str, Any]:
    """user1 logs in through the browser (the SSO cookies land in ``env.http``); the code's token response."""
    params = await browser_login(env.http, "test", "app")
    response = await exchange(env.http, "test", "app", params["code"])
    assert response.status_code == 200, response.text
    return dict(response.json())


async def logout(env: Env, hint: str, **extra: str) -> httpx.Response:
    return await env.http.get(
        LOGOUT, params={"id_token_hint": hint, "post_logout_redirect_uri": REDIRECT, "state": "s", **extra}
    )


async def stored(env: Env, sid: str, offline: bool) -> bool:
    async with env.db.transaction() as tx:
        return await tx.sessions.get_user_session(sid, offline) is not None


async def refreshes(env: Env, body: dict[str, Any]) -> bool:
    response = await refresh(env.http, "test", "app", body["refresh_token"])
    assert response.status_code in (200, 400), response.text
    return response.status_code == 200


async def still_logged_in(env: Env) -> bool:
    return (await start(env.http, "test", "app")).status_code == 302


async def logout_events(env: Env) -> list[Seen]:
    """LOGOUT and LOGOUT_ERROR events, oldest first: type, error, client, user, session."""
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.events.find(test.id, ("LOGOUT", "LOGOUT_ERROR"), ascending=True)
    return [(e.type, e.error, e.client_id, e.user_id, e.session_id) for e in found]


async def logout_error_reason(env: Env) -> str | None:
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        (event,) = await tx.events.find(test.id, ("LOGOUT_ERROR",))
    return event.details.get("reason")


async def user_id(env: Env, body: dict[str, Any]) -> str:
    return str(claims(body["access_token"])["sub"])


def error_text(page: httpx.Response) -> str:
    return page.text.split('id="kc-error-message" class="error">', 1)[1].split("<", 1)[0]


def identity_expired(response: httpx.Response) -> bool:
    return any(c.startswith("KEYCLOAK_IDENTITY=") and "Max-Age=0" in c for c in response.headers.get_list("set-cookie"))


async def restart_later(env: Env, sid: str, seconds: int) -> None:
    """The online session ``sid`` as if it had started ``seconds`` after its tokens were issued."""
    async with env.db.transaction() as tx:
        session = await tx.sessions.get_user_session(sid, False)
        assert session is not None
        await tx.sessions.delete_user_session(sid, False)
        await tx.sessions.create_user_session(dataclasses.replace(session, started=session.started + seconds))


def with_claims(token: str, **changes: Any) -> str:
    """The token with its payload changed and its signature kept: a forgery."""
    header, payload, signature = token.split(".")
    body = {**json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))), **changes}
    encoded = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{header}.{encoded}.{signature}"


# --- 1. A hint naming an offline session: looked up online only --------------------------------------------


async def test_a_hint_naming_only_an_offline_session_ends_nothing_and_still_redirects(realm: Env) -> None:
    offline = await grant(realm, offline=True)
    sid = offline["session_state"]
    assert await stored(realm, sid, True) and not await stored(realm, sid, False)
    response = await logout(realm, offline["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT + "?state=s"
    assert await logout_events(realm) == [("LOGOUT_ERROR", "session_expired", "app", None, None)]
    assert await stored(realm, sid, True), "RP-initiated logout never removes an offline session"
    assert await refreshes(realm, offline)


@pytest.mark.parametrize("owner", ["user1", "attacker"])
async def test_an_offline_hint_in_a_browser_asks_then_ends_only_the_browsers_own_session(
    realm: Env, owner: str
) -> None:
    """The hint names another session than the browser's: confirmation first. Once confirmed, the hinted
    session is not found online (session_expired) and doBrowserLogout ends the browser's own session; the
    offline session (of the same user or another) is untouched."""
    mine = await browser(realm)
    offline = await grant(realm, owner, offline=True)
    page = await logout(realm, offline["id_token"])
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    assert await still_logged_in(realm) and await logout_events(realm) == []
    done = await submit(realm.http, page)
    assert done.status_code == 302 and done.headers["location"] == REDIRECT + "?state=s"
    assert await logout_events(realm) == [
        ("LOGOUT_ERROR", "session_expired", "app", None, None),
        ("LOGOUT", None, "app", await user_id(realm, mine), mine["session_state"]),
    ]
    assert not await stored(realm, mine["session_state"], False)
    assert await stored(realm, offline["session_state"], True) and await refreshes(realm, offline)


async def test_a_hint_for_a_session_both_online_and_offline_ends_only_the_online_one(realm: Env) -> None:
    """An SSO session that then asks for offline_access holds one online and one offline session by one id
    (KEYCLOAK.md 4.3); logout with its hint ends the online one only (KEYCLOAK.md 4.4)."""
    online = await browser(realm)
    sid = online["session_state"]
    again = code_from(await start(realm.http, "test", "app", scope="openid offline_access"))
    offline = (await exchange(realm.http, "test", "app", again["code"])).json()
    assert offline["session_state"] == sid and claims(offline["refresh_token"])["typ"] == "Offline"
    assert await stored(realm, sid, False) and await stored(realm, sid, True)
    response = await logout(realm, offline["id_token"])
    assert response.status_code == 302 and response.headers["location"] == REDIRECT + "?state=s"
    assert await logout_events(realm) == [("LOGOUT", None, "app", await user_id(realm, online), sid)]
    assert not await stored(realm, sid, False) and await stored(realm, sid, True)
    assert not await refreshes(realm, online)
    assert await refreshes(realm, offline)


async def test_a_replayed_hint_ends_nothing_more(realm: Env) -> None:
    """The hint of a session already logged out finds nothing: session_expired, the redirect, and the user's
    newer sessions (online and offline) stay."""
    first = await grant(realm)
    assert (await logout(realm, first["id_token"])).status_code == 302
    newer, offline = await grant(realm), await grant(realm, offline=True)
    for _ in range(2):
        response = await logout(realm, first["id_token"])
        assert response.status_code == 302 and response.headers["location"] == REDIRECT + "?state=s"
    assert [(kind, error) for kind, error, *_ in await logout_events(realm)] == [
        ("LOGOUT", None),
        ("LOGOUT_ERROR", "session_expired"),
        ("LOGOUT_ERROR", "session_expired"),
    ]
    assert await stored(realm, newer["session_state"], False) and await refreshes(realm, newer)
    assert await stored(realm, offline["session_state"], True) and await refreshes(realm, offline)


async def test_a_replayed_offline_hint_never_removes_the_offline_session(realm: Env) -> None:
    offline = await grant(realm, offline=True)
    for _ in range(3):
        assert (await logout(realm, offline["id_token"])).status_code == 302
    assert await stored(realm, offline["session_state"], True) and await refreshes(realm, offline)


async def test_a_forged_hint_naming_another_users_offline_session_is_refused(realm: Env) -> None:
    victim = await grant(realm, offline=True)
    own = await grant(realm, "attacker")
    forged = with_claims(own["id_token"], sid=victim["session_state"], sub=claims(victim["id_token"])["sub"])
    unsigned = ".".join([base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode(), forged.split(".")[1], ""])
    for hint in (forged, unsigned):
        response = await logout(realm, hint)
        assert response.status_code == 400 and error_text(response) == BAD_HINT
        assert "location" not in response.headers
    assert await logout_events(realm) == [("LOGOUT_ERROR", "invalid_token", None, None, None)] * 2
    assert await stored(realm, victim["session_state"], True) and await refreshes(realm, victim)
    assert await stored(realm, own["session_state"], False)


async def test_a_hint_from_another_realm_naming_its_offline_session_is_refused(realm: Env) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "app")
    await seed_user(realm.db, realm.clock, "other", "user1")
    theirs = await grant(realm, offline=True, realm="other")
    response = await logout(realm, theirs["id_token"])
    assert response.status_code == 400 and error_text(response) == BAD_HINT
    assert await logout_events(realm) == [("LOGOUT_ERROR", "invalid_token", None, None, None)]
    assert await stored(realm, theirs["session_state"], True)
    again = await refresh(realm.http, "other", "app", theirs["refresh_token"])
    assert again.status_code == 200, again.text


# --- 2. checkTokenIssuedAt: a hint older than the session it names ------------------------------------------


async def test_a_hint_issued_before_its_session_started_is_refused(realm: Env) -> None:
    body = await grant(realm)
    await restart_later(realm, body["session_state"], 10)
    response = await logout(realm, body["id_token"])
    assert response.status_code == 400 and error_text(response) == SESSION_NOT_ACTIVE
    assert "location" not in response.headers
    assert await logout_events(realm) == [("LOGOUT_ERROR", "invalid_token", "app", None, None)]
    assert await logout_error_reason(realm) == ISSUED_BEFORE
    assert await stored(realm, body["session_state"], False)


@pytest.mark.parametrize(("later", "refused"), [(0, False), (1, False), (2, True)])
async def test_one_second_of_slack_between_the_hint_and_its_session(realm: Env, later: int, refused: bool) -> None:
    """``iat + 1 < started``: a session started a second after the token is still that token's session."""
    body = await grant(realm)
    await restart_later(realm, body["session_state"], later)
    response = await logout(realm, body["id_token"])
    assert response.status_code == (400 if refused else 302)
    assert await stored(realm, body["session_state"], False) is refused


async def test_the_browsers_own_old_hint_leaves_the_browser_logged_in(realm: Env) -> None:
    """The refused logout ends nothing: the session stays, the cookies are kept. (That session started after the
    browser's identity cookie too, so the next authorization request would refuse the cookie and log the session
    out, as UserSessionUtil.findValidSession's checkTokenIssuedAt does for the identity cookie; before Doorkeep
    followed that, this test checked the session by such a request.)"""
    mine = await browser(realm)
    await restart_later(realm, mine["session_state"], 10)
    response = await logout(realm, mine["id_token"])
    assert response.status_code == 400 and error_text(response) == SESSION_NOT_ACTIVE
    assert not identity_expired(response), "a refused logout keeps the browser's cookies"
    assert await logout_events(realm) == [("LOGOUT_ERROR", "invalid_token", "app", None, None)]
    assert await stored(realm, mine["session_state"], False)


async def test_an_old_hint_for_another_session_is_refused_after_the_confirmation(realm: Env) -> None:
    """doBrowserLogout checks the hint's age only once the user has confirmed; then nothing ends, neither the
    hinted session nor the browser's own."""
    mine = await browser(realm)
    theirs = await grant(realm, "attacker")
    await restart_later(realm, theirs["session_state"], 10)
    page = await logout(realm, theirs["id_token"])
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    done = await submit(realm.http, page)
    assert done.status_code == 400 and error_text(done) == SESSION_NOT_ACTIVE
    assert "location" not in done.headers and not identity_expired(done)
    assert await logout_events(realm) == [("LOGOUT_ERROR", "invalid_token", "app", None, None)]
    assert await logout_error_reason(realm) == ISSUED_BEFORE
    assert await stored(realm, theirs["session_state"], False) and await stored(realm, mine["session_state"], False)
    assert await still_logged_in(realm) and await refreshes(realm, mine)


# --- 3. The refused hint's LOGOUT_ERROR reason: the verification's message ----------------------------------


async def refusal_reason(env: Env, hint: str) -> str | None:
    response = await logout(env, hint)
    assert response.status_code == 400 and error_text(response) == BAD_HINT
    assert await logout_events(env) == [("LOGOUT_ERROR", "invalid_token", None, None, None)]
    return await logout_error_reason(env)


async def test_a_hint_that_does_not_verify_is_an_invalid_id_token(realm: Env) -> None:
    """verifyIDTokenSignature: the token does not decode with the realm's keys, "Invalid IDToken"."""
    body = await grant(realm)
    assert await refusal_reason(realm, with_claims(body["id_token"], sid="another")) == "Invalid IDToken"


@pytest.mark.parametrize("hint", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.eyJ0eXAiOiJJRCJ9.", ""])
async def test_a_malformed_hint_is_an_invalid_id_token(realm: Env, hint: str) -> None:
    assert await refusal_reason(realm, hint) == "Invalid IDToken"


async def test_an_access_token_as_hint_names_its_type(realm: Env) -> None:
    """TokenVerifier.TokenTypeCheck(["ID"]): "Token type is incorrect. Expected '[ID]' but was 'Bearer'"."""
    body = await grant(realm)
    reason = await refusal_reason(realm, body["access_token"])
    assert reason == "Token type is incorrect. Expected '[ID]' but was 'Bearer'"
    assert await stored(realm, body["session_state"], False)
