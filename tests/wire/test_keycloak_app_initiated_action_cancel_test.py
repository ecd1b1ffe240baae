"""Keycloak's AppInitiatedActionCancelTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedActionCancelTest.java) over HTTP: "sending a cancel does not remove a non-AIA required action".
test-user@localhost has UPDATE_PROFILE on the user (``configureTestRealm``); the application asks for the same
action (``doAIA``, ``kc_action=update_profile``). One app for the module (``group_port.shared_env``), the realm
imported anew for each test (``update_profile_port``).

The class is from Keycloak 5-era code: it was removed when AbstractAppInitiatedActionTest lost the constructor
taking the action, and its ``update_profile`` is the old lowercase alias. The ports assert what current
Keycloak does with the same steps, which keeps the class's point:
* the required-action lookup is by exact alias (RealmModel.getRequiredActionProviderByAlias), so
  ``update_profile`` names no registered action and the login ends with ``kc_action_status=error``; the page
  shown is the user's own UPDATE_PROFILE;
* an action that is also on the user is enforced (KC_ACTION_ENFORCED): the page offers no ``cancel-aia``, and a
  ``cancel-aia`` posted anyway is not a cancel (LoginActionsService.isCancelAppInitiatedAction): the form is
  processed and, empty, refused, so the action stays on the user;
* ``silentCancelUpdateProfile``'s ``doAIA(true)`` (a ``silent_cancel`` request, Constants.AIA_SILENT_CANCEL) is
  read by nothing in current Keycloak; what it asserts, a cancel that comes back to the application without
  ``error``/``error_description``, is ported with the action the client may cancel, ``UPDATE_PROFILE`` asked for
  a user who does not have it (john-doh@localhost).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from login_test_realm import auth_response, login, open_login_form
from update_profile_port import (
    JOHN,
    TEST_USER,
    cancel,
    cancel_displayed,
    find_user,
    import_realm,
    is_update_profile_page,
    update,
    user,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    tom = user(TEST_USER, "Tom", "Brady", requiredActions=["UPDATE_PROFILE"])
    await import_realm(env, [tom, user(JOHN, "John", "Doh")])
    yield env
    env.http.cookies.clear()


async def do_aia(kc: Env, action: str = "update_profile") -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action``."""
    return await open_login_form(kc, kc_action=action)


async def test_cancel_update_profile(kc: Env) -> None:
    page = await login(kc, await do_aia(kc), TEST_USER)
    assert is_update_profile_page(page), page.text[:1500]
    assert not cancel_displayed(page)  # the user's own action: not the client's to cancel
    answer = await update(kc, page, **{"cancel-aia": "true"})
    assert is_update_profile_page(answer), (answer.status_code, answer.headers.get("location"))
    assert "UPDATE_PROFILE" in (await find_user(kc, TEST_USER))["requiredActions"]

    kc.http.cookies.clear()  # appPage.logout(): a new browser session
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page), page.text[:1500]


async def test_silent_cancel_update_profile(kc: Env) -> None:
    page = await login(kc, await do_aia(kc, "UPDATE_PROFILE"), JOHN)
    assert is_update_profile_page(page) and cancel_displayed(page)
    params = auth_response(await cancel(kc, page))
    assert params.get("kc_action_status") == "cancelled", params
    assert "error" not in params and "error_description" not in params, params
    assert (await find_user(kc, JOHN))["firstName"] == "John"
