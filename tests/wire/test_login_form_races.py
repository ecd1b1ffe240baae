"""One login form posted several times at once, against a real ``doorkeep start-dev`` process (two worker
processes on PostgreSQL, ``concurrent_login_port.server``).

Each form of a login carries its tab's one-time code; Keycloak serialises the posts of one authentication
session, so of ``THREADS`` copies of a form sent together exactly one is processed and the others are answered
as a spent form (SessionCodeChecks: the tab's current page again, "Page has expired", "You are already logged
in.", or the restart of the login): one password or OTP accepted once, one code issued, one required action
applied. Guesses on separate tabs each count towards brute-force detection.
"""

from __future__ import annotations

import functools
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import concurrent_login_port
from concurrent_login_port import (
    PASSWORD,
    REDIRECT,
    USERS,
    Realm,
    authorize,
    exchange,
    post_form,
    realm_on,
    send,
    set_cookies,
    together,
    token,
)
from login_client import to_required_action
from otp_port import otp_credential, totp, totp_secret

server, no_tracebacks = concurrent_login_port.server, concurrent_login_port.no_tracebacks
pytestmark = pytest.mark.usefixtures("no_tracebacks")

THREADS = 8
OTP_SECRET = "a-shared-otp-secret"
CODE_NOT_VALID = "Code not valid"


# What a copy of a form that lost the race gets (SessionCodeChecks): for a spent code of a live tab, the tab's
# current page again (by redirect) or login-page-expired.ftl; once the winner's login ended the tab, the client's
# ``temporarily_unavailable`` / ``authentication_expired``, since the root's user session is there.
PAGE_EXPIRED = "Page has expired"
ALREADY_LOGGED_IN = "error=temporarily_unavailable&error_description=authentication_expired"


def client_codes(answers: list[httpx.Response]) -> list[str]:
    """The authorization codes the answers carry back to the client; every other answer is a spent form's."""
    codes = []
    for answer in answers:
        location = answer.headers.get("location", "") if answer.status_code == 302 else ""
        found = parse_qs(urlsplit(location).query).get("code", []) if location.startswith(REDIRECT) else []
        codes.extend(found)
        spent = "/login-actions/" in location or ALREADY_LOGGED_IN in location or PAGE_EXPIRED in answer.text
        assert found or spent, (answer.status_code, location, answer.text[:500])
    return codes


def all_at_once(realm: Realm, page: httpx.Response, cookies: str, **fields: str) -> list[httpx.Response]:
    """The form of ``page`` posted ``THREADS`` times at once by one browser."""
    return together([functools.partial(post_form, realm, page, cookies, **fields)] * THREADS)


def password_page(realm: Realm, username: str) -> tuple[httpx.Response, str]:
    """The page the login shows once the password form is through, and the browser's cookies then."""
    page = authorize(realm, "test-app")
    cookies = set_cookies(page)
    after = post_form(realm, page, cookies, username=username, password=PASSWORD)
    if to_required_action(after):  # redirectToRequiredActions: the page is its URL's GET, as a browser follows it
        cookies = set_cookies(after, cookies)
        after = send(realm, "GET", after.headers["location"], cookies)
    assert after.status_code == 200, (after.status_code, after.text[:300])
    return after, set_cookies(after, cookies)


def exchanged_once(realm: Realm, code: str) -> None:
    """The one code is good for one token response (the code exchange stays single-use; its reuse detaches the
    client session, as Keycloak's)."""
    assert exchange(realm, "test-app", code).status_code == 200
    again = exchange(realm, "test-app", code)
    assert again.status_code == 400, again.text
    assert again.json()["error_description"] == CODE_NOT_VALID


def new_user(realm: Realm, username: str, **rep: Any) -> str:
    password = {"type": "password", "value": PASSWORD, "temporary": False}
    credentials = [password, *rep.pop("credentials", [])]
    user = {"username": username, "enabled": True, "credentials": credentials, **rep}
    realm.admin("POST", "/users", user, status=201)
    return realm.user_id(username)


def test_the_password_form_posted_at_once_logs_in_once(server: Any) -> None:
    with realm_on(server, 0, eventsEnabled=True) as realm:
        page = authorize(realm, "test-app")
        cookies = set_cookies(page)
        answers = all_at_once(realm, page, cookies, username=USERS[0], password=PASSWORD)
        (code,) = client_codes(answers)
        (session,) = realm.sessions_of(USERS[0])
        assert list(session["clients"].values()) == ["test-app"]
        exchanged_once(realm, code)
        logins = realm.admin("GET", "/events?type=LOGIN").json()
        assert len(logins) == 1, logins


def test_the_otp_form_posted_at_once_accepts_the_code_once(server: Any) -> None:
    with realm_on(server, 0) as realm:
        user_id = new_user(realm, "otp-user", credentials=[otp_credential(OTP_SECRET)])
        page, cookies = password_page(realm, "otp-user")
        assert 'name="otp"' in page.text, page.text[:500]
        answers = all_at_once(realm, page, cookies, otp=totp(OTP_SECRET, int(time.time())))
        (code,) = client_codes(answers)
        exchanged_once(realm, code)
        assert len(realm.admin("GET", f"/users/{user_id}/sessions").json()) == 1


