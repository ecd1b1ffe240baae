"""Keycloak's old-testsuite AllowDenyAuthenticatorTest (testsuite/.../forms/) over HTTP: Deny Access after the sign-in
form, alone or in a CONDITIONAL sub-flow under conditional-user-attribute or conditional-user-role: a 401 error page
with the configured message (a message key's text, else the text itself, else "Access denied"), LOGIN_ERROR
access_denied with the username and no session; the user the condition does not match signs in.

The Java class copies ``browser`` and puts UsernameForm, the deny step and PasswordForm in its forms; Doorkeep binds
UsernameForm only when the password (or passkey) step follows it at once (realms/flow_plan.py), so here the deny step
follows the username and password form, built with the Admin REST API. ``test-user@localhost`` and
``john-doh@localhost`` are ``user1`` and ``user2``; the role is one only ``user1`` holds (every Doorkeep user has
``offline_access`` through the default roles). Not ported: testSkipExecutionUserHasNotRoleCondition and
testSkipOtherExecutionsIfUserHasRoleCondition (Allow Access in an ALTERNATIVE sub-flow beside an ALTERNATIVE
PasswordForm after UsernameForm: a flow Doorkeep refuses to bind)."""

from __future__ import annotations

import html
import re

import httpx
import pytest

from browser_flow import code_from, start, submit
from flow_builder import ALT, AUTH, COND, REQ, add, add_flow, admin, bind, events, grant_role
from support import password_grant, seed_login_realm, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
JSON = {"Accept": "application/json"}

ROLE = "granted-role"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    await seed_user(env.db, env.clock, "test", "user2", first_name="John", last_name="Doh")
    await grant_role(env, "user1", ROLE)
    return env


async def browser_flow(env: Env, alias: str) -> str:
    """A top-level browser flow (Cookie ALTERNATIVE, ``forms`` ALTERNATIVE) holding the username form; bound as the
    realm's browser flow once the caller has added its steps. Returns the ``forms`` sub-flow's alias."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "auth-cookie", ALT)
    forms = f"{alias} forms"
    await add_flow(env, alias, forms, ALT)
    await add(env, forms, "auth-username-password-form", REQ)
    return forms


async def sign_in(env: Env, username: str) -> httpx.Response:
    page = await start(env.http, "test", "app")
    assert page.status_code == 200 and 'name="username"' in page.text and 'name="password"' in page.text
    return await submit(env.http, page, username=username, password="password")


def error_of(page: httpx.Response) -> str:
    """The error page's message, as Keycloak's ErrorPage.getError reads it."""
    found = re.search(r'<p id="kc-error-message"[^>]*>(.*?)</p>', page.text, re.S)
    assert found is not None, page.text[:800]
    return html.unescape(found.group(1))


async def assert_denied(env: Env, username: str, message: str) -> None:
    denied = await sign_in(env, username)
    assert denied.status_code == 401, (denied.status_code, denied.text[:500])
    assert error_of(denied) == message
    [error] = [e for e in await events(env, "LOGIN_ERROR") if e.details.get("username") == username]
    # The Java class's user((String) null) is pinned where Doorkeep made that change (s51-c's
    # ConditionalSubFlowExecutedAuthenticatorTest and ConditionalGroupAuthenticatorTest ports)
    assert (error.error, error.session_id) == ("access_denied", None)
    env.http.cookies.clear()


async def assert_signs_in_with_password(env: Env, username: str) -> None:
    assert "code" in code_from(await sign_in(env, username))
    [login] = [e for e in await events(env, "LOGIN") if e.details.get("username") == username]
    assert login.user_id is not None
    env.http.cookies.clear()


async def deny_flow(env: Env, alias: str, deny_config: dict[str, str] | None) -> None:
    forms = await browser_flow(env, alias)
    await add(env, forms, "deny-access-authenticator", REQ, deny_config)
    await bind(env, "browserFlow", alias)


async def conditional_deny_flow(env: Env, alias: str, condition: str, config: dict[str, str], message: str) -> None:
    """UsernameForm REQUIRED; a CONDITIONAL sub-flow of ``condition`` and Deny Access; PasswordForm REQUIRED."""
    forms = await browser_flow(env, alias)
    await add_flow(env, forms, f"{alias} deny", COND)
    await add(env, f"{alias} deny", condition, REQ, config)
    await add(env, f"{alias} deny", "deny-access-authenticator", REQ, {"denyErrorMessage": message})
    await bind(env, "browserFlow", alias)


@pytest.mark.parametrize(
    ("configured", "shown"),
    [
        (None, "Access denied"),
        ("You are not allowed to authenticate.", "You are not allowed to authenticate."),
        ("brokerLinkingSessionExpired", "Requested broker account linking, but current session is no longer valid."),
        ("not-existing-property", "not-existing-property"),
    ],
    ids=["default", "particular", "property", "not-existing-property"],
)
async def test_deny_access_message(realm: Env, configured: str | None, shown: str) -> None:
    """AllowDenyAuthenticatorTest#testDenyAccessWithDefaultMessage, #testDenyAccessWithParticularMessage,
    #testDenyAccessWithProperty and #testDenyAccessWithNotExistingProperty: the message is the configured text, a
    message key's text, or Access denied."""
    await deny_flow(
        realm, "browser - deny defaultMessage", None if configured is None else {"denyErrorMessage": configured}
    )
    await assert_denied(realm, "user1", shown)


