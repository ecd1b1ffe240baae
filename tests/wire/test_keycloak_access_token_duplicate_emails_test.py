"""Keycloak's ``org.keycloak.testsuite.oauth.AccessTokenDuplicateEmailsTest``, one test per method, against its
``testrealm-duplicate-emails.json`` imported through ``POST /admin/realms`` (without its SMTP server and event
listeners, which no method uses): ``duplicateEmailsAllowed`` on, ``loginWithEmailAllowed`` off, two users sharing
one email. Each signs in by username and gets its own subject; an email never signs anyone in. Beyond the port:
the password grant (the path a backup job uses) follows the same rule, and the Admin REST's exact email search
finds both users.
"""

from __future__ import annotations

import re

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
    await port.import_realm(env, realm_rep())
    return env


async def test_login_form_username_label(kc: Env) -> None:
    """loginFormUsernameLabel: without email login, the field is "Username"."""
    page = await start(kc.http, REALM, APP)
    assert page.status_code == 200, page.text[:300]
    label = re.search(r'<label for="username"[^>]*>([^<]*)</label>', page.text)
    assert label is not None and label.group(1) == "Username", page.text[:1500]


async def test_login_with_non_duplicate_email_user(kc: Env) -> None:
    """loginWithNonDuplicateEmailUser"""
    token = await access_token_of(kc, "non-duplicate-email-user")
    assert token["sub"] == await user_id(kc, "non-duplicate-email-user")
    assert token["email"] == "non-duplicate-email-user@localhost"


async def test_login_with_first_duplicate_email_user(kc: Env) -> None:
    """loginWithFirstDuplicateEmailUser"""
    token = await access_token_of(kc, "duplicate-email-user1")
    assert token["sub"] == await user_id(kc, "duplicate-email-user1")
    assert token["email"] == SHARED


async def test_login_with_second_duplicate_email_user(kc: Env) -> None:
    """loginWithSecondDuplicateEmailUser: the second holder of the email is a user of its own."""
    token = await access_token_of(kc, "duplicate-email-user2")
    assert token["sub"] == await user_id(kc, "duplicate-email-user2")
    assert token["sub"] != await user_id(kc, "duplicate-email-user1")
    assert token["email"] == SHARED


@pytest.mark.parametrize("email", ["non-duplicate-email-user@localhost", SHARED])
async def test_login_with_email_is_refused(kc: Env, email: str) -> None:
    """loginWithNonDuplicateEmail and loginWithDuplicateEmail: "Invalid username or password." on the form."""
    page = await start(kc.http, REALM, APP)
    answer = await submit(kc.http, page, username=email, password="password")
    assert answer.status_code == 200, answer.text[:300]  # the form again, not the app's redirect
    assert error(answer) == "Invalid username or password."


@pytest.mark.parametrize("email", ["non-duplicate-email-user@localhost", SHARED])
async def test_password_grant_by_email_is_refused_and_by_username_answers_each_user(kc: Env, email: str) -> None:
    """Beyond the port: the direct grant signs in by username only here too (400 "Invalid user credentials")."""
    refused = await password_grant(kc.http, REALM, APP, email, secret="password")
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    for username in ("duplicate-email-user1", "duplicate-email-user2"):
        answer = await password_grant(kc.http, REALM, APP, username, secret="password")
        assert answer.status_code == 200, answer.text
        assert claims(answer.json()["access_token"])["sub"] == await user_id(kc, username)


async def test_admin_search_by_shared_email_finds_both_users(kc: Env) -> None:
    """Beyond the port: the exact email search answers every holder of a shared email, by username."""
    response = await kc.http.get(
        f"/admin/realms/{REALM}/users",
        params={"email": SHARED, "exact": "true"},
        headers=await port.admin_headers(kc),
    )
    assert response.status_code == 200, response.text
    assert sorted(u["username"] for u in response.json()) == ["duplicate-email-user1", "duplicate-email-user2"]
