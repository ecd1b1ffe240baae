"""Hostile: session 68's ``kc_action=webauthn-register-passwordless:skip_if_exists`` and its kin. Registering a
passkey through an old SSO session still asks for re-authentication first (the kc_action's max auth age, five
minutes), whatever parameter rides on the action; a malformed parameter is no 500 and skips nothing."""

from __future__ import annotations

import pytest

from browser_flow import start
from hostile_s68n_support import is_register_page, login_user
from passkeys_support import PASSKEY, bind_choice_flow
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

PASSWORDLESS = "webauthn-register-passwordless"


@pytest.fixture
async def aia(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    await bind_choice_flow(env, PASSKEY, "s68n")
    await login_user(env)
    return env


async def test_an_old_login_reauthenticates_before_registering(aia: Env) -> None:
    aia.clock.advance(301)
    for action in (PASSWORDLESS, f"{PASSWORDLESS}:skip_if_exists", "webauthn-register:skip_if_exists"):
        page = await start(aia.http, "test", "app", kc_action=action)
        assert page.status_code == 200 and not is_register_page(page), (action, page.text[:500])
        assert 'name="username"' in page.text or 'name="password"' in page.text, (action, page.text[:800])


@pytest.mark.parametrize(
    "action",
    [
        f"{PASSWORDLESS}:",
        f"{PASSWORDLESS}::skip_if_exists",
        f"{PASSWORDLESS}:SKIP_IF_EXISTS",
        f"{PASSWORDLESS}:skip_if_exists:skip_if_exists",
        f"{PASSWORDLESS}:" + "x" * 5000,
        f"{PASSWORDLESS}:\u00e9",
        ":skip_if_exists",
        f"{PASSWORDLESS.upper()}:skip_if_exists",
    ],
)
async def test_malformed_action_parameters(aia: Env, action: str) -> None:
    """No 500; a user without a passkey is never passed over by a parameter that is not exactly skip_if_exists."""
    page = await start(aia.http, "test", "app", kc_action=action)
    assert page.status_code < 500, (action, page.status_code, page.text[:500])
    location = page.headers.get("location", "")
    assert "kc_action_status=success" not in location, (action, location)
