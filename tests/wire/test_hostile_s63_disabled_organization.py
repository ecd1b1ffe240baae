"""Hostile use of a token a MANAGED member of an organization got before the organization was disabled (session 62:
such a member reads disabled and read-only everywhere, Keycloak's UserStorageManager.validateUser). The Account
REST (AppAuthManager.authenticateBearerToken: the token's user must be enabled) refuses the token for reads and
writes alike, so the member can change neither their profile nor their credentials through it while read-only; the
same token works again once the organization is enabled. The grants, userinfo and introspection are
test_kc_port12_disabled_organization's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, provider_login, query, served, start_login
from browser_flow import REDIRECT
from flow_builder import admin
from organization_login_support import REALM, organization, owns_broker_domain
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
TOKEN = "/realms/test/protocol/openid-connect/token"
ACCOUNT = "/realms/test/account"


async def _alice_tokens(broker: Broker, http: httpx.AsyncClient) -> tuple[str, dict[str, Any]]:
    """neworg with its provider; alice brought in through it (a MANAGED member): the organization's id and her
    token response."""
    env = broker.env
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    org = await organization(env, "neworg")
    await owns_broker_domain(env, org)
    await broker.add_provider(organizationId=org)
    hinted = await start_login(http, kc_idp_hint=ALIAS, scope="openid")
    assert hinted.status_code == 303, hinted.text
    done = await http.get(await provider_login(http, await http.get(hinted.headers["location"])))
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    form = {"grant_type": "authorization_code", "code": query(done.headers["location"])["code"]}
    form |= {"redirect_uri": REDIRECT, "client_id": "app", "client_secret": "secret"}
    answer = await http.post(TOKEN, data=form)
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return org, tokens


async def _org_enabled(env: Env, org: str, enabled: bool) -> None:
    rep = (await env.http.get(f"{ORGS}/{org}", headers=await env.admin_headers())).json()
    await admin(env, "PUT", f"{ORGS}/{org}", {**rep, "enabled": enabled}, 204)


async def test_the_account_rest_refuses_a_read_only_members_earlier_token(env: Env) -> None:
    async with served(env) as broker, browser(broker) as http:
        org, tokens = await _alice_tokens(broker, http)
        bearer = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
        me = await http.get(ACCOUNT, headers=bearer)
        assert me.status_code == 200, me.text  # the control: the token works while the organization is enabled
        profile = me.json()
        await _org_enabled(env, org, False)
        assert (await http.get(ACCOUNT, headers=bearer)).status_code == 401
        changed = await http.post(ACCOUNT, json={**profile, "firstName": "Mallory"}, headers=bearer)
        assert changed.status_code == 401, changed.text
        credentials = await http.get(f"{ACCOUNT}/credentials", headers=bearer)
        assert credentials.status_code == 401, credentials.text
        await _org_enabled(env, org, True)
        again = await http.get(ACCOUNT, headers=bearer)
        assert again.status_code == 200 and again.json().get("firstName") == profile.get("firstName"), again.text
