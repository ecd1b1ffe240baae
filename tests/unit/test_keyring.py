"""The key ring parses each key once, even when tokens name kids it has never seen."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from doorkeep.keys import material
from doorkeep.keys.ring import KeyRing
from doorkeep.model import RealmKey

pytestmark = pytest.mark.anyio


class FakeKeys:
    def __init__(self, rows: list[RealmKey]) -> None:
        self.rows = rows
        self.reads = 0

    async def list(self, realm_id: str) -> list[RealmKey]:
        self.reads += 1
        return [r for r in self.rows if r.realm_id == realm_id]


class FakeConfig:
    """The bound realm's config version, as ``CachedConfig.version_of`` answers it (None: unbound)."""

    def __init__(self) -> None:
        self.version: int | None = None

    def version_of(self, realm_id: str) -> int | None:
        return self.version


class FakeTx:
    def __init__(self, rows: list[RealmKey]) -> None:
        self.keys = FakeKeys(rows)
        self.config = FakeConfig()


async def test_unknown_kids_reread_the_rows_but_never_reparse_known_keys() -> None:
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    ring = KeyRing()  # unbound: each lookup reads the rows (bound, unknown kids read nothing: the test below)
    first = await ring.verification_key(tx, "r", rsa.kid, "RS256")
    assert first is not None
    for _ in range(3):
        assert await ring.verification_key(tx, "r", "no-such-kid", "RS256") is None
    assert await ring.verification_key(tx, "r", rsa.kid, "RS256") is first  # the same parsed object
    assert tx.keys.reads == 5


async def test_a_key_added_elsewhere_is_found_and_a_status_change_is_seen() -> None:
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    ring = KeyRing()
    assert (await ring.signing_key(tx, "r", "RS256", 0)).kid == rsa.kid
    newer = material.generate("r", "RS256", 1)
    tx.keys.rows = [dataclasses.replace(rsa, status="passive"), newer]
    assert (await ring.verification_key(tx, "r", newer.kid, "RS256")) is not None
    assert (await ring.signing_key(tx, "r", "RS256", 1)).kid == newer.kid
    old = await ring.verification_key(tx, "r", rsa.kid, "RS256")
    assert old is not None and old.status == "passive"


async def test_another_config_version_of_the_realm_rereads_its_keys_keeping_the_parsed_ones() -> None:
    """A realm created again under its id by another process has new keys: the ring reads them at the first
    transaction that sees another config version of the realm, and not before."""
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    tx.config.version = 10
    ring = KeyRing()
    first = await ring.signing_key(tx, "r", "RS256", 0)
    assert first.kid == rsa.kid
    replacement = material.generate("r", "RS256", 1)
    tx.keys.rows = [replacement]
    assert (await ring.signing_key(tx, "r", "RS256", 1)).kid == rsa.kid  # same version: what was read stands
    assert tx.keys.reads == 1
    tx.config.version = 2_000_000
    assert (await ring.signing_key(tx, "r", "RS256", 1)).kid == replacement.kid
    assert await ring.verification_key(tx, "r", rsa.kid, "RS256") is None
    assert {k.kid for k in await ring.public_keys(tx, "r")} == {replacement.kid}
    tx.keys.rows = [rsa, replacement]  # a key both have keeps its parsed object
    tx.config.version = 2_000_001
    assert await ring.verification_key(tx, "r", rsa.kid, "RS256") is not None
    assert await ring.verification_key(tx, "r", replacement.kid, "RS256") is await ring.verification_key(
        tx, "r", replacement.kid, "RS256"
    )


async def test_a_kid_names_a_signing_key_only_with_the_algorithm_of_that_key() -> None:
    """DefaultKeyManager.getKey(realm, kid, SIG, alg): an RS256 key's kid with PS256 or HS512, or an HMAC key's kid
    with RS256, names no key; one RSA key two providers hold (one kid) is found under each provider's algorithm."""
    rs256 = material.generate("r", "RS256", 0)
    hmac = material.generate("r", "HS512", 0)
    ps256 = dataclasses.replace(rs256, algorithm="PS256", component_id="z-second-provider")
    tx: Any = FakeTx([rs256, hmac])
    ring = KeyRing()
    assert await ring.verification_key(tx, "r", rs256.kid, "RS256") is not None
    for alg in ("PS256", "RS512", "ES256", "HS256", "HS512"):
        assert await ring.verification_key(tx, "r", rs256.kid, alg) is None, alg
    assert await ring.verification_key(tx, "r", hmac.kid, "HS512") is not None
    for alg in ("RS256", "HS256", "PS256"):
        assert await ring.verification_key(tx, "r", hmac.kid, alg) is None, alg
    tx.keys.rows = [rs256, ps256, hmac]
    tx.config.version = 1
    found = await ring.verification_key(tx, "r", rs256.kid, "PS256")
    assert found is not None and found.component_id == "z-second-provider"
    named = await ring.signing_key(tx, "r", "PS256", 0, kid=rs256.kid)
    assert named.algorithm == "PS256" and named.kid == rs256.kid


async def test_bound_to_the_version_the_keys_were_read_under_unknown_kids_read_nothing() -> None:
    """A token's header is the caller's to choose: while the realm's config version stands (every write of a key row
    advances it), a kid the ring does not hold names no key and the rows are not read again; another version is."""
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    tx.config.version = 7
    ring = KeyRing()
    assert await ring.verification_key(tx, "r", rsa.kid, "RS256") is not None
    for i in range(5):
        assert await ring.verification_key(tx, "r", f"no-such-kid-{i}", "RS256") is None
        assert await ring.decryption_key(tx, "r", f"no-such-kid-{i}") is None
    assert tx.keys.reads == 1
    newer = material.generate("r", "RS256", 1)
    tx.keys.rows = [rsa, newer]
    tx.config.version = 8
    assert await ring.verification_key(tx, "r", newer.kid, "RS256") is not None
    assert tx.keys.reads == 2


async def test_a_transaction_bound_to_no_realm_reads_the_rows_each_time() -> None:
    """Unbound, there is no config version to trust what another process may have changed since (a provider
    removed there): every lookup reads the rows again, and a key parsed before keeps its parsed object."""
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    ring = KeyRing()
    first = await ring.verification_key(tx, "r", rsa.kid, "RS256")
    newer = material.generate("r", "RS256", 1)
    tx.keys.rows = [rsa, newer]
    assert {k.kid for k in await ring.public_keys(tx, "r")} == {rsa.kid, newer.kid}
    tx.keys.rows = [rsa]
    assert {k.kid for k in await ring.public_keys(tx, "r")} == {rsa.kid}
    assert await ring.verification_key(tx, "r", rsa.kid, "RS256") is first
    assert tx.keys.reads == 4
