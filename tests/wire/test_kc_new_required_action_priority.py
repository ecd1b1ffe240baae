"""Keycloak's new-framework RequiredActionPriorityTest (tests/base/.../tests/actions/RequiredActionPriorityTest.java)
over HTTP: executeRequiredActionWithCustomPriorityAppliesSamePriorityToSessionAndUserActions, the method the
old-testsuite port (test_keycloak_required_action_priority_test.py) left for when VERIFY_PROFILE ran. VERIFY_PROFILE
raised above TERMS_AND_CONDITIONS; the user has TERMS_AND_CONDITIONS and an empty last name but not VERIFY_PROFILE,
which VerifyUserProfile.evaluateTriggers puts on the authentication session: the session's action and the user's run
by the same priorities, the profile page first (VERIFY_PROFILE naming lastName, then UPDATE_PROFILE), the terms
next. The realm is the class's (the old port's ``kc`` realm) imported with VERIFY_PROFILE on, as the new framework
imports it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import get, put, user_id
from mail_sink import Sink
from otp_port import USER, Events, auth_response, client_rep, login, open_login, user_rep
from required_action_order import (
    accept_terms,
    enable_action,
    expect_required_action,
    is_terms_page,
    require,
    update_order,
)
from update_profile_port import is_update_profile_page, update
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
NEW_FIRST, NEW_LAST = "New first", "New last"


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "resetPasswordAllowed": True,
        "smtpServer": mail.settings(),
        "clients": [client_rep()],
        "users": [user_rep(USER, firstName="Tom", lastName="Brady", emailVerified=True)],
    }
    env.http.cookies.clear()
    await fresh_realm(env, rep, verify_profile=True)
    await enable_action(env, "TERMS_AND_CONDITIONS")
    yield env
    env.http.cookies.clear()


async def test_execute_required_action_with_custom_priority_applies_same_priority_to_session_and_user_actions(
    kc: Env,
) -> None:
    """RequiredActionPriorityTest#executeRequiredActionWithCustomPriorityAppliesSamePriorityToSessionAndUserActions."""
    events = Events(kc)
    await update_order(kc, ["VERIFY_PROFILE", "TERMS_AND_CONDITIONS"])
    uid = await user_id(kc, USER)
    await put(kc, f"/users/{uid}", {**await get(kc, f"/users/{uid}"), "lastName": ""})
    await require(kc, "TERMS_AND_CONDITIONS")
    assert "VERIFY_PROFILE" not in (await get(kc, f"/users/{uid}"))["requiredActions"]
    page = await login(kc, await open_login(kc))
    assert is_update_profile_page(page), page.text[:800]  # the profile first: the session's VERIFY_PROFILE
    await expect_required_action(events, "VERIFY_PROFILE", fields_to_update="lastName")
    page = await update(kc, page, email=USER, firstName=NEW_FIRST, lastName=NEW_LAST)  # the e-mail as shown

    changes = {"updated_first_name": NEW_FIRST, "updated_last_name": NEW_LAST}
    await expect_required_action(events, "UPDATE_PROFILE", **changes)
    assert is_terms_page(page), page.text[:800]  # then the user's TERMS_AND_CONDITIONS
    answer = await accept_terms(kc, page)
    await expect_required_action(events, "CUSTOM_REQUIRED_ACTION", custom_required_action="TERMS_AND_CONDITIONS")
    assert "code" in auth_response(answer)
    await events.expect_login(username=USER)
