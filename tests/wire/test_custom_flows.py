"""Browser and direct grant flows an admin builds through the Admin REST API run as Keycloak runs them
(realms/flow_plan.py, oauth/flow_gates.py): the OTP form forced on everyone, OTP by role, Deny Access by
attribute, the SSO cookie off, a client's override, a direct grant flow with its own condition, and a flow with
a step Doorkeep cannot run refused when it is bound. Flows are built the way an admin builds them in Keycloak's
console: copy ``browser``, or create a flow and add executions and sub-flows, then set requirements and configs.
"""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, start, submit
from flow_builder import (
    ADMIN,
    AUTH,
    COND,
    DIS,
    REQ,
    add,
    add_flow,
    add_otp,
    admin,
    bind,
    events,
    executions,
    grant_role,
    is_otp_form,
    is_totp_setup,
    new_browser_flow,
    set_requirement,
    totp,
)
from support import password_grant, seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def login(env: Env, client_id: str = "app", username: str = "user1") -> httpx.Response:
    page = await start(env.http, "test", client_id)
    return await submit(env.http, page, username=username, password="password")


async def test_the_otp_form_forced_on_everyone(realm: Env) -> None:
    """A copy of ``browser`` whose 2FA sub-flow and OTP form are REQUIRED: a user without OTP must set it up
    (SETUP_REQUIRED: CONFIGURE_TOTP), a user with OTP gets the form; the built-in flow asked neither."""
    await admin(realm, "POST", f"{AUTH}/flows/browser/copy", {"newName": "forced"}, 201)
    two_factor = next(e for e in await executions(realm, "forced") if "2FA" in e.get("displayName", ""))
    await set_requirement(realm, "forced", two_factor, REQ)
    otp_form = next(e for e in await executions(realm, "forced") if e.get("providerId") == "auth-otp-form")
    await set_requirement(realm, "forced", otp_form, REQ)
    assert "code" in code_from(await login(realm))  # still the built-in flow: no OTP asked
    realm.http.cookies.clear()
    await bind(realm, "browserFlow", "forced")
    assert is_totp_setup(await login(realm))
    realm.http.cookies.clear()
    await add_otp(realm)
    page = await login(realm)
    assert is_otp_form(page)
    assert "code" in code_from(await submit(realm.http, page, otp=totp(realm.clock.now())))


async def test_otp_by_role(realm: Env) -> None:
    """conditional-user-role: the OTP form (REQUIRED) for members of ``admins`` only; ``negate`` turns it round."""
    await seed_user(realm.db, realm.clock, "test", "user2")
    await grant_role(realm, "user1", "admins")
    forms = await new_browser_flow(realm, "by-role")
    await add_flow(realm, forms, "otp for admins", COND)
    await add(realm, "otp for admins", "conditional-user-role", REQ, {"condUserRole": "admins", "negate": "false"})
    await add(realm, "otp for admins", "auth-otp-form", REQ)
    await bind(realm, "browserFlow", "by-role")
    assert is_totp_setup(await login(realm, username="user1"))
    realm.http.cookies.clear()
    assert "code" in code_from(await login(realm, username="user2"))
    realm.http.cookies.clear()
    condition = next(e for e in await executions(realm, "by-role") if e.get("providerId") == "conditional-user-role")
    body = {"id": condition["authenticationConfig"], "alias": "by-role-conditional-user-role"}
    body["config"] = {"condUserRole": "admins", "negate": "true"}
    await admin(realm, "PUT", f"{AUTH}/config/{condition['authenticationConfig']}", body, 204)
    assert "code" in code_from(await login(realm, username="user1"))
    realm.http.cookies.clear()
    assert is_totp_setup(await login(realm, username="user2"))


