"""KeyRepo (realm signing keys, store/keys.py) and RevokedTokenRepo (revoked access tokens, store/revoked_tokens.py)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.model import Realm, RealmKey
from doorkeep.store.database import Database
from store_factories import add_realm

pytestmark = pytest.mark.anyio


def rsa_key(realm: Realm, kid: str, created: int, status: str = "active") -> RealmKey:
    return RealmKey(
        kid=kid,
        realm_id=realm.id,
        algorithm="RS256",
        use="sig",
        status=status,
        public_pem="-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        private="-----BEGIN PRIVATE KEY-----\nBBBB\n-----END PRIVATE KEY-----\n",
        created=created,
        priority=100,
    )


async def test_keys_round_trip_and_are_listed_oldest_first_per_realm(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        newer = rsa_key(realm, "kid-new", 200)
        older = rsa_key(realm, "kid-old", 100, status="passive")
        hmac = RealmKey(
            kid="kid-hmac",
            realm_id=realm.id,
            algorithm="HS512",
            use="sig",
            status="active",
            public_pem=None,
            private="c2VjcmV0",
            created=150,
            priority=200,
        )
        for key in (newer, older, hmac):
            await tx.keys.add(key)
        await tx.keys.add(rsa_key(other, "kid-other", 50))
    async with db.transaction() as tx:
        assert await tx.keys.list(realm.id) == [older, hmac, newer]


async def test_a_key_status_changes_from_active_to_passive(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        key = rsa_key(realm, "kid-1", 100)
        await tx.keys.add(key)
    async with db.transaction() as tx:
        await tx.keys.set_status("kid-1", "passive")
    async with db.transaction() as tx:
        [stored] = await tx.keys.list(realm.id)
        assert stored.status == "passive"
        assert (stored.private, stored.public_pem, stored.created) == (key.private, key.public_pem, key.created)


async def test_a_duplicate_kid_raises_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await tx.keys.add(rsa_key(realm, "kid-1", 100))
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.keys.add(rsa_key(realm, "kid-2", 200))
            await tx.keys.add(rsa_key(realm, "kid-1", 300))
    async with db.transaction() as tx:
        assert [k.kid for k in await tx.keys.list(realm.id)] == ["kid-1"]


async def test_a_revoked_token_is_remembered_and_revoking_it_again_is_harmless(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.revoked.add("jti-1", 1000)
        await tx.revoked.add("jti-1", 2000)
    async with db.transaction() as tx:
        assert await tx.revoked.is_revoked("jti-1") is True
        assert await tx.revoked.is_revoked("jti-2") is False


async def test_purge_forgets_only_revocations_that_expired_before_now(db: Database) -> None:
    async with db.transaction() as tx:
        for jti, expires in (("old-1", 100), ("old-2", 499), ("edge", 500), ("live", 900)):
            await tx.revoked.add(jti, expires)
    async with db.transaction() as tx:
        assert await tx.revoked.purge(500) == 2
        assert await tx.revoked.purge(500) == 0
    async with db.transaction() as tx:
        assert [await tx.revoked.is_revoked(j) for j in ("old-1", "old-2", "edge", "live")] == [
            False,
            False,
            True,
            True,
        ]
