"""The organization a login selected holds its refresh tokens (Keycloak 26.6's OrganizationTokenPostProcessor and
TokenManager.validateSelectedOrganization; doorkeep.organizations.selected).

The refresh token names the selected organization's alias as ``organization``; a refresh keeps it, and refuses the
token once that organization is gone, disabled or no longer has the user: 400 ``invalid_grant`` "Invalid
organization", with no REFRESH_TOKEN_ERROR (an ErrorResponseException, outside the grant's error handling). Offline
tokens alike. With the realm's organizations off nothing is checked and the claim is dropped (keycloak#48903)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from browser_flow import submit
from flow_builder import admin, events
from org_invitations import ORGS
from organization_login_support import REALM, join, member_of_both, token_response, two_organizations, typed
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _picked(env: Env, alias: str, scope: str = "openid organization") -> dict[str, Any]:
    """user1, member of acme and beta, picks ``alias`` on the select page: the token response and the ids."""
    ids = await member_of_both(env)
    await admin(
        env,
        "PUT",
        f"{REALM}/events/config",
        {"eventsEnabled": True, "enabledEventTypes": ["REFRESH_TOKEN", "REFRESH_TOKEN_ERROR"]},
        204,
    )
    page = await typed(env.http, "user1", scope=scope)
    tokens = await token_response(env.http, await submit(env.http, page, **{"kc.org": alias}))
    return {**tokens, **ids}


async def _user1(env: Env) -> str:
    [user] = (await admin(env, "GET", f"{REALM}/users?username=user1&exact=true", status=200)).json()
    return str(user["id"])


async def _leave(env: Env, org: str) -> None:
    gone = await env.http.delete(f"{ORGS}/{org}/members/{await _user1(env)}", headers=await env.admin_headers())
    assert gone.status_code == 204, gone.text


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "invalid_grant", "error_description": "Invalid organization"}


async def test_the_refresh_token_names_the_picked_organization_and_a_refresh_keeps_it(realm: Env) -> None:
    tokens = await _picked(realm, "beta")
    assert claims(tokens["refresh_token"])["organization"] == "beta"
    again = await refresh(realm.http, "test", "app", tokens["refresh_token"])
    assert again.status_code == 200, again.text
    assert claims(again.json()["refresh_token"])["organization"] == "beta"


async def test_a_refresh_after_the_user_left_the_picked_organization_is_refused_without_an_event(
    realm: Env,
) -> None:
    tokens = await _picked(realm, "beta")
    again = await refresh(realm.http, "test", "app", tokens["refresh_token"])  # the realm records refreshes
    assert again.status_code == 200 and len(await events(realm, "REFRESH_TOKEN")) == 1, again.text
    await _leave(realm, tokens["beta"])
    _refused(await refresh(realm.http, "test", "app", again.json()["refresh_token"]))
    assert await events(realm, "REFRESH_TOKEN_ERROR") == []
    assert len(await events(realm, "REFRESH_TOKEN")) == 1


async def test_a_refresh_after_the_picked_organization_was_disabled_is_refused(realm: Env) -> None:
    tokens = await _picked(realm, "beta")
    rep = (await admin(realm, "GET", f"{ORGS}/{tokens['beta']}", status=200)).json()
    await admin(realm, "PUT", f"{ORGS}/{tokens['beta']}", {**rep, "enabled": False}, 204)
    _refused(await refresh(realm.http, "test", "app", tokens["refresh_token"]))


async def test_a_refresh_after_the_picked_organization_was_deleted_is_refused(realm: Env) -> None:
    tokens = await _picked(realm, "beta")
    await admin(realm, "DELETE", f"{ORGS}/{tokens['beta']}", status=204)
    _refused(await refresh(realm.http, "test", "app", tokens["refresh_token"]))


async def test_an_offline_refresh_after_the_user_left_the_picked_organization_is_refused(realm: Env) -> None:
    tokens = await _picked(realm, "acme", scope="openid organization offline_access")
    offline = claims(tokens["refresh_token"])
    assert offline["typ"] == "Offline" and offline["organization"] == "acme"
    await _leave(realm, tokens["acme"])
    _refused(await refresh(realm.http, "test", "app", tokens["refresh_token"]))


async def test_with_organizations_off_the_refresh_is_not_checked_and_drops_the_claim(realm: Env) -> None:
    tokens = await _picked(realm, "beta")
    await _leave(realm, tokens["beta"])
    await admin(realm, "PUT", REALM, {"organizationsEnabled": False}, 204)
    again = await refresh(realm.http, "test", "app", tokens["refresh_token"])
    assert again.status_code == 200, again.text
    assert "organization" not in claims(again.json()["refresh_token"])


async def test_a_single_organization_scope_selects_it(realm: Env) -> None:
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    granted = await password_grant(realm.http, "test", "app", "user1", scope="openid organization:acme")
    assert granted.status_code == 200, granted.text
    assert claims(granted.json()["refresh_token"])["organization"] == "acme"
    await _leave(realm, ids["acme"])
    _refused(await refresh(realm.http, "test", "app", granted.json()["refresh_token"]))


async def test_without_a_selected_organization_the_refresh_token_names_none(realm: Env) -> None:
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    granted = await password_grant(realm.http, "test", "app", "user1", scope="openid")
    assert granted.status_code == 200, granted.text
    assert "organization" not in claims(granted.json()["refresh_token"])
    await _leave(realm, ids["acme"])
    assert (await refresh(realm.http, "test", "app", granted.json()["refresh_token"])).status_code == 200
