"""VERIFY_PROFILE where Keycloak evaluates its trigger outside the browser login's forms, over HTTP:

* the direct grant (ResourceOwnerPasswordCredentialsGrantType.process: ``processor.evaluateRequiredActionTriggers()``
  once the flow passed, then any action on the user or on the grant's authentication session refuses it, 400
  ``invalid_grant`` "Account is not fully set up", LOGIN_ERROR ``resolve_required_actions`` with that reason);
  VerifyUserProfile.evaluateTriggers puts the action on the authentication session (not on the user) while the
  profile fails the UPDATE_PROFILE context for the grant's client and ``scope``, and takes it off the user while
  it passes. The client_credentials grant runs no required action (ClientCredentialsGrantType);
* a passive login over the SSO cookie (AuthorizationEndpointBase.handleBrowserAuthenticationRequest:
  ``processor.nextRequiredAction()``, which evaluates the triggers first; an action found sends
  PASSIVE_INTERACTION_REQUIRED, ``error=interaction_required``), and the SSO re-login without ``prompt``
  (AuthenticationManager.nextActionAfterAuthentication: the update-profile page).

One app for the module (``group_port.shared_env``), the realm imported anew for each test with VERIFY_PROFILE left
enabled, as in a new Keycloak realm."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import code_from, start, submit
from group_port import fresh_realm
from keycloak_port import get, one_event, poll, put, update_user, user_id
from support import password_grant, token_url
from update_profile_port import is_update_profile_page
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PASSWORD = "Pa55-grants"
NOT_SET_UP = {"error": "invalid_grant", "error_description": "Account is not fully set up"}
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
DEPARTMENT = "department"


def _user(username: str, first: str | None = None, last: str | None = None) -> dict[str, Any]:
    rep: dict[str, Any] = {"username": username, "enabled": True, "email": f"{username}@test.com"}
    rep |= {k: v for k, v in (("firstName", first), ("lastName", last)) if v is not None}
    return rep | {"credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]}


def realm_rep() -> dict[str, Any]:
    redirect = ["http://127.0.0.1:9999/*"]
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "users": [_user("named", "Named", "User"), _user("nameless")],
        "clientScopes": [{"name": DEPARTMENT, "protocol": "openid-connect"}],
        "clients": [
            {
                "clientId": "app",
                "secret": "secret",
                "directAccessGrantsEnabled": True,
                "redirectUris": redirect,
                "optionalClientScopes": [DEPARTMENT],
            },
            {
                "clientId": "robot",
                "secret": "secret",
                "serviceAccountsEnabled": True,
                "standardFlowEnabled": False,
            },
        ],
    }


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(), verify_profile=True)
    yield env
    env.http.cookies.clear()


async def grant(kc: Env, username: str, password: str = PASSWORD, **extra: str) -> httpx.Response:
    return await password_grant(kc.http, "test", "app", username, password, **extra)


async def required_actions(kc: Env, username: str) -> list[str]:
    found: list[str] = (await get(kc, f"/users/{await user_id(kc, username)}"))["requiredActions"]
    return found


async def set_verify_profile(kc: Env, *, enabled: bool) -> None:
    rep = await get(kc, "/authentication/required-actions/VERIFY_PROFILE")
    await put(kc, "/authentication/required-actions/VERIFY_PROFILE", {**rep, "enabled": enabled})


async def department_required_for_its_scope(kc: Env) -> None:
    """The default profile, plus ``department`` required (and shown) only where the login requests its scope."""
    config = await get(kc, "/users/profile")
    scoped = {"scopes": [DEPARTMENT]}
    department = {"name": DEPARTMENT, "permissions": ALL, "required": scoped, "selector": scoped}
    await put(kc, "/users/profile", {**config, "attributes": [*config["attributes"], department]}, status=200)


def assert_not_set_up(response: httpx.Response, event: dict[str, Any]) -> None:
    assert (response.status_code, response.json()) == (400, NOT_SET_UP), response.text
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "resolve_required_actions"), event
    assert event["details"]["reason"] == "Account is not fully set up", event
    assert event.get("sessionId") is None, event


# --- the direct grant -------------------------------------------------------------------------------------


async def test_direct_grant_refuses_a_user_whose_profile_fails(kc: Env) -> None:
    """ResourceOwnerPasswordCredentialsGrantType.process: VerifyUserProfile's trigger finds the default profile's
    names missing; the action goes on the grant's authentication session, not on the user."""
    response = await grant(kc, "nameless")
    assert_not_set_up(response, await one_event(kc))
    assert await required_actions(kc, "nameless") == []
    async with kc.db.transaction() as tx:  # no session is left behind
        assert await tx.sessions.user_sessions_of(await user_id(kc, "nameless"), False) == []


async def test_direct_grant_of_a_user_whose_profile_passes(kc: Env) -> None:
    response = await grant(kc, "named")
    assert response.status_code == 200, response.text
    assert (await one_event(kc))["type"] == "LOGIN"


async def test_direct_grant_after_the_names_are_given(kc: Env) -> None:
    assert (await grant(kc, "nameless")).status_code == 400
    await update_user(kc, "nameless", firstName="Late", lastName="Comer")
    await poll(kc)
    assert (await grant(kc, "nameless")).status_code == 200