async def test_deny_access_with_negate_user_attribute_condition(realm: Env) -> None:
    """AllowDenyAuthenticatorTest#testDenyAccessWithNegateUserAttributeCondition."""
    message = "You don't have necessary attribute."
    config = {"attribute_name": "attribute", "attribute_expected_value": "value", "not": "true"}
    await conditional_deny_flow(
        realm, "browser - user attribute condition", "conditional-user-attribute", config, message
    )
    await assert_denied(realm, "user1", message)


async def test_deny_access_with_regex_user_attribute_condition(realm: Env) -> None:
    """AllowDenyAuthenticatorTest#testDenyAccessWithRegexUserAttributeCondition: firstName User1 matches ``U(.*)``
    (the Java class's ``T(.*)`` against Tom)."""
    message = "You don't have necessary attribute."
    config = {"attribute_name": "firstName", "attribute_expected_value": "U(.*)", "regex": "true"}
    await conditional_deny_flow(
        realm, "browser - user attribute condition", "conditional-user-attribute", config, message
    )
    await assert_denied(realm, "user1", message)


@pytest.mark.parametrize("negate", [False, True], ids=["role", "negated-role"])
async def test_deny_access_with_role_condition(realm: Env, negate: bool) -> None:
    """AllowDenyAuthenticatorTest#testDenyAccessWithRoleCondition and #testDenyAccessWithNegateRoleCondition: the
    user the condition matches is denied, the other signs in with the password."""
    message = "Your account doesn't have the required role"
    config = {"condUserRole": ROLE, "negate": str(negate).lower()}
    await conditional_deny_flow(realm, "browser-deny", "conditional-user-role", config, message)
    match, other = ("user2", "user1") if negate else ("user1", "user2")
    await assert_denied(realm, match, message)
    await assert_signs_in_with_password(realm, other)


async def json_password_grant(env: Env, password: str) -> httpx.Response:
    """``oauth.doPasswordGrantRequest`` asking for JSON: the Deny Access page's JSON form (keycloak#22006)."""
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1"}
    return await env.http.post(token_url("test"), data=form | {"password": password}, headers=JSON)


async def direct_grant_flow(env: Env, alias: str, deny_config: dict[str, str]) -> None:
    """ValidateUsername, ValidatePassword and Deny Access, all REQUIRED, bound as the direct grant flow."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "direct-grant-validate-username", REQ)
    await add(env, alias, "direct-grant-validate-password", REQ)
    await add(env, alias, "deny-access-authenticator", REQ, deny_config)
    await bind(env, "directGrantFlow", alias)


async def test_deny_access_in_direct_grant_flow(realm: Env) -> None:
    """AllowDenyAuthenticatorTest#testDenyAccessInDirectGrantFlow: 401, error "Access denied", no description; the
    LOGIN_ERROR is access_denied with the username and no user."""
    await direct_grant_flow(realm, "direct grant - deny defaultMessage", {})
    response = await json_password_grant(realm, "password")
    assert (response.status_code, response.json()) == (401, {"error": "Access denied"})
    [error] = await events(realm, "LOGIN_ERROR")
    assert (error.error, error.user_id, error.details.get("username")) == ("access_denied", None, "user1")


async def test_deny_access_in_direct_grant_flow_with_its_message_and_a_wrong_password_first(realm: Env) -> None:
    """Beyond the Java class: the configured message (a message key's text) is the error, and a wrong password is
    refused by ValidatePassword before Deny Access runs."""
    await direct_grant_flow(realm, "direct grant - deny", {"denyErrorMessage": "brokerLinkingSessionExpired"})
    wrong = await json_password_grant(realm, "wrong")
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    response = await json_password_grant(realm, "password")
    expected = "Requested broker account linking, but current session is no longer valid."
    assert (response.status_code, response.json()) == (401, {"error": expected})
    page = await password_grant(realm.http, "test", "app", "user1", "password")  # no JSON Accept: the page
    assert page.status_code == 401 and "text/html" in page.headers["content-type"] and expected in page.text


async def test_allow_access_in_direct_grant_flow_asks_nothing_more(realm: Env) -> None:
    """Beyond the Java class: Allow Access REQUIRED after ValidatePassword is a success that asks for nothing (no
    one-time code), so the grant answers tokens."""
    body = {"alias": "dg-allow", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": "a"}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add(realm, "dg-allow", "direct-grant-validate-username", REQ)
    await add(realm, "dg-allow", "direct-grant-validate-password", REQ)
    await add(realm, "dg-allow", "allow-access-authenticator", REQ)
    await bind(realm, "directGrantFlow", "dg-allow")
    response = await password_grant(realm.http, "test", "app", "user1", "password")
    assert response.status_code == 200, response.text