async def test_deny_access_by_attribute_with_its_message(realm: Env) -> None:
    """conditional-user-attribute then deny-access-authenticator: a 401 error page with the configured message,
    LOGIN_ERROR ``access_denied``, no code; a user without the attribute signs in."""
    await seed_user(realm.db, realm.clock, "test", "user2", attributes={"blocked": ["yes"]})
    forms = await new_browser_flow(realm, "deny-blocked")
    await add_flow(realm, forms, "blocked users", COND)
    config = {"attribute_name": "blocked", "attribute_expected_value": "yes", "not": "false"}
    await add(realm, "blocked users", "conditional-user-attribute", REQ, config)
    await add(realm, "blocked users", "deny-access-authenticator", REQ, {"denyErrorMessage": "Blocked users stay out."})
    await bind(realm, "browserFlow", "deny-blocked")
    denied = await login(realm, username="user2")
    assert denied.status_code == 401 and "Blocked users stay out." in denied.text
    assert "code=" not in denied.headers.get("location", "")
    errors = await events(realm, "LOGIN_ERROR")
    assert [e.error for e in errors] == ["access_denied"]
    realm.http.cookies.clear()
    assert "code" in code_from(await login(realm, username="user1"))


async def test_the_cookie_step_off_asks_for_the_password_again(realm: Env) -> None:
    await new_browser_flow(realm, "no-sso", cookie=DIS)
    await bind(realm, "browserFlow", "no-sso")
    assert "code" in code_from(await login(realm))
    again = await start(realm.http, "test", "app")  # the SSO cookie is there, the flow does not read it
    assert again.status_code == 200 and 'name="password"' in again.text
    passive = await start(realm.http, "test", "app", prompt="none")
    assert "error=login_required" in passive.headers.get("location", "")


async def test_a_clients_browser_override(realm: Env) -> None:
    """authenticationFlowBindingOverrides.browser: the override runs for that client only."""
    forms = await new_browser_flow(realm, "deny-all")
    await add(realm, forms, "deny-access-authenticator", REQ)
    flow_id = next(
        f["id"] for f in (await admin(realm, "GET", f"{AUTH}/flows", status=200)).json() if f["alias"] == "deny-all"
    )
    [client] = (await admin(realm, "GET", f"{ADMIN}/clients?clientId=app", status=200)).json()
    rep = {**client, "authenticationFlowBindingOverrides": {"browser": flow_id}}
    await admin(realm, "PUT", f"{ADMIN}/clients/{client['id']}", rep, 204)
    denied = await login(realm)
    assert denied.status_code == 401 and "Access denied" in denied.text


async def test_a_direct_grant_flow_with_otp_by_role(realm: Env) -> None:
    """A direct grant flow whose ValidateOTP runs for ``admins``: without a code they are refused, the others
    get tokens; with the code, the admin too."""
    await seed_user(realm.db, realm.clock, "test", "user2")
    await grant_role(realm, "user1", "admins")
    body = {"alias": "dg", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": "dg"}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add(realm, "dg", "direct-grant-validate-username", REQ)
    await add(realm, "dg", "direct-grant-validate-password", REQ)
    await add_flow(realm, "dg", "dg otp", COND)
    await add(realm, "dg otp", "conditional-user-role", REQ, {"condUserRole": "admins"})
    await add(realm, "dg otp", "direct-grant-validate-otp", REQ)
    await bind(realm, "directGrantFlow", "dg")
    refused = await password_grant(realm.http, "test", "app", "user1", "password")
    assert refused.status_code == 400 and refused.json()["error_description"] == "Invalid user credentials"
    assert (await password_grant(realm.http, "test", "app", "user2", "password")).status_code == 200
    await add_otp(realm)
    code = totp(realm.clock.now())
    assert (await password_grant(realm.http, "test", "app", "user1", "password", otp=code)).status_code == 200


async def test_a_flow_doorkeep_cannot_run_is_refused_as_a_binding(realm: Env) -> None:
    forms = await new_browser_flow(realm, "no cookie redirect")
    await add(realm, forms, "no-cookie-redirect", REQ)
    refused = await bind(realm, "browserFlow", "no cookie redirect", status=400)
    assert "no-cookie-redirect" in refused.json()["errorMessage"]
    rep = (await admin(realm, "GET", ADMIN, status=200)).json()
    assert rep["browserFlow"] == "browser"
