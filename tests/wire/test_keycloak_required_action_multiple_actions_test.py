"""Keycloak's RequiredActionMultipleActionsTest (testsuite/integration-arquillian/tests/base/.../actions/
RequiredActionMultipleActionsTest.java) over HTTP: a user with UPDATE_PROFILE and UPDATE_PASSWORD (the realm's
``configureTestRealm``) does both before the login ends, each action's events carry the same ``code_id``, and
the LOGIN's session is the one that id names. One app for the module (``group_port.shared_env``), the realm
imported anew for the test with ``editUsernameAllowed`` (LoginUpdateProfileEditUsernameAllowedPage).

The Java test accepts either order; it ran on Keycloak 26's default priorities (UPDATE_PASSWORD 30, UPDATE_PROFILE
40), which the port gives its realm (``register_port.rank_as_keycloak_26``) and so asserts the password page first.
The new-framework class asserts the profile page first (Keycloak 26.7 ranks UPDATE_PASSWORD 57, as Doorkeep's new
realms do), ported as a second test on the realm as imported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from group_port import fresh_realm
from otp_port import USER, Events, auth_response, client_rep, login, open_login, user_rep
from register_port import rank_as_keycloak_26
from required_action_order import expect_required_action
from reset_password_port import change_password, is_update_password_page
from update_profile_port import is_update_profile_page, update
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    user = user_rep(USER, firstName="Tom", lastName="Brady", requiredActions=["UPDATE_PROFILE", "UPDATE_PASSWORD"])
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "editUsernameAllowed": True,
        "clients": [client_rep()],
        "users": [user],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep)
    yield env
    env.http.cookies.clear()


async def test_update_profile_and_password(kc: Env) -> None:
    """updateProfileAndPassword, on Keycloak 26's ranks."""
    await rank_as_keycloak_26(kc)
    events = Events(kc)
    page = await login(kc, await open_login(kc))
    assert is_update_password_page(page), page.text[:800]
    page = await change_password(kc, page, "new-password", "new-password")
    updated = await expect_required_action(events, "UPDATE_PASSWORD", credential_type="password")
    code_id = updated["details"]["code_id"]
    await expect_required_action(events, "UPDATE_CREDENTIAL", credential_type="password", code_id=code_id)
    assert is_update_profile_page(page), page.text[:800]
    fields = {"username": USER, "firstName": "New first", "lastName": "New last", "email": "new@email.com"}
    answer = await update(kc, page, **fields)
    changes = {"updated_first_name": "New first", "updated_last_name": "New last", "updated_email": "new@email.com"}
    await expect_required_action(events, "UPDATE_PROFILE", previous_email=USER, code_id=code_id, **changes)
    assert "code" in auth_response(answer)
    await events.expect_login(username=USER, session=code_id)
    await events.none_left()


async def test_update_profile_and_password_with_keycloak_26_7_ranks(kc: Env) -> None:
    """The new-framework updateProfileAndPassword (tests/base/.../tests/actions/): the profile page first, as
    Keycloak 26.7 ranks UPDATE_PASSWORD (57) after UPDATE_PROFILE (40), the realm's defaults. Both actions' events
    share the ``code_id`` the LOGIN's session has."""
    events = Events(kc)
    page = await login(kc, await open_login(kc))
    assert is_update_profile_page(page), page.text[:800]
    fields = {"username": USER, "firstName": "New first", "lastName": "New last", "email": "new@email.com"}
    page = await update(kc, page, **fields)
    changes = {"updated_first_name": "New first", "updated_last_name": "New last", "updated_email": "new@email.com"}
    updated = await expect_required_action(events, "UPDATE_PROFILE", previous_email=USER, **changes)
    code_id = updated["details"]["code_id"]
    assert is_update_password_page(page), page.text[:800]
    answer = await change_password(kc, page, "new-password", "new-password")
    await expect_required_action(events, "UPDATE_PASSWORD", credential_type="password", code_id=code_id)
    await expect_required_action(events, "UPDATE_CREDENTIAL", credential_type="password", code_id=code_id)
    assert "code" in auth_response(answer)
    await events.expect_login(username=USER, session=code_id)
    await events.none_left()
