"""``GET /realms/{realm}/account/organizations`` (Keycloak 26's account OrganizationsResource)."""

from __future__ import annotations

import pytest

from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"


async def test_a_user_sees_their_organizations_in_the_account_api(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    users = (await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=h)).json()
    body = {"name": "acme", "description": "Anvils", "domains": [{"name": "acme.org", "verified": True}]}
    made = await env.http.post("/admin/realms/test/organizations", json=body, headers=h)
    org_id = made.headers["location"].rsplit("/", 1)[1]
    await env.http.post(f"/admin/realms/test/organizations/{org_id}/members", content=users[0]["id"], headers=h)
    assert (
        await env.http.post("/admin/realms/test/organizations", json={"name": "other"}, headers=h)
    ).status_code == 201

    tokens = (await password_grant(env.http, "test", "app")).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    mine = await env.http.get(f"{ACCOUNT}/organizations", headers=bearer)
    assert mine.status_code == 200
    assert mine.json() == [
        {
            "id": org_id,
            "name": "acme",
            "alias": "acme",
            "description": "Anvils",
            "enabled": True,
            "domains": ["acme.org"],
        }
    ]
    assert (
        await env.http.put("/admin/realms/test", json={"organizationsEnabled": False}, headers=h)
    ).status_code == 204
    assert (await env.http.get(f"{ACCOUNT}/organizations", headers=bearer)).json()[0]["enabled"] is False
    json_only = {"Accept": "application/json"}
    assert (await env.http.get(f"{ACCOUNT}/organizations", headers=json_only)).status_code == 401
    # without JSON or a token the same URL is the Account Console's page, which sends a browser to sign in
    assert (await env.http.get(f"{ACCOUNT}/organizations")).status_code == 302
