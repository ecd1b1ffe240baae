"""Keycloak's new-framework ConditionalGroupAuthenticatorTest (tests/base/.../tests/login/) over HTTP: the
``conditional-user-group`` condition (ConditionalGroupAuthenticator: membership of the group at ``condUserGroup``,
through subgroups too, ``negate``; a path naming no group matches nobody) in a CONDITIONAL sub-flow with Deny Access
between UsernameForm and PasswordForm, a flow Doorkeep refused to bind before (UsernameForm had to be followed by
the password at once).

The Java class copies ``browser`` and rebuilds the copy's forms sub-flow with FlowUtil (run-on-server); the port does
the same over the admin API (``POST flows/browser/copy``, the forms' executions deleted and added again) and binds
the copy.

Not ported: ``testSkipPasswordWhenUserIsGroupMember``, whose flow makes a conditional Allow Access and the password
form ALTERNATIVE steps of one sub-flow (the password skipped for a member): a choice Doorkeep does not run.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import code_from, is_password_page, is_username_page, submit
from flow_builder import AUTH, COND, REQ, add, add_flow, admin, bind, executions
from keycloak_port import ADMIN, get, poll, user_id
from otp_port import open_login, user_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc

FLOW = "browser - conditional group"
FORMS = f"{FLOW} forms"
CONDITION = f"{FLOW} condition"
ERROR_MESSAGE = "Access denied by group condition"
MEMBER, NON_MEMBER = "group-member", "group-non-member"
GROUP_PATH = "/conditional-group"


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return otp_port.realm_rep()


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(name, email=f"{name}@localhost") for name in (MEMBER, NON_MEMBER, "nested-group-member")]


async def create_group(env: Env, name: str, parent: str | None = None) -> str:
    path = f"{ADMIN}/groups/{parent}/children" if parent else f"{ADMIN}/groups"
    created = await admin(env, "POST", path, {"name": name}, 201)
    return created.headers["location"].rsplit("/", 1)[1]


async def join(env: Env, username: str, group_id: str) -> None:
    await admin(env, "PUT", f"{ADMIN}/users/{await user_id(env, username)}/groups/{group_id}", None, 204)


@pytest.fixture
async def groups(kc: Env) -> Env:
    """``setUpUsersAndGroups``: the group made anew and the member joined to it; the copied flow gone."""
    for group in await get(kc, "/groups"):
        await admin(kc, "DELETE", f"{ADMIN}/groups/{group['id']}", None, 204)
    await join(kc, MEMBER, await create_group(kc, "conditional-group"))
    await remove_flow(kc)
    await poll(kc)
    return kc


async def remove_flow(env: Env) -> None:
    """``revertBrowserFlow``: ``browser`` bound again and the copy deleted."""
    await bind(env, "browserFlow", "browser")
    flows = (await admin(env, "GET", f"{AUTH}/flows", status=200)).json()
    for flow in flows:
        if flow["alias"] == FLOW:
            await admin(env, "DELETE", f"{AUTH}/flows/{flow['id']}", status=204)


async def deny_in_conditional_flow(env: Env, group_path: str, negate: bool) -> None:
    """``configureBrowserFlowWithDenyAccessInConditionalFlow``: the copy's forms are UsernameForm, a CONDITIONAL
    sub-flow of the group condition and Deny Access, then PasswordForm; the copy bound."""
    await admin(env, "POST", f"{AUTH}/flows/browser/copy", {"newName": FLOW}, 201)
    for execution in await executions(env, FORMS):
        if execution["level"] == 0:
            await admin(env, "DELETE", f"{AUTH}/executions/{execution['id']}", status=204)
    await add(env, FORMS, "auth-username-form", REQ)
    await add_flow(env, FORMS, CONDITION, COND)
    config = {"condUserGroup": group_path, "negate": str(negate).lower()}
    await add(env, CONDITION, "conditional-user-group", REQ, config)
    await add(env, CONDITION, "deny-access-authenticator", REQ, {"denyErrorMessage": ERROR_MESSAGE})
    await add(env, FORMS, "auth-password-form", REQ)
    await bind(env, "browserFlow", FLOW)


async def username_step(env: Env, username: str) -> httpx.Response:
    page = await open_login(env)
    assert is_username_page(page), page.text[:500]
    return await submit(env.http, page, username=username)


async def assert_denied(env: Env, username: str) -> None:
    page = await username_step(env, username)
    assert page.status_code == 401 and ERROR_MESSAGE in page.text
    (event,) = await poll(env)
    assert (event["type"], event.get("userId"), event.get("sessionId")) == ("LOGIN_ERROR", None, None)
    assert event["error"] == "access_denied" and event["details"]["username"] == username
    env.http.cookies.clear()


async def assert_logs_in_with_password(env: Env, username: str) -> None:
    """``loginExpectingPasswordStep``, then the LOGIN event of the user."""
    page = await username_step(env, username)
    assert is_password_page(page), page.text[:500]
    assert "code" in code_from(await submit(env.http, page, password="password"))
    (event,) = await poll(env)
    assert (event["type"], event["userId"]) == ("LOGIN", await user_id(env, username))
    assert event["details"]["username"] == username
    env.http.cookies.clear()


@pytest.mark.parametrize("negate", [False, True])
async def test_deny_access_by_group_condition(groups: Env, negate: bool) -> None:
    """ConditionalGroupAuthenticatorTest#testDenyAccessWhenUserIsGroupMember (the member denied, the other signs
    in) and #testDenyAccessWhenUserIsNotGroupMemberWithNegate (the other way round)."""
    await deny_in_conditional_flow(groups, GROUP_PATH, negate)
    denied, allowed = (NON_MEMBER, MEMBER) if negate else (MEMBER, NON_MEMBER)
    try:
        await assert_denied(groups, denied)
        await assert_logs_in_with_password(groups, allowed)
    finally:
        await remove_flow(groups)


