"""Keycloak's AccessTokenTest realm and helpers, shared by the two files that port AccessTokenTest
(testsuite/integration-arquillian/tests/base/.../oauth/AccessTokenTest.java @1f03e358).

The realm mirrors the parts of Keycloak's ``testrealm.json`` the test reads: the confidential client
``test-app`` (secret ``password``, direct grants on, ``fullScopeAllowed`` false as ``addTestRealms`` sets it,
its own role ``customer-user``, the realm role ``user`` in its scope), the user ``test-user@localhost``
(realm roles ``user`` and ``offline_access``, client role ``customer-user``) and the extra user
``no-permissions`` with the realm role ``user``. Everything is imported and changed through the admin API;
Keycloak's ``setTimeOffset`` is the fake clock.
"""

from __future__ import annotations

from typing import Any

import httpx

from browser_flow import REDIRECT, code_from, exchange, form_action, form_fields, start, submit
from wire_env import Env

ADMIN = "/admin/realms/test"
APP = "test-app"
SECRET = "password"
USER = "test-user@localhost"
EVENT_TYPES = [
    "LOGIN",
    "LOGIN_ERROR",
    "CODE_TO_TOKEN",
    "CODE_TO_TOKEN_ERROR",
    "REFRESH_TOKEN",
    "REFRESH_TOKEN_ERROR",
    "LOGOUT",
]


def _user(username: str, roles: list[str], client_roles: dict[str, list[str]] | None = None) -> dict[str, Any]:
    rep: dict[str, Any] = {
        "username": username,
        "enabled": True,
        "email": username if "@" in username else f"{username}@localhost",
        "emailVerified": True,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "realmRoles": roles,
    }
    if client_roles:
        rep["clientRoles"] = client_roles
    return rep


def realm_rep() -> dict[str, Any]:
    """The subset of Keycloak's testrealm.json that AccessTokenTest depends on."""
    return {
        "realm": "test",
        "enabled": True,
        "sslRequired": "external",
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "roles": {
            "realm": [{"name": "user"}, {"name": "admin"}],
            "client": {APP: [{"name": "customer-user"}, {"name": "customer-admin"}]},
        },
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "redirectUris": ["http://127.0.0.1:9999/*"],
                "directAccessGrantsEnabled": True,
                "fullScopeAllowed": False,
            }
        ],
        "scopeMappings": [{"client": APP, "roles": ["user"]}],
        "users": [
            _user(USER, ["user", "offline_access"], {APP: ["customer-user"]}),
            _user("no-permissions", ["user"]),
        ],
    }


async def import_realm(env: Env) -> Env:
    """The ``test`` realm imported through ``POST /admin/realms`` (each test file's ``kc`` fixture)."""
    response = await env.http.post("/admin/realms", json=realm_rep(), headers=await env.admin_headers())
    assert response.status_code == 201, response.text
    return env


# --- the admin API --------------------------------------------------------------------------------------


async def get(env: Env, path: str, **params: Any) -> Any:
    response = await env.http.get(ADMIN + path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


async def send(env: Env, method: str, path: str, body: Any = None, status: int = 204) -> httpx.Response:
    headers = await env.admin_headers()
    response = await env.http.request(method, ADMIN + path, json=body, headers=headers)
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response


async def client_uuid(env: Env, client_id: str = APP) -> str:
    [client] = await get(env, "/clients", clientId=client_id)
    return str(client["id"])


async def user_id(env: Env, username: str = USER) -> str:
    [user] = await get(env, "/users", username=username, exact="true")
    return str(user["id"])


async def update_client(env: Env, client_id: str = APP, **fields: Any) -> dict[str, Any]:
    """Keycloak's ``client.update(rep)``: the whole representation with ``fields`` changed."""
    uuid = await client_uuid(env, client_id)
    rep: dict[str, Any] = await get(env, f"/clients/{uuid}")
    rep.update(fields)
    await send(env, "PUT", f"/clients/{uuid}", rep)
    return rep


async def set_client_attributes(env: Env, client_id: str = APP, **attributes: str | None) -> None:
    """Client attributes by their dotted names given with underscores; ``None`` removes one."""
    uuid = await client_uuid(env, client_id)
    rep: dict[str, Any] = await get(env, f"/clients/{uuid}")
    attrs = dict(rep.get("attributes") or {})
    for name, value in attributes.items():
        key = name.replace("__", "-").replace("_", ".")
        if value is None:
            attrs.pop(key, None)
        else:
            attrs[key] = value
    rep["attributes"] = attrs
    await send(env, "PUT", f"/clients/{uuid}", rep)


async def update_realm(env: Env, **fields: Any) -> None:
    await send(env, "PUT", "", fields)


async def update_user(env: Env, username: str = USER, **fields: Any) -> None:
    uid = await user_id(env, username)
    rep: dict[str, Any] = await get(env, f"/users/{uid}")
    rep.update(fields)
    await send(env, "PUT", f"/users/{uid}", rep)


# --- events ---------------------------------------------------------------------------------------------


async def events(env: Env, *types: str) -> list[dict[str, Any]]:
    """The realm's stored events of those types, oldest first."""
    found = await get(env, "/events", type=list(types))
    return list(reversed(found))


async def last_event(env: Env, *types: str) -> dict[str, Any]:
    found = await events(env, *types)
    assert found, f"no {types} event"
    return found[-1]


# --- the protocol ---------------------------------------------------------------------------------------


async def login_page(env: Env, client_id: str = APP, **params: str) -> httpx.Response:
    page = await start(env.http, "test", client_id, **params)
    assert page.status_code == 200, page.text[:300]
    return page


async def do_login(env: Env, client_id: str = APP, username: str = USER, **params: str) -> dict[str, str]:
    """``oauth.doLogin``: the login form (or the SSO session) up to the redirect with the code."""
    page = await start(env.http, "test", client_id, **params)
    if page.status_code == 302:
        return code_from(page)
    assert page.status_code == 200, page.text[:300]
    return code_from(await submit(env.http, page, username=username, password="password"))


def session_code(page: httpx.Response) -> str:
    """The code a login-actions page carries (its form's ``session_code``), which is no authorization code."""
    found = httpx.URL(form_action(page.text)).params.get("session_code") or form_fields(page.text).get("session_code")
    assert found, page.text[:500]
    return found


async def code_to_token(
    env: Env, code: str, secret: str | None = SECRET, client_id: str = APP, **extra: str
) -> httpx.Response:
    """``oauth.doAccessTokenRequest(code, secret)``."""
    return await exchange(env.http, "test", client_id, code, secret=secret, **extra)


async def tokens(env: Env, **params: str) -> dict[str, Any]:
    """A login and its code exchanged: the token response body."""
    code = (await do_login(env, **params))["code"]
    response = await code_to_token(env, code)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def token_url() -> str:
    return "/realms/test/protocol/openid-connect/token"


async def password_grant(
    env: Env, username: str = USER, password: str | None = "password", **extra: str
) -> httpx.Response:
    """Keycloak's ``executeGrantRequest``: client_secret_basic for test-app, ``scope=openid``."""
    form = {"grant_type": "password", "scope": "openid", **extra}
    if username:
        form["username"] = username
    if password is not None:
        form["password"] = password
    return await env.http.post(token_url(), data=form, auth=(APP, SECRET))


__all__ = ["REDIRECT"]
