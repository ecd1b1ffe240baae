"""Keycloak's new-framework AuthzEndpointRequestParserTest (tests/base/.../tests/forms/) over HTTP: the authorization
endpoint's default parser limits (AuthzEndpointRequestParser: ``additionalReqParamsMaxNumber`` 5,
``additionalReqParamsMaxSize`` 2000, ``additionalReqParamsMaxOverallSize`` 4000, and the 255 characters of a
login hint): an over-long or surplus extra parameter still gets the login page, a login hint of 500 characters is
not put in the username field, a ``state`` of 4100 characters is not sent back with the code. The realm is
``test`` with the browser client ``app`` and a user ``test-user``."""

from __future__ import annotations

import html
import re
import secrets
import string

import httpx
import pytest

from browser_flow import code_from, start, submit
from support import seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


def random_string(length: int) -> str:
    """SecretGenerator.randomString: letters and digits."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "test-user", email="test@email.org")
    return env


def username_value(page: httpx.Response) -> str:
    """``loginPage.getUsername()``: the username field's value."""
    field = re.search(r"<input[^>]*\bname=\"username\"[^>]*>", page.text)
    assert field, page.text[:1000]
    value = re.search(r'\bvalue="([^"]*)"', field.group(0))
    return html.unescape(value.group(1)) if value else ""


async def assert_login(env: Env, page: httpx.Response, login_hint_expected: str, state_expected: str | None) -> None:
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:500]
    assert username_value(page) == login_hint_expected
    answer = code_from(await submit(env.http, page, username="test-user", password="password"))
    assert "code" in answer, answer
    assert answer.get("state") == state_expected
    env.http.cookies.clear()  # AccountHelper.logout: the next login starts without the session


async def test_authentication_backwards_compatible(kc: Env) -> None:
    """AuthzEndpointRequestParserTest#testAuthenticationBackwardsCompatible."""
    extra = {f"paramkey{i}": f"paramvalue{i}" for i in range(2, 6)}
    page = await start(kc.http, "test", "app", paramkey1_too_long=random_string(2001), **extra, paramkey6_too_many="6")
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:500]


async def test_params_length(kc: Env) -> None:
    """AuthzEndpointRequestParserTest#testParamsLength."""
    login_hint200, state200 = random_string(200), random_string(200)
    page = await start(kc.http, "test", "app", login_hint=login_hint200, state=state200)
    await assert_login(kc, page, login_hint200, state200)

    login_hint500, state500 = random_string(500), random_string(500)
    page = await start(kc.http, "test", "app", login_hint=login_hint500, state=state500)
    await assert_login(kc, page, "", state500)

    page = await start(kc.http, "test", "app", state=random_string(4100))
    await assert_login(kc, page, "", None)
