"""``POST …/roles`` with ``composite: true`` and ``composites`` nests those roles in the new one, as Keycloak's
createRole does (KEYCLOAK-12754), under the checks of ``POST …/composites``: each must exist (404, nothing
created) and be the caller's to nest (403, nothing created: no way around the escalation rules)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import DEMO, demo_realm, forbidden, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio


async def names(env: Env, path: str) -> set[str]:
    response = await env.http.get(f"{DEMO}/{path}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return {r["name"] for r in response.json()}


async def test_a_new_role_nests_the_realm_and_client_roles_it_names(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "base"}, headers=headers)).status_code == 201
    body = {
        "name": "bundle",
        "attributes": {"tier": ["gold"]},
        "composite": True,
        "composites": {"realm": ["base", "offline_access"], "client": {"account": ["view-profile"]}},
    }
    created = await env.http.post(f"{DEMO}/roles", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert await names(env, "roles/bundle/composites") == {"base", "offline_access", "view-profile"}
    role = (await env.http.get(f"{DEMO}/roles/bundle", headers=headers)).json()
    assert role["composite"] is True and role["attributes"] == {"tier": ["gold"]}
    ghost_client = {"name": "ghostly", "composite": True, "composites": {"client": {"nobody": ["x"]}}}
    created = await env.http.post(f"{DEMO}/roles", json=ghost_client, headers=headers)
    assert created.status_code == 201, created.text  # RoleContainerResource.createRole skips an unknown clientId
    assert await names(env, "roles/ghostly/composites") == set()
    plain = await env.http.post(
        f"{DEMO}/roles", json={"name": "plain", "composites": {"realm": ["base"]}}, headers=headers
    )
    assert plain.status_code == 201  # without composite: true the list is ignored, as in Keycloak
    assert await names(env, "roles/plain/composites") == set()


@pytest.mark.parametrize(
    ("composites", "status", "message"),
    [
        ({"realm": ["ghost"]}, 404, "Realm Role with name ghost does not exist"),
        ({"client": {"account": ["ghost"]}}, 404, "Client Role with name ghost does not exist"),
        ({"realm": "base"}, 400, None),
        ([], 400, None),
    ],
)
async def test_a_missing_or_malformed_composite_creates_no_role(
    env: Env, composites: Any, status: int, message: str | None
) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    body = {"name": "bundle", "composite": True, "composites": composites}
    response = await env.http.post(f"{DEMO}/roles", json=body, headers=headers)
    assert response.status_code == status, response.text
    if message is not None:
        assert response.json() == {"errorMessage": message}
    assert (await env.http.get(f"{DEMO}/roles/bundle", headers=headers)).status_code == 404


async def test_manage_realm_cannot_create_a_role_holding_realm_admin(env: Env) -> None:
    await demo_realm(env)
    _, headers = await make_admin(env, "demo", "realmmgr", "manage-realm")
    for composites in (
        {"client": {"realm-management": ["realm-admin"]}},
        {"client": {"realm-management": ["manage-users"]}},
    ):
        body = {"name": "sneaky", "composite": True, "composites": composites}
        forbidden(await env.http.post(f"{DEMO}/roles", json=body, headers=headers))
        assert (await env.http.get(f"{DEMO}/roles/sneaky", headers=await env.admin_headers())).status_code == 404
    allowed = {"name": "fine", "composite": True, "composites": {"realm": ["offline_access"]}}
    assert (await env.http.post(f"{DEMO}/roles", json=allowed, headers=headers)).status_code == 201
