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


class FakeTx:
    def __init__(self, rows: list[RealmKey]) -> None:
        self.keys = FakeKeys(rows)


async def test_unknown_kids_reread_the_rows_but_never_reparse_known_keys() -> None:
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    ring = KeyRing()
    first = await ring.verification_key(tx, "r", rsa.kid)
    assert first is not None
    for _ in range(3):
        assert await ring.verification_key(tx, "r", "no-such-kid") is None
    assert await ring.verification_key(tx, "r", rsa.kid) is first  # the same parsed object
    assert tx.keys.reads == 4


async def test_a_key_added_elsewhere_is_found_and_a_status_change_is_seen() -> None:
    rsa = material.generate("r", "RS256", 0)
    tx: Any = FakeTx([rsa])
    ring = KeyRing()
    assert (await ring.signing_key(tx, "r", "RS256", 0)).kid == rsa.kid
    newer = material.generate("r", "RS256", 1)
    tx.keys.rows = [dataclasses.replace(rsa, status="passive"), newer]
    assert (await ring.verification_key(tx, "r", newer.kid)) is not None
    assert (await ring.signing_key(tx, "r", "RS256", 1)).kid == newer.kid
    old = await ring.verification_key(tx, "r", rsa.kid)
    assert old is not None and old.status == "passive"
