"""Userinfo with an access token minted while the user was in an organization (its ``organization`` claim names
it), after the user left it, it was disabled, or it was deleted. Keycloak's UserInfoEndpoint refuses nothing for
it (no organization check there: the refresh grant is where the selected organization is validated); userinfo
builds its claims again from the client session (transformUserInfoAccessToken), and OrganizationMembershipMapper
maps only an organization that exists, is enabled and has the user as a member. So the answer is 200 without the
organization, for the organization picked at login (the client session's ``kc.org``) and for
``organization:<alias>``; an organization the user still has stays named."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from browser_flow import submit
from flow_builder import admin
from org_invitations import ORGS
from organization_login_support import REALM, join, member_of_both, token_response, two_organizations, typed
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
USERINFO = "/realms/test/protocol/openid-connect/userinfo"


async def _user1(env: Env) -> str:
    [user] = (await admin(env, "GET", f"{REALM}/users?username=user1&exact=true", status=200)).json()
    return str(user["id"])


async def _left(env: Env, org: str) -> None:
    await admin(env, "DELETE", f"{ORGS}/{org}/members/{await _user1(env)}", status=204)


async def _disabled(env: Env, org: str) -> None:
    rep = (await admin(env, "GET", f"{ORGS}/{org}", status=200)).json()
    await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": False}, 204)


async def _deleted(env: Env, org: str) -> None:
    await admin(env, "DELETE", f"{ORGS}/{org}", status=204)


CHANGES: dict[str, Callable[[Env, str], Awaitable[None]]] = {
    "left": _left,
    "disabled": _disabled,
    "deleted": _deleted,
}


async def _userinfo(env: Env, access_token: str) -> dict[str, Any]:
    answer = await env.http.get(USERINFO, headers={"Authorization": f"Bearer {access_token}"})
    assert answer.status_code == 200, (answer.status_code, answer.headers.get("www-authenticate"), answer.text)
    return dict(answer.json())


@pytest.mark.parametrize("change", sorted(CHANGES))
async def test_the_organization_picked_at_login_is_named_no_more_and_the_token_still_works(
    realm: Env, change: str
) -> None:
    ids = await member_of_both(realm)
    page = await typed(realm.http, "user1", scope="openid organization")
    tokens = await token_response(realm.http, await submit(realm.http, page, **{"kc.org": "beta"}))
    assert claims(tokens["access_token"])["organization"] == ["beta"]
    assert (await _userinfo(realm, tokens["access_token"]))["organization"] == ["beta"]
    await CHANGES[change](realm, ids["beta"])
    info = await _userinfo(realm, tokens["access_token"])
    assert "organization" not in info and info["sub"] == await _user1(realm)


@pytest.mark.parametrize("change", sorted(CHANGES))
async def test_an_organization_scope_naming_the_alias_names_only_what_the_user_still_has(
    realm: Env, change: str
) -> None:
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    await join(realm, ids["beta"])
    granted = await password_grant(realm.http, "test", "app", scope="openid organization:acme organization:beta")
    assert granted.status_code == 200, granted.text
    token = granted.json()["access_token"]
    assert sorted(claims(token)["organization"]) == ["acme", "beta"]
    await CHANGES[change](realm, ids["beta"])
    assert (await _userinfo(realm, token))["organization"] == ["acme"]
