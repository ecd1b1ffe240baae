"""Keycloak's AdminConsoleWhoAmILocaleTest (tests/base/.../tests/admin/), one test per method, over HTTP: the
locale ``GET /admin/{realm}/console/whoami`` resolves for the caller, its realm access, and its 401 and 403s.

The realms are the Java class's: ``realm-i18n-off`` (internationalization off) and ``realm-i18n-on`` (on,
locales no, de, zh-CN, default no), each with users holding realm-admin, one of them with the locale ``de``,
and a confidential ``admin-cli`` marked ``security.admin.console`` (so its tokens may ask); ``realm-i18n-on``
also has a user without admin roles and a client without the mark. Master gets ``master-admin`` (locale
``en``, given master's ``admin`` role) and the console client ``master-admin-cli``. One app for the module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from keycloak_port import admin_headers
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

OFF, ON = "realm-i18n-off", "realm-i18n-on"
CONSOLE = {"security.admin.console": "true"}


def _user(username: str, locale: str | None = None, *, admin: bool = True) -> dict[str, Any]:
    user: dict[str, Any] = {
        "username": username,
        "enabled": True,
        "email": f"{username}@email.org",
        "emailVerified": True,
        "firstName": "My",
        "lastName": username,
        "credentials": [{"type": "password", "value": "password"}],
    }
    if locale is not None:
        user["attributes"] = {"locale": [locale]}
    if admin:
        user["clientRoles"] = {"realm-management": ["realm-admin"]}
    return user


def _client(client_id: str, attributes: dict[str, str]) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "name": client_id,
        "secret": "secret",
        "publicClient": False,
        "directAccessGrantsEnabled": True,
        "attributes": attributes,
    }


REALMS = [
    {
        "realm": OFF,
        "enabled": True,
        "internationalizationEnabled": False,
        "users": [_user("user-without-locale"), _user("user-with-locale", "de")],
        "clients": [_client("admin-cli", CONSOLE)],
    },
    {
        "realm": ON,
        "enabled": True,
        "internationalizationEnabled": True,
        "supportedLocales": ["no", "de", "zh-CN"],
        "defaultLocale": "no",
        "users": [
            _user("user-without-locale"),
            _user("user-with-locale", "de"),
            _user("user-no-access", "de", admin=False),
        ],
        "clients": [_client("admin-cli", CONSOLE), _client("admin-cli-not-allowed", {})],
    },
]


@pytest.fixture(scope="module")
async def env(shared_env: Env) -> AsyncIterator[Env]:
    """The module's app with the two realms, master's ``master-admin`` and ``master-admin-cli``."""
    headers = await admin_headers(shared_env)
    for rep in REALMS:
        created = await shared_env.http.post("/admin/realms", json=rep, headers=headers)
        assert created.status_code == 201, created.text
    master = "/admin/realms/master"
    client = await shared_env.http.post(f"{master}/clients", json=_client("master-admin-cli", CONSOLE), headers=headers)
    assert client.status_code == 201, client.text
    user = await shared_env.http.post(f"{master}/users", json=_user("master-admin", "en", admin=False), headers=headers)
    assert user.status_code == 201, user.text
    user_id = user.headers["location"].rsplit("/", 1)[1]
    admin_role = (await shared_env.http.get(f"{master}/roles/admin", headers=headers)).json()
    granted = await shared_env.http.post(
        f"{master}/users/{user_id}/role-mappings/realm", json=[admin_role], headers=headers
    )
    assert granted.status_code == 204, granted.text  # updateMasterAdminRole
    yield shared_env


async def _token(env: Env, realm: str, client_id: str, username: str) -> str:
    response = await password_grant(env.http, realm, client_id, username, "password", secret="secret")
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _whoami(env: Env, realm: str, token: str | None, current: str | None = None, **extra: str) -> httpx.Response:
    headers = {"Accept": "application/json", **extra}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    params = {"currentRealm": current} if current else None
    return await env.http.get(f"/admin/{realm}/console/whoami", params=params, headers=headers)


async def _who(env: Env, realm: str, username: str, client_id: str = "admin-cli", **extra: str) -> dict[str, Any]:
    response = await _whoami(env, realm, await _token(env, realm, client_id, username), **extra)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _access(realm: str, who: dict[str, Any]) -> None:
    """``checkRealmAccess``: a non-empty list of roles for ``realm``."""
    granted = who["realm_access"][realm]
    assert isinstance(granted, list) and granted, who["realm_access"]


async def test_locale_realm_i18n_disabled_user_without_locale(env: Env) -> None:
    """testLocaleRealmI18nDisabledUserWithoutLocale: English."""
    who = await _who(env, OFF, "user-without-locale")
    assert (who["realm"], who["locale"]) == (OFF, "en")
    _access(OFF, who)


async def test_locale_realm_i18n_disabled_user_with_locale(env: Env) -> None:
    """testLocaleRealmI18nDisabledUserWithLocale: the user's ``de`` does not count without i18n."""
    who = await _who(env, OFF, "user-with-locale")
    assert (who["realm"], who["locale"]) == (OFF, "en")
    _access(OFF, who)