def test_the_configure_otp_form_posted_at_once_stores_one_credential(server: Any) -> None:
    with realm_on(server, 0) as realm:
        user_id = new_user(realm, "new-otp-user", requiredActions=["CONFIGURE_TOTP"])
        page, cookies = password_page(realm, "new-otp-user")
        secret = totp_secret(page)
        answers = all_at_once(realm, page, cookies, totp=totp(secret, int(time.time())))
        (code,) = client_codes(answers)
        exchanged_once(realm, code)
        credentials = realm.admin("GET", f"/users/{user_id}/credentials").json()
        assert sorted(c["type"] for c in credentials) == ["otp", "password"], credentials
        assert realm.admin("GET", f"/users/{user_id}").json()["requiredActions"] == []


def failures_of(realm: Realm, username: str) -> int:
    return int(brute_force_status(realm, username)["numFailures"])


def brute_force_status(realm: Realm, username: str) -> dict[str, Any]:
    found: dict[str, Any] = realm.admin("GET", f"/attack-detection/brute-force/users/{realm.user_id(username)}").json()
    return found


def wrong_guess(realm: Realm, _: int) -> httpx.Response:
    """A wrong password on a login form of a browser of its own."""
    page = authorize(realm, "test-app")
    return post_form(realm, page, set_cookies(page), username=USERS[0], password="wrong")


# Without the quick-login check, whose lockout after two failures within a second would stop the count at 2.
BRUTE_FORCE = {"bruteForceProtected": True, "failureFactor": 100, "quickLoginCheckMilliSeconds": 0}


def test_wrong_passwords_on_separate_tabs_at_once_each_count(server: Any) -> None:
    with realm_on(server, 0, **BRUTE_FORCE) as realm:
        answers = together([functools.partial(wrong_guess, realm, i) for i in range(THREADS)])
        assert [a.status_code for a in answers] == [200] * THREADS
        assert all("Invalid username or password." in a.text for a in answers)
        assert failures_of(realm, USERS[0]) == THREADS


def test_wrong_passwords_at_once_stop_at_the_failure_factor(server: Any) -> None:
    """The lockout check and the failure it records are one step: no guess past the limit is checked, so no
    parallel burst tries more passwords than the realm allows before it locks the user."""
    with realm_on(server, 0, **{**BRUTE_FORCE, "failureFactor": 3}) as realm:
        together([functools.partial(wrong_guess, realm, i) for i in range(THREADS)])
        found = brute_force_status(realm, USERS[0])
        assert (found["numFailures"], found["disabled"]) == (3, True), found


def test_wrong_passwords_of_direct_grants_at_once_each_count(server: Any) -> None:
    with realm_on(server, 0, **BRUTE_FORCE) as realm:
        form = {"grant_type": "password", "username": USERS[0], "password": "wrong"}
        answers = together([functools.partial(token, realm, "test-app", **form)] * THREADS)
        assert [a.status_code for a in answers] == [400] * THREADS
        assert failures_of(realm, USERS[0]) == THREADS


def test_one_form_posted_at_once_with_different_guesses_counts_one(server: Any) -> None:
    """The copies of one form are one attempt: the guesses beyond the first are never checked, so a parallel
    burst on one form neither tries more passwords nor slips past the counter."""
    with realm_on(server, 0, **BRUTE_FORCE) as realm:
        page = authorize(realm, "test-app")
        cookies = set_cookies(page)
        send = functools.partial(post_form, realm, page, cookies, username=USERS[0])
        answers = together([functools.partial(send, password=f"wrong{i}") for i in range(THREADS)])
        checked = [a for a in answers if "Invalid username or password." in a.text]
        assert len(checked) == 1, [a.text[:300] for a in answers]
        assert client_codes([a for a in answers if a not in checked]) == []
        assert failures_of(realm, USERS[0]) == 1


def test_a_second_post_after_the_login_finished_restarts_the_login(server: Any) -> None:
    """The double click seen one post after the other: the first post ended the tab and with it the root, so the
    second finds no tab, no identity cookie (it was sent before the first answer set one) and no root for its
    AUTH_SESSION_ID, which therefore names no user session (AuthenticationSessionManager.getAuthSessionCookies:
    the root must exist); SessionCodeChecks restarts the login from KC_RESTART, back on the tab's login form.
    (Doorkeep told the client ``authentication_expired`` here, resolving the session from a root that was gone;
    Keycloak's RefreshTokenTest.testTimeoutWhenReUsingPreviousAuthenticationSession pins the restart.)"""
    with realm_on(server, 0) as realm:
        page = authorize(realm, "test-app", state="st4te")
        cookies = set_cookies(page)
        (code,) = client_codes([post_form(realm, page, cookies, username=USERS[0], password=PASSWORD)])
        again = post_form(realm, page, cookies, username=USERS[0], password=PASSWORD)
        assert again.status_code == 302, again.text[:300]
        assert "/login-actions/authenticate?client_id=test-app&tab_id=" in again.headers["location"], again.headers
        exchanged_once(realm, code)
