"""Security sweep (session 59, second pass) of ``POST identity-provider/instances/{alias}/reload-well-known``: an
administrator without manage-identity-providers in the provider's realm (none at all, query roles only,
another realm's manager) is refused before anything is fetched or stored, an unknown alias included (held)."""

from __future__ import annotations

import pytest

from admin_support import demo_realm, realm_admin
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]
URL = "/admin/realms/test/identity-provider/instances"


async def test_no_limited_or_foreign_admin_may_reload(env: Env) -> None:
    rep = {
        "alias": "guarded",
        "providerId": "oidc",
        "enabled": True,
        "config": {
            "clientId": "c",
            "clientSecret": "s3cret",
            "metadataDescriptorUrl": "http://127.0.0.1:9/.well-known/openid-configuration",
            "tokenUrl": "https://idp.example/token",
            "authorizationUrl": "https://idp.example/auth",
        },
    }
    made = await env.http.post(URL, json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    await demo_realm(env)
    callers = {
        "no-roles": await realm_admin(env, "plain"),
        "query": await realm_admin(env, "querier", "query-users", "query-clients"),
        "demo-manager": await realm_admin(env, "demo-idp", "manage-identity-providers", realm="demo"),
    }
    for name, headers in callers.items():
        for alias in ("guarded", "missing"):
            answer = await env.http.post(f"{URL}/{alias}/reload-well-known", json={}, headers=headers)
            assert answer.status_code == 403, (name, alias, answer.status_code, answer.text)
            assert "s3cret" not in answer.text
    stored = await env.http.get(f"{URL}/guarded", headers=await env.admin_headers())
    assert "wellKnownLastSyncAttempt" not in stored.json()["config"], stored.text
