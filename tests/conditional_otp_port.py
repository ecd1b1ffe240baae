"""Shared helpers of the ports of Keycloak's Conditional OTP Form tests (AbstractCustomAuthFlowOTPTest and its
subclasses CustomAuthFlowOTPTest, CustomAuthFlowOTPProxyTrustedAllowTest, CustomAuthFlowOTPProxyTrustedDenyTest):
``setConditionalOTPForm`` (a top-level flow of the username and password form and ``auth-conditional-otp-form``,
both REQUIRED, bound as the browser flow, the form's config set), ``configureOTP`` and the OTP role and group.
The module set-up is otp_port's: realm ``test`` imported once, the user made anew for each test; a port takes the
fixtures ``otp_realm`` and ``otp_users`` from here."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from browser_flow import code_from
from flow_builder import AUTH, REQ, add, admin, executions
from keycloak_port import get, post, put, user_id
from otp_port import (
    USER,
    configure,
    element_text,
    is_config_totp_page,
    is_login_totp_page,
    login,
    open_login,
    realm_rep,
    totp,
    totp_secret,
    user_rep,
)
from wire_env import Env

FLOW = "ConditionalOTPFlow"
PROVIDER = "auth-conditional-otp-form"
HOST = "Host: localhost"  # the test client's requests (``"Host: localhost:" + authServerPort()``)
OTP_ROLE, OTP_GROUP = "otp_role", "otp_group"


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return realm_rep()


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep()]


async def set_conditional_otp_form(env: Env, config: dict[str, str] | None) -> None:
    """``setConditionalOTPForm``: the flow made anew (an earlier one unbound and deleted), bound, then its
    Conditional OTP Form given ``config`` (None: no config)."""
    for flow in (await admin(env, "GET", f"{AUTH}/flows", status=200)).json():
        if flow["alias"] == FLOW:
            await put(env, "", {"browserFlow": "browser"})
            await admin(env, "DELETE", f"{AUTH}/flows/{flow['id']}", status=204)
    body = {"alias": FLOW, "description": "", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, FLOW, "auth-username-password-form", REQ)
    await add(env, FLOW, PROVIDER, REQ)
    await put(env, "", {"browserFlow": FLOW})
    if config is not None:
        (execution,) = [e for e in await executions(env, FLOW) if e.get("providerId") == PROVIDER]
        body = {"alias": "Config alias", "config": config}
        await admin(env, "POST", f"{AUTH}/executions/{quote(execution['id'])}/config", body, 201)


async def enable_unmanaged_attributes(env: Env) -> None:
    """``UserProfileUtil.enableUnmanagedAttributes`` (the ``@BeforeEach``)."""
    profile = await get(env, "/users/profile")
    await put_profile(env, {**profile, "unmanagedAttributePolicy": "ENABLED"})


async def put_profile(env: Env, profile: dict[str, Any]) -> None:
    response = await admin(env, "PUT", "/admin/realms/test/users/profile", profile)
    assert response.status_code == 200, response.text


async def update_user(env: Env, **changes: Any) -> None:
    """``managedRealm.admin().users().get(testUser.getId()).update(testUser)`` with ``changes`` made."""
    uid = await user_id(env, USER)
    rep = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**rep, **changes})


async def login_page(env: Env) -> httpx.Response:
    """``oauth.openLoginForm(); testRealmLoginPage.login(...)``: the page the password leads to."""
    return await login(env, await open_login(env))


async def configure_otp(env: Env) -> None:
    """``configureOTP``: a login set up OTP with a code of the page's secret, then (AccountHelper.logout) no
    session left; the user has no required action left."""
    page = await login_page(env)
    assert is_config_totp_page(page), page.text[:500]
    assert "code" in code_from(await configure(env, page, totp(totp_secret(page), env.clock.now())))
    uid = await user_id(env, USER)
    await post(env, f"/users/{uid}/logout", None)
    env.http.cookies.clear()
    assert (await get(env, f"/users/{uid}"))["requiredActions"] == []


async def otp_forced(env: Env) -> None:
    """ "Mobile Authenticator Setup" on the first login, the OTP form once OTP is set up."""
    assert element_text(await login_page(env), "kc-page-title") == "Mobile Authenticator Setup"
    env.http.cookies.clear()
    await configure_otp(env)
    assert is_login_totp_page(await login_page(env))


def signed_in(page: httpx.Response) -> bool:
    """``driver.getCurrentUrl().startsWith(oauth.getRedirectUri())``: the login's code went to the client."""
    return page.status_code == 302 and "code" in code_from(page)


async def otp_role(env: Env) -> dict[str, Any]:
    """``getOrCreateOTPRole``."""
    roles = [r for r in await get(env, "/roles") if r["name"] == OTP_ROLE]
    if not roles:
        await post(env, "/roles", {"name": OTP_ROLE, "description": "", "composite": False}, 201)
    found: dict[str, Any] = await get(env, f"/roles/{OTP_ROLE}")
    return found


async def grant_otp_role(env: Env) -> None:
    uid = await user_id(env, USER)
    await post(env, f"/users/{uid}/role-mappings/realm", [await otp_role(env)])


async def join_otp_group(env: Env) -> None:
    """``getOrCreateOTPRoleInGroup`` then ``joinGroup``: the role reaches the user only through the group."""
    role = await otp_role(env)
    await post(env, "/groups", {"name": OTP_GROUP}, 201)
    (group,) = await get(env, "/groups", search=OTP_GROUP)
    await post(env, f"/groups/{group['id']}/role-mappings/realm", [role])
    uid = await user_id(env, USER)
    await put(env, f"/users/{uid}/groups/{group['id']}", None)
