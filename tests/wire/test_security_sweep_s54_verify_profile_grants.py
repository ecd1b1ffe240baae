"""An attacker's sweep of VERIFY_PROFILE at the direct grant and at prompt=none (session 53): a refusal leaves no
session, offline session or token behind, the events and the answer never carry the user's attribute values, and
no spelling of ``scope`` gets a token for a scope whose required attribute the user lacks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from browser_flow import REDIRECT, code_from, start
from group_port import fresh_realm
from keycloak_port import get, poll, update_user, user_id
from support import token_url
from wire import test_verify_profile_grants as grants
from wire.test_verify_profile_grants import DEPARTMENT, anyio_backend, env, shared_env
from wire_env import Env

__all__ = ["anyio_backend", "env", "shared_env"]  # test_verify_profile_grants' app

pytestmark = pytest.mark.anyio
SECRET_LAST = "Zanzibar-7731"  # a value the user has, which no refusal may echo


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """test_verify_profile_grants' realm, its client ``app`` also offered ``offline_access``."""
    rep = grants.realm_rep()
    rep["clientScopes"].append({"name": "offline_access", "protocol": "openid-connect"})
    rep["clients"][0]["optionalClientScopes"].append("offline_access")
    rep["roles"] = {"realm": [{"name": "offline_access"}]}
    env.http.cookies.clear()
    await fresh_realm(env, rep, verify_profile=True)
    yield env
    env.http.cookies.clear()


async def sessions_of(kc: Env, username: str) -> tuple[int, int]:
    """The user's online and offline sessions."""
    uid = await user_id(kc, username)
    async with kc.db.transaction() as tx:
        online = await tx.sessions.user_sessions_of(uid, False)
        offline = await tx.sessions.user_sessions_of(uid, True)
    return len(online), len(offline)


async def events(kc: Env) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await get(kc, "/events")
    return found


async def test_a_refused_grant_for_offline_access_leaves_no_session_of_any_kind(kc: Env) -> None:
    await update_user(kc, "nameless", lastName=SECRET_LAST)
    await poll(kc)
    response = await grants.grant(kc, "nameless", scope="openid offline_access")
    assert (response.status_code, response.json()) == (400, grants.NOT_SET_UP), response.text
    assert "refresh_token" not in response.text and "access_token" not in response.text
    assert await sessions_of(kc, "nameless") == (0, 0)


async def test_no_refusal_echoes_the_users_values(kc: Env) -> None:
    """The answer and the LOGIN_ERROR event name the reason, never a value the user has (here the last name; the
    first name is what is missing)."""
    await update_user(kc, "nameless", lastName=SECRET_LAST)
    await poll(kc)
    response = await grants.grant(kc, "nameless")
    assert response.status_code == 400, response.text
    assert SECRET_LAST not in response.text
    found = await events(kc)
    assert found and all(SECRET_LAST not in json.dumps(e) for e in found), found


SCOPE_SPELLINGS = [
    f"openid {DEPARTMENT}",
    DEPARTMENT,
    f"openid  {DEPARTMENT}",
    f" {DEPARTMENT} ",
    f"openid\t{DEPARTMENT}",
    f"openid\n{DEPARTMENT}",
    f"openid {DEPARTMENT} {DEPARTMENT}",
    f"openid+{DEPARTMENT}",
    f"openid,{DEPARTMENT}",
    f"{DEPARTMENT.upper()}",
    f"openid {DEPARTMENT}\x00",
]


@pytest.mark.parametrize("scope", SCOPE_SPELLINGS)
async def test_no_scope_spelling_gets_a_token_for_a_scope_whose_attribute_is_missing(kc: Env, scope: str) -> None:
    """``department`` is required where its scope is requested and ``named`` has none: a grant is either refused
    (not set up, or a bad scope) or its tokens do not hold the scope."""
    await grants.department_required_for_its_scope(kc)
    response = await grants.grant(kc, "named", scope=scope)
    if response.status_code == 200:
        assert DEPARTMENT not in response.json()["scope"].split(), (scope, response.json()["scope"])
        refreshed = await kc.http.post(
            token_url("test"),
            data={
                "grant_type": "refresh_token",
                "refresh_token": response.json()["refresh_token"],
                "client_id": "app",
                "client_secret": "secret",
                "scope": f"openid {DEPARTMENT}",
            },
        )
        # a refresh may narrow, never widen (TokenManager.refreshAccessToken: the scope must be in the original)
        if refreshed.status_code == 200:
            assert DEPARTMENT not in refreshed.json()["scope"].split(), refreshed.json()["scope"]
    else:
        assert response.status_code in (400, 401), response.text
        assert response.json()["error"] in ("invalid_grant", "invalid_scope"), response.text
    assert await sessions_of(kc, "named") == ((1, 0) if response.status_code == 200 else (0, 0))


async def test_prompt_none_refused_issues_no_code_and_adds_no_session(kc: Env) -> None:
    assert "code" in await grants.signed_in(kc, "named")
    assert await sessions_of(kc, "named") == (1, 0)
    await update_user(kc, "named", firstName="")
    for scope in ("openid", f"openid {DEPARTMENT}", "openid offline_access"):
        params = code_from(await start(kc.http, "test", "app", prompt="none", scope=scope))
        assert params.get("error") == "interaction_required" and "code" not in params, (scope, params)
    assert await sessions_of(kc, "named") == (1, 0)


async def test_prompt_none_for_a_scope_cannot_be_traded_for_one_without_it(kc: Env) -> None:
    """The passive login for ``department`` is refused; a second passive login without the scope gets a code,
    whose tokens do not hold the scope either."""
    await grants.department_required_for_its_scope(kc)
    assert "code" in await grants.signed_in(kc, "named")
    refused = code_from(await start(kc.http, "test", "app", prompt="none", scope=f"openid {DEPARTMENT}"))
    assert refused.get("error") == "interaction_required", refused
    granted = code_from(await start(kc.http, "test", "app", prompt="none"))
    tokens = await kc.http.post(
        token_url("test"),
        data={
            "grant_type": "authorization_code",
            "code": granted["code"],
            "redirect_uri": REDIRECT,
            "client_id": "app",
            "client_secret": "secret",
        },
    )
    assert tokens.status_code == 200, tokens.text
    assert DEPARTMENT not in tokens.json()["scope"].split()


async def test_a_refused_grant_is_no_password_oracle_beyond_the_password_check(kc: Env) -> None:
    """The profile is judged after the password (ResourceOwnerPasswordCredentialsGrantType): a wrong password for
    a user whose profile fails answers exactly as for any wrong password."""
    wrong = await grants.grant(kc, "nameless", password="not-it")
    unknown = await grants.grant(kc, "no-such-user", password="not-it")
    assert (
        (wrong.status_code, wrong.json())
        == (unknown.status_code, unknown.json())
        == (
            400,
            {"error": "invalid_grant", "error_description": "Invalid user credentials"},
        )
    )
