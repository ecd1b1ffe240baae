"""Password hashing in Keycloak's credential format: argon2id by default, pbkdf2 accepted on import.

Hashing is CPU-bound; callers run ``hash_password`` and ``verify`` in a worker thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from typing import Any

from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw

from doorkeep import observe

# Keycloak 24+ defaults for argon2 (Argon2PasswordHashProviderFactory).
ARGON2_MEMORY_KIB = 7168
ARGON2_ITERATIONS = 5
ARGON2_PARALLELISM = 1
ARGON2_HASH_LENGTH = 32
SALT_LENGTH = 16


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, salt: bytes | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (secret_data, credential_data) as Keycloak stores an argon2id password."""
    salt = salt or os.urandom(SALT_LENGTH)
    digest = _argon2(
        password, salt, ARGON2_ITERATIONS, ARGON2_MEMORY_KIB, ARGON2_PARALLELISM, ARGON2_HASH_LENGTH, Type.ID, 0x13
    )
    secret = {"value": _b64(digest), "salt": _b64(salt), "additionalParameters": {}}
    cred = {
        "hashIterations": ARGON2_ITERATIONS,
        "algorithm": "argon2",
        "additionalParameters": {
            "hashLength": [str(ARGON2_HASH_LENGTH)],
            "memory": [str(ARGON2_MEMORY_KIB)],
            "type": ["id"],
            "version": ["1.3"],
            "parallelism": [str(ARGON2_PARALLELISM)],
        },
    }
    return secret, cred


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
    return str(credential_data.get("algorithm", "")) in ("argon2", "pbkdf2-sha256", "pbkdf2-sha512", "pbkdf2")


def verify(password: str, secret_data: dict[str, Any], credential_data: dict[str, Any]) -> bool:
    """Check a password against a stored Keycloak credential, in constant time."""
    algorithm = str(credential_data.get("algorithm", ""))
    try:
        expected = _unb64(str(secret_data["value"]))
        salt = _unb64(str(secret_data.get("salt", "")))
        iterations = int(credential_data.get("hashIterations", 0))
        params = credential_data.get("additionalParameters") or {}
        if algorithm == "argon2":
            kinds = {"id": Type.ID, "i": Type.I, "d": Type.D}
            version = 0x10 if _param(params, "version", "1.3") == "1.0" else 0x13
            actual = _argon2(
                password,
                salt,
                iterations or ARGON2_ITERATIONS,
                int(_param(params, "memory", str(ARGON2_MEMORY_KIB))),
                int(_param(params, "parallelism", str(ARGON2_PARALLELISM))),
                len(expected),
                kinds.get(_param(params, "type", "id"), Type.ID),
                version,
            )
        elif algorithm in ("pbkdf2-sha256", "pbkdf2-sha512", "pbkdf2"):
            name = {"pbkdf2-sha256": "sha256", "pbkdf2-sha512": "sha512", "pbkdf2": "sha1"}[algorithm]
            started = time.perf_counter()
            actual = hashlib.pbkdf2_hmac(name, password.encode(), salt, iterations, len(expected))
            observe.current().password_hashed(algorithm, time.perf_counter() - started)
        else:
            return False
    except (KeyError, ValueError, TypeError, OverflowError, HashingError):  # junk parameters from an import
        return False
    return hmac.compare_digest(actual, expected)


DUMMY_SECRET, DUMMY_CRED = hash_password("doorkeep-timing-equaliser", b"0123456789abcdef")
