"""Keycloak 26's ClientScopeEvaluateTest (tests/base/.../tests/admin/client/ClientScopeEvaluateTest.java), ported
one Java test method to one pytest of the same name: the example tokens and userinfo of
``/admin/realms/test/clients/{id}/evaluate-scopes/generate-example-*`` for a user with a name and a verified
email, as the client's default and optional client scopes change.

test_admin_client_extras.py (``evaluate-scopes``) already covers the other evaluate-scopes endpoints, the
refusals (no userId, unknown user) and a client without full scope; they are not repeated here.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_scope_port import call, created_id, ok, scope_id_named, setup
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio

USER = {
    "username": "test-user",
    "enabled": True,
    "firstName": "Test",
    "lastName": "User",
    "email": "test@user.com",
    "emailVerified": True,
}


@pytest.fixture
async def kc(env: Env) -> tuple[Env, str, str]:
    """Realm ``test`` with a confidential client (the realm's default scopes) and ``test-user``: the client's UUID
    and the user's id."""
    await setup(env)
    client = {"clientId": "default", "secret": "secret", "redirectUris": ["http://127.0.0.1:9999/*"]}
    client_uuid = created_id(await call(env, "POST", "/clients", client))
    user_id = created_id(await call(env, "POST", "/users", USER))
    return env, client_uuid, user_id


async def example(env: Env, client: str, kind: str, scope: str, user_id: str) -> dict[str, Any]:
    """``clientScopesEvaluate().generateExample…(scope, userId, null)``."""
    path = f"/clients/{client}/evaluate-scopes/generate-example-{kind}"
    body: dict[str, Any] = await ok(env, "GET", path, status=200, scope=scope, userId=user_id)
    return body


async def test_generate_access_token(kc: tuple[Env, str, str]) -> None:
    env, client, user_id = kc
    token = await example(env, client, "access-token", "openid", user_id)
    assert token["sub"] and token["preferred_username"] == "test-user"
    # Evaluating creates no user session.
    assert await ok(env, "GET", f"/clients/{client}/user-sessions", status=200, first="0", max="5") == []


async def test_generate_id_token(kc: tuple[Env, str, str]) -> None:
    env, client, user_id = kc
    token = await example(env, client, "id-token", "openid", user_id)
    assert token["sub"] and token["preferred_username"] == "test-user"


async def test_generate_user_info(kc: tuple[Env, str, str]) -> None:
    env, client, user_id = kc
    userinfo = await example(env, client, "userinfo", "openid", user_id)
    assert userinfo
    assert userinfo["sub"] and userinfo["preferred_username"] == "test-user"


async def test_generate_access_token_without_basic_scope(kc: tuple[Env, str, str]) -> None:
    env, client, user_id = kc
    basic = await scope_id_named(env, "basic")
    await ok(env, "DELETE", f"/clients/{client}/default-client-scopes/{basic}")

    token = await example(env, client, "access-token", "openid", user_id)
    assert token and "sub" not in token

    await ok(env, "PUT", f"/clients/{client}/default-client-scopes/{basic}")


async def test_generate_access_token_with_optional_scope(kc: tuple[Env, str, str]) -> None:
    env, client, user_id = kc
    email = await scope_id_named(env, "email")
    await ok(env, "DELETE", f"/clients/{client}/default-client-scopes/{email}")
    await ok(env, "PUT", f"/clients/{client}/optional-client-scopes/{email}")

    token = await example(env, client, "access-token", "openid", user_id)
    assert token and "email" not in token
    token = await example(env, client, "access-token", "openid email", user_id)
    assert token["email"] == "test@user.com"

    await ok(env, "DELETE", f"/clients/{client}/optional-client-scopes/{email}")
    await ok(env, "PUT", f"/clients/{client}/default-client-scopes/{email}")


async def test_a_real_access_token_follows_the_example_without_the_basic_scope(kc: tuple[Env, str, str]) -> None:
    """Beyond the Java class: the example is the token the client would get (TokenManager.initToken gives a
    persistent session's token no subject; the ``basic`` scope's Subject mapper does), and the token without
    ``sub`` still refreshes."""
    env, client, user_id = kc
    await ok(env, "PUT", f"/clients/{client}", {"directAccessGrantsEnabled": True})
    password = {"type": "password", "value": "pw", "temporary": False}
    await ok(env, "PUT", f"/users/{user_id}/reset-password", password)
    granted = await password_grant(env.http, "test", "default", "test-user", "pw", scope="openid")
    assert claims(granted.json()["access_token"])["sub"] == user_id

    basic = await scope_id_named(env, "basic")
    await ok(env, "DELETE", f"/clients/{client}/default-client-scopes/{basic}")
    granted = await password_grant(env.http, "test", "default", "test-user", "pw", scope="openid")
    assert granted.status_code == 200, granted.text
    token = claims(granted.json()["access_token"])
    assert "sub" not in token and token["preferred_username"] == "test-user"
    assert claims(granted.json()["id_token"])["sub"] == user_id
    refreshed = await refresh(env.http, "test", "default", granted.json()["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert "sub" not in claims(refreshed.json()["access_token"])


async def test_hostile_a_token_without_sub_still_obeys_the_users_not_before(kc: tuple[Env, str, str]) -> None:
    """Beyond the Java class: an access token with no ``sub`` (no ``basic`` scope) names its user only through its
    session. Logging the user out (``users/{id}/logout`` sets their not-before) must refuse it at userinfo and
    introspection like a token with a subject, although its offline session survives the logout."""
    env, client, user_id = kc
    await ok(env, "PUT", f"/clients/{client}", {"directAccessGrantsEnabled": True})
    password = {"type": "password", "value": "pw", "temporary": False}
    await ok(env, "PUT", f"/users/{user_id}/reset-password", password)
    basic = await scope_id_named(env, "basic")
    await ok(env, "DELETE", f"/clients/{client}/default-client-scopes/{basic}")
    granted = await password_grant(env.http, "test", "default", "test-user", "pw", scope="openid offline_access")
    assert granted.status_code == 200, granted.text
    access = granted.json()["access_token"]
    assert "sub" not in claims(access)
    userinfo = "/realms/test/protocol/openid-connect/userinfo"
    bearer = {"Authorization": f"Bearer {access}"}
    assert (await env.http.get(userinfo, headers=bearer)).status_code == 200
    env.clock.advance(2)
    await ok(env, "POST", f"/users/{user_id}/logout")
    refused = await env.http.get(userinfo, headers=bearer)
    assert refused.status_code == 401, refused.text
    introspect = "/realms/test/protocol/openid-connect/token/introspect"
    form = {"client_id": "default", "client_secret": "secret", "token": access}
    assert (await env.http.post(introspect, data=form)).json() == {"active": False}
