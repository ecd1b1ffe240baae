"""Security sweep (session 47): the ``organization`` claim after the facts change. An organization picked on the
select page (the client session's ``kc.org``), or granted by ``organization:<alias>``, is named no more at userinfo
or at introspection once the user has left it, it is disabled, or the realm's organizations are off; a refresh is
then refused (Keycloak 26.6's TokenManager.validateSelectedOrganization, session 67: the refresh token names the
selected organization) while organizations are on, and names none once they are off; the group mapper names no
group of an organization the user has left."""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import submit
from flow_builder import admin
from org_groups import group
from org_invitations import ORGS
from organization_login_support import REALM, join, member_of_both, token_response, two_organizations, typed
from support import add_audience, claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"


async def _picked(env: Env, alias: str) -> dict[str, Any]:
    """user1, member of acme and beta, picks ``alias`` on the select page: the token response."""
    ids = await member_of_both(env)
    await add_audience(env.db, "test", "app")  # app introspects its own tokens (Keycloak 26.6.2's audience check)
    page = await typed(env.http, "user1", scope="openid organization")
    tokens = await token_response(env.http, await submit(env.http, page, **{"kc.org": alias}))
    assert claims(tokens["access_token"])["organization"] == [alias]
    return {**tokens, **ids}


async def _user1(env: Env) -> str:
    [user] = (await admin(env, "GET", f"{REALM}/users?username=user1&exact=true", status=200)).json()
    return str(user["id"])


async def _seen(env: Env, tokens: dict[str, Any], *, refused: bool = False) -> list[Any]:
    """What refresh, userinfo and introspection say of ``organization`` now (None where absent). ``refused``: the
    refresh is refused as the selected organization no longer holds (userinfo then reads the first access token)."""
    again = await refresh(env.http, "test", "app", tokens["refresh_token"])
    if refused:
        assert again.status_code == 400, again.text
        assert again.json() == {"error": "invalid_grant", "error_description": "Invalid organization"}
        access = tokens["access_token"]
    else:
        assert again.status_code == 200, again.text
        access = again.json()["access_token"]
    info = await env.http.get(f"{OIDC}/userinfo", headers={"Authorization": f"Bearer {access}"})
    assert info.status_code == 200, info.text
    form = {"client_id": "app", "client_secret": "secret", "token": tokens["access_token"]}
    inspected = await env.http.post(f"{OIDC}/token/introspect", data=form)
    assert inspected.status_code == 200 and inspected.json()["active"] is True, inspected.text
    return [claims(access).get("organization"), info.json().get("organization"), inspected.json().get("organization")]


async def test_a_picked_organization_the_user_has_left_is_named_no_more(realm: Env) -> None:
    tokens = await _picked(realm, "beta")
    gone = await realm.http.delete(
        f"{ORGS}/{tokens['beta']}/members/{await _user1(realm)}", headers=await realm.admin_headers()
    )
    assert gone.status_code == 204, gone.text
    assert await _seen(realm, tokens, refused=True) == [["beta"], None, None]


async def test_a_picked_organization_disabled_since_is_named_no_more(realm: Env) -> None:
    tokens = await _picked(realm, "beta")
    rep = (await admin(realm, "GET", f"{ORGS}/{tokens['beta']}", status=200)).json()
    await admin(realm, "PUT", f"{ORGS}/{tokens['beta']}", {**rep, "enabled": False}, 204)
    assert await _seen(realm, tokens, refused=True) == [["beta"], None, None]


async def test_organizations_turned_off_for_the_realm_name_none(realm: Env) -> None:
    tokens = await _picked(realm, "acme")
    await admin(realm, "PUT", REALM, {"organizationsEnabled": False}, 204)
    assert "acme" not in str(await _seen(realm, tokens))


async def test_a_single_organization_scope_names_it_no_more_after_the_user_left(realm: Env) -> None:
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    await add_audience(realm.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    granted = await password_grant(realm.http, "test", "app", "user1", scope="openid organization:acme")
    assert granted.status_code == 200, granted.text
    tokens: dict[str, Any] = granted.json()
    assert claims(tokens["access_token"])["organization"] == ["acme"]
    h = await realm.admin_headers()
    assert (
        await realm.http.delete(f"{ORGS}/{ids['acme']}/members/{await _user1(realm)}", headers=h)
    ).status_code == 204
    assert await _seen(realm, tokens, refused=True) == [["acme"], None, None]


async def test_the_group_claim_forgets_the_groups_of_an_organization_the_user_left(realm: Env) -> None:
    ids = await two_organizations(realm)
    await join(realm, ids["acme"])
    gid = await group(realm, ids["acme"], "secret-team")
    h = await realm.admin_headers()
    user = await _user1(realm)
    assert (await realm.http.put(f"{ORGS}/{ids['acme']}/groups/{gid}/members/{user}", headers=h)).status_code == 204
    assert (await realm.http.delete(f"{ORGS}/{ids['acme']}/members/{user}", headers=h)).status_code == 204
    await join(realm, ids["acme"])  # back in the organization: the old group must not come back with them
    listed = await realm.http.get(f"{ORGS}/{ids['acme']}/groups/{gid}/members", headers=h)
    assert listed.status_code == 200 and listed.json() == []
