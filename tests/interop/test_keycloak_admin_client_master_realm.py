"""Keycloak's npm ``@keycloak/keycloak-admin-client`` against ``doorkeep start-dev``: master's own admin client is
found as tools find it (``clients.find({clientId: "master-realm"})`` in master; no ``realm-management`` there), its
``manage-users`` granted to a new master user through the library, who then manages master's users and not its
clients (Keycloak's RealmManager.setupMasterAdminManagement shape)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from doorkeep.realms.provisioning import MANAGEMENT_ROLES
from interop.server import StartServer

pytestmark = pytest.mark.interop

SCRIPT = Path(__file__).resolve().parents[1] / "admin_client" / "master_realm.mjs"


def run_script(base_url: str) -> dict[str, Any]:
    node = shutil.which("node")
    assert node is not None, "node is needed: `make node` installs the npm packages, Debian's nodejs the runtime"
    assert (SCRIPT.parent / "node_modules" / "@keycloak" / "keycloak-admin-client").is_dir(), "run `make node`"
    done = subprocess.run([node, str(SCRIPT), base_url], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_admin_client_finds_master_realm_and_its_role_makes_a_master_user_admin(
    start_server: StartServer,
) -> None:
    out = run_script(start_server().base_url)
    (found,) = out["findMasterRealm"]["value"]
    assert (found["clientId"], found["name"], found["bearerOnly"]) == ("master-realm", "master Realm", True)
    assert out["findRealmManagement"]["value"] == 0
    assert out["listRoles"]["value"] == sorted(MANAGEMENT_ROLES)
    assert out["grant"]["value"] == ["manage-users"]
    assert out["deskFindsUsers"] == {"ok": True, "value": 1}
    assert out["deskCreatesUser"]["ok"], out["deskCreatesUser"]
    assert (out["deskListsClients"]["ok"], out["deskListsClients"]["status"]) == (False, 403)
