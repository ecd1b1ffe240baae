"""Shared set-up of the login form's passkey tests (oauth/login_passkeys.py): realm ``test`` with ``app`` and
``user1``, a passkey registered through the webauthn-register-passwordless required action with a software key
(webauthn_port), and the realm's passkeys switch (``webAuthnPolicyPasswordlessPasskeysEnabled``); and
AppInitiatedActionWebAuthnTest.setUpWebAuthnFlow's flow, a security key or passkey beside the Password Form."""

from __future__ import annotations

import re
from typing import Any

import httpx

from browser_flow import code_from, is_username_page, start, submit
from flow_builder import ADMIN, ALT, AUTH, REQ, add, add_flow, admin, executions
from support import seed_login_realm
from webauthn_port import SoftKey, page_options
from wire_env import Env

PASSKEYS = "webAuthnPolicyPasswordlessPasskeysEnabled"
# a realm update rebuilds the passwordless policy only when it names its entity (Keycloak 26.x updateRealm)
ENTITY = "webAuthnPolicyPasswordlessRpEntityName"


async def seed(env: Env, *, passkeys: bool = True) -> None:
    await seed_login_realm(env.db, env.clock, events=True)
    await admin(env, "PUT", ADMIN, {ENTITY: "keycloak", PASSKEYS: passkeys}, 204)


async def user_id(env: Env, username: str = "user1", realm: str = "test") -> str:
    [user] = (await admin(env, "GET", f"/admin/realms/{realm}/users?username={username}&exact=true", status=200)).json()
    found: str = user["id"]
    return found


async def register_passkey(
    env: Env, key: SoftKey, username: str = "user1", action: str = "webauthn-register-passwordless"
) -> None:
    """``username`` signs in with the password and registers ``key`` at the required action ``action``."""
    await admin(env, "PUT", f"{ADMIN}/users/{await user_id(env, username)}", {"requiredActions": [action]}, 204)
    page = await start(env.http, "test", "app")
    options_page = await submit(env.http, page, username=username, password="password")
    assert f"execution={action}" in options_page.text, options_page.text[:500]
    created = key.create(page_options(options_page.text)["challenge"], label="my passkey")
    code_from(await submit(env.http, options_page, **created))
    env.http.cookies.clear()


def passkey_options(html: str) -> dict[str, Any]:
    """The login form's passkey options (passkeys.ftl's arguments)."""
    return page_options(html)


def autocomplete(html: str) -> str:
    found = re.search(r'id="username"[^>]*autocomplete="([^"]*)"', html)
    assert found, html[:800]
    return found.group(1)


async def login_page(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    assert page.status_code == 200, page.text[:300]
    return page


KEY, PASSKEY, PASSWORD = "webauthn-authenticator", "webauthn-authenticator-passwordless", "auth-password-form"


async def bind_choice_flow(env: Env, authenticator: str = KEY, alias: str = "aia") -> dict[str, str]:
    """The Username Form, then a REQUIRED sub-flow ``{alias} choice`` of the Password Form and ``authenticator``,
    both ALTERNATIVE, bound as the browser flow ``alias``; the sub-flow's execution ids by provider."""
    forms, choice = f"{alias} forms", f"{alias} choice"
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "auth-cookie", ALT)
    await add_flow(env, alias, forms, ALT)
    await add(env, forms, "auth-username-form", REQ)
    await add_flow(env, forms, choice, REQ)
    await add(env, choice, PASSWORD, ALT)
    await add(env, choice, authenticator, ALT)
    await admin(env, "PUT", ADMIN, {"browserFlow": alias}, 204)
    return {e["providerId"]: e["id"] for e in await executions(env, choice) if e.get("providerId")}


async def register_key(env: Env, key: SoftKey, username: str = "user1") -> None:
    """``username`` registers ``key`` as a two-factor security key (the webauthn-register required action)."""
    await register_passkey(env, key, username, action="webauthn-register")


async def after_username(env: Env, username: str = "user1") -> httpx.Response:
    env.http.cookies.clear()
    page = await start(env.http, "test", "app")
    assert is_username_page(page), page.text[:300]
    return await submit(env.http, page, username=username)


def is_key_page(page: httpx.Response) -> bool:
    return (
        page.status_code == 200
        and 'id="authenticateWebAuthnButton"' in page.text
        and 'name="password"' not in page.text
    )


async def bind_username_then_password(env: Env, **realm: Any) -> None:
    """PasskeysUsernameFormTest's flow ``first``: the Cookie, then the Username Form and the Password Form, both
    REQUIRED, bound as the browser flow with ``realm``'s other changes."""
    body = {"alias": "first", "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": ""}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, "first", "auth-cookie", ALT)
    await add_flow(env, "first", "first forms", ALT)
    await add(env, "first forms", "auth-username-form", REQ)
    await add(env, "first forms", "auth-password-form", REQ)
    await admin(env, "PUT", ADMIN, {"browserFlow": "first", **realm}, 204)
