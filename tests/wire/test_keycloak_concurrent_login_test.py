"""Keycloak's ConcurrentLoginTest (testsuite .../admin/concurrency/ConcurrentLoginTest.java, extends
AbstractConcurrencyTest), ported one method to one test, against a real ``doorkeep start-dev`` process.

The server runs on the database ``DOORKEEP_WIRE_ENGINE`` names (SQLite in its data directory, or a fresh
database of the session's throwaway PostgreSQL, there with two worker processes, so that two requests of a race
can also meet in two processes). Every test works in a realm of its own made through the admin API, as the
Java test's ``@InjectRealm(lifecycle = METHOD)``, with its clients ``client0``.. and users ``username1``..3.
Threads of plain HTTP (``concurrent_login_port``) drive it; any 5xx or 409 fails the test, and so does a
traceback in the server's log.

The Java test's 4 threads and 120 clients are 8 threads and 24 clients here (the test machine has 2 cores);
the counts Keycloak asserts are kept, scaled: ``1 + clients`` client sessions in the single user's session,
2 for a single client, ``1 + clients / 3`` per user for three users.

Where the Java test only counts (``concurrentCodeReuseShouldFail``: one success, the rest errors), the port
also asserts what Keycloak answers and leaves: every loser gets 400 ``invalid_grant`` "Code not valid", and the
reuse detaches the client session the winner's tokens live in (OAuth2CodeParser / AuthorizationCodeGrantType),
so the winner's refresh token is refused with "Session doesn't have required client" while the user session
stays until the admin logs the user out.

Added here, beyond the Java class (the brief of this port): parallel refreshes of one refresh or offline token
with ``revokeRefreshToken`` on (exactly ``refreshTokenMaxReuse + 1`` succeed, one loser is refused for the reuse
and detaches the client session, the rest find it gone) and off (all succeed), and SSO logins racing a logout.

``concurrentLoginSingleUserSingleClientRehash`` is ported as what HTTP can see: ten parallel logins after an
admin password reset under ``hashAlgorithm(pbkdf2-sha256)`` all succeed, and the policy's default (argon2) then
re-hashes the one password credential in place (its id kept), as Keycloak's login does.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

import httpx
import pytest

import concurrent_login_port
from concurrent_login_port import (
    USERS,
    Realm,
    authorize,
    callback,
    exchange,
    login,
    new_id,
    random_redirect,
    realm_on,
    refresh,
    run,
    send,
    together,
)
from interop.server import DoorkeepProcess
from support import claims

server, no_tracebacks = concurrent_login_port.server, concurrent_login_port.no_tracebacks

THREADS = 8
CLIENTS = 24  # a multiple of 3: each of the three users gets the same number of clients
CODE_NOT_VALID = "Code not valid"
MISSING_CLIENT = "Session doesn't have required client"
REUSE_EXCEEDED = "Maximum allowed refresh token reuse exceeded"
SESSION_NOT_ACTIVE = "Session not active"


pytestmark = pytest.mark.usefixtures("no_tracebacks")


def login_task(realm: Realm, user_cookies: list[str], same_client: bool) -> Callable[[int], str]:
    """LoginTask: an SSO login of client ``i`` (or client0) with the cookies of user ``i % users``, its code
    exchanged, the refresh token refreshed; the nonce only in the first ID token. Returns the session id."""

    def task(i: int) -> str:
        client_id = "client0" if same_client else f"client{i}"
        state, nonce, redirect = new_id(), new_id(), random_redirect()
        cookies = user_cookies[i % len(user_cookies)]
        query = callback(authorize(realm, client_id, cookies, state=state, nonce=nonce, redirect_uri=redirect))
        assert query["state"] == state, "Invalid state."
        answer = exchange(realm, client_id, query["code"], redirect)
        assert answer.status_code == 200, f"AccessTokenResponse: client: {client_id}, {answer.text}"
        tokens = answer.json()
        assert "nonce" not in claims(tokens["access_token"])
        assert "nonce" not in claims(tokens["refresh_token"])
        assert claims(tokens["id_token"])["nonce"] == nonce
        refreshed = refresh(realm, client_id, tokens["refresh_token"])
        assert refreshed.status_code == 200, f"AccessTokenResponse: client: {client_id}, {refreshed.text}"
        assert "nonce" not in claims(refreshed.json()["refresh_token"])
        assert "nonce" not in claims(refreshed.json()["id_token"])
        return str(claims(tokens["access_token"])["sid"])

    return task


def run_logins(realm: Realm, user_cookies: list[str], same_client: bool) -> dict[int, str]:
    """The LoginTask ``CLIENTS`` times on ``THREADS`` threads: the session id each login joined."""
    sessions: dict[int, str] = {}
    task = login_task(realm, user_cookies, same_client)

    def recorded(i: int) -> None:
        sessions[i] = task(i)

    run(THREADS, CLIENTS, recorded)
    return sessions


def test_concurrent_login_single_user(server: DoorkeepProcess) -> None:
    with realm_on(server, CLIENTS) as realm:
        _, cookies = login(realm, USERS[0])
        sessions = run_logins(realm, [cookies], same_client=False)
        (session_id,) = set(sessions.values())  # every SSO login joined the one user session
        assert realm.client_sessions_count(USERS[0], session_id) == 1 + CLIENTS


def test_concurrent_login_single_user_single_client_rehash(server: DoorkeepProcess) -> None:
    with realm_on(server, 1) as realm:
        realm.admin("PUT", "", {"passwordPolicy": "hashAlgorithm(pbkdf2-sha256)"}, status=204)
        reset = {"type": "password", "value": "password", "temporary": False}
        realm.admin("PUT", f"/users/{realm.user_id(USERS[0])}/reset-password", reset, status=204)
        realm.admin("PUT", "", {"passwordPolicy": ""}, status=204)

        def fresh_login(_: int) -> None:
            query, _cookies = login(realm, USERS[0])
            assert "code" in query, query

        before = realm.admin("GET", f"/users/{realm.user_id(USERS[0])}/credentials").json()
        assert json.loads(before[0]["credentialData"])["algorithm"] == "pbkdf2-sha256", before
        run(2, 10, fresh_login)
        credentials = realm.admin("GET", f"/users/{realm.user_id(USERS[0])}/credentials").json()
        assert [c["type"] for c in credentials] == ["password"], credentials
        assert credentials[0]["id"] == before[0]["id"]
        assert json.loads(credentials[0]["credentialData"])["algorithm"] == "argon2", credentials


def test_concurrent_login_single_user_single_client(server: DoorkeepProcess) -> None:
    with realm_on(server, CLIENTS) as realm:
        _, cookies = login(realm, USERS[0])
        sessions = run_logins(realm, [cookies], same_client=True)
        (session_id,) = set(sessions.values())
        assert realm.client_sessions_count(USERS[0], session_id) == 2  # test-app and client0


def test_concurrent_login_multiple_users(server: DoorkeepProcess) -> None:
    with realm_on(server, CLIENTS) as realm:
        cookies = [login(realm, username)[1] for username in USERS]
        sessions = run_logins(realm, cookies, same_client=False)
        for n, username in enumerate(USERS):
            (session_id,) = {sid for i, sid in sessions.items() if i % len(USERS) == n}
            assert realm.client_sessions_count(username, session_id) == 1 + CLIENTS // len(USERS)


def test_concurrent_code_reuse_should_fail(server: DoorkeepProcess) -> None:
    with realm_on(server, 1) as realm:
        for iteration in range(10):
            query, _ = login(realm, USERS[0], "client0")
            code = query["code"]
            answers = together([functools.partial(exchange, realm, "client0", code)] * THREADS)
            won = [a for a in answers if a.status_code == 200]
            assert len(won) == 1, (iteration, [a.text for a in answers])
            for lost in (a for a in answers if a.status_code != 200):
                assert_refused(lost, CODE_NOT_VALID)
            # The reuse detached client0 from the session: the winner's refresh token is refused, the user
            # session stays (without clients) until the admin logs the user out.
            tokens = won[0].json()
            assert_refused(refresh(realm, "client0", tokens["refresh_token"]), MISSING_CLIENT)
            (listed,) = realm.sessions_of(USERS[0])
            assert (listed["id"], listed["clients"]) == (tokens["session_state"], {})
            realm.admin("POST", f"/users/{realm.user_id(USERS[0])}/logout", status=204)
            assert realm.sessions_of(USERS[0]) == []


def assert_refused(response: httpx.Response, description: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": description}


def first_refresh_token(realm: Realm, offline: bool) -> str:
    scope = "openid offline_access" if offline else "openid"
    query, _ = login(realm, USERS[0], "client0", scope=scope)
    answer = exchange(realm, "client0", query["code"])
    assert answer.status_code == 200, answer.text
    assert claims(answer.json()["refresh_token"])["typ"] == ("Offline" if offline else "Refresh")
    return str(answer.json()["refresh_token"])


@pytest.mark.parametrize("offline", [False, True], ids=["refresh", "offline"])
@pytest.mark.parametrize("max_reuse", [0, 2])
def test_parallel_refreshes_with_rotation_let_exactly_max_reuse_plus_one_through(
    server: DoorkeepProcess, max_reuse: int, offline: bool
) -> None:
    with realm_on(server, 1, revokeRefreshToken=True, refreshTokenMaxReuse=max_reuse) as realm:
        token = first_refresh_token(realm, offline)
        answers = together([functools.partial(refresh, realm, "client0", token)] * THREADS)
        won = [a for a in answers if a.status_code == 200]
        assert len(won) == max_reuse + 1, [a.text for a in answers]
        # Serialised on the client session: the first use past the limit is refused for the reuse and detaches
        # the client session (TokenManager.validateTokenReuse); the requests after it find no client session.
        refused = sorted(a.json()["error_description"] for a in answers if a.status_code != 200)
        assert refused == sorted([REUSE_EXCEEDED] + [MISSING_CLIENT] * (THREADS - max_reuse - 2)), refused
        assert {a.json()["error"] for a in answers if a.status_code != 200} == {"invalid_grant"}
        for answer in won:  # the successors died with the client session
            assert_refused(refresh(realm, "client0", answer.json()["refresh_token"]), MISSING_CLIENT)


@pytest.mark.parametrize("offline", [False, True], ids=["refresh", "offline"])
def test_parallel_refreshes_without_rotation_all_succeed(server: DoorkeepProcess, offline: bool) -> None:
    with realm_on(server, 1) as realm:
        token = first_refresh_token(realm, offline)
        answers = together([functools.partial(refresh, realm, "client0", token)] * THREADS)
        assert [a.status_code for a in answers] == [200] * THREADS, [a.text for a in answers]
        for answer in (*answers, refresh(realm, "client0", token)):  # the old token and every successor still work
            assert refresh(realm, "client0", answer.json()["refresh_token"]).status_code == 200


def sso_login_outcome(realm: Realm, client_id: str, cookies: str) -> str:
    """One SSO login racing a logout, as far as it gets: each step succeeds or is refused as Keycloak refuses it
    once the session is gone. Returns the refresh token it got, or ''."""
    page = authorize(realm, client_id, cookies)
    if page.status_code == 200:  # the session was gone: the login form
        assert 'name="username"' in page.text, page.text[:300]
        return ""
    answer = exchange(realm, client_id, callback(page)["code"])
    if answer.status_code != 200:
        assert_refused(answer, CODE_NOT_VALID)
        return ""
    token = str(answer.json()["refresh_token"])
    refreshed = refresh(realm, client_id, token)
    if refreshed.status_code != 200:
        assert_refused(refreshed, SESSION_NOT_ACTIVE)
    return token


def end_session(realm: Realm, how: str, refresh_token: str) -> str:
    """The admin's logout of the user, or the client's logout with its refresh token (both end the session)."""
    if how == "admin":
        realm.admin("POST", f"/users/{realm.user_id(USERS[0])}/logout", status=204)
    else:
        form = {"client_id": "test-app", "client_secret": "password", "refresh_token": refresh_token}
        ended = send(realm, "POST", f"{realm.base}/logout", data=form)
        assert ended.status_code == 204, ended.text
    return ""


@pytest.mark.parametrize("logout", ["admin", "refresh_token"])
def test_sso_logins_racing_a_logout_leave_no_session(server: DoorkeepProcess, logout: str) -> None:
    with realm_on(server, THREADS) as realm:
        for _ in range(3):
            query, cookies = login(realm, USERS[0])
            first = exchange(realm, "test-app", query["code"])
            assert first.status_code == 200, first.text
            log_out = functools.partial(end_session, realm, logout, first.json()["refresh_token"])
            logins = [functools.partial(sso_login_outcome, realm, f"client{i}", cookies) for i in range(THREADS - 1)]
            tokens = together([*logins, log_out])
            # Nothing the logins wrote outlived the logout.
            assert realm.sessions_of(USERS[0]) == []
            for i, token in enumerate(tokens[:-1]):
                if token:
                    assert_refused(refresh(realm, f"client{i}", token), SESSION_NOT_ACTIVE)
            assert authorize(realm, "client0", cookies).status_code == 200  # the login form again
