"""Two processes' key rings (keys/ring.py) needing a realm's fallback key at once, on both engines: one key is made
(DefaultKeyManager.createFallbackKeys's ``fallback-{alg}``), and both sign with it. Keycloak takes no lock there;
Doorkeep queues the creation behind any other of the realm (``keys.serialize_fallback``) and reads the keys again."""

from __future__ import annotations

import asyncio

import pytest

from doorkeep.keys.material import LoadedKey
from doorkeep.keys.ring import KeyRing
from doorkeep.store.database import Database
from store_factories import add_realm

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("use", "alg"), [("sig", "PS256"), ("sig", "ES384"), ("enc", "RSA-OAEP")])
async def test_two_rings_needing_a_fallback_key_at_once_make_one(db: Database, use: str, alg: str) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)

    async def need(ring: KeyRing) -> LoadedKey:
        async with db.transaction() as tx:
            if use == "sig":
                return await ring.signing_key(tx, realm.id, alg, 1000)
            return await ring.encryption_key(tx, realm.id, alg, 1000)

    first, second = await asyncio.gather(need(KeyRing()), need(KeyRing()))
    async with db.transaction(write=False) as tx:
        stored = [k for k in await tx.keys.list(realm.id) if k.algorithm == alg]
    assert [k.kid for k in stored] == [first.kid] == [second.kid]
    assert stored[0].use == use and stored[0].priority == -100