@pytest.mark.parametrize("negate", [False, True])
async def test_skip_conditional_subflow(groups: Env, negate: bool) -> None:
    """ConditionalGroupAuthenticatorTest#testSkipConditionalSubflowWhenUserIsNotGroupMember and
    #testSkipConditionalSubflowWhenUserIsGroupMemberWithNegate."""
    await deny_in_conditional_flow(groups, GROUP_PATH, negate)
    try:
        await assert_logs_in_with_password(groups, MEMBER if negate else NON_MEMBER)
    finally:
        await remove_flow(groups)


async def test_nested_group_path_matches_child_member(groups: Env) -> None:
    """ConditionalGroupAuthenticatorTest#testNestedGroupPathMatchesChildMember."""
    parent = await create_group(groups, "conditional-parent")
    await join(groups, "nested-group-member", await create_group(groups, "conditional-child", parent))
    await deny_in_conditional_flow(groups, "/conditional-parent/conditional-child", False)
    try:
        await assert_denied(groups, "nested-group-member")
    finally:
        await remove_flow(groups)


async def test_member_of_a_subgroup_is_a_member_of_its_parent(groups: Env) -> None:
    """RoleUtils.isMember, which UserModel.isMemberOf follows: membership of a subgroup counts for the group above."""
    parent = await create_group(groups, "conditional-parent")
    await join(groups, "nested-group-member", await create_group(groups, "conditional-child", parent))
    await deny_in_conditional_flow(groups, "conditional-parent/", False)
    try:
        await assert_denied(groups, "nested-group-member")
        await assert_logs_in_with_password(groups, MEMBER)
    finally:
        await remove_flow(groups)


@pytest.mark.parametrize("negate", [False, True])
async def test_invalid_group_path_skips_conditional_subflow(groups: Env, negate: bool) -> None:
    """ConditionalGroupAuthenticatorTest#testInvalidGroupPathSkipsConditionalSubflow; negated too: a path that
    names no group matches nobody either way."""
    await deny_in_conditional_flow(groups, "/non-existing-group", negate)
    try:
        await assert_logs_in_with_password(groups, MEMBER)
        await assert_logs_in_with_password(groups, NON_MEMBER)
    finally:
        await remove_flow(groups)


async def test_deleted_group_skips_conditional_subflow(groups: Env) -> None:
    """ConditionalGroupAuthenticatorTest#testDeletedGroupSkipsConditionalSubflow."""
    (group,) = await get(groups, "/groups", search="conditional-group")
    await deny_in_conditional_flow(groups, GROUP_PATH, False)
    await admin(groups, "DELETE", f"{ADMIN}/groups/{group['id']}", None, 204)
    try:
        await assert_logs_in_with_password(groups, MEMBER)
    finally:
        await remove_flow(groups)


async def test_condition_and_deny_are_listed_with_their_config(groups: Env) -> None:
    """ConditionalGroupAuthenticatorFactory's display type, choices and properties: the execution row and
    ``config-description``."""
    await deny_in_conditional_flow(groups, GROUP_PATH, False)
    try:
        (row,) = [e for e in await executions(groups, FORMS) if e.get("providerId") == "conditional-user-group"]
        assert (row["displayName"], row["requirementChoices"], row["configurable"]) == (
            "Condition - user group",
            ["REQUIRED", "DISABLED"],
            True,
        )
        described = (await admin(groups, "GET", f"{AUTH}/config-description/conditional-user-group", status=200)).json()
        assert [p["name"] for p in described["properties"]] == ["condUserGroup", "negate"]
        assert [p["type"] for p in described["properties"]] == ["Group", "boolean"]
        assert described["helpText"] == "Flow is executed only if user is member of the given group."
    finally:
        await remove_flow(groups)


async def test_server_info_lists_the_condition_and_the_session_limiter(groups: Env) -> None:
    """ServerInfoAdminResource's ``providers.authenticator``: the factories the admin API lists, the group condition
    and the session count limiter among them."""
    info = (await admin(groups, "GET", "/admin/serverinfo", status=200)).json()
    listed = info["providers"]["authenticator"]["providers"]
    assert {"conditional-user-group", "user-session-limits", "auth-username-form", "auth-cookie"} <= set(listed)
