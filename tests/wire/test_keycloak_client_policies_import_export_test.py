"""Keycloak's ClientPoliciesImportExportTest (testsuite/.../client/policies/ClientPoliciesImportExportTest.java): a
realm's client profiles and policies survive a single-file export, the realm's removal and the file's import.
Keycloak's testing endpoints run its export/import; here Doorkeep's own (doorkeep.realms.exportimport.files,
what ``doorkeep export`` / ``import`` run) act on the server's database, and everything else goes over HTTP.
The single Java method is ported, with Doorkeep's own check that the exported file carries the
representation's ``clientProfiles`` / ``clientPolicies`` without the global ones."""

from __future__ import annotations

import json

import pytest

import client_policies_loading
import group_port
from client_policies_loading import (
    assert_expected_loaded_policies,
    assert_expected_loaded_profiles,
    setup_valid_profiles_and_policies,
)
from doorkeep.realms.exportimport import files as realm_io
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = client_policies_loading.env


async def realm_names(env: Env) -> set[str]:
    response = await env.http.get("/admin/realms", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    return {r["realm"] for r in response.json()}


async def test_single_file_realm_export_import(env: Env) -> None:
    """testSingleFileRealmExportImport: exported, removed and imported back, the realm has the profiles and
    policies setupValidProfilesAndPolicies stored (and the file held them, as JSON text a file would)."""
    await setup_valid_profiles_and_policies(env)
    exported = json.loads(json.dumps(await realm_io.export_realm(env.db, "test")))
    assert [p["name"] for p in exported["clientProfiles"]["profiles"]] == [
        "ordinal-test-profile",
        "lack-of-builtin-field-test-profile",
    ]
    assert "globalProfiles" not in exported["clientProfiles"]
    assert [p["name"] for p in exported["clientPolicies"]["policies"]] == [
        "new-policy",
        "lack-of-builtin-field-test-policy",
    ]
    gone = await env.http.delete("/admin/realms/test", headers=await admin_headers(env))
    assert gone.status_code == 204, gone.text
    assert await realm_names(env) == {"master"}
    async with env.db.transaction() as tx:
        await realm_io.import_realm(tx, exported, env.clock.now(), skip_existing=False)
    assert await realm_names(env) == {"master", "test"}
    await assert_expected_loaded_profiles(env, "The profile that can be loaded.")
    await assert_expected_loaded_policies(env, "duplicated profiles are ignored.", True)
