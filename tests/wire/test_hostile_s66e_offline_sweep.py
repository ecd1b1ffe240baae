"""Sweep: every use of an offline and an online token after one admin change (tests/hostile_s66e.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from hostile_s66e import OK, admin, agreeing, families, probe
from keycloak_port import client_uuid, get, update_client, update_realm, update_user, user_id
from support import token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
Change = Callable[[Env], Awaitable[None]]
GONE_OFF = (400, "invalid_grant: Offline user session not found")
GONE_ON = (400, "invalid_grant: Session not active")
NO_CLIENT = (400, "invalid_grant: Session doesn't have required client")
NOT_GRANTED = (400, "invalid_grant: Offline session invalid because offline access not granted anymore")


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


async def offline_scope_deleted(env: Env) -> None:
    scope = next(s["id"] for s in await get(env, "/client-scopes") if s["name"] == "offline_access")
    await admin(env, "DELETE", f"/client-scopes/{scope}")


async def left_the_group_granting_offline_access(env: Env) -> None:
    """Set up before the grant (``GROUP_SETUP``): offline_access reaches user1 only through group ``g``."""
    uid = await user_id(env, "user1")
    (group,) = await get(env, "/groups")
    await admin(env, "DELETE", f"/users/{uid}/groups/{group['id']}")


async def offline_access_only_through_a_group(env: Env) -> None:
    await default_roles_lose_offline_access(env)
    await admin(env, "POST", "/groups", {"name": "g"}, status=201)
    (group,) = await get(env, "/groups")
    await admin(env, "POST", f"/groups/{group['id']}/role-mappings/realm", [await get(env, "/roles/offline_access")])
    await admin(env, "PUT", f"/users/{await user_id(env, 'user1')}/groups/{group['id']}")


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
    "offline_access left the default roles": (default_roles_lose_offline_access, (NOT_GRANTED, OK)),
    "offline_access scope unlinked": (
        offline_scope_unlinked,
        (NOT_GRANTED, OK),
    ),
    "offline_access scope made default": (offline_scope_made_default, NO_CHANGE),
    "offline_access client scope deleted": (
        offline_scope_deleted,
        (NOT_GRANTED, OK),
    ),
    "left the group granting offline_access": (left_the_group_granting_offline_access, (NOT_GRANTED, OK)),
    "notBefore pushed then cleared": (not_before_pushed_then_cleared, NO_CHANGE),
}


@pytest.mark.parametrize("case", CASES)
async def test_each_use_of_either_token_after_a_change_answers_as_keycloak(realm: Env, case: str) -> None:
    change, (offline, online) = CASES[case]
    if change is left_the_group_granting_offline_access:
        await offline_access_only_through_a_group(realm)
    tokens = await families(realm)
    await change(realm)
    confidential = case != "made public"  # a public client may not introspect ("Client not allowed.")
    outcomes = [await probe(realm, token, introspect=confidential) for token in (tokens.offline, tokens.online)]
    expected = [agreeing(offline, introspect=confidential), agreeing(online, introspect=confidential)]
    assert outcomes == expected


@pytest.mark.parametrize(
    ("what", "answers"),
    [
        ("realm", {p: (403, "access_denied", "Realm not enabled") for p in ("token", "token/introspect", "revoke")}),
        (
            "client",
            {
                "token": (401, "invalid_client", "Invalid client or Invalid client credentials"),
                "token/introspect": (401, "invalid_request", "Authentication failed."),
                "revoke": (401, "invalid_client", "Invalid client or Invalid client credentials"),
            },
        ),
    ],
)
async def test_while_disabled_every_endpoint_refuses_and_afterwards_the_tokens_work(
    realm: Env, what: str, answers: dict[str, tuple[int, str, str]]
) -> None:
    """TokenEndpoint / TokenIntrospectionEndpoint / TokenRevocationEndpoint.checkRealm (403 "Realm not enabled")
    and the client authenticators (a disabled client authenticates as an unknown one): nothing is revoked while
    disabled, so enabling again brings both tokens back."""
    tokens = await families(realm)
    flip = update_realm if what == "realm" else (lambda env, **kw: update_client(env, "app", **kw))
    await flip(realm, enabled=False)
    for token in (tokens.offline, tokens.online):
        form = {"client_id": "app", "client_secret": "secret", "token": token}
        for path, expected in answers.items():
            data = {**form, "grant_type": "refresh_token", "refresh_token": token} if path == "token" else form
            body = (answer := await realm.http.post(token_url("test", path), data=data)).json()
            assert (answer.status_code, body["error"], body["error_description"]) == expected, (path, answer.text)
    await flip(realm, enabled=True)
    assert [await probe(realm, t) for t in (tokens.offline, tokens.online)] == [agreeing(OK), agreeing(OK)]
