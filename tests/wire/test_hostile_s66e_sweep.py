"""Sweep: every use of an offline and an online token after one admin change (tests/hostile_s66e.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from hostile_s66e import OK, admin, agreeing, families, probe
from keycloak_port import client_uuid, get, update_client, update_realm, update_user, user_id
from wire_env import Env

pytestmark = pytest.mark.anyio
Change = Callable[[Env], Awaitable[None]]
GONE_OFF = (400, "invalid_grant: Offline user session not found")
GONE_ON = (400, "invalid_grant: Session not active")
NO_CLIENT = (400, "invalid_grant: Session doesn't have required client")
NOT_ALLOWED = (400, "not_allowed: Offline tokens not allowed for the user or client")


async def recreate_user(env: Env) -> None:
    uid = await user_id(env, "user1")
    rep = await get(env, f"/users/{uid}")
    await admin(env, "DELETE", f"/users/{uid}")
    body = {k: rep[k] for k in ("username", "email", "firstName", "lastName", "enabled") if k in rep}
    body["credentials"] = [{"type": "password", "value": "password", "temporary": False}]
    await admin(env, "POST", "/users", body, status=201)


async def recreate_client(env: Env) -> None:
    uuid = await client_uuid(env, "app")
    rep = await get(env, f"/clients/{uuid}")
    await admin(env, "DELETE", f"/clients/{uuid}")
    rep.pop("id")
    await admin(env, "POST", "/clients", rep, status=201)


async def disable_enable_user(env: Env) -> None:
    await update_user(env, "user1", enabled=False)
    await update_user(env, "user1", enabled=True)


async def disable_enable_client(env: Env) -> None:
    await update_client(env, "app", enabled=False)
    await update_client(env, "app", enabled=True)


async def disable_enable_realm(env: Env) -> None:
    await update_realm(env, enabled=False)
    await update_realm(env, enabled=True)


async def required_action(env: Env) -> None:
    await update_user(env, "user1", requiredActions=["UPDATE_PASSWORD", "CONFIGURE_TOTP"])


async def email_changed(env: Env) -> None:
    await update_user(env, "user1", email="someone.else@example.com")


async def admin_password_reset(env: Env) -> None:
    body = {"type": "password", "value": "another-password", "temporary": False}
    await admin(env, "PUT", f"/users/{await user_id(env, 'user1')}/reset-password", body)


async def grants_disabled(env: Env) -> None:
    await update_client(env, "app", directAccessGrantsEnabled=False, standardFlowEnabled=False)


async def full_scope_off(env: Env) -> None:
    await update_client(env, "app", fullScopeAllowed=False)


async def made_public(env: Env) -> None:
    await update_client(env, "app", publicClient=True)


async def default_roles_lose_offline_access(env: Env) -> None:
    realm = await get(env, "")
    role = (await get(env, "/roles/offline_access"))["id"]
    await admin(env, "DELETE", f"/roles-by-id/{realm['defaultRole']['id']}/composites", [{"id": role}])


async def offline_scope_unlinked(env: Env) -> None:
    uuid = await client_uuid(env, "app")
    scope = next(s["id"] for s in await get(env, "/client-scopes") if s["name"] == "offline_access")
    await admin(env, "DELETE", f"/clients/{uuid}/optional-client-scopes/{scope}")


async def offline_scope_made_default(env: Env) -> None:
    uuid = await client_uuid(env, "app")
    scope = next(s["id"] for s in await get(env, "/client-scopes") if s["name"] == "offline_access")
    await admin(env, "DELETE", f"/clients/{uuid}/optional-client-scopes/{scope}")
    await admin(env, "PUT", f"/clients/{uuid}/default-client-scopes/{scope}")


async def not_before_pushed_then_cleared(env: Env) -> None:
    env.clock.advance(5)
    await admin(env, "POST", "/push-revocation", status=200)
    await update_realm(env, notBefore=0)


NO_CHANGE = (OK, OK)
CASES: dict[str, tuple[Change, tuple[tuple[int, str], tuple[int, str]]]] = {
    "user deleted and recreated": (recreate_user, (GONE_OFF, GONE_ON)),
    "client deleted and recreated": (recreate_client, (NO_CLIENT, NO_CLIENT)),
    "user disabled then enabled": (disable_enable_user, NO_CHANGE),
    "client disabled then enabled": (disable_enable_client, NO_CHANGE),
    "realm disabled then enabled": (disable_enable_realm, NO_CHANGE),
    "required actions added": (required_action, NO_CHANGE),
    "e-mail changed": (email_changed, NO_CHANGE),
    "password reset by an admin": (admin_password_reset, NO_CHANGE),
    "standard flow and direct grants disabled": (grants_disabled, NO_CHANGE),
    "full scope off": (full_scope_off, NO_CHANGE),
    "made public": (made_public, NO_CHANGE),
    "offline_access left the default roles": (default_roles_lose_offline_access, (NOT_ALLOWED, OK)),
    "offline_access scope unlinked": (
        offline_scope_unlinked,
        ((400, "invalid_grant: Offline session invalid because offline access not granted anymore"), OK),
    ),
    "offline_access scope made default": (offline_scope_made_default, NO_CHANGE),
    "notBefore pushed then cleared": (not_before_pushed_then_cleared, NO_CHANGE),
}


@pytest.mark.parametrize("case", CASES)
async def test_each_use_of_either_token_after_a_change_answers_as_keycloak(realm: Env, case: str) -> None:
    change, (offline, online) = CASES[case]
    tokens = await families(realm)
    await change(realm)
    confidential = case != "made public"  # a public client may not introspect ("Client not allowed.")
    outcomes = [await probe(realm, token, introspect=confidential) for token in (tokens.offline, tokens.online)]
    expected = [agreeing(offline, introspect=confidential), agreeing(online, introspect=confidential)]
    if offline == NOT_ALLOWED:  # only the refresh asks for the role again (createOrUpdateOfflineSession)
        expected[0] = (True, NOT_ALLOWED)
    assert outcomes == expected
