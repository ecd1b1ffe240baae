"""Keycloak's ``testrealm-duplicate-emails.json`` (AccessTokenDuplicateEmailsTest and
AccessTokenDuplicateEmailsNotCleanedUpTest), imported through ``POST /admin/realms`` without its SMTP server and
event listeners, which no method uses: ``duplicateEmailsAllowed`` on, ``loginWithEmailAllowed`` off, two users
sharing one email; and the helpers both ports use."""

from __future__ import annotations

from typing import Any

import keycloak_port as port
from browser_flow import exchange, login
from support import claims
from wire_env import Env

REALM = "test-duplicate-emails"
APP = "test-app"
REDIRECT = "http://127.0.0.1:9999/*"  # where browser_flow's REDIRECT lands (the file's localhost:8180 app URL)
SHARED = "duplicate-email-user@localhost"


def _user(username: str, email: str, first: str, last: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": email,
        "firstName": first,
        "lastName": last,
        "credentials": [{"type": "password", "value": "password"}],
        "realmRoles": ["user", "offline_access"],
        "clientRoles": {APP: ["customer-user"], "account": ["view-profile", "manage-account"]},
    }


def realm_rep() -> dict[str, Any]:
    return {
        "realm": REALM,
        "enabled": True,
        "sslRequired": "external",
        "registrationAllowed": True,
        "resetPasswordAllowed": True,
        "editUsernameAllowed": True,
        "loginWithEmailAllowed": False,
        "duplicateEmailsAllowed": True,
        "users": [
            _user("non-duplicate-email-user", "non-duplicate-email-user@localhost", "Brian", "Cohen"),
            _user("duplicate-email-user1", SHARED, "Agent", "Smith"),
            _user("duplicate-email-user2", SHARED, "Agent", "Smith"),
        ],
        "scopeMappings": [{"client": APP, "roles": ["user"]}],
        "clients": [
            {
                "clientId": APP,
                "enabled": True,
                "redirectUris": [REDIRECT],
                "secret": "password",
                "directAccessGrantsEnabled": True,
            }
        ],
        "roles": {
            "realm": [{"name": "user"}, {"name": "admin"}],
            "client": {APP: [{"name": "customer-user"}, {"name": "customer-admin"}]},
        },
        "internationalizationEnabled": True,
        "supportedLocales": ["en", "de"],
        "defaultLocale": "en",
    }


async def user_id(env: Env, username: str) -> str:
    response = await env.http.get(
        f"/admin/realms/{REALM}/users",
        params={"username": username, "exact": "true"},
        headers=await port.admin_headers(env),
    )
    assert response.status_code == 200, response.text
    (user,) = response.json()
    return str(user["id"])


async def access_token_of(env: Env, username: str) -> dict[str, Any]:
    code = (await login(env.http, REALM, APP, username))["code"]
    response = await exchange(env.http, REALM, APP, code, secret="password")
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])
