"""Keycloak 27.0's scope mapping listings filtered by visibility (keycloak#53480): a client's and a client scope's
``scope-mappings`` and its ``realm``, ``realm/composite``, ``clients/{client}`` and ``clients/{client}/composite``
leave out the roles the caller may neither view nor map to users or to client scopes; a role the caller may only
map to client scopes comes without attributes even with ``briefRepresentation=false``."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
R = "/admin/realms/test"


async def _setup(env: Env) -> dict[str, str]:
    """Realm role ``sales`` and client ``app2``'s role ``editor`` (both with attributes) in the scope of client
    ``shop`` (no full scope) and of client scope ``cs``: the paths of the two owners."""
    await seed_realm(env.db, env.clock)
    h = await env.admin_headers()
    attributes = {"tier": ["gold"]}
    assert (await env.http.post(f"{R}/roles", json={"name": "sales", "attributes": attributes}, headers=h)).is_success
    sales = (await env.http.get(f"{R}/roles/sales", headers=h)).json()
    ids = {}
    for client_id in ("app2", "shop"):
        made = await env.http.post(f"{R}/clients", json={"clientId": client_id, "fullScopeAllowed": False}, headers=h)
        assert made.status_code == 201, made.text
        ids[client_id] = made.headers["location"].rsplit("/", 1)[1]
    role = {"name": "editor", "attributes": attributes}
    assert (await env.http.post(f"{R}/clients/{ids['app2']}/roles", json=role, headers=h)).is_success
    editor = (await env.http.get(f"{R}/clients/{ids['app2']}/roles/editor", headers=h)).json()
    made = await env.http.post(f"{R}/client-scopes", json={"name": "cs", "protocol": "openid-connect"}, headers=h)
    assert made.status_code == 201, made.text
    owners = {
        "client": f"{R}/clients/{ids['shop']}",
        "scope": f"{R}/client-scopes/{made.headers['location'].rsplit('/', 1)[1]}",
    }
    for owner in owners.values():
        assert (await env.http.post(f"{owner}/scope-mappings/realm", json=[sales], headers=h)).is_success
        path = f"{owner}/scope-mappings/clients/{ids['app2']}"
        assert (await env.http.post(path, json=[editor], headers=h)).is_success
    owners["app2"] = ids["app2"]
    return owners


async def _seen(env: Env, headers: dict[str, str], owner: str, app2: str) -> dict[str, Any]:
    """What each listing shows the caller: role names, and whether the composites came with attributes."""
    out: dict[str, Any] = {}
    everything = await env.http.get(f"{owner}/scope-mappings", headers=headers)
    assert everything.status_code == 200, everything.text
    body = everything.json()
    out["all"] = sorted(
        [r["name"] for r in body.get("realmMappings", [])]
        + [r["name"] for c in body.get("clientMappings", {}).values() for r in c["mappings"]]
    )
    for name, path in (("realm", "realm"), ("client", f"clients/{app2}")):
        listed = await env.http.get(f"{owner}/scope-mappings/{path}", headers=headers)
        assert listed.status_code == 200, listed.text
        out[name] = [r["name"] for r in listed.json()]
        full = await env.http.get(
            f"{owner}/scope-mappings/{path}/composite", params={"briefRepresentation": "false"}, headers=headers
        )
        assert full.status_code == 200, full.text
        out[f"{name}/composite"] = {r["name"]: "attributes" in r for r in full.json()}
    return out


@pytest.mark.parametrize("kind", ["client", "scope"])
async def test_the_listings_show_what_the_caller_may_view_or_map(env: Env, kind: str) -> None:
    owners = await _setup(env)
    owner, app2 = owners[kind], owners["app2"]
    both = {"all": ["editor", "sales"], "realm": ["sales"], "client": ["editor"]}
    composite = {"realm/composite": {"sales": True}, "client/composite": {"editor": True}}
    # view-clients without view-realm: the realm role is gone, the client's role stays whole
    viewer = await realm_admin(env, "viewer", "view-clients")
    assert await _seen(env, viewer, owner, app2) == {
        "all": ["editor"],
        "realm": [],
        "client": ["editor"],
        "realm/composite": {},
        "client/composite": {"editor": True},
    }
    # manage-users may map the realm role to users: shown whole
    mapper = await realm_admin(env, "mapper", "view-clients", "manage-users")
    assert await _seen(env, mapper, owner, app2) == both | composite
    # manage-clients may only map it to client scopes: shown without attributes
    scoper = await realm_admin(env, "scoper", "manage-clients")
    assert await _seen(env, scoper, owner, app2) == both | composite | {"realm/composite": {"sales": False}}
    # view-realm, or a full admin: everything
    for name, roles in (("reader", ("view-clients", "view-realm")), ("boss", ("realm-admin",))):
        assert await _seen(env, await realm_admin(env, name, *roles), owner, app2) == both | composite
