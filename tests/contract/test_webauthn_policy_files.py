"""A realm file's WebAuthn policies (RealmRepresentation's ``webAuthnPolicy*`` fields) are imported as Keycloak's
DefaultExportImportManager.importRealm reads them (a field left out takes its default) and exported whole; a field
of the wrong type names its place."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from doorkeep.clock import FakeClock
from doorkeep.realms.exportimport import files
from doorkeep.store.database import Database
from realm_files import ENGINES, databases, demo, import_data, url_factory, write

pytestmark = pytest.mark.anyio


@pytest.fixture(params=ENGINES)
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    return url_factory(request, tmp_path)


@pytest.fixture
async def new_db(fresh_url: Callable[[], str]) -> AsyncIterator[Callable[[], Awaitable[Database]]]:
    async with databases(fresh_url) as open_database:
        yield open_database


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
