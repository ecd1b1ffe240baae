"""Security sweep (session 59, second pass) of ``--features-disabled=account``: the Account Console under every
spelling a browser or an attacker might send (trailing and doubled slashes, case, percent-escapes, path
parameters, the sign-in callback, a form post) is never served and never starts a sign-in while the feature is
off (Keycloak: no AccountResourceProvider, AccountLoader's NotFoundException; JAX-RS paths are case-sensitive)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import httpx
import pytest

from wire_env import Env, another_worker

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]
HTML = {"Accept": "text/html"}
NOT_NORMALIZED = ("//", "%61ccount", ";x=y")  # refused before routing: 400 missingNormalization
SPELLINGS = (
    "/realms/test/account",
    "/realms/test/account/",
    "/realms/test/account//",
    "/realms/test/account/applications/",
    "/realms/test/account//applications",
    "/realms/test/ACCOUNT/",
    "/realms/test/Account",
    "/realms/test/%61ccount/",
    "/realms/test/account%2F",
    "/realms/test/account%2Fapplications",
    "/realms/test/account;x=y/",
    "/realms/test/account/;x=y",
    "/realms/test/account/?referrer=app",
    "/realms/test/account/callback?code=x&state=y",
    "/realms/test/account/#/personal-info",
)


@pytest.fixture
async def off(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    disabled = dataclasses.replace(env, settings=dataclasses.replace(env.settings, features_disabled="account"))
    async with another_worker(disabled) as http:
        yield http


async def test_no_spelling_of_the_console_is_served_or_starts_a_sign_in(off: httpx.AsyncClient) -> None:
    """Held: each spelling is the 404 (an error page for a browser), or the path normalization's 400."""
    for path in SPELLINGS:
        expected = 400 if any(part in path.split("?")[0] for part in NOT_NORMALIZED) else 404
        for headers in (HTML, {}):
            answer = await off.get(path, headers=headers)
            assert answer.status_code == expected, (path, headers, answer.status_code, answer.headers.get("location"))
            assert "location" not in answer.headers, path
            assert "Account Console" not in answer.text, path
            assert "set-cookie" not in answer.headers, path
    for path in ("/realms/test/account/", "/realms/test/account/applications"):
        posted = await off.post(path, data={"x": "y"}, headers=HTML)
        assert posted.status_code in (404, 405), (path, posted.status_code)
        assert "location" not in posted.headers, path
