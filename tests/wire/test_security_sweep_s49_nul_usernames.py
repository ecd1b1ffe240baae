"""Security sweep s49 (review L1 and the engines' parity): a NUL character in the name a user signs in with. No
user can have one (PostgreSQL refuses a NUL in text), and SQLite found none, so it answered "Invalid user
credentials" and the login page's "Invalid username or password."; PostgreSQL refused the lookup itself and
answered a JSON 400 "Invalid input", the login form included. Now the lookups by username and e-mail find no one
on both engines, as the client lookup already did (store/realms.py), and both answer as for an unknown user.
The account API's session removals likewise: a NUL in the id is an unknown session (204), not a JSON 400."""

from __future__ import annotations

import pytest

from browser_flow import form_action, start
from support import password_grant, seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("name", ["us\x00er1", "user1@example.org\x00"])
async def test_a_nul_in_the_password_grants_username_is_an_unknown_user(env: Env, name: str) -> None:
    await seed_login_realm(env.db, env.clock)
    answer = await password_grant(env.http, "test", "app", name, "password", secret="secret")
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}


async def test_a_nul_in_the_login_forms_username_is_the_login_page_again(env: Env) -> None:
    await seed_login_realm(env.db, env.clock)
    page = await start(env.http, "test", "app")
    posted = await env.http.post(form_action(page.text), data={"username": "us\x00er1", "password": "password"})
    assert posted.status_code == 200, posted.text
    assert "Invalid username or password." in posted.text


@pytest.mark.parametrize("kind", ["sessions", "offline-sessions"])
async def test_a_nul_in_an_account_session_id_is_an_unknown_session(env: Env, kind: str) -> None:
    """``DELETE /account/sessions/{id}`` (and the devices' offline-sessions) answers 204 for a session that is not
    the caller's (SessionResource.logout); a NUL in the id was PostgreSQL's JSON 400 "Invalid input"."""
    await seed_login_realm(env.db, env.clock)
    tokens = (await password_grant(env.http, "test", "app", scope="openid")).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    answer = await env.http.delete(f"/realms/test/account/{kind}/a%00b", headers=headers)
    assert answer.status_code == 204, answer.text
    userinfo = await env.http.get("/realms/test/protocol/openid-connect/userinfo", headers=headers)
    assert userinfo.status_code == 200, userinfo.text  # the caller's own session is untouched
