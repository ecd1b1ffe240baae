"""Keycloak's OrganizationExportImportTest (testsuite organization/admin/) and OrganizationEnabledExportImportTest
(testsuite organization/admin/ and organization/exportimport/): each test names its Java method.

Keycloak's export/import SPI (single file, every realm or one) is Doorkeep's offline ``doorkeep export`` and
``doorkeep import``: ``files.export_realm`` writes a realm's file and ``files.import_file`` reads it back, as the two
commands do. OrganizationEnabledExportImportTest is ExportImportTest run with the organization feature on; its
single-file methods are ported here with organizations on and an organization (domain, member) in the realm.

Not ported, with the reason: the dir provider methods (``testDirFullExportImport``, ``testDirRealmExportImport``)
count the files Keycloak's dir provider writes, users split into files of ``usersPerFile``: ``doorkeep export``
writes one file (``doorkeep import --dir`` reads that layout: tests/contract/test_kc_export_shapes_dir.py).
``testSingleFileRealmWithoutBuiltinsImport`` and ``testImportFromPartialExport`` read realm files of Keycloak's test
resources; the new framework's ExportImportTest port (test_kc_new_export_import.py) writes their shape. The SMTP
password check of ``testFullExportImport`` (KEYCLOAK-6050) reads the server's internal realm model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from flow_builder import admin
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
EXPORT_IMPORT_REALM = "organization-export-import"
USERS = ("test-user@localhost", "user1", "user2", "user3")


async def _organization(env: Env, realm: str, alias: str, domain: str) -> str:
    body = {"name": alias, "alias": alias, "domains": [{"name": domain}]}
    made = await admin(env, "POST", f"/admin/realms/{realm}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _add_member(env: Env, realm: str, org: str, email: str) -> str:
    """AbstractOrganizationTest#addMember: a new user of ``email`` (its username too), a member of ``org``."""
    body = {"username": email, "email": email, "enabled": True, "firstName": "f", "lastName": "l"}
    made = await admin(env, "POST", f"/admin/realms/{realm}/users", body, 201)
    user = str(made.headers["location"].rsplit("/", 1)[1])
    await admin(env, "POST", f"/admin/realms/{realm}/organizations/{org}/members", user, 201)
    return user


async def _export(env: Env, realm: str, path: Path) -> str:
    """``doorkeep export --realm realm --file path``: the file's text."""
    path.write_text(json.dumps(await files.export_realm(env.db, realm)))
    return path.read_text()


async def _signs_in(env: Env, realm: str, username: str) -> bool:
    answer = await password_grant(env.http, realm, "app", username)
    assert answer.status_code in (200, 401, 404), answer.text
    return answer.status_code == 200


async def test_export_does_not_contain_org_stuff(env: Env, tmp_path: Path) -> None:
    """OrganizationExportImportTest#testExportDoesNotContainOrgStuff: every realm's file (the single-file full
    export) names the realm and holds none of the organization model's internal attributes: ``kc.org`` (the
    internal group's marker), ``kc.org.domain``, ``kc.org.broker.public``."""
    await seed_realm(env.db, env.clock, EXPORT_IMPORT_REALM)
    await admin(env, "PUT", f"/admin/realms/{EXPORT_IMPORT_REALM}", {"organizationsEnabled": True}, 204)
    org = await _organization(env, EXPORT_IMPORT_REALM, "test-org", "test-org.com")
    await _add_member(env, EXPORT_IMPORT_REALM, org, "member@neworg.org")

    async with env.db.transaction(write=False) as tx:
        names = [realm.name for realm in await tx.realms.list()]
    assert EXPORT_IMPORT_REALM in names
    content = "".join([await _export(env, name, tmp_path / f"{name}.json") for name in names])
    assert EXPORT_IMPORT_REALM in content
    exported = json.loads((tmp_path / f"{EXPORT_IMPORT_REALM}.json").read_text())
    [organization] = exported["organizations"]  # the organization itself is in the file ...
    assert organization["alias"] == "test-org" and [m["username"] for m in organization["members"]] == [
        "member@neworg.org"
    ]
    for internal in ("kc.org.broker.public", "kc.org", "kc.org.domain"):  # ... none of its model's internals
        assert internal not in content


