"""What a refreshed access token (and userinfo with it) says after the user's roles or profile change between two
refreshes of the same offline or online token. The refresh grant keeps what it derived from the configuration and
the user while neither changes (refresh_token.py's ``kept``): a change reached through a group or a composite role,
or a profile edit, must still show at the very next refresh, as Keycloak recomputes everything per refresh."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from hostile_s66e import admin, families
from keycloak_port import client_uuid, get, update_user, user_id
from support import claims, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
Change = Callable[[Env, str], Awaitable[None]]


async def _client_role(env: Env) -> dict[str, Any]:
    app = await client_uuid(env, "app")
    await admin(env, "POST", f"/clients/{app}/roles", {"name": "reader"}, status=201)
    role: dict[str, Any] = await get(env, f"/clients/{app}/roles/reader")
    return role


async def directly(env: Env) -> Change:
    role, uid = await _client_role(env), await user_id(env, "user1")
    app = await client_uuid(env, "app")
    await admin(env, "POST", f"/users/{uid}/role-mappings/clients/{app}", [role])
    return lambda env, _: admin(env, "DELETE", f"/users/{uid}/role-mappings/clients/{app}", [role])


async def through_a_group(env: Env) -> Change:
    role, uid = await _client_role(env), await user_id(env, "user1")
    await admin(env, "POST", "/groups", {"name": "readers"}, status=201)
    (group,) = await get(env, "/groups")
    await admin(env, "POST", f"/groups/{group['id']}/role-mappings/clients/{await client_uuid(env, 'app')}", [role])
    await admin(env, "PUT", f"/users/{uid}/groups/{group['id']}")
    return lambda env, _: admin(env, "DELETE", f"/users/{uid}/groups/{group['id']}")


async def through_a_composite(env: Env) -> Change:
    role, uid = await _client_role(env), await user_id(env, "user1")
    await admin(env, "POST", "/roles", {"name": "bundle"}, status=201)
    await admin(env, "POST", "/roles/bundle/composites", [role])
    await admin(env, "POST", f"/users/{uid}/role-mappings/realm", [await get(env, "/roles/bundle")])
    return lambda env, _: admin(env, "DELETE", "/roles/bundle/composites", [role])


GRANTS = {"directly": directly, "through a group": through_a_group, "through a composite role": through_a_composite}


def _reader(access_token: str) -> bool:
    return "reader" in claims(access_token).get("resource_access", {}).get("app", {}).get("roles", [])


@pytest.mark.parametrize("kind", ["offline", "online"])
@pytest.mark.parametrize("how", GRANTS)
async def test_a_client_role_taken_away_leaves_the_next_refreshed_token(realm: Env, how: str, kind: str) -> None:
    take_away = await GRANTS[how](realm)
    token = getattr(await families(realm), kind)
    first = await refresh(realm.http, "test", "app", token)
    assert first.status_code == 200 and _reader(first.json()["access_token"]), first.text
    await take_away(realm, token)
    second = await refresh(realm.http, "test", "app", token)
    assert second.status_code == 200, second.text
    assert not _reader(second.json()["access_token"]), f"{how}: the role outlived its removal"


@pytest.mark.parametrize("kind", ["offline", "online"])
async def test_a_changed_email_shows_in_the_next_refreshed_token_and_at_userinfo(realm: Env, kind: str) -> None:
    token = getattr(await families(realm), kind)
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200
    await update_user(realm, "user1", email="moved@example.com", firstName="Moved")
    body = (await refresh(realm.http, "test", "app", token)).json()
    assert (claims(body["access_token"])["email"], claims(body["id_token"])["given_name"]) == (
        "moved@example.com",
        "Moved",
    )
    info = await realm.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert (info.json()["email"], info.json()["given_name"]) == ("moved@example.com", "Moved")
