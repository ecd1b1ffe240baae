"""RSA keys for the in-process tests: real keys, made once and handed out again in each test module.

RSA key generation (~50 ms a 2048-bit key, several times that on a loaded machine) was a sixth of the in-process
suite's CPU: every realm a test creates makes two RSA keys. tests/conftest.py puts ``pooled_key`` in the place
of ``rsa.generate_private_key`` for the whole session and calls ``from_the_start`` at each test module: the keys
of one module (every realm, client and forged token of it) are all distinct, and a module's databases do not
outlive it. The template databases copied into every test's (tests/wire_env.py) are made under ``fresh_keys``,
so their master realm's keys are never handed out. Servers the tests start as processes generate their own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric import rsa

_generate = rsa.generate_private_key
_pool: dict[tuple[int, int], list[rsa.RSAPrivateKey]] = {}
_cursor: dict[tuple[int, int], int] = {}


def pooled_key(public_exponent: int, key_size: int, backend: object = None) -> rsa.RSAPrivateKey:
    """The next key of this shape not yet handed out in this module, made when the pool has none left."""
    shape = (public_exponent, key_size)
    pool, at = _pool.setdefault(shape, []), _cursor.get(shape, 0)
    if at == len(pool):
        pool.append(_generate(public_exponent, key_size))
    _cursor[shape] = at + 1
    return pool[at]


def from_the_start() -> None:
    """A new test module: hand out the pool's keys again from the first."""
    _cursor.clear()


@contextlib.contextmanager
def fresh_keys() -> Iterator[None]:
    """Generate RSA keys for real inside the block, for databases that outlive a test module."""
    pooled = rsa.generate_private_key
    rsa.generate_private_key = _generate
    try:
        yield
    finally:
        rsa.generate_private_key = pooled
