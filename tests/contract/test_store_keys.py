"""KeyRepo (realm signing keys, store/keys.py) and RevokedTokenRepo (revoked access tokens, store/revoked_tokens.py)."""

from __future__ import annotations

import dataclasses

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
        component_id=f"c-{kid}",
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
            component_id="c-hmac",
        )
        for key in (newer, older, hmac):
            await tx.keys.add(key)
        await tx.keys.add(rsa_key(other, "kid-other", 50))
    async with db.transaction() as tx:
        assert await tx.keys.list(realm.id) == [older, hmac, newer]


async def test_a_component_update_rewrites_only_that_components_row(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        key, twin = rsa_key(realm, "kid-1", 100), dataclasses.replace(rsa_key(realm, "kid-1", 100), component_id="c-2")
        await tx.keys.add(key)
        await tx.keys.add(twin)
    async with db.transaction() as tx:
        await tx.keys.replace_component(dataclasses.replace(key, status="passive", priority=7))
    async with db.transaction() as tx:
        stored = {k.component_id: (k.status, k.priority) for k in await tx.keys.list(realm.id)}
        assert stored == {"c-kid-1": ("passive", 7), "c-2": ("active", 100)}


async def test_one_public_key_under_two_components_is_kept_twice_and_clashes_with_no_twin(db: Database) -> None:
    """Keycloak derives an RSA key's kid from its public key: two providers given one key share the kid."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        key = rsa_key(realm, "kid-1", 100)
        await tx.keys.add(key)
        twin = dataclasses.replace(key, component_id="c-2")
        assert not await tx.keys.kid_clashes(twin)
        await tx.keys.add(twin)
        await tx.keys.add(dataclasses.replace(key, realm_id=other.id))
        assert await tx.keys.kid_clashes(dataclasses.replace(key, public_pem="-----BEGIN PUBLIC KEY-----\nCCCC\n"))
    async with db.transaction() as tx:
        assert [k.component_id for k in await tx.keys.list(realm.id)] == ["c-2", "c-kid-1"]


async def test_a_repeated_component_or_secret_kid_raises_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await tx.keys.add(rsa_key(realm, "kid-1", 100))
        secret = RealmKey("kid-hs", realm.id, "HS512", "sig", "active", None, "c2VjcmV0", 1, component_id="c-hs")
        await tx.keys.add(secret)
        assert await tx.keys.kid_clashes(dataclasses.replace(secret, component_id="c-hs2"))
    for repeated in (
        dataclasses.replace(rsa_key(realm, "kid-9", 300), component_id="c-kid-1"),
        dataclasses.replace(secret, component_id="c-hs2", private="b3RoZXI"),
    ):
        with pytest.raises(IntegrityError):
            async with db.transaction() as tx:
                await tx.keys.add(rsa_key(realm, "kid-2", 200))
                await tx.keys.add(repeated)
    async with db.transaction() as tx:
        assert [k.kid for k in await tx.keys.list(realm.id)] == ["kid-hs", "kid-1"]


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


async def test_adding_a_key_advances_the_realms_config_version(db: Database) -> None:
    """keys/ring.py reads a realm's keys again for an unknown kid only once the version moved: a key made on first
    need (a fallback key) must move it too, for the other processes."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
    async with db.transaction() as tx:
        await tx.keys.add(rsa_key(realm, "kid-fallback", 100))
    async with db.transaction(write=False) as tx:
        after = await tx.realms.get(realm.id)
        assert after is not None and after.config_version > realm.config_version
