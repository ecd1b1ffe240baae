"""Hostile: the WebAuthn page shown again by a GET (login_webauthn.shown_again, session 68). A user whose keys are
gone meanwhile is passed over the step as the flow would pass a user without one; where the key was the first
factor (the key beside the Password Form, AppInitiatedActionWebAuthnTest's flow) that must lead to the password,
never to a code: a refresh is no way around the first factor."""

from __future__ import annotations

import pytest

from browser_flow import is_password_page, submit
from flow_builder import ADMIN, admin
from hostile_s68n_support import page_url
from passkeys_support import after_username, bind_choice_flow, is_key_page, register_key, user_id
from support import seed_login_realm
from webauthn_port import SoftKey
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def keyed(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def _key_first(env: Env) -> str:
    """user1 with a password and a security key moved first; the key's credential id."""
    await register_key(env, SoftKey())
    await bind_choice_flow(env, alias="s68n")
    uid = await user_id(env)
    stored = (await admin(env, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    key_id = str(next(c["id"] for c in stored if c["type"] == "webauthn"))
    await admin(env, "POST", f"{ADMIN}/users/{uid}/credentials/{key_id}/moveToFirst", None, 204)
    return key_id


async def test_refresh_of_the_first_factor_key_page_signs_nobody_in(keyed: Env) -> None:
    """The key page after the username alone: refreshed, it stays; the key removed by an admin meanwhile, the
    refresh asks for the password (the sub-flow's other alternative), never a code."""
    key_id = await _key_first(keyed)
    page = await after_username(keyed)
    assert is_key_page(page)
    url = page_url(page)
    again = await keyed.http.get(url)
    assert again.status_code == 200 and is_key_page(again), again.text[:500]
    uid = await user_id(keyed)
    await admin(keyed, "DELETE", f"{ADMIN}/users/{uid}/credentials/{key_id}", None, 204)
    refreshed = await keyed.http.get(url)
    assert refreshed.status_code == 200, (refreshed.status_code, refreshed.headers, refreshed.text[:500])
    assert "code=" not in refreshed.headers.get("location", "")
    assert is_password_page(refreshed), refreshed.text[:800]
    wrong = await submit(keyed.http, refreshed, password="not-it")
    assert wrong.status_code == 200 and "code=" not in wrong.headers.get("location", "")


async def test_refresh_for_a_user_left_with_no_credential_signs_nobody_in(keyed: Env) -> None:
    """The same with the password removed too (a key-only user whose key an admin then removed): the refresh
    leaves the sub-flow with nothing to ask, and that is no sign-in."""
    key_id = await _key_first(keyed)
    uid = await user_id(keyed)
    stored = (await admin(keyed, "GET", f"{ADMIN}/users/{uid}/credentials", status=200)).json()
    password_id = next(c["id"] for c in stored if c["type"] == "password")
    await admin(keyed, "DELETE", f"{ADMIN}/users/{uid}/credentials/{password_id}", None, 204)
    page = await after_username(keyed)
    assert is_key_page(page)
    await admin(keyed, "DELETE", f"{ADMIN}/users/{uid}/credentials/{key_id}", None, 204)
    refreshed = await keyed.http.get(page_url(page))
    assert refreshed.status_code < 500, refreshed.text[:500]
    assert "code=" not in refreshed.headers.get("location", ""), refreshed.headers
    assert 'id="authenticateWebAuthnButton"' not in refreshed.text
