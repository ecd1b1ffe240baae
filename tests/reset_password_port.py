"""Shared helpers of the wire ports of Keycloak's password-update action tests (RequiredActionResetPasswordTest,
AppInitiatedActionResetPasswordTest): LoginPasswordUpdatePage read and driven over HTTP, the realm both import
(reset password allowed, events on), the user's sessions through the admin API and ``requireUpdatePassword``."""

from __future__ import annotations

import re
from typing import Any

import httpx

from browser_flow import form_action, form_fields, start, submit
from group_port import fresh_realm
from keycloak_port import get, put, user_id
from otp_port import APP, USER, auth_response, client_rep
from wire_env import Env

NEW = "All Right Then, Keep Your Secrets"


def realm_rep() -> dict[str, Any]:
    """``configureTestRealm``: the test realm with ``resetPasswordAllowed``, its events recorded."""
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "resetPasswordAllowed": True,
        "clients": [client_rep()],
    }


async def imported(env: Env) -> Env:
    await fresh_realm(env, realm_rep())
    return env


def is_update_password_page(page: httpx.Response) -> bool:
    """``changePasswordPage.assertCurrent()``."""
    return page.status_code == 200 and 'id="kc-passwd-update-form"' in page.text


def cancel_displayed(page: httpx.Response) -> bool:
    """``isCancelDisplayed()``: the ``cancel-aia`` button."""
    return 'name="cancel-aia"' in page.text


def logout_sessions_checked(page: httpx.Response) -> bool:
    """``isLogoutSessionsChecked()``; the box must be on the page (``isLogoutSessionDisplayed``)."""
    box = re.search(r'<input type="checkbox" id="logout-sessions"[^>]*>', page.text)
    assert box, page.text[:800]
    return " checked" in box[0]


async def change_password(
    env: Env, page: httpx.Response, new: str, confirm: str, *, logout_others: bool | None = None
) -> httpx.Response:
    """``changePassword(new, confirm)`` with the "Sign out from other devices" box as the page has it, unless
    ``logout_others`` says to tick or untick it first."""
    assert is_update_password_page(page), page.text[:800]
    fields = {k: v for k, v in form_fields(page.text).items() if k != "logout-sessions"}
    ticked = logout_sessions_checked(page) if logout_others is None else logout_others
    data = {**fields, "password-new": new, "password-confirm": confirm} | ({"logout-sessions": "on"} if ticked else {})
    return await env.http.post(form_action(page.text), data=data)


async def cancel(env: Env, page: httpx.Response) -> httpx.Response:
    """``changePasswordPage.cancel()``."""
    return await env.http.post(form_action(page.text), data={**form_fields(page.text), "cancel-aia": "true"})


async def require_update_password(env: Env, username: str = USER) -> None:
    """``requireUpdatePassword()``: UPDATE_PASSWORD added to the user's required actions."""
    uid = await user_id(env, username)
    rep = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**rep, "requiredActions": [*rep.get("requiredActions", []), "UPDATE_PASSWORD"]})


async def user_sessions(env: Env, username: str = USER) -> list[str]:
    """``testUser.getUserSessions()``: the ids."""
    return [s["id"] for s in await get(env, f"/users/{await user_id(env, username)}/sessions")]


async def offline_sessions(env: Env, username: str = USER) -> list[str]:
    """``testUser.getOfflineSessions(clientUuid)``: the ids."""
    (client,) = await get(env, "/clients", clientId=APP)
    uid = await user_id(env, username)
    return [s["id"] for s in await get(env, f"/users/{uid}/offline-sessions/{client['id']}")]


async def login_elsewhere(http: httpx.AsyncClient, **params: str) -> dict[str, str]:
    """``oauth2.doLogin`` in a second browser: its authorization response's parameters."""
    page = await start(http, "test", APP, **params)
    return auth_response(await submit(http, page, username=USER, password="password"))
