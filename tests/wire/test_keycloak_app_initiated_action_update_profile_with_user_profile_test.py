"""Keycloak's AppInitiatedActionUpdateProfileWithUserProfileTest (testsuite/integration-arquillian/tests/base/
.../actions/) over HTTP: AppInitiatedActionUpdateProfileTest's methods again, the page being the dynamic
user-profile form (``isDynamicForm``) and the realm's user profile reset to the default configuration before each
(``setUserProfileConfiguration(null)``). The class has no method of its own; its 12 inherited ones run here
against the default configuration written through ``PUT users/profile``, with the base module's helpers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from keycloak_port import get, put
from update_profile_port import JOHN, TEST_USER, import_realm, user
from wire.test_keycloak_app_initiated_action_update_profile_test import (
    test_cancel_update_profile,
    test_update_profile,
    test_update_profile_duplicate_username,
    test_update_profile_duplicated_email,
    test_update_profile_expired_cookies,
    test_update_profile_invalid_email,
    test_update_profile_login_first,
    test_update_profile_missing_email,
    test_update_profile_missing_first_name,
    test_update_profile_missing_last_name,
    test_update_profile_missing_username,
    test_update_username,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
INHERITED = (
    test_update_profile,
    test_update_profile_login_first,
    test_cancel_update_profile,
    test_update_username,
    test_update_profile_missing_first_name,
    test_update_profile_missing_last_name,
    test_update_profile_missing_email,
    test_update_profile_invalid_email,
    test_update_profile_missing_username,
    test_update_profile_duplicate_username,
    test_update_profile_duplicated_email,
    test_update_profile_expired_cookies,
)


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """``beforeTest``: the default user profile configuration written, then the base class's users."""
    await import_realm(env, [user(TEST_USER, "Tom", "Brady"), user(JOHN, "John", "Doh")])
    default = await get(env, "/users/profile")
    await put(env, "/users/profile", default, status=200)
    yield env
    env.http.cookies.clear()
