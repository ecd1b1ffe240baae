"""Recovery codes under concurrency and restarts (run with DOORKEEP_WIRE_ENGINE=postgresql for the real race):
the same code posted from two tabs at the same moment, through two server processes, signs in once (the
credential's row lock: users/recovery_codes.use); a restart between the setup page and its POST stores the set the
page showed (the authentication session keeps it, nothing in the process)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re

import httpx
import pytest

from browser_flow import code_from, submit
from doorkeep.users import recovery_codes
from flow_builder import ADMIN, admin, events
from recovery_flow import (
    RECOVERY,
    asked_number,
    credentials,
    give_codes,
    password_page,
    seed,
    two_factor_flow,
    user_rep,
)
from wire_env import Env, another_worker, restarted

pytestmark = pytest.mark.anyio
INVALID = "Invalid recovery authentication code"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


def shown_codes(page: httpx.Response) -> list[str]:
    return re.findall(r'<span class="recovery-code-number">\d+:</span> ([A-Z0-9-]+)</li>', page.text)


async def remaining(env: Env) -> int:
    [stored] = [c for c in await credentials(env) if c["type"] == recovery_codes.TYPE]
    left: int = json.loads(stored["credentialData"])["remainingCodes"]
    return left


async def test_the_same_code_from_two_tabs_at_once_counts_once(realm: Env) -> None:
    """Two tabs, each on its own server process, post the first code together: one signs in, the other is asked
    again for code #2 with "Invalid recovery authentication code"; one code is spent, one LOGIN, one LOGIN_ERROR."""
    env = realm
    await two_factor_flow(env, RECOVERY)
    codes = await give_codes(env)
    async with another_worker(env) as other_http:
        other = dataclasses.replace(env, http=other_http)
        first, second = await password_page(env), await password_page(other)
        assert asked_number(first) == asked_number(second) == 1
        answers = await asyncio.gather(
            submit(env.http, first, recoveryCodeInput=codes[0]),
            submit(other_http, second, recoveryCodeInput=codes[0]),
        )
    signed_in = [a for a in answers if a.status_code == 302]
    refused = [a for a in answers if a.status_code == 200]
    assert len(signed_in) == 1 and len(refused) == 1, [(a.status_code, a.text[:200]) for a in answers]
    assert "code" in code_from(signed_in[0])
    assert INVALID in refused[0].text and asked_number(refused[0]) == 2
    assert await remaining(env) == 11
    assert len(await events(env, "LOGIN")) == 1
    [error] = await events(env, "LOGIN_ERROR")
    assert (error.error, error.details["credential_type"]) == ("invalid_user_credentials", recovery_codes.TYPE)


async def test_a_restart_between_the_setup_page_and_its_post_stores_the_shown_set(realm: Env) -> None:
    env = realm
    user = await user_rep(env)
    await admin(env, "PUT", f"{ADMIN}/users/{user['id']}", {"requiredActions": [recovery_codes.CONFIGURE]}, 204)
    page = await password_page(env)
    shown = shown_codes(page)
    assert len(shown) == recovery_codes.QUANTITY, page.text[:300]
    async with restarted(env) as http:
        http.cookies = env.http.cookies
        assert "code" in code_from(await submit(http, page))
        after = dataclasses.replace(env, http=http)
        assert (await user_rep(after))["requiredActions"] == []
        await two_factor_flow(after, RECOVERY)
        http.cookies.clear()  # a new login, not the SSO session
        asked = await password_page(after)
        assert asked_number(asked) == 1
        assert "code" in code_from(await submit(http, asked, recoveryCodeInput=shown[0]))
    [updated] = await events(env, "UPDATE_CREDENTIAL")
    assert updated.details["credential_type"] == recovery_codes.TYPE
