"""Keycloak's PasswordHashingTest (testsuite/integration-arquillian/tests/base/.../forms/PasswordHashingTest.java)
over HTTP: the realm's ``hashAlgorithm`` / ``hashIterations`` policies set through PUT of the realm, users made
through ``POST users`` and ``PUT users/{id}/reset-password`` (ApiUtil.createUserAndResetPasswordWithAdminClient),
the browser login driven over plain HTTP. Where the Java test fetches the stored credential on the server, this
port reads ``credentialData`` from ``GET users/{id}/credentials`` and ``secretData`` (hash and salt) from the
realm export (``kc.sh export``'s shape), and ``assertEncoded`` derives the hash again with hashlib / argon2-cffi.

Keycloak 24+ defaults without FIPS: argon2id 1.3 with 5 iterations, 7168 KiB, 1 lane and 32 bytes; ``pbkdf2``
1,300,000 iterations, ``pbkdf2-sha256`` 600,000, ``pbkdf2-sha512`` 210,000. Doorkeep has no FIPS mode, so the
FIPS branches (pbkdf2-sha512 as the default) are not taken. The tests that look at argon2's cost are marked
``keycloak_hash_cost``: the rest of the suite hashes with argon2's cheapest parameters (tests/conftest.py).

Not ported:
- testPasswordRehashedOnAlgorithmChangedWithMigratedSalt writes Keycloak's pre-12 ``CREDENTIAL.SALT`` column
  through JPA to trigger JpaUserCredentialStore's migration; Doorkeep has no such column (a stored hash carries
  its salt in ``secretData``), so there is nothing to migrate.
- testPbkdf2Sha256WithPadding changes the pbkdf2-sha256 provider factory's ``maxPaddingLength`` inside the
  server (a FIPS aid, 0 by default); Doorkeep has no such setting and hashes as Keycloak does with 0.
- testBenchmarkPasswordHashingConfigurations is not a @Test (commented out in Keycloak).

Beside the port: ``hashAlgorithm`` without an id and ``hashIterations(0)`` are refused; a hash from an older
Keycloak (pbkdf2-sha256, 27,500 iterations) imported with its user logs in through the password grant and is
hashed again with argon2, keeping its credential's id, created date and label.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from typing import Any

import pytest
from argon2.low_level import Type, hash_secret_raw

import group_port
from browser_flow import REDIRECT, code_from, start, submit
from doorkeep.realms.exportimport import files as realm_io
from keycloak_port import update_realm
from role_port import call, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

REALM = {
    "realm": "test",
    "enabled": True,
    "clients": [
        {
            "clientId": "test-app",
            "publicClient": True,
            "redirectUris": [REDIRECT],
            "directAccessGrantsEnabled": True,
        }
    ],
}
PBKDF2_DEFAULTS = {"pbkdf2": 1_300_000, "pbkdf2-sha256": 600_000, "pbkdf2-sha512": 210_000}


@pytest.fixture
async def kc(env: Env) -> Env:
    """A fresh realm ``test`` for each test, and a browser without the previous test's cookies."""
    await group_port.fresh_realm(env, REALM)
    env.http.cookies.clear()
    return env


async def set_password_policy(env: Env, policy: str) -> None:
    await update_realm(env, passwordPolicy=policy)


async def create_user(env: Env, username: str) -> tuple[str, str]:
    """ApiUtil.createUserAndResetPasswordWithAdminClient with a generated password: (user id, password)."""
    password = secrets.token_urlsafe(12)
    user_id = await create(env, "/users", {"username": username, "enabled": True})
    await ok(env, "PUT", f"/users/{user_id}/reset-password", {"type": "password", "value": password})
    return user_id, password


