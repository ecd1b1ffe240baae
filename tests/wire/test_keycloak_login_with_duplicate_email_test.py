"""Keycloak's LoginWithDuplicateEmailTest (testsuite/integration-arquillian/tests/base/.../forms/
LoginWithDuplicateEmailTest.java) over HTTP, with Keycloak 26's answers.

The Java realm sets both ``loginWithEmailAllowed`` and ``duplicateEmailsAllowed``; Keycloak's import sets them in
that order and allowing duplicates turns e-mail login off (RealmAdapter.setDuplicateEmailsAllowed), so here the
realm is imported with duplicates and e-mail login is turned on afterwards, which turns duplicates off and leaves
the addresses shared (as AccessTokenDuplicateEmailsNotCleanedUpTest does). ``login-test1``, ``login-test2``
(password ``password``) and ``login-test3`` (``passwordanother``) share ``loginduplicate@test.com``. The Java class dates from Keycloak 2,
whose user lookup picked among the holders of an address by password and enabled state. Keycloak 26 does not:
the login form looks an ``@`` value up as an e-mail address first (KeycloakModelUtils.findUserByNameOrEmail),
JPA's getUserByEmail throws ModelDuplicateException when several users hold it (``ensureEmailConstraint``), and
the form answers "Username already exists." with a LOGIN_ERROR ``username_in_use`` naming no user
(AbstractUsernameFormAuthenticator.setDuplicateUserChallenge), whatever the password and whoever is disabled.
Each Java method is ported with that answer; the last tests are not in the class and pin the lookup order and
the password grant's answer to the same address (ValidateUsername: 401 ``invalid_request``, no event).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from keycloak_port import forget, import_realm, poll, update_realm, update_user
from login_test_realm import (
    APP,
    SECRET,
    auth_response,
    error,
    expect_login,
    expect_login_error,
    is_login_page,
    login,
    open_login_form,
    username_value,
)
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

PASSWORD = "password"
PASSWORD_3 = "passwordanother"
EMAIL = "loginduplicate@test.com"
USERNAME_EXISTS = "Username already exists."  # Messages.USERNAME_EXISTS


def _user(username: str, password: str, email: str = EMAIL) -> dict[str, Any]:
    credentials = [{"type": "password", "value": password, "temporary": False}]
    return {"username": username, "email": email, "enabled": True, "credentials": credentials}


def realm_rep() -> dict[str, Any]:
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "duplicateEmailsAllowed": True,
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "directAccessGrantsEnabled": True,
            }
        ],
        "users": [
            _user("login-test1", PASSWORD),
            _user("login-test2", PASSWORD),
            _user("login-test3", PASSWORD_3),
            # Not in the Java class: a username that is an e-mail address, and the single holder of that address.
            _user("shared@test.com", PASSWORD, email="named@test.com"),
            _user("holder", PASSWORD_3, email="shared@test.com"),
        ],
    }


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    await import_realm(env, realm_rep())
    await update_realm(env, loginWithEmailAllowed=True)
    await poll(env)
    yield env
    forget(env)


async def refused_as_duplicate(env: Env, password: str) -> None:
    """The address typed on the login form: the form again with USERNAME_EXISTS, and a LOGIN_ERROR
    ``username_in_use`` with the typed value and no user or session."""
    page = await login(env, await open_login_form(env), EMAIL, password)
    assert is_login_page(page), page.text[:500]
    assert (username_value(page), error(page)) == (EMAIL, USERNAME_EXISTS)
    event = await expect_login_error(env, "username_in_use", None, username=EMAIL)
    assert "consent" not in event["details"]


async def test_login_invalid_password(kc: Env) -> None:
    """LoginWithDuplicateEmailTest.loginInvalidPassword: Keycloak 26 refuses the shared address before any
    password is checked (Keycloak 2 chose the oldest holder and said invalid_user_credentials)."""
    await refused_as_duplicate(kc, "invalid")


async def test_login_user_with_duplicate_password(kc: Env) -> None:
    """LoginWithDuplicateEmailTest.loginUserWithDuplicatePassword: the password two holders share logs no one in."""
    await refused_as_duplicate(kc, PASSWORD)


async def test_login_user_with_unique_password(kc: Env) -> None:
    """LoginWithDuplicateEmailTest.loginUserWithUniquePassword: nor does the third holder's own password."""
    await refused_as_duplicate(kc, PASSWORD_3)


async def test_login_with_one_disabled_user(kc: Env) -> None:
    """LoginWithDuplicateEmailTest.loginWithOneDisabledUser: a disabled holder still holds the address."""
    await update_user(kc, "login-test1", enabled=False)
    await refused_as_duplicate(kc, PASSWORD)


async def test_login_all_disabled_users_for_password(kc: Env) -> None:
    """LoginWithDuplicateEmailTest.loginAllDisabledUsersForPassword: the one enabled holder is not chosen."""
    await update_user(kc, "login-test1", enabled=False)
    await update_user(kc, "login-test2", enabled=False)
    await refused_as_duplicate(kc, PASSWORD)


async def test_login_all_disabled_users(kc: Env) -> None:
    """LoginWithDuplicateEmailTest.loginAllDisabledUsers: with every holder disabled the answer is the same
    (not Keycloak 2's "Account is disabled")."""
    for name in ("login-test1", "login-test2", "login-test3"):
        await update_user(kc, name, enabled=False)
    await refused_as_duplicate(kc, PASSWORD)


async def test_each_holder_still_logs_in_by_username(kc: Env) -> None:
    """Not in the class: the shared address blocks only the e-mail login; on the form it refused, a holder's
    username and password get the code."""
    page = await login(kc, await open_login_form(kc), EMAIL, PASSWORD_3)
    assert error(page) == USERNAME_EXISTS
    await poll(kc)
    assert "code" in auth_response(await login(kc, page, "login-test3", PASSWORD_3))
    await expect_login(kc, "login-test3", username="login-test3")


async def test_an_address_is_looked_up_as_an_email_before_a_username(kc: Env) -> None:
    """Not in the class: findUserByNameOrEmail tries an ``@`` value as an e-mail address first, so the address
    ``shared@test.com`` is ``holder``'s, not the user named ``shared@test.com``; a wrong password for it names
    ``holder``."""
    page = await login(kc, await open_login_form(kc), "shared@test.com", PASSWORD)
    assert is_login_page(page)
    await expect_login_error(kc, "invalid_user_credentials", "holder", username="shared@test.com")
    assert "code" in auth_response(await login(kc, page, "shared@test.com", PASSWORD_3))
    await expect_login(kc, "holder", username="shared@test.com")


async def test_the_password_grant_refuses_the_shared_address_with_invalid_request(kc: Env) -> None:
    """Not in the class: ValidateUsername answers ModelDuplicateException with 401 ``invalid_request`` "Invalid
    user credentials" and sets no event error, so no LOGIN_ERROR is kept; the single holder's address works."""
    response = await password_grant(kc.http, "test", APP, EMAIL, PASSWORD, secret=SECRET)
    assert response.status_code == 401, response.text
    assert response.json() == {"error": "invalid_request", "error_description": "Invalid user credentials"}
    assert await poll(kc) == []
    response = await password_grant(kc.http, "test", APP, "shared@test.com", PASSWORD_3, secret=SECRET)
    assert response.status_code == 200, response.text
