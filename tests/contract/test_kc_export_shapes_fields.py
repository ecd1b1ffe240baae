"""Fields of real Keycloak realm files that import refused, or lost without a word, on SQLite and on PostgreSQL.

Small rebuilds of shapes in Keycloak's model test realm (a password credential whose salt is ``__SALT__``; legacy
``defaultRoles`` naming a role the file does not define), its quickstarts (a SAML client) and its 19.0.3 migration
export (an LDAP ``UserStorageProvider`` component); and a bad client profile in a file that also has policies."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from realm_files import import_data

pytestmark = pytest.mark.anyio


def realm(**fields: Any) -> dict[str, Any]:
    return {"realm": "shapes", "enabled": True, **fields}


async def test_a_password_whose_salt_is_keycloaks_no_salt_marker_is_imported(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    credential = {
        "type": "password",
        "secretData": json.dumps({"value": "cGFzcw==", "salt": "__SALT__"}),
        "credentialData": json.dumps({"hashIterations": 1234, "algorithm": "pbkdf2-sha256"}),
    }
    data = realm(users=[{"username": "saltless", "enabled": True, "credentials": [credential]}])
    db = await new_db()
    assert await import_data(db, data) == "shapes"
    [user] = (await files.export_realm(db, "shapes"))["users"]
    [exported] = user["credentials"]
    assert json.loads(exported["secretData"])["value"] == "cGFzcw=="


async def test_legacy_default_roles_make_the_roles_the_file_does_not_define(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    data = realm(roles={"realm": [{"name": "user"}]}, defaultRoles=["user", " foo"])
    db = await new_db()
    await import_data(db, data)  # refused before: "defaultRoles[1]: no realm role 'foo'"
    roles = {r["name"]: r for r in (await files.export_realm(db, "shapes"))["roles"]["realm"]}
    assert "foo" in roles
    assert {"user", "foo"} <= set(roles["default-roles-shapes"]["composites"]["realm"])


async def test_a_saml_client_is_kept_and_named_in_the_warning(
    new_db: Callable[[], Awaitable[Database]], caplog: pytest.LogCaptureFixture
) -> None:
    data = realm(clients=[{"clientId": "sp", "protocol": "saml", "enabled": True, "redirectUris": ["/*"]}])
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        await import_data(db, data)
    assert "clients[protocol=saml] (kept, not served: Doorkeep speaks no SAML: sp)" in caplog.text
    out = await files.export_realm(db, "shapes")
    assert [c["protocol"] for c in out["clients"] if c["clientId"] == "sp"] == ["saml"]


async def test_an_ldap_user_storage_component_is_named_in_the_warning(
    new_db: Callable[[], Awaitable[Database]], caplog: pytest.LogCaptureFixture
) -> None:
    ldap = {"name": "ldap", "providerId": "ldap", "subComponents": {}, "config": {"vendor": ["other"]}}
    data = realm(components={"org.keycloak.storage.UserStorageProvider": [ldap]})
    db = await new_db()
    with caplog.at_level("WARNING", logger="doorkeep.import"):
        await import_data(db, data)
    assert "components.org.keycloak.storage.UserStorageProvider (user federation" in caplog.text


async def test_a_bad_client_profile_is_named_as_a_profile_when_the_file_has_policies(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    data = realm(
        clientProfiles={"profiles": [{"name": "p", "executors": [{"executor": "no-such-executor"}]}]},
        clientPolicies={"policies": []},
    )
    db = await new_db()
    with pytest.raises(files.ImportError_, match=r"^clientProfiles: "):
        await import_data(db, data)