async def fetch_credential(env: Env, username: str) -> dict[str, Any]:
    """The user's password credential: its id and ``credentialData`` as the admin API lists them, its
    ``secretData`` as the realm export writes it (the admin API never shows the secret)."""
    (user,) = await ok(env, "GET", "/users", username=username, exact="true")
    listed = [c for c in await ok(env, "GET", f"/users/{user['id']}/credentials") if c["type"] == "password"]
    assert len(listed) == 1, listed
    exported = await realm_io.export_realm(env.db, "test")
    (as_exported,) = (u for u in exported["users"] if u["username"] == username.lower())
    (stored,) = (c for c in as_exported["credentials"] if c["type"] == "password")
    assert stored["id"] == listed[0]["id"] and stored["credentialData"] == listed[0]["credentialData"]
    return {
        "id": listed[0]["id"],
        "createdDate": listed[0]["createdDate"],
        "data": json.loads(listed[0]["credentialData"]),
        "secret": json.loads(stored["secretData"]),
    }


async def login(env: Env, username: str, password: str) -> None:
    """loginPage.open(), loginPage.login(username, password), appPage.assertCurrent()."""
    page = await start(env.http, "test", "test-app")
    assert page.status_code == 200, page.text[:300]
    assert "code" in code_from(await submit(env.http, page, username=username, password=password))


def assert_encoded(cred: dict[str, Any], password: str, algorithm: str, iterations: int, memory: int = 7168) -> None:
    """PasswordHashingTest.assertEncoded: the stored hash derived again from the password and stored salt."""
    salt = base64.b64decode(cred["secret"]["salt"])
    if algorithm == "Argon2id":
        raw = hash_secret_raw(
            password.encode(), salt, time_cost=iterations, memory_cost=memory, parallelism=1, hash_len=32, type=Type.ID
        )
    else:
        digest = {"PBKDF2WithHmacSHA1": "sha1", "PBKDF2WithHmacSHA256": "sha256", "PBKDF2WithHmacSHA512": "sha512"}
        size = 32 if cred["data"]["algorithm"] == "pbkdf2-sha256" else 64
        raw = hashlib.pbkdf2_hmac(digest[algorithm], password.encode(), salt, iterations, size)
    assert cred["secret"]["value"] == base64.b64encode(raw).decode(), (algorithm, iterations)


async def test_set_invalid_provider(kc: Env) -> None:
    response = await call(kc, "PUT", "", {"passwordPolicy": "hashAlgorithm(nosuch)"})
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": "Invalid config for hashAlgorithm: Password hashing provider not found"}


async def test_password_rehashed_on_algorithm_changed(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)")
    username = "testPasswordRehashedOnAlgorithmChanged"
    _, password = await create_user(kc, username)
    credential = await fetch_credential(kc, username)
    assert credential["data"] == {"hashIterations": 1, "algorithm": "pbkdf2-sha256", "additionalParameters": {}}
    assert set(credential["secret"]) == {"value", "salt", "additionalParameters"}
    assert_encoded(credential, password, "PBKDF2WithHmacSHA256", 1)

    await set_password_policy(kc, "hashAlgorithm(pbkdf2) and hashIterations(1)")
    await login(kc, username, password)

    rehashed = await fetch_credential(kc, username)
    assert rehashed["data"]["algorithm"] == "pbkdf2"
    assert_encoded(rehashed, password, "PBKDF2WithHmacSHA1", 1)
    # The same credential, hashed again (PasswordCredentialProvider keeps its id and created date).
    assert (rehashed["id"], rehashed["createdDate"]) == (credential["id"], credential["createdDate"])
    assert rehashed["secret"]["salt"] != credential["secret"]["salt"]


