"""Keycloak's AuthzEndpointRequestParserCustomConfigTest (tests/base/.../tests/forms/
AuthzEndpointRequestParserCustomConfigTest.java @4d133059): AuthzEndpointRequestParserTest with the OIDC login
protocol's ``req-params-default-max-size`` at 3000 and ``req-params-max-size--login_hint`` at 100 (Doorkeep:
``--spi-login-protocol--openid-connect--req-params-default-max-size`` and ``--oidc-req-params-max-size
login_hint=100``, docs/keycloak-configuration.md). The class overrides ``testParamsLength`` alone; the methods it
inherits are test_kc_new_authz_endpoint_request_parser.py's, under the default limits.
"""

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

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.server_options(oidc_req_params_default_max_size=3000, oidc_req_params_max_sizes=("login_hint=100",)),
]


@pytest.fixture
async def kc(env: Env) -> Env:
    """The realm ``test`` with the browser client ``app`` and a user ``test-user``."""
    await seed_login_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "test-user", email="test@email.org")
    return env


def random_string(length: int) -> str:
    """SecretGenerator.randomString: letters and digits."""
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(length))


def _username_value(page: httpx.Response) -> str:
    field = re.search(r"<input[^>]*\bname=\"username\"[^>]*>", page.text)
    assert field, page.text[:1000]
    value = re.search(r'\bvalue="([^"]*)"', field.group(0))
    return html.unescape(value.group(1)) if value else ""


async def assert_login(env: Env, page: httpx.Response, login_hint_expected: str, state_expected: str | None) -> None:
    """The login page with the hint in the username field, and the code sent back with the state (or none)."""
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:500]
    assert _username_value(page) == login_hint_expected
    answer = code_from(await submit(env.http, page, username="test-user", password="password"))
    assert "code" in answer, answer
    assert answer.get("state") == state_expected
    env.http.cookies.clear()


async def test_params_length(kc: Env) -> None:
    """AuthzEndpointRequestParserCustomConfigTest#testParamsLength"""
    login_hint100, state100 = random_string(100), random_string(100)
    page = await start(kc.http, "test", "app", login_hint=login_hint100, state=state100)
    await assert_login(kc, page, login_hint100, state100)

    # a login hint of 200 is past its own limit, a state of 200 is not
    login_hint200, state200 = random_string(200), random_string(200)
    page = await start(kc.http, "test", "app", login_hint=login_hint200, state=state200)
    await assert_login(kc, page, "", state200)

    state2100 = random_string(2100)  # within the default of 3000
    page = await start(kc.http, "test", "app", state=state2100)
    await assert_login(kc, page, "", state2100)

    page = await start(kc.http, "test", "app", state=random_string(3100))
    await assert_login(kc, page, "", None)
