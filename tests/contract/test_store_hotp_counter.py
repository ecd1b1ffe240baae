"""A HOTP code is spent once even when two workers read the same counter before either writes it."""

from __future__ import annotations

import asyncio

import pytest

from doorkeep.model import Credential
from doorkeep.store.database import Database
from doorkeep.users import otp
from store_factories import add_realm, add_user, new_id

pytestmark = pytest.mark.anyio

KEY = "12345678901234567890"


async def test_two_workers_with_the_same_stale_counter_accept_a_hotp_code_once(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, otp_policy_type="hotp")
        user = await add_user(tx, realm)
        data = {"subType": "hotp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
        cred = Credential(new_id(), user.id, otp.TYPE, {"value": KEY}, data, 1_000_000)
        await tx.users.add_credential(cred)
    token = otp.code(KEY.encode(), 0, 6, "HmacSHA1")

    async def verify() -> bool:  # each with the credential as read before the other committed
        async with db.transaction() as tx:
            await asyncio.sleep(0)
            return await otp.is_valid(tx, realm, cred, token, 1_000)

    assert sorted(await asyncio.gather(verify(), verify())) == [False, True]
    async with db.transaction(write=False) as tx:
        [stored] = [c for c in await tx.users.credentials(user.id) if c.id == cred.id]
    assert stored.credential_data["counter"] == 1