async def test_password_rehashed_to_default_provider_if_hash_algorithm_removed(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(pbkdf2-sha256)")
    username = "testPasswordRehashedToDefaultProviderIfHashAlgorithmRemoved"
    _, password = await create_user(kc, username)
    assert (await fetch_credential(kc, username))["data"]["algorithm"] == "pbkdf2-sha256"

    await set_password_policy(kc, "")
    await login(kc, username, password)

    assert (await fetch_credential(kc, username))["data"]["algorithm"] == "argon2"


@pytest.mark.keycloak_hash_cost
async def test_password_rehashed_on_iterations_changed(kc: Env) -> None:
    await set_password_policy(kc, "hashIterations(1)")
    username = "testPasswordRehashedOnIterationsChanged"
    _, password = await create_user(kc, username)
    assert (await fetch_credential(kc, username))["data"]["hashIterations"] == 1

    await set_password_policy(kc, "hashIterations(2)")
    await login(kc, username, password)

    credential = await fetch_credential(kc, username)
    assert credential["data"]["hashIterations"] == 2
    assert_encoded(credential, password, "Argon2id", 2)


@pytest.mark.keycloak_hash_cost
async def test_password_not_rehased_unchanged_iterations(kc: Env) -> None:
    """KEYCLOAK-5282: a policy naming the default iterations, or iterations argon2 ignores, re-hashes nothing."""
    await set_password_policy(kc, "")
    username = "testPasswordNotRehasedUnchangedIterations"
    user_id, password = await create_user(kc, username)
    credential = await fetch_credential(kc, username)

    await set_password_policy(kc, "hashIterations")
    await login(kc, username, password)
    assert await fetch_credential(kc, username) == credential

    await set_password_policy(kc, "hashIterations(210000)")
    await ok(kc, "POST", f"/users/{user_id}/logout")  # AccountHelper.logout
    kc.http.cookies.clear()
    await login(kc, username, password)
    assert await fetch_credential(kc, username) == credential


async def test_password_rehashed_when_credential_imported_with_different_key_size(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(pbkdf2-sha512) and hashIterations(210000)")
    username = "testPasswordRehashedWhenCredentialImportedWithDifferentKeySize"
    password = secrets.token_urlsafe(12)
    salt = os.urandom(16)
    value = base64.b64encode(hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 210_000, 32)).decode()
    imported = {  # ExportUtils.exportCredential of a 256-bit pbkdf2-sha512 hash from another system
        "type": "password",
        "secretData": json.dumps({"value": value, "salt": base64.b64encode(salt).decode(), "additionalParameters": {}}),
        "credentialData": json.dumps(
            {"hashIterations": 210000, "algorithm": "pbkdf2-sha512", "additionalParameters": {}}
        ),
    }
    await create(kc, "/users", {"username": username, "enabled": True, "credentials": [imported]})

    await login(kc, username, password)

    after = await fetch_credential(kc, username)
    assert len(after["secret"]["value"]) == 2 * len(value)  # 512 bits now: twice the base64 text
    assert_encoded(after, password, "PBKDF2WithHmacSHA512", 210_000)


async def test_pbkdf2_sha1(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(pbkdf2)")
    _, password = await create_user(kc, "testPbkdf2Sha1")
    credential = await fetch_credential(kc, "testPbkdf2Sha1")
    assert credential["data"] == {"hashIterations": 1_300_000, "algorithm": "pbkdf2", "additionalParameters": {}}
    assert_encoded(credential, password, "PBKDF2WithHmacSHA1", PBKDF2_DEFAULTS["pbkdf2"])


@pytest.mark.keycloak_hash_cost
async def test_argon2(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(argon2)")
    _, password = await create_user(kc, "testArgon2")
    data = (await fetch_credential(kc, "testArgon2"))["data"]
    assert data["algorithm"] == "argon2" and data["hashIterations"] == 5
    assert data["additionalParameters"] == {
        "hashLength": ["32"],
        "memory": ["7168"],
        "type": ["id"],
        "version": ["1.3"],
        "parallelism": ["1"],
    }

    page = await start(kc.http, "test", "test-app")
    wrong = await submit(kc.http, page, username="testArgon2", password="invalid")
    assert wrong.status_code == 200 and "Invalid username or password." in wrong.text
    assert "code" in code_from(await submit(kc.http, wrong, username="testArgon2", password=password))


@pytest.mark.keycloak_hash_cost
async def test_default(kc: Env) -> None:
    await set_password_policy(kc, "")
    _, password = await create_user(kc, "testDefault")
    credential = await fetch_credential(kc, "testDefault")
    assert credential["data"]["algorithm"] == "argon2"
    assert_encoded(credential, password, "Argon2id", 5)


async def test_pbkdf2_sha256(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(pbkdf2-sha256)")
    _, password = await create_user(kc, "testPbkdf2Sha256")
    credential = await fetch_credential(kc, "testPbkdf2Sha256")
    assert credential["data"]["hashIterations"] == 600_000
    assert_encoded(credential, password, "PBKDF2WithHmacSHA256", PBKDF2_DEFAULTS["pbkdf2-sha256"])


async def test_pbkdf2_sha512(kc: Env) -> None:
    await set_password_policy(kc, "hashAlgorithm(pbkdf2-sha512)")
    _, password = await create_user(kc, "testPbkdf2Sha512")
    credential = await fetch_credential(kc, "testPbkdf2Sha512")
    assert credential["data"]["hashIterations"] == 210_000
    assert_encoded(credential, password, "PBKDF2WithHmacSHA512", PBKDF2_DEFAULTS["pbkdf2-sha512"])


# --- beside the port -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("hashAlgorithm", "Invalid config for hashAlgorithm: Password hashing provider id must be set"),
        ("hashAlgorithm()", "Invalid config for hashAlgorithm: Password hashing provider not found"),
        ("hashIterations(abc)", "Invalid config for hashIterations: Not a valid number"),
        ("hashIterations(0)", "Invalid config for hashIterations: Not a valid number of iterations"),
    ],
)
async def test_a_hashing_policy_without_a_provider_or_iterations_is_refused(kc: Env, policy: str, message: str) -> None:
    response = await call(kc, "PUT", "", {"passwordPolicy": policy})
    assert response.status_code == 400, response.text
    assert response.json() == {"errorMessage": message}
    assert "passwordPolicy" not in await ok(kc, "GET", "")


async def test_an_older_keycloaks_hash_logs_in_by_the_password_grant_and_is_hashed_again(kc: Env) -> None:
    """A user exported by Keycloak before 24 (pbkdf2-sha256, 27,500 iterations) keeps working, and the first
    login stores an argon2 hash in the same credential."""
    salt = os.urandom(16)
    value = base64.b64encode(hashlib.pbkdf2_hmac("sha256", b"s3cret!", salt, 27_500, 32)).decode()
    old = {
        "type": "password",
        "userLabel": "My password",
        "createdDate": 1_600_000_000_000,
        "secretData": json.dumps({"value": value, "salt": base64.b64encode(salt).decode(), "additionalParameters": {}}),
        "credentialData": json.dumps(
            {"hashIterations": 27500, "algorithm": "pbkdf2-sha256", "additionalParameters": {}}
        ),
    }
    await create(kc, "/users", {"username": "migrated", "enabled": True, "credentials": [old]})
    before = await fetch_credential(kc, "migrated")
    form = {"grant_type": "password", "client_id": "test-app", "username": "migrated"}
    token_url = "/realms/test/protocol/openid-connect/token"

    wrong = await kc.http.post(token_url, data={**form, "password": "nope"})
    assert wrong.status_code == 400 and await fetch_credential(kc, "migrated") == before  # no re-hash when wrong

    granted = await kc.http.post(token_url, data={**form, "password": "s3cret!"})
    assert granted.status_code == 200, granted.text
    after = await fetch_credential(kc, "migrated")
    assert after["data"]["algorithm"] == "argon2" and after["secret"]["value"] != value
    assert (after["id"], after["createdDate"]) == (before["id"], 1_600_000_000_000)
    (listed,) = await ok(
        kc, "GET", f"/users/{(await ok(kc, 'GET', '/users', username='migrated'))[0]['id']}/credentials"
    )
    assert listed["userLabel"] == "My password"
    again = await kc.http.post(token_url, data={**form, "password": "s3cret!"})
    assert again.status_code == 200 and await fetch_credential(kc, "migrated") == after  # now up to date