async def test_locale_realm_i18n_enabled_user_without_locale(env: Env) -> None:
    """testLocaleRealmI18nEnabledUserWithoutLocale: the realm's default ``no``."""
    who = await _who(env, ON, "user-without-locale")
    assert (who["realm"], who["locale"]) == (ON, "no")
    _access(ON, who)


async def test_locale_realm_i18n_enabled_user_with_locale(env: Env) -> None:
    """testLocaleRealmI18nEnabledUserWithLocale: the user's ``de``."""
    who = await _who(env, ON, "user-with-locale")
    assert (who["realm"], who["locale"]) == (ON, "de")
    _access(ON, who)


async def test_locale_realm_i18n_enabled_accept_language_header(env: Env) -> None:
    """testLocaleRealmI18nEnabledAcceptLanguageHeader: Accept-Language ``zh-CN`` over the realm default."""
    who = await _who(env, ON, "user-without-locale", **{"Accept-Language": "zh-CN"})
    assert (who["realm"], who["locale"]) == (ON, "zh-CN")
    _access(ON, who)


async def test_locale_realm_i18n_enabled_keycloak_locale_cookie(env: Env) -> None:
    """testLocaleRealmI18nEnabledKeycloakLocaleCookie: the ``KEYCLOAK_LOCALE`` cookie."""
    who = await _who(env, ON, "user-without-locale", Cookie="KEYCLOAK_LOCALE=zh-CN")
    assert (who["realm"], who["locale"]) == (ON, "zh-CN")
    _access(ON, who)


async def test_master_realm(env: Env) -> None:
    """testMasterRealm: master's admin through ``master-admin-cli``, its own realm's access."""
    who = await _who(env, "master", "master-admin", "master-admin-cli")
    assert (who["realm"], who["locale"]) == ("master", "en")
    _access("master", who)


async def test_master_realm_current_realm(env: Env) -> None:
    """testMasterRealmCurrentRealm: with ``currentRealm``, the access to that realm."""
    token = await _token(env, "master", "master-admin-cli", "master-admin")
    response = await _whoami(env, "master", token, ON)
    assert response.status_code == 200, response.text
    who = response.json()
    assert (who["realm"], who["locale"]) == ("master", "en")
    _access(ON, who)


async def test_locale_realm_no_token(env: Env) -> None:
    """testLocaleRealmNoToken: 401."""
    assert (await _whoami(env, ON, None)).status_code == 401


async def test_locale_realm_user_no_access(env: Env) -> None:
    """testLocaleRealmUserNoAccess: a user without admin roles is refused, 403."""
    response = await _whoami(env, ON, await _token(env, ON, "admin-cli", "user-no-access"))
    assert response.status_code == 403


async def test_locale_realm_token_admin_not_allowed(env: Env) -> None:
    """testLocaleRealmTokenAdminNotAllowed: a token of a client not marked as an admin console, 403."""
    response = await _whoami(env, ON, await _token(env, ON, "admin-cli-not-allowed", "user-with-locale"))
    assert response.status_code == 403
