"""Realm export to Keycloak's realm-export JSON, the round trip, and the import/export commands."""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from doorkeep.cli import main
from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from doorkeep.users import passwords
from realm_files import (
    ALICE_ID,
    DEMO,
    demo,
    import_data,
    realm_roles_of,
    rich_realm,
    write,
)

pytestmark = pytest.mark.anyio


async def test_an_export_reimports_into_a_fresh_database_as_the_same_realm(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    first = await new_db()
    await import_data(first, rich_realm())
    exported = await files.export_realm(first, "demo")
    second = await new_db()
    async with second.transaction() as tx:
        assert await files.import_realm(tx, copy.deepcopy(exported), 1_800_000_000, skip_existing=True) == "demo"
    assert await files.export_realm(second, "demo") == exported

    async with second.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        alice = await tx.users.get(ALICE_ID)  # ids survive, so tokens' "sub" stays the same
        assert alice is not None and alice.username == "alice" and not alice.enabled
        stored = await tx.users.password(ALICE_ID)
        assert stored is not None and passwords.verify("alice-pw", stored.secret_data, stored.credential_data)
        reports = (await tx.clients.list(realm.id, client_id="reports"))[0]
        service_account = await tx.users.get_service_account(reports)
        assert service_account is not None and service_account.username == "service-account-reports"


async def test_localization_texts_go_with_the_export_into_a_fresh_database(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    texts = {"de": {"title": "Anmelden"}, "en": {"title": "Sign in", "x": ""}, "pt-BR": {}}
    first = await new_db()
    await import_data(first, {**rich_realm(), "localizationTexts": texts})
    exported = await files.export_realm(first, "demo")
    assert exported["localizationTexts"] == texts
    second = await new_db()
    async with second.transaction() as tx:
        assert await files.import_realm(tx, copy.deepcopy(exported), 1_800_000_000, skip_existing=True) == "demo"
        realm = await tx.realms.get_by_name("demo")
    assert realm is not None and realm.localization_texts == texts


async def test_the_export_uses_keycloaks_shapes(new_db: Callable[[], Awaitable[Database]]) -> None:
    db = await new_db()
    await import_data(db, rich_realm())
    exported = await files.export_realm(db, "demo")
    assert exported["realm"] == "demo" and exported["revokeRefreshToken"] is True
    assert exported["refreshTokenMaxReuse"] == 2 and exported["notBefore"] == 1_650_000_000
    assert exported["offlineSessionMaxLifespanEnabled"] is True and exported["sslRequired"] == "none"
    assert exported["defaultRole"]["name"] == "default-roles-demo"
    admin = next(r for r in exported["roles"]["realm"] if r["name"] == "admin")
    assert admin["composites"] == {"realm": ["user"], "client": {"reports": ["read"]}}
    assert [r["name"] for r in exported["roles"]["client"]["reports"]] == ["read", "write"]
    assert exported["scopeMappings"] == [
        {"clientScope": "offline_access", "roles": ["offline_access"]},
        {"client": "offline-access-spa", "roles": ["user"]},
    ]
    assert exported["clientScopeMappings"] == {"reports": [{"clientScope": "reports", "roles": ["read"]}]}
    assert "reports" in exported["defaultOptionalClientScopes"]
    clients = {c["clientId"]: c for c in exported["clients"]}
    assert clients["reports"]["secret"] == "reports-secret" and "secret" not in clients["offline-access-spa"]
    # The file has no service_account scope (as one from before Keycloak 26.1): its service-account client gets it;
    # nor a basic scope, nor a keycloakVersion (MigrateTo25_0_0 runs): every OpenID Connect client gets that one.
    assert clients["reports"]["defaultClientScopes"] == ["basic", "profile", "reports", "service_account"]
    users = {u["username"]: u for u in exported["users"]}
    assert users["service-account-reports"]["serviceAccountClientId"] == "reports"
    assert users["service-account-reports"]["clientRoles"] == {"reports": ["write"]}
    alice = users["alice"]
    assert alice["id"] == ALICE_ID and alice["attributes"] == {"team": ["red", "blue"]}
    assert alice["realmRoles"] == ["admin"]
    assert alice["clientRoles"] == {"account": ["manage-account"], "reports": ["read"]}
    [credential] = alice["credentials"]
    assert credential["type"] == "password" and credential["userLabel"] == "My password"
    assert isinstance(credential["secretData"], str) and isinstance(credential["credentialData"], str)
    assert json.loads(credential["credentialData"])["algorithm"] == "pbkdf2-sha256"


async def test_a_client_with_service_accounts_gets_its_user_when_the_file_has_none(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = demo()
    data["clients"].append({"clientId": "Worker", "secret": "s", "serviceAccountsEnabled": True})
    await import_data(db, data)
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo")
        assert realm is not None
        worker = (await tx.clients.list(realm.id, client_id="Worker"))[0]
        user = await tx.users.get_service_account(worker)
        assert user is not None and user.username == "service-account-worker"
        assert await realm_roles_of(tx, "demo", "service-account-worker") == {"default-roles-demo"}


async def test_a_copy_under_another_name_gets_new_ids_where_the_old_ones_are_taken(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    await import_data(db, rich_realm())
    copy_of = await files.export_realm(db, "demo")
    copy_of["realm"] = "demo-copy"  # its default role keeps the file's name, as Keycloak's import keeps it
    await import_data(db, copy_of)
    original, copied = await files.export_realm(db, "demo"), await files.export_realm(db, "demo-copy")
    assert copied["id"] != original["id"]
    assert {u["id"] for u in copied["users"]}.isdisjoint(u["id"] for u in original["users"])
    assert {c["id"] for c in copied["clients"]}.isdisjoint(c["id"] for c in original["clients"])
    assert [r["name"] for r in copied["roles"]["realm"]] == [
        "admin",
        "default-roles-demo",
        "offline_access",
        "uma_authorization",
        "user",
    ]
    async with db.transaction() as tx:
        realm = await tx.realms.get_by_name("demo-copy")
        assert realm is not None
        alice = await tx.users.get_by_username(realm.id, "alice")
        assert alice is not None and alice.id != ALICE_ID
        stored = await tx.users.password(alice.id)
        assert stored is not None and passwords.verify("alice-pw", stored.secret_data, stored.credential_data)
        assert await realm_roles_of(tx, "demo-copy", "user1") == {"default-roles-demo", "offline_access", "user"}


# --- the command line ----------------------------------------------------------------------------------


def test_the_cli_imports_and_exports_realm_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "--file", str(DEMO), "--db-url", url])
    assert result.exit_code == 0, result.output
    assert "imported demo" in result.output
    out = tmp_path / "demo-export.json"
    result = runner.invoke(main, ["export", "--realm", "demo", "--file", str(out), "--db-url", url])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    assert exported["realm"] == "demo"
    assert {c["clientId"]: c.get("secret") for c in exported["clients"]}["offline-access-portal"] == "password"
    result = runner.invoke(main, ["import", "--file", str(out), "--db-url", f"sqlite:///{tmp_path / 'copy.db'}"])
    assert result.exit_code == 0, result.output

    bad = write(tmp_path, {"realm": "demo", "users": [{"username": 5}]}, "bad.json")
    result = runner.invoke(main, ["import", "--file", bad, "--db-url", url])
    assert result.exit_code == 1
    assert f"Error: {bad}: users[0].username: expected a string" in result.output
    result = runner.invoke(main, ["export", "--realm", "nowhere", "--file", str(out), "--db-url", url])
    assert result.exit_code == 1 and "Error: realm 'nowhere' not found" in result.output


async def test_password_history_is_exported_after_the_password_and_reimported(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    """Keycloak's ExportUtils exports every stored credential, ``password-history`` ones included, and its import
    keeps them as stored; they are not listed among the user's credentials, only refused by ``passwordHistory``."""
    data = rich_realm()
    alice = next(u for u in data["users"] if u.get("id") == ALICE_ID)
    [password] = alice["credentials"]
    old = {k: v for k, v in password.items() if k not in ("id", "userLabel", "temporary", "value")}
    old.update(type="password-history", createdDate=1_500_000_000_000)
    alice["credentials"].append(old)
    first = await new_db()
    await import_data(first, data)
    exported = await files.export_realm(first, "demo")
    credentials = next(u for u in exported["users"] if u["username"] == "alice")["credentials"]
    assert [c["type"] for c in credentials] == ["password", "password-history"]
    assert "id" not in credentials[1] and credentials[1]["createdDate"] == 1_500_000_000_000
    assert json.loads(credentials[1]["secretData"]) == json.loads(credentials[0]["secretData"])
    second = await new_db()
    async with second.transaction() as tx:
        assert await files.import_realm(tx, copy.deepcopy(exported), 1_800_000_000, skip_existing=True) == "demo"
        assert [c.type for c in await tx.users.credentials(ALICE_ID)] == ["password"]
        assert len(await tx.users.password_history(ALICE_ID, 5)) == 1
    assert await files.export_realm(second, "demo") == exported
