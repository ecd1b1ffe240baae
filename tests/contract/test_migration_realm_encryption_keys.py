"""Migration 0033: a realm without an encryption key gets Keycloak's rsa-enc-generated (RSA-OAEP) and
aes-generated (16 bytes) providers; a realm that has one keeps what it has; the downgrade removes them."""

from __future__ import annotations

import base64

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from doorkeep.model import RealmKey
from doorkeep.store.database import HEAD_REVISION, Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio


def _key(realm_id: str, kid: str, algorithm: str, use: str) -> RealmKey:
    return RealmKey(kid, realm_id, algorithm, use, "active", None, "c2VjcmV0", 1, 100, f"c-{kid}", kid, "x", {})


async def test_realms_without_an_encryption_key_get_the_two_default_providers(db: Database) -> None:
    async with db.transaction() as tx:
        bare, kept = await add_realm(tx, "bare"), await add_realm(tx, "kept")
        await tx.keys.add(_key(bare.id, "hs", "HS512", "sig"))
        await tx.keys.add(_key(kept.id, "own-aes", "AES", "enc"))
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0032_key_priority_bigint", down=True))
        left = await conn.run_sync(lambda s: s.execute(sa.text("SELECT kid FROM realm_keys")).scalars().all())
        assert "own-aes" not in left and "hs" in left  # the downgrade drops every encryption key
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    async with db.transaction() as tx:
        made = {k.provider_id: k for k in await tx.keys.list(bare.id) if k.use == "enc"}
        again = [k for k in await tx.keys.list(kept.id) if k.use == "enc"]
    assert set(made) == {"rsa-enc-generated", "aes-generated"}
    enc, aes = made["rsa-enc-generated"], made["aes-generated"]
    assert (enc.algorithm, enc.priority, enc.name, enc.config) == (
        "RSA-OAEP",
        100,
        "rsa-enc-generated",
        {"priority": ["100"], "algorithm": ["RSA-OAEP"]},
    )
    private = serialization.load_pem_private_key(enc.private.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey) and private.key_size == 2048
    assert (aes.algorithm, aes.name, aes.public_pem) == ("AES", "aes-generated", None)
    assert len(base64.urlsafe_b64decode(aes.private + "==")) == 16
    # the realm whose AES key the downgrade removed is a realm without an encryption key again: it gets both
    assert {k.provider_id for k in again} == {"rsa-enc-generated", "aes-generated"}


async def test_a_realm_that_has_an_encryption_key_gets_nothing_more(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await tx.keys.add(_key(realm.id, "mine", "AES", "enc"))
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "0032_key_priority_bigint"))  # already there: nothing runs
        await conn.execute(sa.text("UPDATE alembic_version SET version_num = '0032_key_priority_bigint'"))
        # 0033 alone runs again (the later migrations' tables are there already), then the head is restored
        await conn.run_sync(lambda sync: migrate(sync, "0033_realm_encryption_keys"))
        await conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": HEAD_REVISION})
        await conn.commit()
    async with db.transaction() as tx:
        assert [k.kid for k in await tx.keys.list(realm.id) if k.use == "enc"] == ["mine"]
