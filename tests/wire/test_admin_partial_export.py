"""``POST /admin/realms/{realm}/partial-export`` (Keycloak's partialExport): the realm without its users, with
its clients and service accounts and with its roles and groups as asked, every secret masked; what it writes
feeds ``partialImport`` in another realm."""

from __future__ import annotations

import json

import pytest

from admin_support import DEMO, demo_realm, forbidden, make_admin
from wire_env import Env

pytestmark = pytest.mark.anyio

URL = f"{DEMO}/partial-export"
CUSTOM = {
    "clients": [{"clientId": "exported", "secret": "very-secret", "serviceAccountsEnabled": True}],
    "roles": {"realm": [{"name": "exported-role"}]},
    "groups": [{"name": "exported-group", "realmRoles": ["exported-role"]}],
    "users": [
        {"username": "zz-person-77", "enabled": True, "credentials": [{"type": "password", "value": "pw-12345"}]}
    ],
}


async def test_the_export_has_what_was_asked_no_user_and_no_secret(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/partialImport", json=CUSTOM, headers=headers)).status_code == 200

    everything = await env.http.post(
        URL, params={"exportClients": "true", "exportGroupsAndRoles": "true"}, headers=headers
    )
    assert everything.status_code == 200, everything.text
    rep = everything.json()
    assert rep["realm"] == "demo"
    exported = next(c for c in rep["clients"] if c["clientId"] == "exported")
    assert exported["secret"] == "**********"
    assert "exported-role" in {r["name"] for r in rep["roles"]["realm"]}
    assert [g["name"] for g in rep["groups"]] == ["exported-group"]
    assert [u["username"] for u in rep["users"]] == ["service-account-exported"]  # no zz-person-77
    text = json.dumps(rep)
    for needle in ("very-secret", "pw-12345", "zz-person-77"):
        assert needle not in text, (needle, text[max(0, text.find(needle) - 300) : text.find(needle) + 100])

    bare = (await env.http.post(URL, headers=headers)).json()
    assert not {"clients", "roles", "groups", "users"} & set(bare)
    # a client scope's scope mappings come whatever is asked (ExportUtils.exportRealm)
    assert bare["scopeMappings"] == [{"clientScope": "offline_access", "roles": ["offline_access"]}]
    roles_only = (await env.http.post(URL, params={"exportGroupsAndRoles": "true"}, headers=headers)).json()
    assert "roles" in roles_only and "clients" not in roles_only and "users" not in roles_only


async def test_an_export_imports_into_another_realm(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/partialImport", json=CUSTOM, headers=headers)).status_code == 200
    rep = (
        await env.http.post(URL, params={"exportClients": "true", "exportGroupsAndRoles": "true"}, headers=headers)
    ).json()
    assert (
        await env.http.post("/admin/realms", json={"realm": "copy", "enabled": True}, headers=headers)
    ).status_code == 201
    body = {"ifResourceExists": "SKIP", **{k: rep[k] for k in ("clients", "roles", "groups") if k in rep}}
    imported = await env.http.post("/admin/realms/copy/partialImport", json=body, headers=headers)
    assert imported.status_code == 200, imported.text
    added = {(r["resourceType"], r["resourceName"]) for r in imported.json()["results"] if r["action"] == "ADDED"}
    assert {("CLIENT", "exported"), ("REALM_ROLE", "exported-role"), ("GROUP", "exported-group")} <= added
    assert ("CLIENT", "account") not in added  # built-ins exist in the new realm: skipped


async def test_it_needs_manage_realm_and_what_it_exports_to_be_visible(env: Env) -> None:
    await demo_realm(env)
    _, viewer = await make_admin(env, "demo", "viewer", "view-realm", "view-clients", "view-users")
    forbidden(await env.http.post(URL, headers=viewer))
    _, manager = await make_admin(env, "demo", "manager", "manage-realm")
    assert (await env.http.post(URL, headers=manager)).status_code == 200
    forbidden(await env.http.post(URL, params={"exportClients": "true"}, headers=manager))
