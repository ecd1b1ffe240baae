"""How the admin API finds the roles a list of RoleRepresentations names, endpoint by endpoint, as Keycloak does:

* role mappings of a user or a group (RoleMapperResource, ClientRoleMappingsResource): the role of that name in
  the realm (or the client), and the representation's ``id`` must be that role's; a name without the id, or an
  id without the name, is 404 ``Role not found``;
* composites (RoleResource.addComposites / deleteComposites) and a client's realm scope mappings
  (ScopeMappedResource): the role with that ``id``; a name alone is 404 (``Could not find composite role``,
  ``Role not found``).

Nothing is written when one of the listed roles is refused.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import DEMO, demo_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _made(env: Env, h: dict[str, str], url: str, body: dict[str, Any]) -> str:
    response = await env.http.post(f"{DEMO}{url}", json=body, headers=h)
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


async def _setup(env: Env) -> tuple[dict[str, str], dict[str, str], dict[str, Any], dict[str, Any]]:
    """The admin's headers, the ids of a user, a group and a client, and the realm role ``reader`` and the
    client role ``shop-reader``, each as GET returns it."""
    await demo_realm(env)
    h = await env.admin_headers()
    ids = {
        "user": await _made(env, h, "/users", {"username": "ann"}),
        "group": await _made(env, h, "/groups", {"name": "staff"}),
        "client": await _made(env, h, "/clients", {"clientId": "shop"}),
    }
    await _made(env, h, "/roles", {"name": "reader"})
    await _made(env, h, f"/clients/{ids['client']}/roles", {"name": "shop-reader"})
    realm_role = (await env.http.get(f"{DEMO}/roles/reader", headers=h)).json()
    client_role = (await env.http.get(f"{DEMO}/clients/{ids['client']}/roles/shop-reader", headers=h)).json()
    return h, ids, realm_role, client_role


async def _names(env: Env, h: dict[str, str], url: str) -> set[str]:
    """The names a mapping listing holds (a new user's realm mappings hold ``default-roles-demo`` too)."""
    return {r["name"] for r in (await env.http.get(f"{DEMO}{url}", headers=h)).json()}


def _halves(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": role["name"]}, {"id": role["id"]}, {"id": role["id"], "name": "not-its-name"}]


async def test_a_role_mapping_names_its_role_by_name_and_id_together(env: Env) -> None:
    h, ids, realm_role, client_role = await _setup(env)
    targets = [
        (f"/users/{ids['user']}/role-mappings/realm", realm_role),
        (f"/groups/{ids['group']}/role-mappings/realm", realm_role),
        (f"/users/{ids['user']}/role-mappings/clients/{ids['client']}", client_role),
        (f"/groups/{ids['group']}/role-mappings/clients/{ids['client']}", client_role),
    ]
    for url, role in targets:
        for method in ("POST", "DELETE"):
            for half in _halves(role):
                response = await env.http.request(method, f"{DEMO}{url}", json=[half], headers=h)
                assert (response.status_code, response.json()) == (404, {"error": "Role not found"}), (url, half)
        assert role["name"] not in await _names(env, h, url), url
        whole = {"id": role["id"], "name": role["name"]}
        granted = await env.http.post(f"{DEMO}{url}", json=[whole], headers=h)
        assert granted.status_code == 204, (url, granted.text)
        assert role["name"] in await _names(env, h, url), url


async def test_a_composite_and_a_realm_scope_mapping_name_their_role_by_id(env: Env) -> None:
    h, ids, realm_role, _ = await _setup(env)
    await _made(env, h, "/roles", {"name": "editor"})
    composites = f"{DEMO}/roles/editor/composites"
    scope = f"{DEMO}/clients/{ids['client']}/scope-mappings/realm"
    for url, missing in ((composites, "Could not find composite role"), (scope, "Role not found")):
        for method in ("POST", "DELETE"):
            response = await env.http.request(method, url, json=[{"name": "reader"}], headers=h)
            assert (response.status_code, response.json()) == (404, {"error": missing}), (method, url)
        assert (await env.http.get(url, headers=h)).json() == [], url
        added = await env.http.post(url, json=[{"id": realm_role["id"]}], headers=h)
        assert added.status_code == 204, (url, added.text)
        assert [r["name"] for r in (await env.http.get(url, headers=h)).json()] == ["reader"]
