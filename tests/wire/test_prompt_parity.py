"""The ``prompt`` parameter as Keycloak 26 reads it (OIDCAdvancedRequestParamsTest): a space-separated list
(TokenUtil.hasPrompt), and ``prompt=none`` refusing with ``interaction_required`` whenever the user would
have to act (AuthorizationEndpointBase.handleBrowserAuthenticationRequest, OIDCLoginProtocol.translateError)."""

from __future__ import annotations

import pytest

from browser_flow import REDIRECT, code_from, login, start
from doorkeep.model import UPDATE_PASSWORD
from support import seed_login_realm, update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


def redirected_error(params: dict[str, str], error: str) -> None:
    """Keycloak's passive errors carry no error_description."""
    assert params == {"error": error, "state": "st4te", "iss": "http://localhost/realms/test"}, params


async def test_prompt_login_among_other_values_still_asks_for_the_password(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await start(realm.http, "test", "app", prompt="login consent")
    assert page.status_code == 200 and 'name="password"' in page.text


async def test_prompt_none_with_login_is_login_required_despite_the_sso_session(realm: Env) -> None:
    await login(realm.http, "test", "app")
    redirected_error(code_from(await start(realm.http, "test", "app", prompt="none login")), "login_required")


async def test_prompt_none_among_other_values_is_passive(realm: Env) -> None:
    params = code_from(await start(realm.http, "test", "app", prompt="consent none"))
    redirected_error(params, "login_required")


async def test_prompt_none_without_the_consent_is_interaction_required(realm: Env) -> None:
    """OIDCAdvancedRequestParamsTest.promptNoneConsentRequired."""
    await login(realm.http, "test", "app")
    await update_client(realm.db, "test", "app", consent_required=True)
    redirected_error(code_from(await start(realm.http, "test", "app", prompt="none")), "interaction_required")


async def test_prompt_none_with_a_pending_required_action_is_interaction_required(realm: Env) -> None:
    await login(realm.http, "test", "app")
    await update_user(realm.db, "test", "user1", required_actions=(UPDATE_PASSWORD,))
    response = await start(realm.http, "test", "app", prompt="none")
    redirected_error(code_from(response), "interaction_required")
    assert response.headers["location"].startswith(REDIRECT)


async def test_prompt_none_over_a_complete_sso_session_returns_a_code(realm: Env) -> None:
    await login(realm.http, "test", "app")
    assert "code" in code_from(await start(realm.http, "test", "app", prompt="none"))
