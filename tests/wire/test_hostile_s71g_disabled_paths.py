"""Review M3 on the login paths sessions 66-70 added: a disabled realm refuses the JWT authorization grant and
federated client authentication before the assertion is read (TokenEndpoint.checkRealm comes first: 403
``access_denied`` "Realm not enabled", no event, the assertion's ``jti`` not spent, so it works once the realm is
enabled again), and an organization invitation's link (LoginActionsService: the "Realm not enabled." page, nobody
joins); a MANAGED member of a disabled organization reads disabled (UserStorageManager.validateUser) at the JWT
authorization grant too."""

from __future__ import annotations

import pytest

from fake_idp import fake_idp
from federated_client_support import IDP_ALIAS, default_token, federated_realm, grant, signed
from jwt_grant_setup import grant_realm
from mail_sink import Sink
from org_invitations import create_org, enable, invite, member, proceed
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
A = "/admin/realms/test"
REALM_OFF = {"error": "access_denied", "error_description": "Realm not enabled"}


async def _realm_enabled(env: Env, enabled: bool) -> None:
    put = await env.http.put(A, json={"enabled": enabled}, headers=await env.admin_headers())
    assert put.status_code == 204, put.text


async def test_a_disabled_realm_reads_no_jwt_authorization_grant(realm: Env) -> None:
    async with grant_realm(realm) as ag:
        assertion = ag.assertion()
        await _realm_enabled(realm, False)
        refused = await ag.post(assertion)
        assert (refused.status_code, refused.json()) == (403, REALM_OFF)
        await _realm_enabled(realm, True)
        assert await ag.events("JWT_AUTHORIZATION_GRANT_ERROR") == []
        assert (await ag.post(assertion)).status_code == 200, "the jti was not spent"


async def test_a_disabled_realm_reads_no_client_assertion(realm: Env) -> None:
    async with fake_idp() as provider:
        await federated_realm(realm, provider.rep(IDP_ALIAS, supportsClientAssertions="true"))
        assertion = signed(default_token(realm, provider))
        await _realm_enabled(realm, False)
        refused = await grant(realm, assertion)
        assert (refused.status_code, refused.json()) == (403, REALM_OFF)
        await _realm_enabled(realm, True)
        assert (await grant(realm, assertion)).status_code == 200, "the jti was not spent"


async def test_a_managed_member_of_a_disabled_organization_gets_no_jwt_authorization_grant(realm: Env) -> None:
    async with grant_realm(realm) as ag:
        h = await ag.admin()
        assert (await realm.http.put(A, json={"organizationsEnabled": True}, headers=h)).status_code == 204
        made = await realm.http.post(
            f"{A}/organizations", json={"name": "o", "domains": [{"name": "o.org"}]}, headers=h
        )
        org = made.headers["location"].rsplit("/", 1)[1]
        assert (await realm.http.post(f"{A}/organizations/{org}/members", content=ag.user_id, headers=h)).is_success
        typed = f"{A}/organizations/{org}/members/{ag.user_id}/membership-type"
        assert (await realm.http.put(typed, json="MANAGED", headers=h)).status_code == 204
        assert (await ag.post(ag.assertion())).status_code == 200
        rep = (await realm.http.get(f"{A}/organizations/{org}", headers=h)).json()
        assert (await realm.http.put(f"{A}/organizations/{org}", json={**rep, "enabled": False}, headers=h)).is_success
        refused = await ag.post(ag.assertion())
        assert (refused.status_code, refused.json()) == (
            400,
            {"error": "invalid_grant", "error_description": "User is not enabled"},
        )


async def test_a_disabled_realm_s_invitation_link_joins_nobody(env: Env, mail: Sink) -> None:
    await enable(env, mail)
    org = await create_org(env)
    user = (await seed_user(env.db, env.clock, "test", "invited", email="invited@neworg.org")).id
    assert (await invite(env, org, "invite-existing-user", id=user)).status_code == 204
    confirm = await env.http.get(mail.received[-1].link())
    assert confirm.status_code == 200, confirm.text[:300]
    await _realm_enabled(env, False)
    clicked = await env.http.get(proceed(confirm.text))
    assert clicked.status_code == 400 and "Realm not enabled." in clicked.text
    assert await member(env.http, org, user) is None
