"""Keycloak's OAuthDanceClientSessionExtensionTest (testsuite/.../oauth/OAuthDanceClientSessionExtensionTest.java),
its one method ported: a login, its code exchanged and the refresh token used, each step's event naming the
previous one's ids.

The realm is the slice of testrealm.json the OIDC ports share (oidc_port_realm.py), events of every type the
testsuite's listener keeps, REFRESH_TOKEN among them.
"""

from __future__ import annotations

import pytest

from access_token_realm import APP, SECRET, USER
from browser_flow import exchange, login
from oidc_port_realm import expect_code_to_token, expect_login, expect_refresh, import_realm
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


async def test_do_oauth_dance_with_client_session_state_and_host(kc: Env) -> None:
    """OAuthDanceClientSessionExtensionTest.doOauthDanceWithClientSessionStateAndHost: LOGIN (its session and
    code_id), CODE_TO_TOKEN for that code and session, then REFRESH_TOKEN naming the refresh token the code
    gave, in the same session."""
    code = (await login(kc.http, "test", APP, USER))["code"]
    login_event = await expect_login(kc)
    session_id, code_id = login_event["sessionId"], login_event["details"]["code_id"]
    tokens = await exchange(kc.http, "test", APP, code, secret=SECRET)
    assert tokens.status_code == 200, tokens.text
    token_event = await expect_code_to_token(kc, code_id, session_id)
    assert token_event["details"]["refresh_token_id"] == claims(tokens.json()["refresh_token"])["jti"]
    refreshed = await refresh(kc.http, "test", APP, tokens.json()["refresh_token"], secret=SECRET)
    assert refreshed.status_code == 200, refreshed.text
    await expect_refresh(kc, token_event["details"]["refresh_token_id"], session_id, "Refresh")
