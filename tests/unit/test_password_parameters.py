"""Imported credentials with junk hashing parameters fail the check instead of raising (L1)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.users import passwords


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("memory", ["1"]),
        ("memory", ["abc"]),
        ("memory", ["99999999999999"]),
        ("memory", ["²"]),
        ("parallelism", ["0"]),
        ("parallelism", ["-1"]),
    ],
)
def test_junk_argon2_parameters_make_the_password_wrong_not_a_crash(key: str, value: list[str]) -> None:
    secret, cred = passwords.hash_password("pw")
    broken: dict[str, Any] = {**cred, "additionalParameters": {**cred["additionalParameters"], key: value}}
    assert passwords.verify("pw", secret, broken) is False


@pytest.mark.parametrize("iterations", ["x", "²", None, [], 10**30])
def test_junk_iterations_make_the_password_wrong_not_a_crash(iterations: object) -> None:
    secret, cred = passwords.hash_password("pw")
    assert passwords.verify("pw", secret, {**cred, "algorithm": "pbkdf2-sha256", "hashIterations": iterations}) is False


def test_the_password_still_verifies_with_its_own_parameters() -> None:
    secret, cred = passwords.hash_password("pw")
    assert passwords.verify("pw", secret, cred) is True
    # hashLength is not read back (the stored hash's length decides), so junk there changes nothing.
    junk_length = {**cred, "additionalParameters": {**cred["additionalParameters"], "hashLength": ["x"]}}
    assert passwords.verify("pw", secret, junk_length) is True


@pytest.mark.keycloak_hash_cost
def test_a_new_password_is_hashed_with_keycloaks_argon2_defaults() -> None:
    """Argon2PasswordHashProviderFactory's defaults (argon2id 1.3, 5 iterations, 7168 KiB, 1 lane, 32 bytes);
    every other in-process test hashes more cheaply (tests/conftest.py)."""
    secret, cred = passwords.hash_password("pw", b"0123456789abcdef")
    assert cred["algorithm"] == "argon2" and cred["hashIterations"] == 5
    assert cred["additionalParameters"] == {
        "hashLength": ["32"],
        "memory": ["7168"],
        "type": ["id"],
        "version": ["1.3"],
        "parallelism": ["1"],
    }
    assert len(passwords._unb64(secret["value"])) == 32 and passwords.verify("pw", secret, cred)


def test_other_tests_hash_with_argon2s_cheapest_parameters() -> None:
    """The test suite's cheap hashes still go through argon2id and verify with their stored parameters."""
    secret, cred = passwords.hash_password("pw")
    assert (cred["hashIterations"], cred["additionalParameters"]["memory"]) == (1, ["8"])
    assert passwords.verify("pw", secret, cred) and not passwords.verify("px", secret, cred)


def test_a_pbkdf2_hash_is_up_to_date_only_with_the_policys_provider_iterations_and_key_size() -> None:
    """Pbkdf2PasswordHashProvider.policyCheck: iterations (-1: the provider's default), id and key size."""
    secret, cred = passwords.hash_password("pw", algorithm="pbkdf2-sha256", iterations=2)
    assert cred == {"hashIterations": 2, "algorithm": "pbkdf2-sha256", "additionalParameters": {}}
    assert passwords.verify("pw", secret, cred) and not passwords.verify("px", secret, cred)
    assert passwords.up_to_date("pbkdf2-sha256", 2, secret, cred)
    assert not passwords.up_to_date("pbkdf2-sha256", 3, secret, cred)
    assert not passwords.up_to_date("pbkdf2-sha256", -1, secret, cred)  # the default is 600,000
    assert not passwords.up_to_date("pbkdf2", 2, secret, cred)
    assert not passwords.up_to_date("pbkdf2-sha512", 2, secret, {**cred, "algorithm": "pbkdf2-sha512"})  # 256 bits


def test_an_argon2_hash_is_up_to_date_whatever_the_policys_iterations() -> None:
    """Argon2PasswordHashProvider.policyCheck compares the provider's own parameters only (KEYCLOAK-5282)."""
    secret, cred = passwords.hash_password("pw")
    assert passwords.up_to_date(None, -1, secret, cred) and passwords.up_to_date("argon2", 210_000, secret, cred)
    assert passwords.hash_password("pw", iterations=2)[1]["hashIterations"] == 2
    assert passwords.hash_password("pw", iterations=101)[1]["hashIterations"] == passwords.ARGON2_ITERATIONS
    memory = {**cred, "additionalParameters": {**cred["additionalParameters"], "memory": ["16"]}}
    assert not passwords.up_to_date(None, -1, secret, memory)
    assert not passwords.up_to_date("pbkdf2-sha512", -1, secret, cred)


@pytest.mark.parametrize(
    ("secret", "cred"),
    [
        ({"value": "%%%"}, {"hashIterations": 1, "algorithm": "pbkdf2"}),
        ({"value": 5}, {"hashIterations": "x", "algorithm": "pbkdf2-sha256"}),
        ({}, {"hashIterations": 5, "algorithm": "argon2", "additionalParameters": ["x"]}),
        ({}, {"hashIterations": 5, "algorithm": "argon2", "additionalParameters": {"memory": [7168]}}),
        ([], {}),
    ],
)
def test_junk_stored_parameters_are_not_up_to_date_rather_than_a_crash(secret: Any, cred: Any) -> None:
    assert passwords.up_to_date("pbkdf2", -1, secret, cred) is False
    assert passwords.up_to_date(None, -1, secret, cred) is False
