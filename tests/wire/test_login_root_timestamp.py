"""A login finished in one tab moves the browser's root authentication session's timestamp, as Keycloak's
AuthenticationSessionManager.updateAuthenticationSessionAfterSuccessfulAuthentication does when the finished tab is
dropped and others remain: the other tabs' logins live accessCodeLifespan from that moment, and their pages their own
timeouts (ClientSessionCode.isActionActive) from it, not from their own last step."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import REDIRECT, code_from, start, submit
from login_test_realm import is_login_page
from support import seed_login_realm, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def two_tabs(env: Env) -> tuple[httpx.Response, httpx.Response]:
    """Two login forms of one browser (one root authentication session), opened at the same second."""
    waiting = await start(env.http, "test", "app")
    signing_in = await start(env.http, "test", "app")
    assert is_login_page(waiting) and is_login_page(signing_in), signing_in.text[:1500]
    return waiting, signing_in


async def signs_in(env: Env, page: httpx.Response) -> None:
    done = await submit(env.http, page, username="user1", password="password")
    assert done.headers.get("location", "").startswith(REDIRECT), done.text[:1500]
    assert "code" in code_from(done) and "error" not in code_from(done), done.headers["location"]


@pytest.mark.parametrize(("after", "signed_in"), [(59, True), (61, False)])
async def test_the_other_tabs_login_lives_the_access_code_lifespan_from_the_login_finished(
    env: Env, after: int, signed_in: bool
) -> None:
    """AuthenticationSessionManager.updateAuthenticationSessionAfterSuccessfulAuthentication: once tab two signs in
    (1000 s after both tabs opened), the root's other tabs live accessCodeLifespan (60 s) from then, not the root's
    1800 s. Within it tab one's form still signs the user in; after it, the form ends at the client with Keycloak's
    ``temporarily_unavailable`` / ``authentication_expired`` (the browser is signed in, its login tab is gone)."""
    await seed_login_realm(env.db, env.clock, events=True)
    waiting, signing_in = await two_tabs(env)
    env.clock.advance(1000)
    await signs_in(env, signing_in)
    env.clock.advance(after)
    if signed_in:
        await signs_in(env, waiting)
        return
    done = await submit(env.http, waiting, username="user1", password="password")
    assert done.headers.get("location", "").startswith(REDIRECT), done.text[:1500]
    answer = code_from(done)
    assert answer["error"] == "temporarily_unavailable", answer
    assert answer["error_description"] == "authentication_expired" and "code" not in answer, answer


async def test_the_other_tabs_page_gets_its_own_timeout_from_the_login_finished(env: Env) -> None:
    """With a 60 s Login timeout (the root living the 300 s Login Action timeout), tab two signs in at 50 s; tab
    one's form posted at 109 s, 59 s after that, is still answered (isActionActive from the root's timestamp)."""
    await seed_login_realm(env.db, env.clock, events=True)
    await update_realm(env.db, "test", access_code_lifespan_login=60)
    waiting, signing_in = await two_tabs(env)
    env.clock.advance(50)
    await signs_in(env, signing_in)
    env.clock.advance(59)
    await signs_in(env, waiting)
