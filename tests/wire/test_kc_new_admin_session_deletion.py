"""Keycloak's new-framework AdminSessionDeletionTest (tests/base/.../tests/session/) over HTTP: the service account
of ``backend`` (``manage-users``) deletes alice's browser session while another tab of the same browser still has
an unfinished login; the browser, all its cookies kept (AUTH_SESSION_ID among them), then signs in again and gets a
new session, not the deleted one back. The Java class's second method (``logoutSessionForAnotherUserSessionRemains
Isolated``) drives AuthenticationManager.createOrJoinLogoutSession on the server (run-on-server): no HTTP scenario,
not ported. The checks of the root authentication session run on the server too; the port asserts what a client
sees of them (the deleted session's tokens refused, the next login's new ``sid``)."""

from __future__ import annotations

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, code_from, exchange, start, submit
from group_port import fresh_realm
from keycloak_port import get, update_client, user_id
from support import claims, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

BACKEND, SECRET, USERNAME, PASSWORD = "backend", "secret", "alice", "password"
REALM = {
    "realm": "test",
    "enabled": True,
    "clients": [
        {
            "clientId": BACKEND,
            "secret": SECRET,
            "serviceAccountsEnabled": True,
            "attributes": {"client_credentials.use_refresh_token": "false"},
        },
        {"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT]},
    ],
    "users": [
        {
            "username": USERNAME,
            "enabled": True,
            "firstName": "Alice",
            "lastName": "Tester",
            "email": "alice@example.org",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": PASSWORD}],
        },
        {
            "username": f"service-account-{BACKEND}",
            "enabled": True,
            "serviceAccountClientId": BACKEND,
            "clientRoles": {"realm-management": ["manage-users"]},
        },
    ],
}


async def current_session_id(env: Env, login_answer: httpx.Response) -> str:
    """``currentSessionId``: the login answer's code exchanged by ``app``, the access token's ``sid``."""
    code = code_from(login_answer)
    assert "code" in code, code
    tokens = await exchange(env.http, "test", "app", code["code"], secret=None)
    assert tokens.status_code == 200, tokens.text
    return str(claims(tokens.json()["access_token"])["sid"])


@pytest.mark.parametrize("use_refresh_tokens", [False, True])
async def test_delete_session_with_unfinished_login_tab(env: Env, use_refresh_tokens: bool) -> None:
    """AdminSessionDeletionTest#deleteSessionWithUnfinishedLoginTab (both values of its parameter)."""
    await fresh_realm(env, REALM)
    env.http.cookies.clear()
    await update_client(
        env, BACKEND, attributes={"client_credentials.use_refresh_token": str(use_refresh_tokens).lower()}
    )
    granted = await env.http.post(token_url("test"), data={"grant_type": "client_credentials"}, auth=(BACKEND, SECRET))
    assert granted.status_code == 200, granted.text
    admin_token = granted.json()["access_token"]
    # The default client-credentials grant has no sid; the stateful variant has one.
    assert ("sid" in claims(admin_token)) is use_refresh_tokens

    first_tab = await start(env.http, "test", "app")
    assert first_tab.status_code == 200 and 'name="password"' in first_tab.text
    second_tab = await start(env.http, "test", "app")
    assert second_tab.status_code == 200
    old_sid = await current_session_id(env, await submit(env.http, second_tab, username=USERNAME, password=PASSWORD))

    deleted = await env.http.delete(
        f"/admin/realms/test/sessions/{old_sid}",
        params={"isOffline": "false"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert deleted.status_code == 204, deleted.text
    # ``session.sessions().getUserSession(realm, oldSid)`` is null: the admin API lists none for alice.
    assert await get(env, f"/users/{await user_id(env, USERNAME)}/sessions") == []

    # Every cookie kept, the deleted session's identity cookie and AUTH_SESSION_ID among them: ``oauth.doLogin``.
    page = await start(env.http, "test", "app")
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:300])
    new_sid = await current_session_id(env, await submit(env.http, page, username=USERNAME, password=PASSWORD))
    assert new_sid and new_sid != old_sid
