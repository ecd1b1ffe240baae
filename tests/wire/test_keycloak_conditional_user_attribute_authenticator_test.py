"""Keycloak's old-testsuite ConditionalUserAttributeAuthenticatorTest (testsuite/.../forms/) over HTTP: a browser
flow with a CONDITIONAL sub-flow (conditional-user-attribute ``x-approve`` = ``true`` with group attributes, then
Allow Access) and another (the same condition negated, then Deny Access with its message). Users with the attribute,
directly, in the ``approved`` group or in its ``subgroup``, sign in; a user without it gets the 401 error page
"You don't have necessary attribute." and LOGIN_ERROR access_denied with the username and no session.

The Java class puts both sub-flows between UsernameForm and PasswordForm; Doorkeep binds UsernameForm only when the
password step follows it at once (realms/flow_plan.py), so here they follow the username and password form."""

from __future__ import annotations

import re
from html import unescape

import pytest

from browser_flow import code_from, start, submit
from flow_builder import ADMIN, ALT, AUTH, COND, REQ, add, add_flow, admin, bind, events
from support import seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ATTRIBUTE, VALUE = "x-approve", "true"
MESSAGE = "You don't have necessary attribute."
FLOW = "browser - user attribute condition"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def create_users(env: Env) -> None:
    """``approved`` (the attribute), ``approved-by-group`` (and member of ``approved``, whose attribute it is too),
    ``approved-by-subgroup`` (and member of ``approved``'s ``subgroup``)."""
    body = {"name": "approved", "attributes": {ATTRIBUTE: [VALUE]}}
    created = await admin(env, "POST", f"{ADMIN}/groups", body, 201)
    approved = created.headers["location"].rsplit("/", 1)[-1]
    child = await admin(env, "POST", f"{ADMIN}/groups/{approved}/children", {"name": "subgroup"}, 201)
    subgroup = child.headers["location"].rsplit("/", 1)[-1]
    for username, group in (("approved", None), ("approved-by-group", approved), ("approved-by-subgroup", subgroup)):
        user = await seed_user(env.db, env.clock, "test", username, attributes={ATTRIBUTE: [VALUE]})
        if group is not None:
            await admin(env, "PUT", f"{ADMIN}/users/{user.id}/groups/{group}", None, 204)


async def configure_flow(env: Env) -> None:
    condition = {
        "attribute_name": ATTRIBUTE,
        "attribute_expected_value": VALUE,
        "include_group_attributes": "true",
        "not": "false",
    }
    body = {"alias": FLOW, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": FLOW}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, FLOW, "auth-cookie", ALT)
    forms = f"{FLOW} forms"
    await add_flow(env, FLOW, forms, ALT)
    await add(env, forms, "auth-username-password-form", REQ)
    await add_flow(env, forms, "has approve", COND)
    await add(env, "has approve", "conditional-user-attribute", REQ, condition)
    await add(env, "has approve", "allow-access-authenticator", REQ)
    await add_flow(env, forms, "misses approve", COND)
    await add(env, "misses approve", "conditional-user-attribute", REQ, {**condition, "not": "true"})
    await add(env, "misses approve", "deny-access-authenticator", REQ, {"denyErrorMessage": MESSAGE})
    await bind(env, "browserFlow", FLOW)


async def test_allowed_users_with_approved_attribute(realm: Env) -> None:
    """ConditionalUserAttributeAuthenticatorTest#testAllowedUsersWithApprovedAttribute."""
    await create_users(realm)
    await configure_flow(realm)
    for username in ("approved", "approved-by-group", "approved-by-subgroup"):
        page = await start(realm.http, "test", "app")
        assert "code" in code_from(await submit(realm.http, page, username=username, password="password"))
        logins = [e for e in await events(realm, "LOGIN") if e.details.get("username") == username]
        assert len(logins) == 1 and logins[0].user_id is not None
        realm.http.cookies.clear()


async def test_deny_user_without_approved_attribute(realm: Env) -> None:
    """ConditionalUserAttributeAuthenticatorTest#testDenyUserWithoutApprovedAttribute."""
    await configure_flow(realm)
    page = await start(realm.http, "test", "app")
    denied = await submit(realm.http, page, username="user1", password="password")
    assert denied.status_code == 401, denied.text[:500]
    found = re.search(r'<p id="kc-error-message"[^>]*>(.*?)</p>', denied.text, re.S)
    assert found is not None and unescape(found.group(1)) == MESSAGE
    [error] = await events(realm, "LOGIN_ERROR")
    # The Java class's user((String) null) is pinned where Doorkeep made that change (s51-c's
    # ConditionalSubFlowExecutedAuthenticatorTest and ConditionalGroupAuthenticatorTest ports)
    assert (error.error, error.session_id) == ("access_denied", None)
    assert error.details.get("username") == "user1"
