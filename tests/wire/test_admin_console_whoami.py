"""``GET /admin/{realm}/console/whoami`` as Keycloak 26's AdminConsole.whoAmI answers it
(AdminConsoleWhoAmILocaleTest): JSON for a console token, 401/403 otherwise, never the console's sign-in."""

from __future__ import annotations

import pytest

from doorkeep.realms.provisioning import MANAGEMENT_ROLES
from support import password_grant, seed_realm, seed_user, update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

CONSOLE = "security-admin-console"


async def _console_token(env: Env, realm: str, username: str, password: str) -> str:
    """A password-grant token for the realm's admin console client (direct grants switched on for the test)."""
    await update_client(env.db, realm, CONSOLE, direct_access_grants_enabled=True)
    response = await password_grant(env.http, realm, CONSOLE, username, password, secret=None)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _whoami(env: Env, realm: str, token: str | None, query: str = "", **headers: str) -> dict[str, object]:
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    response = await env.http.get(f"/admin/{realm}/console/whoami{query}", headers=headers)
    return {"status": response.status_code, "body": response.json(), "headers": response.headers}


async def test_the_master_admin_gets_its_access_to_the_current_realm(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    token = await _console_token(env, "master", "admin", "admin")
    got = await _whoami(env, "master", token, "?currentRealm=test")
    assert got["status"] == 200
    body = got["body"]
    assert isinstance(body, dict)
    assert body.pop("userId")
    assert body.pop("realm_access") == {"test": sorted(MANAGEMENT_ROLES)}
    assert body == {"realm": "master", "displayName": "admin", "locale": "en", "createRealm": True, "temporary": False}
    assert (await _whoami(env, "master", token))["body"]["realm_access"] == {"master": sorted(MANAGEMENT_ROLES)}  # type: ignore[index]


async def test_a_realm_user_gets_the_realm_management_roles_it_holds(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    user = await seed_user(env.db, env.clock, "test", "helpdesk", first_name="Help", last_name="Desk")
    clients = (await env.http.get("/admin/realms/test/clients?clientId=realm-management", headers=headers)).json()
    roles = (await env.http.get(f"/admin/realms/test/clients/{clients[0]['id']}/roles", headers=headers)).json()
    view_users = [r for r in roles if r["name"] == "view-users"]
    granted = await env.http.post(
        f"/admin/realms/test/users/{user.id}/role-mappings/clients/{clients[0]['id']}", headers=headers, json=view_users
    )
    assert granted.status_code == 204
    token = await _console_token(env, "test", "helpdesk", "password")
    got = await _whoami(env, "test", token, "?currentRealm=master")
    assert got["status"] == 200
    assert got["body"] == {
        "userId": user.id,
        "realm": "test",
        "displayName": "Help Desk",
        "locale": "en",
        "createRealm": False,
        # view-users with the roles it contains (hasRole sees composites); currentRealm counts only in master
        "realm_access": {"test": ["query-groups", "query-users", "view-users"]},
        "temporary": False,
    }


async def test_a_user_without_realm_access_is_refused_403(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "user1")
    token = await _console_token(env, "test", "user1", "password")
    got = await _whoami(env, "test", token)
    assert (got["status"], got["body"]) == (403, {"error": "No realm access"})


async def test_a_token_of_another_client_is_refused_403_naming_it(env: Env) -> None:
    """An admin-cli token (keycloak-admin-client's whoAmI.find) is not an admin console's: 403 since Keycloak 25."""
    got = await _whoami(env, "master", await env.admin_token(), "?currentRealm=master")
    assert got["status"] == 403
    assert got["body"] == {"error": "Token issued for an application that is not the admin console: admin-cli"}


async def test_a_client_marked_as_an_admin_console_may_ask(env: Env) -> None:
    await update_client(env.db, "master", "admin-cli", attributes={"security.admin.console": "true"})
    got = await _whoami(env, "master", await env.admin_token())
    assert got["status"] == 200


async def test_no_token_or_a_token_of_another_realm_is_401_json_not_the_sign_in_page(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    failed = {"error_description": "Token verification failed"}  # AdminRoot.toOAuth2Error's generic one
    for token, described in (
        (None, {}),
        ("not-a-jwt", failed),
        (await _console_token(env, "master", "admin", "admin"), failed),
    ):
        got = await _whoami(env, "test", token)
        assert (got["status"], got["body"]) == (401, {"error": "HTTP 401 Unauthorized"} | described)


async def test_unknown_realms_are_404(env: Env) -> None:
    token = await _console_token(env, "master", "admin", "admin")
    got = await _whoami(env, "nowhere", token)
    assert (got["status"], got["body"]) == (404, {"error": "Realm not found.  Did you type in a bad URL?"})
    got = await _whoami(env, "master", token, "?currentRealm=nowhere")
    assert (got["status"], got["body"]) == (404, {"error": "Realm not found"})


async def test_display_name_locale_and_temporary_flag_follow_the_user(env: Env) -> None:
    await update_user(
        env.db, "master", "admin", first_name="Ada", last_name=None, attributes={"is_temporary_admin": ["true"]}
    )
    token = await _console_token(env, "master", "admin", "admin")
    body = (await _whoami(env, "master", token, **{"Accept-Language": "de"}))["body"]
    assert isinstance(body, dict)
    assert (body["displayName"], body["locale"], body["temporary"]) == ("Ada", "en", True)


async def test_the_console_origin_gets_cors_headers(env: Env) -> None:
    await update_client(env.db, "master", CONSOLE, web_origins=("https://console.example",))
    token = await _console_token(env, "master", "admin", "admin")
    got = await _whoami(env, "master", token, Origin="https://console.example")
    headers = got["headers"]
    assert headers["access-control-allow-origin"] == "https://console.example"  # type: ignore[index]
    assert headers["access-control-allow-credentials"] == "true"  # type: ignore[index]
    other = await _whoami(env, "master", token, Origin="https://evil.example")
    assert "access-control-allow-origin" not in other["headers"]  # type: ignore[operator]
