"""Security sweep (session 46): a provider's first and post broker login flows are looked up in its own realm only.
A flow copied in another realm under a name this realm lacks is refused by alias on create and update, for both
bindings, and the provider keeps the flows it had."""

from __future__ import annotations

import pytest

from link_support import provider
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
IDPS = "/admin/realms/test/identity-provider/instances"


async def test_another_realm_s_flow_is_no_flow_here(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    await seed_realm(env.db, env.clock, "other")
    copied = await env.http.post(
        "/admin/realms/other/authentication/flows/first%20broker%20login/copy", json={"newName": "stolen"}, headers=h
    )
    assert copied.status_code == 201, copied.text
    rep = {**provider("corp"), "config": {"clientId": "x", "clientSecret": "s"}}
    assert (await env.http.post(IDPS, json=rep, headers=h)).status_code == 201
    for key in ("firstBrokerLoginFlowAlias", "postBrokerLoginFlowAlias"):
        made = await env.http.post(IDPS, json={**rep, "alias": f"new-{key}", key: "stolen"}, headers=h)
        assert (made.status_code, made.json()) == (
            400,
            {"errorMessage": "No available authentication flow with alias: stolen"},
        ), key
        changed = await env.http.put(f"{IDPS}/corp", json={**rep, key: "stolen"}, headers=h)
        assert changed.status_code == 400, (key, changed.text)
    kept = (await env.http.get(f"{IDPS}/corp", headers=h)).json()
    assert kept.get("firstBrokerLoginFlowAlias") in (None, "first broker login")
    assert kept.get("postBrokerLoginFlowAlias") in (None, "")
