"""The authentication-session store: the pending step, the user and the form token move together."""

from __future__ import annotations

import pytest

from doorkeep.model import AuthSession
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, add_user

pytestmark = pytest.mark.anyio


async def test_advancing_an_auth_session_records_the_step_and_replaces_the_form_token(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = await add_user(tx, realm)
        await tx.flows.create_auth_session(
            AuthSession("as1", realm.id, client.id, "t0", {"scope": "openid"}, None, 10_000)
        )
    async with db.transaction(write=False) as tx:
        fresh = await tx.flows.get_auth_session("as1")
    assert fresh is not None and fresh.step == "authenticate" and fresh.user_id is None
    async with db.transaction() as tx:
        await tx.flows.advance_auth_session("as1", user.id, "UPDATE_PASSWORD", "t1")
    async with db.transaction(write=False) as tx:
        moved = await tx.flows.get_auth_session("as1")
    assert moved is not None
    assert (moved.step, moved.user_id, moved.form_token, moved.request) == (
        "UPDATE_PASSWORD",
        user.id,
        "t1",
        {"scope": "openid"},
    )
