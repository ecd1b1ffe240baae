"""Password hashing in Keycloak's credential format: its PasswordHashProviders, argon2 the default.

The providers and their defaults are Keycloak 24+'s (non-FIPS): ``argon2`` (Argon2PasswordHashProvider: argon2id
1.3, 5 iterations, 7168 KiB, 1 lane, 32 bytes), ``pbkdf2`` (HMAC-SHA1, 1,300,000 iterations, a 512-bit key),
``pbkdf2-sha256`` (600,000, 256 bits) and ``pbkdf2-sha512`` (210,000, 512 bits). A realm's ``hashAlgorithm``
policy picks the provider that hashes a new password, ``hashIterations`` its iterations (-1, the provider's
default). ``up_to_date`` is the provider's ``policyCheck``: a stored hash that fails it is hashed again at the
next successful login (users/credentials.py). Argon2 ignores the policy's iterations there, as Keycloak's does,
and hashes with them only up to 100.

Hashing is CPU-bound; callers run ``hash_password`` and ``verify`` in a worker thread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw

from doorkeep import observe

# Keycloak 24+ defaults for argon2 (Argon2PasswordHashProviderFactory). Read at call time: the test suite
# cheapens them (tests/conftest.py).
ARGON2_MEMORY_KIB = 7168
ARGON2_ITERATIONS = 5
ARGON2_PARALLELISM = 1
ARGON2_HASH_LENGTH = 32
ARGON2_TYPE = "id"
ARGON2_VERSION = "1.3"
# Argon2PasswordHashProvider.encodedCredential: more iterations than this fall back to the default.
ARGON2_MAX_ITERATIONS = 100
SALT_LENGTH = 16

ARGON2 = "argon2"
# Pbkdf2*PasswordHashProviderFactory: id -> (HMAC digest, DEFAULT_ITERATIONS, derived key size in bits).
PBKDF2: dict[str, tuple[str, int, int]] = {
    "pbkdf2": ("sha1", 1_300_000, 512),
    "pbkdf2-sha256": ("sha256", 600_000, 256),
    "pbkdf2-sha512": ("sha512", 210_000, 512),
}
# The PasswordHashProvider ids a policy's hashAlgorithm may name; the default provider hashes without one.
ALGORITHMS = frozenset({ARGON2, *PBKDF2})
DEFAULT_ALGORITHM = ARGON2


class EncodingRefused(ValueError):
    """A policy's iterations no provider can hash with (below 1); the text is the JDK's / Bouncy Castle's."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(
    password: str, salt: bytes | None = None, algorithm: str | None = None, iterations: int = -1
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (secret_data, credential_data) as Keycloak's provider ``algorithm`` (the default one when None)
    stores ``password`` hashed with ``iterations`` (-1: the provider's default)."""
    salt = salt or os.urandom(SALT_LENGTH)
    algorithm = algorithm or DEFAULT_ALGORITHM
    if algorithm in PBKDF2:
        digest, default, bits = PBKDF2[algorithm]
        iterations = default if iterations == -1 else iterations
        if iterations < 1:
            raise EncodingRefused("invalid iterationCount value")  # PBEKeySpec's IllegalArgumentException
        value = _pbkdf2(algorithm, digest, password, salt, iterations, bits // 8)
        cred = {"hashIterations": iterations, "algorithm": algorithm, "additionalParameters": {}}
        return {"value": _b64(value), "salt": _b64(salt), "additionalParameters": {}}, cred
    if iterations == -1 or iterations > ARGON2_MAX_ITERATIONS:
        iterations = ARGON2_ITERATIONS
    if iterations < 1:
        raise EncodingRefused("iterations is less than: 1")  # Argon2Parameters' check
    digest_bytes = _argon2(
        password, salt, iterations, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, ARGON2_HASH_LENGTH, Type.ID, 0x13
    )
    secret = {"value": _b64(digest_bytes), "salt": _b64(salt), "additionalParameters": {}}
    cred = {
        "hashIterations": iterations,
        "algorithm": ARGON2,
        "additionalParameters": {  # a Java HashMap's order, as Keycloak writes it
            "hashLength": [str(ARGON2_HASH_LENGTH)],
            "memory": [str(ARGON2_MEMORY_KIB)],
            "type": [ARGON2_TYPE],
            "version": [ARGON2_VERSION],
            "parallelism": [str(ARGON2_PARALLELISM)],
        },
    }
    return secret, cred


def up_to_date(algorithm: str | None, iterations: int, secret_data: Any, credential_data: Any) -> bool:
    """PasswordHashProvider.policyCheck of the provider a policy names (``algorithm``, None for the default) and
    its ``hashIterations`` (-1 when unset): False when a login should hash the password again."""
    algorithm = algorithm or DEFAULT_ALGORITHM
    if not isinstance(secret_data, dict) or not isinstance(credential_data, dict):
        return False
    stored = credential_data.get("hashIterations")
    if algorithm in PBKDF2:  # Pbkdf2PasswordHashProvider: iterations, provider id and key size
        _, default, bits = PBKDF2[algorithm]
        try:
            size = len(_unb64(str(secret_data.get("value", "")))) * 8
        except (binascii.Error, ValueError):
            return False
        wanted = default if iterations == -1 else iterations
        return stored == wanted and credential_data.get("algorithm") == algorithm and size == bits
    # Argon2PasswordHashProvider: the provider's own settings, whatever the policy's iterations.
    params = credential_data.get("additionalParameters") or {}
    if not isinstance(params, dict):
        return False
    expected: dict[str, str | int] = {
        "type": ARGON2_TYPE,
        "version": ARGON2_VERSION,
        "hashLength": ARGON2_HASH_LENGTH,
        "memory": ARGON2_MEMORY_KIB,
        "parallelism": ARGON2_PARALLELISM,
    }
    return stored == ARGON2_ITERATIONS and all(_same(params.get(k), v) for k, v in expected.items())


def _same(values: Any, expected: str | int) -> bool:
    """``checkCredData``: the parameter's first value equals the provider's (as a number for a number)."""
    first = values[0] if isinstance(values, list) and values else None
    if not isinstance(first, str):
        return False
    if isinstance(expected, str):
        return first == expected
    try:
        return int(first) == expected
    except ValueError:
        return False


def _pbkdf2(algorithm: str, digest: str, password: str, salt: bytes, iterations: int, length: int) -> bytes:
    started = time.perf_counter()
    value = hashlib.pbkdf2_hmac(digest, password.encode(), salt, iterations, length)
    observe.current().password_hashed(algorithm, time.perf_counter() - started)
    return value


def _argon2(password: str, salt: bytes, t: int, m: int, p: int, length: int, kind: Type, version: int) -> bytes:
    started = time.perf_counter()
    digest = hash_secret_raw(
        password.encode(), salt, time_cost=t, memory_cost=m, parallelism=p, hash_len=length, type=kind, version=version
    )
    observe.current().password_hashed("argon2", time.perf_counter() - started)
    return digest


def _param(params: dict[str, Any], key: str, default: str) -> str:
    value = params.get(key, [default])
    return str(value[0] if isinstance(value, list) and value else value)


def supported(credential_data: dict[str, Any]) -> bool:
    return str(credential_data.get("algorithm", "")) in ALGORITHMS


def verify(password: str, secret_data: dict[str, Any], credential_data: dict[str, Any]) -> bool:
    """Check a password against a stored Keycloak credential, in constant time."""
    algorithm = str(credential_data.get("algorithm", ""))
    try:
        expected = _unb64(str(secret_data["value"]))
        salt = _unb64(str(secret_data.get("salt", "")))
        iterations = int(credential_data.get("hashIterations", 0))
        params = credential_data.get("additionalParameters") or {}
        if algorithm == ARGON2:
            kinds = {"id": Type.ID, "i": Type.I, "d": Type.D}
            version = 0x10 if _param(params, "version", ARGON2_VERSION) == "1.0" else 0x13
            actual = _argon2(
                password,
                salt,
                iterations or ARGON2_ITERATIONS,
                int(_param(params, "memory", str(ARGON2_MEMORY_KIB))),
                int(_param(params, "parallelism", str(ARGON2_PARALLELISM))),
                len(expected),
                kinds.get(_param(params, "type", ARGON2_TYPE), Type.ID),
                version,
            )
        elif algorithm in PBKDF2:
            # Keycloak derives as many bits as the stored hash has (Pbkdf2PasswordHashProvider.keySize).
            actual = _pbkdf2(algorithm, PBKDF2[algorithm][0], password, salt, iterations, len(expected))
        else:
            return False
    except (KeyError, ValueError, TypeError, OverflowError, HashingError):  # junk parameters from an import
        return False
    return hmac.compare_digest(actual, expected)


def dummy_hash(password: str, algorithm: str | None, iterations: int) -> None:
    """AuthenticatorUtils.dummyHash: hash ``password`` once, as the realm's policy would (its ``hashAlgorithm``,
    else the default provider, with its ``hashIterations``), and throw the result away. A login with no credential
    to check (no such user, or a user without a password) then costs what checking a stored hash of the same
    realm costs, so the answer's time does not tell which usernames exist (keycloak#51887 pins one hash per
    rejected login, at the realm's iterations). A policy no provider can hash with falls back to the default."""
    try:
        hash_password(password, b"\0" * SALT_LENGTH, algorithm if algorithm in ALGORITHMS else None, iterations)
    except EncodingRefused:
        hash_password(password, b"\0" * SALT_LENGTH)
