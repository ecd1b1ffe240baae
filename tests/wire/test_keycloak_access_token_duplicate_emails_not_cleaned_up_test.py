"""Keycloak's AccessTokenDuplicateEmailsNotCleanedUpTest (testsuite/.../oauth/), one test per method: the
``testrealm-duplicate-emails.json`` realm (duplicate_emails_realm.py) after its ``@Before`` turns e-mail login on
through ``PUT /admin/realms/{realm}``, its two users still sharing one e-mail.

As the login looks a user up (KeycloakModelUtils.findUserByNameOrEmail): with e-mail login and an ``@``, the
e-mail first, then the username. An e-mail one user holds signs that user in; an e-mail two users hold is
getUserByEmail's ModelDuplicateException, which the login form answers "Username already exists."
(AbstractUsernameFormAuthenticator.setDuplicateUserChallenge, a LOGIN_ERROR ``username_in_use``) and the password
grant 401 ``invalid_request`` "Invalid user credentials" (ValidateUsername, no event). Turning e-mail login on also
turns ``duplicateEmailsAllowed`` off (RealmAdapter.setLoginWithEmailAllowed); the users keep their e-mails.
"""

from __future__ import annotations

import pytest

import keycloak_port as port
from browser_flow import start, submit
from duplicate_emails_realm import APP, REALM, SHARED, access_token_of, realm_rep, user_id
from login_test_realm import error
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """addTestRealms, then clientConfiguration: ``loginWithEmailAllowed`` set true, nothing else."""
    await port.import_realm(env, realm_rep())
    headers = await port.admin_headers(env)
    response = await env.http.put(f"/admin/realms/{REALM}", json={"loginWithEmailAllowed": True}, headers=headers)
    assert response.status_code == 204, response.text
    return env


async def test_login_with_non_duplicate_email(kc: Env) -> None:
    """AccessTokenDuplicateEmailsNotCleanedUpTest.loginWithNonDuplicateEmail: the e-mail signs its one holder in."""
    token = await access_token_of(kc, "non-duplicate-email-user@localhost")
    assert token["sub"] == await user_id(kc, "non-duplicate-email-user")


async def test_login_with_duplicate_email(kc: Env) -> None:
    """AccessTokenDuplicateEmailsNotCleanedUpTest.loginWithDuplicateEmail: the shared e-mail signs no one in;
    the form comes back with "Username already exists."."""
    page = await start(kc.http, REALM, APP)
    answer = await submit(kc.http, page, username=SHARED, password="password")
    assert answer.status_code == 200, (answer.status_code, answer.headers.get("location"))
    assert error(answer) == "Username already exists."


async def test_login_with_user_having_duplicate_email_by_username(kc: Env) -> None:
    """AccessTokenDuplicateEmailsNotCleanedUpTest.loginWithUserHavingDuplicateEmailByUsername"""
    token = await access_token_of(kc, "duplicate-email-user1")
    assert token["sub"] == await user_id(kc, "duplicate-email-user1")
    assert token["email"] == SHARED


async def test_turning_email_login_on_turns_duplicate_emails_off_and_keeps_the_users(kc: Env) -> None:
    """Beyond the port: the realm now refuses duplicate e-mails (RealmAdapter.setLoginWithEmailAllowed), and the
    two users still hold theirs."""
    headers = await port.admin_headers(kc)
    rep = (await kc.http.get(f"/admin/realms/{REALM}", headers=headers)).json()
    assert (rep["loginWithEmailAllowed"], rep["duplicateEmailsAllowed"]) == (True, False)
    found = await kc.http.get(
        f"/admin/realms/{REALM}/users", params={"email": SHARED, "exact": "true"}, headers=headers
    )
    assert sorted(u["username"] for u in found.json()) == ["duplicate-email-user1", "duplicate-email-user2"]


async def test_shared_email_login_records_username_in_use(kc: Env) -> None:
    """Beyond the port: the refused form records LOGIN_ERROR ``username_in_use`` with the e-mail typed, naming
    no user."""
    headers = await port.admin_headers(kc)
    response = await kc.http.put(f"/admin/realms/{REALM}", json={"eventsEnabled": True}, headers=headers)
    assert response.status_code == 204, response.text
    page = await start(kc.http, REALM, APP)
    await submit(kc.http, page, username=SHARED, password="password")
    events = (
        await kc.http.get(f"/admin/realms/{REALM}/events", params={"type": "LOGIN_ERROR"}, headers=headers)
    ).json()
    assert [(e["error"], e["details"]["username"], e.get("userId")) for e in events] == [
        ("username_in_use", SHARED, None)
    ], events


async def test_password_grant_with_shared_email_is_keycloaks_invalid_request(kc: Env) -> None:
    """Beyond the port: the direct grant's ValidateUsername answers a shared e-mail 401 ``invalid_request``
    "Invalid user credentials"; the e-mail of one user, and a username, sign in."""
    refused = await password_grant(kc.http, REALM, APP, SHARED, secret="password")
    assert refused.status_code == 401, refused.text
    assert refused.json() == {"error": "invalid_request", "error_description": "Invalid user credentials"}
    for typed, username in (
        ("non-duplicate-email-user@localhost", "non-duplicate-email-user"),
        ("duplicate-email-user2", "duplicate-email-user2"),
    ):
        answer = await password_grant(kc.http, REALM, APP, typed, secret="password")
        assert answer.status_code == 200, answer.text
        assert claims(answer.json()["access_token"])["sub"] == await user_id(kc, username)
