"""Hostile variants of session 53's organization changes: the disabled-organization refusal of invitations comes
after the caller's rights (403 before 400) and never for another realm's organization; a refresh never widens the
organization scope (an alias added, ``*`` asked after an alias or after no organization scope at all) and maps no
organization the user has left; malformed organization scopes are invalid_scope. Both engines."""

from __future__ import annotations

import pytest

from admin_support import forbidden, realm_admin
from mail_sink import Sink
from org_claims import REALM, tokens
from org_claims import setup as claim_setup
from org_invitations import ORGS, create_org, enable, invite, stored
from support import claims, password_grant, refresh, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _disable(env: Env, org: str) -> None:
    h = await env.admin_headers()
    rep = (await env.http.get(f"{ORGS}/{org}", headers=h)).json()
    assert (await env.http.put(f"{ORGS}/{org}", json={**rep, "enabled": False}, headers=h)).status_code == 204


async def test_a_disabled_organization_answers_403_before_400_to_a_caller_without_manage(env: Env, mail: Sink) -> None:
    """validateOrganization checks requireManage first: a viewer learns nothing of the organization's state."""
    await enable(env, mail)
    org = await create_org(env)
    assert (await invite(env, org, "invite-user", email="a@neworg.org")).status_code == 204
    [kept] = await stored(env, org)
    await _disable(env, org)
    viewer = await realm_admin(env, "viewer", "view-organizations", "view-users")
    form = {"email": "b@neworg.org"}
    forbidden(await env.http.post(f"{ORGS}/{org}/members/invite-user", data=form, headers=viewer))
    forbidden(await env.http.post(f"{ORGS}/{org}/invitations/{kept['id']}/resend", headers=viewer))
    assert await stored(env, org) == [kept] and len(mail.received) == 1


async def test_another_realms_disabled_organization_is_not_found_here(env: Env, mail: Sink) -> None:
    """An organization id of another realm under this realm's path is 404, disabled or not; that realm's admin may
    not invite here."""
    await enable(env, mail)
    await seed_realm(env.db, env.clock, "other")
    h = await env.admin_headers()
    assert (
        await env.http.put("/admin/realms/other", json={"organizationsEnabled": True}, headers=h)
    ).status_code == 204
    made = await env.http.post("/admin/realms/other/organizations", json={"name": "theirs"}, headers=h)
    theirs = made.headers["location"].rsplit("/", 1)[1]
    rep = {"name": "theirs", "enabled": False}
    assert (await env.http.put(f"/admin/realms/other/organizations/{theirs}", json=rep, headers=h)).status_code == 204
    missing = await env.http.post(f"{ORGS}/{theirs}/members/invite-user", data={"email": "x@theirs.org"}, headers=h)
    assert (missing.status_code, missing.json()) == (404, {"errorMessage": "Organization not found."})
    ours = await create_org(env)
    outsider = await realm_admin(env, "outsider", "manage-realm", realm="other")
    answer = await env.http.post(f"{ORGS}/{ours}/members/invite-user", data={"email": "x@neworg.org"}, headers=outsider)
    assert answer.status_code in (401, 403)
    assert await stored(env, ours) == [] and mail.received == []


async def test_a_refresh_never_widens_the_organization_scope(realm: Env) -> None:
    """An alias asked beside the one granted is not added; ``*`` after an alias keeps the alias; ``*`` asked by a
    refresh whose grant had no organization scope adds none."""
    await claim_setup(realm)
    acme = await tokens(realm, "openid organization:acme")
    wider = await refresh(realm.http, "test", "app", acme["refresh_token"], scope="organization:acme organization:beta")
    assert wider.status_code == 200 and claims(wider.json()["access_token"])["organization"] == ["acme"]
    plain = await tokens(realm, "openid")
    asked = await refresh(realm.http, "test", "app", plain["refresh_token"], scope="openid organization:*")
    assert asked.status_code == 200 and "organization" not in claims(asked.json()["access_token"])
    assert not any(s.startswith("organization") for s in asked.json()["scope"].split())


async def test_a_refresh_narrowed_to_an_organization_the_user_left_maps_nothing(realm: Env) -> None:
    h = await claim_setup(realm)
    every = await tokens(realm, "openid organization:*")
    [acme] = (await realm.http.get(f"{REALM}/organizations", params={"search": "acme"}, headers=h)).json()
    user = (await realm.http.get(f"{REALM}/users", params={"username": "user1", "exact": "true"}, headers=h)).json()
    gone = await realm.http.delete(f"{REALM}/organizations/{acme['id']}/members/{user[0]['id']}", headers=h)
    assert gone.status_code == 204
    narrowed = await refresh(realm.http, "test", "app", every["refresh_token"], scope="organization:acme")
    assert narrowed.status_code == 200 and "organization" not in claims(narrowed.json()["access_token"])


@pytest.mark.parametrize(
    "scope",
    [
        "openid organization:",
        "openid organization:acme organization",
        "openid organization:* organization:beta organization:acme",
        "openid organization:*:acme organization",
    ],
)
async def test_malformed_or_mixed_organization_scopes_are_invalid(realm: Env, scope: str) -> None:
    await claim_setup(realm)
    refused = await password_grant(realm.http, "test", "app", "user1", scope=scope)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_scope")
