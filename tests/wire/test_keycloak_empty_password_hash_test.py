"""Keycloak's EmptyPasswordHashTest (tests/base/.../tests/login/EmptyPasswordHashTest.java @953f0ce8), the
regression test of keycloak#51887 ("Username enumeration via empty-password timing"): every rejected login on the
username and password form costs exactly one password hash at the realm's ``hashIterations``, whether the user
exists, the password is empty or wrong; a successful one costs one verification.

Keycloak counts the hash provider's operations with CountingPasswordHashProviderFactory, a provider of its test
suite the realm's ``hashAlgorithm`` names. Doorkeep has no pluggable hash providers, so the realm here names
``pbkdf2-sha256`` with ``hashIterations(1000)`` and the test wraps the two functions a login hashes through,
``passwords.verify`` (a stored hash checked) and ``passwords.dummy_hash`` (AuthenticatorUtils.dummyHash: the
password hashed as the realm's policy would, the result thrown away), plus the PBKDF2 primitive under both, so
the real work still runs and is counted.

One difference in the bookkeeping, not in the cost: for an existing user and an empty password Keycloak's
AbstractUsernameFormAuthenticator.validatePassword returns early after a dummy hash (``encode:1000``); Doorkeep
checks the empty password against the user's stored hash as it checks any wrong one (``verify:1000``). Either
way it is one PBKDF2 run of 1000 iterations, which is what the issue asks.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from browser_flow import REDIRECT, code_from, start, submit
from doorkeep.users import passwords
from keycloak_port import forget, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "empty-password-hash"
CLIENT = "test-app"


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    rep = {
        "realm": REALM,
        "enabled": True,
        "bruteForceProtected": False,
        "passwordPolicy": "hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)",
        "clients": [{"clientId": CLIENT, "secret": "password", "redirectUris": [REDIRECT]}],
        "users": [
            {
                "username": "existing-user",
                "enabled": True,
                "email": "existing-user@localhost",
                "firstName": "First",
                "lastName": "Last",
                "credentials": [{"type": "password", "value": "correct-password"}],
            }
        ],
    }
    await import_realm(env, rep)
    yield env
    forget(env)


@pytest.fixture
def operations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each hash a login runs, as ``kind:iterations``: ``verify`` against a stored credential, ``encode`` for the
    dummy hash, and ``pbkdf2:N`` for every PBKDF2 run beneath them (the real functions still run)."""
    found: list[str] = []
    real_verify, real_dummy, real_pbkdf2 = passwords.verify, passwords.dummy_hash, passwords._pbkdf2

    def verify(password: str, secret_data: dict[str, Any], credential_data: dict[str, Any]) -> bool:
        found.append(f"verify:{credential_data.get('hashIterations')}")
        return real_verify(password, secret_data, credential_data)

    def dummy_hash(password: str, algorithm: str | None, iterations: int) -> None:
        found.append(f"encode:{iterations}")
        real_dummy(password, algorithm, iterations)

    def pbkdf2(algorithm: str, digest: str, password: str, salt: bytes, iterations: int, length: int) -> bytes:
        found.append(f"pbkdf2:{iterations}")
        return real_pbkdf2(algorithm, digest, password, salt, iterations, length)

    monkeypatch.setattr(passwords, "verify", verify)
    monkeypatch.setattr(passwords, "dummy_hash", dummy_hash)
    monkeypatch.setattr(passwords, "_pbkdf2", pbkdf2)
    return found


async def _post_login(env: Env, operations: list[str], username: str, password: str) -> Any:
    """Open the login form, forget the hashes made so far (Keycloak's getAndResetHashOperations before submit),
    then post ``username`` and ``password``."""
    page = await start(env.http, REALM, CLIENT)
    assert page.status_code == 200, page.text
    operations.clear()
    return await submit(env.http, page, username=username, password=password)


@pytest.mark.parametrize(
    ("username", "password", "expected"),
    [
        ("existing-user", "", "verify:1000"),  # Keycloak: encode:1000 (see the module docstring)
        ("nonexistent-user", "", "encode:1000"),
        ("existing-user", "wrong-password", "verify:1000"),
        ("nonexistent-user", "wrong-password", "encode:1000"),
    ],
)
async def test_rejected_login_performs_one_hash(
    kc: Env, operations: list[str], username: str, password: str, expected: str
) -> None:
    """EmptyPasswordHashTest.rejectedLoginPerformsOneHash"""
    response = await _post_login(kc, operations, username, password)
    assert response.status_code == 200, response.text
    assert "Invalid username or password." in response.text
    assert operations == [expected, "pbkdf2:1000"]


async def test_successful_login_performs_one_verification(kc: Env, operations: list[str]) -> None:
    """EmptyPasswordHashTest.successfulLoginPerformsOneVerification"""
    response = await _post_login(kc, operations, "existing-user", "correct-password")
    assert "code" in code_from(response)
    assert operations == ["verify:1000", "pbkdf2:1000"]
