"""A realm file keeps Keycloak 26.8's organization identity-provider links: each organization lists its providers
with the settings of their link to it (``organizationLinks``), the realm's providers name no organization
(Organizations.stripOrganizationId), and an import links them again with those settings. Runs on both engines (the
module name is a storage area: ``export``)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms.exportimport.export import realm_representation
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
IDPS = f"{REALM}/identity-provider/instances"


async def _exported(env: Env) -> dict[str, Any]:
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        return await realm_representation(tx, found, users=True)


async def test_link_settings_survive_export_and_import(realm: Env) -> None:
    env = realm
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    orgs = []
    for name in ("acme", "globex"):
        made = await admin(env, "POST", ORGS, {"name": name, "domains": [{"name": f"{name}.org"}]}, 201)
        orgs.append(str(made.headers["location"].rsplit("/", 1)[1]))
    config = {"clientId": "c", "clientSecret": "s", "authorizationUrl": "http://localhost/a"}
    await admin(env, "POST", IDPS, {"alias": "shared", "providerId": "oidc", "config": config}, 201)
    settings = [
        {"autoMembership": True, "membershipType": "MANAGED"},
        {"autoMembership": False, "membershipType": "UNMANAGED"},
    ]
    for org, link in zip(orgs, settings, strict=True):
        await admin(env, "POST", f"{ORGS}/{org}/identity-providers", "shared", 204)
        await admin(env, "PUT", f"{ORGS}/{org}/identity-providers/shared", link, 204)

    rep = await _exported(env)
    [provider] = rep["identityProviders"]
    assert "organizationLinks" not in provider and "organizationId" not in provider
    listed = {o["name"]: o["identityProviders"] for o in rep["organizations"]}
    assert listed["acme"][0]["organizationLinks"] == [{"organizationId": orgs[0], **settings[0]}]
    assert listed["globex"][0]["organizationLinks"] == [{"organizationId": orgs[1], **settings[1]}]

    await admin(env, "DELETE", REALM, status=204)
    env.forget_admin_token()
    await admin(env, "POST", "/admin/realms", rep, 201)
    stored = (await admin(env, "GET", f"{IDPS}/shared", status=200)).json()
    assert stored["organizationLinks"] == [
        {"organizationId": org, **link} for org, link in zip(orgs, settings, strict=True)
    ]
