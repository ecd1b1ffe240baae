"""Keycloak's AppInitiatedActionRoleTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedActionRoleTest.java) over HTTP: test-app's client role ``manage-account`` ("Allows
application-initiated actions." in testrealm.json) removed, a logged-in user's ``kc_action=update_profile``.

The class is from Keycloak 5-era code (removed with AbstractAppInitiatedActionTest's constructor), when an
application needed that role to start an action and was shown the error page without it. Current Keycloak has
no such check (AuthenticationManager runs any enabled action whose provider supports being initiated by the
application), and its alias lookup is exact, so the lowercase ``update_profile`` names no registered action: the
login goes back to the application with ``kc_action_status=error`` and no error page. The port asserts that,
and that ``UPDATE_PROFILE`` needs no client role. The realm (``update_profile_port``) has no test-app roles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from login_test_realm import auth_response, login, open_login_form
from update_profile_port import TEST_USER, import_realm, is_update_profile_page, user
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    await import_realm(env, [user(TEST_USER, "Tom", "Brady")])
    yield env
    env.http.cookies.clear()


async def test_role_not_set(kc: Env) -> None:
    auth_response(await login(kc, await open_login_form(kc), TEST_USER))
    params = auth_response(await open_login_form(kc, kc_action="update_profile"))
    assert params.get("kc_action_status") == "error" and "error" not in params, params
    page = await open_login_form(kc, kc_action="UPDATE_PROFILE")
    assert is_update_profile_page(page), page.text[:1500]