async def _realm_with_organization(env: Env, name: str) -> dict[str, Any]:
    """A realm like ExportImportTest's ``test`` with organizations on: client ``app``, users ``user1`` .. ``user3``
    and ``test-user@localhost``, a realm role, an organization owning ``acme.org`` with user1 a member."""
    await seed_realm(env.db, env.clock, name)
    await seed_client(env.db, name, "app")
    for username in USERS:
        await seed_user(env.db, env.clock, name, username, email=username.split("@")[0] + "@example.com")
    base = f"/admin/realms/{name}"
    await admin(env, "PUT", base, {"organizationsEnabled": True}, 204)
    await admin(env, "POST", f"{base}/roles", {"name": "sample-realm-role"}, 201)
    org = await _organization(env, name, "acme", "acme.org")
    [user1] = (await admin(env, "GET", f"{base}/users?username=user1&exact=true", status=200)).json()
    await admin(env, "POST", f"{base}/organizations/{org}/members", user1["id"], 201)
    role = (await admin(env, "GET", f"{base}/roles/sample-realm-role", status=200)).json()
    keys = (await admin(env, "GET", f"{base}/keys", status=200)).json()
    for username in USERS:  # what the import must bring back
        assert await _signs_in(env, name, username), username
    return {"org": org, "role": role["id"], "active": keys["active"]}


async def _comes_back(env: Env, name: str, before: dict[str, Any]) -> None:
    """The realm imported again: its users sign in, the role and the active keys keep their ids, organizations
    stay on and the organization keeps its domain and member."""
    for username in USERS:
        assert await _signs_in(env, name, username), username
    base = f"/admin/realms/{name}"
    realm = (await admin(env, "GET", base, status=200)).json()
    assert realm["organizationsEnabled"] is True
    assert (await admin(env, "GET", f"{base}/roles/sample-realm-role", status=200)).json()["id"] == before["role"]
    assert (await admin(env, "GET", f"{base}/keys", status=200)).json()["active"] == before["active"]
    org = (await admin(env, "GET", f"{base}/organizations/{before['org']}", status=200)).json()
    assert [d["name"] for d in org["domains"]] == ["acme.org"]
    members = (await admin(env, "GET", f"{base}/organizations/{before['org']}/members", status=200)).json()
    assert [m["username"] for m in members] == ["user1"]


async def _realm_names(env: Env) -> set[str]:
    return {r["realm"] for r in (await admin(env, "GET", "/admin/realms", status=200)).json()}


async def test_single_file_realm_export_import(env: Env, tmp_path: Path) -> None:
    """OrganizationEnabledExportImportTest (ExportImportTest#testSingleFileRealmExportImport): realm ``test``
    exported, deleted (its users no longer sign in; ``test-realm`` untouched), imported back whole."""
    before = await _realm_with_organization(env, "test")
    await seed_realm(env.db, env.clock, "test-realm")
    path = tmp_path / "singleFile-realm.json"
    await _export(env, "test", path)

    await admin(env, "DELETE", "/admin/realms/test", status=204)
    assert await _realm_names(env) == {"master", "test-realm"}
    assert not await _signs_in(env, "test", "user1")

    assert await files.import_file(env.db, str(path), env.clock, skip_existing=False) == ["test"]
    assert await _realm_names(env) == {"master", "test", "test-realm"}
    await _comes_back(env, "test", before)


async def test_single_file_full_export_import(env: Env, tmp_path: Path) -> None:
    """OrganizationEnabledExportImportTest (ExportImportTest#testSingleFileFullExportImport): every realm but
    master exported, both deleted, imported back from the one file (a JSON list of realms, as ``kc.sh import``
    reads it)."""
    before = await _realm_with_organization(env, "test")
    await seed_realm(env.db, env.clock, "test-realm")
    path = tmp_path / "singleFile-full.json"
    path.write_text(json.dumps([await files.export_realm(env.db, name) for name in ("test", "test-realm")]))

    for name in ("test", "test-realm"):
        await admin(env, "DELETE", f"/admin/realms/{name}", status=204)
    assert await _realm_names(env) == {"master"}
    for username in USERS:
        assert not await _signs_in(env, "test", username)

    imported = await files.import_file(env.db, str(path), env.clock, skip_existing=False)
    assert sorted(imported) == ["test", "test-realm"]
    assert await _realm_names(env) == {"master", "test", "test-realm"}
    await _comes_back(env, "test", before)
