"""SessionRepo rotation families (KEYCLOAK.md §6.3) and consents."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.model import ClientSession, Consent, RefreshFamily
from doorkeep.store.database import Database
from doorkeep.store.tx import Tx
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session, new_id

pytestmark = pytest.mark.anyio


async def offline_client_session(tx: Tx) -> ClientSession:
    realm = await add_realm(tx)
    client = await add_client(tx, realm)
    user = await add_user(tx, realm)
    return await add_client_session(tx, await add_user_session(tx, user, offline=True), client)


async def test_save_family_inserts_a_new_family_then_updates_it_in_place(db: Database) -> None:
    first = RefreshFamily(reuse_key="k1", current_jti="jti-1", use_count=0, last_refresh=100, latest_jti="jti-1")
    async with db.transaction() as tx:
        cs = await offline_client_session(tx)
        key = (cs.user_session_id, True, cs.client_id)
        assert await tx.sessions.get_family(*key, "k1") is None
        await tx.sessions.save_family(*key, first)
    async with db.transaction() as tx:
        assert await tx.sessions.get_family(*key, "k1") == first
        rotated = RefreshFamily(reuse_key="k1", current_jti=None, use_count=3, last_refresh=200, latest_jti="jti-2")
        await tx.sessions.save_family(*key, rotated)
    async with db.transaction() as tx:
        assert await tx.sessions.get_family(*key, "k1") == rotated


async def test_families_of_one_client_session_are_kept_apart_by_reuse_key(db: Database) -> None:
    async with db.transaction() as tx:
        cs = await offline_client_session(tx)
        key = (cs.user_session_id, True, cs.client_id)
        a = RefreshFamily("a", "jti-a", 1, 10, "jti-a")
        b = RefreshFamily("b", "jti-b", 2, 20, None)
        await tx.sessions.save_family(*key, a)
        await tx.sessions.save_family(*key, b)
        await tx.sessions.save_family(*key, dataclasses.replace(a, use_count=5))
    async with db.transaction() as tx:
        assert await tx.sessions.get_family(*key, "a") == dataclasses.replace(a, use_count=5)
        assert await tx.sessions.get_family(*key, "b") == b
        assert await tx.sessions.get_family(cs.user_session_id, False, cs.client_id, "a") is None


async def test_a_family_without_its_client_session_violates_the_foreign_key(db: Database) -> None:
    async with db.transaction() as tx:
        cs = await offline_client_session(tx)
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.sessions.save_family(cs.user_session_id, False, cs.client_id, RefreshFamily("k", None, 0, 0, None))
    async with db.transaction() as tx:
        assert await tx.sessions.get_family(cs.user_session_id, False, cs.client_id, "k") is None


async def test_a_consent_round_trips_its_scopes_as_a_tuple(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        consent = Consent(user.id, client.id, ("scope-email", "scope-profile"), 1700000000000, 1700000000001)
        await tx.sessions.save_consent(consent)
    async with db.transaction() as tx:
        stored = await tx.sessions.get_consent(user.id, client.id)
        assert stored == consent
        assert stored is not None and isinstance(stored.granted_scopes, tuple)
        assert await tx.sessions.get_consent(user.id, new_id()) is None


async def test_saving_a_consent_again_replaces_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        await tx.sessions.save_consent(Consent(user.id, client.id, ("a",), 1, 1))
    updated = Consent(user.id, client.id, ("a", "b"), 1, 2)
    async with db.transaction() as tx:
        await tx.sessions.save_consent(updated)
    async with db.transaction() as tx:
        assert await tx.sessions.consents_of(user.id) == [updated]


async def test_a_users_consents_are_listed_and_deleted_one_client_at_a_time(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        app, other = await add_client(tx, realm), await add_client(tx, realm, "other")
        user = await add_user(tx, realm)
        stranger = await add_user(tx, realm, "stranger")
        mine = [Consent(user.id, app.id, ("s",), 1, 1), Consent(user.id, other.id, (), 2, 2)]
        for consent in mine:
            await tx.sessions.save_consent(consent)
        theirs = Consent(stranger.id, app.id, ("s",), 3, 3)
        await tx.sessions.save_consent(theirs)
    async with db.transaction() as tx:
        listed = await tx.sessions.consents_of(user.id)
        assert sorted(listed, key=lambda c: c.created_date) == mine
        assert await tx.sessions.delete_consent(user.id, app.id) is True
        assert await tx.sessions.delete_consent(user.id, app.id) is False
    async with db.transaction() as tx:
        assert await tx.sessions.consents_of(user.id) == [mine[1]]
        assert await tx.sessions.consents_of(stranger.id) == [theirs]


async def test_a_consent_for_an_unknown_client_violates_the_foreign_key(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await tx.sessions.save_consent(Consent(user.id, new_id(), (), 1, 1))
