"""SessionRepo keeps what the refresh grace period needs on each rotation family (issue #13 item 1):
the newest token's iat and exp (no token) and whether the chain was revoked, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest

from doorkeep.model import RefreshFamily
from doorkeep.store.database import Database
from store_factories import add_client, add_client_session, add_realm, add_user, add_user_session

pytestmark = pytest.mark.anyio


async def test_a_family_keeps_its_newest_tokens_iat_and_exp_and_its_revocation(db: Database) -> None:
    rotated = RefreshFamily("k", "jti-0", 1, 1000, "jti-1", latest_iat=1000, latest_exp=2800)
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        cs = await add_client_session(tx, await add_user_session(tx, user, offline=True), client)
        key = (cs.user_session_id, True, cs.client_id)
        await tx.sessions.save_family(*key, rotated)
        await tx.sessions.save_family(*key, RefreshFamily("other", "a", 1, 5, "b", latest_iat=5, latest_exp=None))
    async with db.transaction() as tx:
        assert await tx.sessions.get_family(*key, "k") == rotated
        assert (await tx.sessions.get_family(*key, "other")) == RefreshFamily("other", "a", 1, 5, "b", 5, None)
        await tx.sessions.save_family(*key, dataclasses.replace(rotated, revoked=True))
    async with db.transaction() as tx:
        found = await tx.sessions.get_family(*key, "k")
        assert found is not None and found.revoked and found.latest_jti == "jti-1"
        other = await tx.sessions.get_family(*key, "other")
        assert other is not None and not other.revoked  # one chain revoked, its neighbour untouched