async def test_direct_grant_checks_the_password_first(kc: Env) -> None:
    """The flow fails before the triggers run: a wrong password is 400 whatever the profile."""
    response = await grant(kc, "nameless", "wrong")
    assert (response.status_code, response.json()["error_description"]) == (400, "Invalid user credentials")
    event = await one_event(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "invalid_user_credentials"), event


async def test_direct_grant_with_verify_profile_disabled(kc: Env) -> None:
    """evaluateRequiredActionTriggers runs the enabled actions' triggers only."""
    await set_verify_profile(kc, enabled=False)
    response = await grant(kc, "nameless")
    assert response.status_code == 200, response.text


async def test_direct_grant_takes_an_administrators_verify_profile_off_a_user_whose_profile_passes(kc: Env) -> None:
    """VerifyUserProfile.evaluateTriggers: ``user.removeRequiredAction`` once ``profile.validate()`` passes, so
    nothing is left to refuse the grant."""
    await update_user(kc, "named", requiredActions=["VERIFY_PROFILE"])
    response = await grant(kc, "named")
    assert response.status_code == 200, response.text
    assert await required_actions(kc, "named") == []


async def test_direct_grant_refuses_an_administrators_verify_profile_while_the_action_is_disabled(kc: Env) -> None:
    """A disabled action's trigger does not run, and any action on the user refuses the grant."""
    await set_verify_profile(kc, enabled=False)
    await update_user(kc, "named", requiredActions=["VERIFY_PROFILE"])
    await poll(kc)
    assert_not_set_up(await grant(kc, "named"), await one_event(kc))
    assert await required_actions(kc, "named") == ["VERIFY_PROFILE"]


async def test_direct_grant_validates_for_the_scopes_it_requests(kc: Env) -> None:
    """requestedScopePredicate: the authentication session's scope note is the grant's ``scope``; an attribute
    required for an optional scope counts only where the grant asks for it."""
    await department_required_for_its_scope(kc)
    await poll(kc)
    assert (await grant(kc, "named")).status_code == 200
    await poll(kc)
    assert_not_set_up(await grant(kc, "named", scope=f"openid {DEPARTMENT}"), await one_event(kc))
    await update_user(kc, "named", attributes={DEPARTMENT: ["sales"]})
    assert (await grant(kc, "named", scope=f"openid {DEPARTMENT}")).status_code == 200


async def test_client_credentials_runs_no_required_action(kc: Env) -> None:
    """ClientCredentialsGrantType: the service account (no names, no e-mail) gets its token."""
    form = {"grant_type": "client_credentials", "client_id": "robot", "client_secret": "secret"}
    response = await kc.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text


# --- prompt=none and the SSO re-login ---------------------------------------------------------------------


async def signed_in(kc: Env, username: str) -> dict[str, str]:
    page = await start(kc.http, "test", "app")
    return code_from(await submit(kc.http, page, username=username, password=PASSWORD))


async def test_prompt_none_with_a_profile_that_fails_needs_interaction(kc: Env) -> None:
    """AuthorizationEndpointBase: nextRequiredAction evaluates VerifyUserProfile's trigger, the action it puts on
    the authentication session is PASSIVE_INTERACTION_REQUIRED."""
    assert "code" in await signed_in(kc, "named")
    await update_user(kc, "named", firstName="")
    params = code_from(await start(kc.http, "test", "app", prompt="none"))
    assert params.get("error") == "interaction_required" and "code" not in params, params


async def test_prompt_none_for_a_scope_whose_attribute_is_missing_needs_interaction(kc: Env) -> None:
    await department_required_for_its_scope(kc)
    assert "code" in await signed_in(kc, "named")
    assert "code" in code_from(await start(kc.http, "test", "app", prompt="none"))
    params = code_from(await start(kc.http, "test", "app", prompt="none", scope=f"openid {DEPARTMENT}"))
    assert params.get("error") == "interaction_required", params


async def test_prompt_none_passes_over_an_administrators_verify_profile_on_a_valid_profile(kc: Env) -> None:
    """The trigger takes the action off the user first, so nothing needs the user."""
    assert "code" in await signed_in(kc, "named")
    await update_user(kc, "named", requiredActions=["VERIFY_PROFILE"])
    params = code_from(await start(kc.http, "test", "app", prompt="none"))
    assert "code" in params, params
    assert await required_actions(kc, "named") == []


async def test_prompt_none_with_verify_profile_disabled(kc: Env) -> None:
    assert "code" in await signed_in(kc, "named")
    await set_verify_profile(kc, enabled=False)
    await update_user(kc, "named", firstName="")
    assert "code" in code_from(await start(kc.http, "test", "app", prompt="none"))


async def test_sso_relogin_shows_the_update_profile_page(kc: Env) -> None:
    """The cookie authenticates the user, then the required actions: the page, after its VERIFY_PROFILE event."""
    assert "code" in await signed_in(kc, "named")
    await update_user(kc, "named", firstName="")
    await poll(kc)
    page = await start(kc.http, "test", "app")
    assert page.status_code == 200 and is_update_profile_page(page), page.text[:800]
    event = await one_event(kc)
    assert (event["type"], event["details"]["fields_to_update"]) == ("VERIFY_PROFILE", "firstName"), event
