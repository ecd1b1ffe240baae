"""A realm file's WebAuthn policies (RealmRepresentation's ``webAuthnPolicy*`` fields) are imported as Keycloak's
DefaultExportImportManager.importRealm reads them (a field left out takes its default) and exported whole; a field
of the wrong type names its place. A user's ``webauthn`` credential (a two-factor security key) is imported as
stored and exported again."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from doorkeep.clock import FakeClock
from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from doorkeep.users import webauthn
from realm_files import demo, import_data, write
from webauthn_port import SoftKey

pytestmark = pytest.mark.anyio


async def test_the_policies_are_imported_with_their_defaults_and_exported(
    new_db: Callable[[], Awaitable[Database]],
) -> None:
    db = await new_db()
    data = demo()
    data["webAuthnPolicyRpEntityName"] = "Demo"
    data["webAuthnPolicyPasswordlessUserVerificationRequirement"] = "required"
    await import_data(db, data)
    exported = await files.export_realm(db, "demo")
    assert exported["webAuthnPolicyRpEntityName"] == "Demo"
    assert exported["webAuthnPolicySignatureAlgorithms"] == ["ES256", "RS256"]
    assert exported["webAuthnPolicyPasswordlessUserVerificationRequirement"] == "required"
    assert exported["webAuthnPolicyPasswordlessRpEntityName"] == "keycloak"


async def test_a_field_of_the_wrong_type_names_its_place(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    db = await new_db()
    data = demo()
    data["webAuthnPolicyCreateTimeout"] = "soon"
    path = write(tmp_path, data)
    with pytest.raises(files.ImportError_) as raised:
        await files.import_file(db, path, FakeClock(), skip_existing=False)
    assert "webAuthnPolicyCreateTimeout" in str(raised.value) and "expected a number" in str(raised.value)


async def test_a_users_security_key_is_imported_and_exported(new_db: Callable[[], Awaitable[Database]]) -> None:
    key = SoftKey()
    registered = webauthn.Registered(key.credential_id, key.cose_key(), 3, "00000000-0000-0000-0000-000000000000",
                                     "none", ("usb",))  # fmt: skip
    cred = webauthn.new_credential("ignored", registered, "blue", 1000)
    data = demo()
    data["users"][0]["credentials"].append(
        {
            "type": "webauthn",
            "userLabel": "blue",
            "createdDate": 1000,
            "secretData": "{}",
            "credentialData": json.dumps(cred.credential_data),
        }
    )
    db = await new_db()
    await import_data(db, data)
    exported = await files.export_realm(db, "demo")
    (key_rep,) = [c for c in exported["users"][0]["credentials"] if c["type"] == "webauthn"]
    assert key_rep["userLabel"] == "blue" and json.loads(key_rep["credentialData"]) == cred.credential_data


async def test_a_security_key_without_its_key_names_its_place(
    new_db: Callable[[], Awaitable[Database]], tmp_path: Path
) -> None:
    db = await new_db()
    data = demo()
    data["users"][0]["credentials"].append({"type": "webauthn", "credentialData": '{"credentialId": "AAAA"}'})
    path = write(tmp_path, data)
    with pytest.raises(files.ImportError_) as raised:
        await files.import_file(db, path, FakeClock(), skip_existing=False)
    assert 'expected a non-empty "credentialPublicKey"' in str(raised.value)
