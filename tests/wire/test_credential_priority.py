"""A user's credential order, as Keycloak's admin REST API moves it (UserResource.moveCredentialToFirst and
moveCredentialAfter over JpaUserCredentialStore.moveCredentialTo).

Credentials are listed by priority; a new one goes last; ``moveToFirst`` and ``moveAfter/{previous}`` renumber
the list. A credential that is not the user's is a 404 "Credential not found"; an unknown or same
``newPreviousCredentialId`` changes nothing and still answers 204. No admin event is recorded. The first OTP
device by priority is the one the OTP form checks by default.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, start, submit
from doorkeep.model import Credential
from support import password_grant, seed_client, seed_realm, seed_user, update_realm
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
SECRETS = {"phone": "abcdefghijABCDEFGHIJ", "tablet": "ABCDEFGHIJabcdefghij", "watch": "1234567890abcdefghij"}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", admin_events_enabled=True, admin_events_details_enabled=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    await seed_user(env.db, env.clock, "test", "user2")
    return env


async def user_id(env: Env, username: str = "user1") -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        return user.id


async def add_devices(env: Env, username: str = "user1") -> dict[str, str]:
    """Three OTP devices, added in the order phone, tablet, watch (their creation dates the other way
    round, so an order by date would not pass for one by priority)."""
    uid = await user_id(env, username)
    ids = {}
    async with env.db.transaction() as tx:
        for n, (label, secret) in enumerate(SECRETS.items()):
            data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
            cred = Credential(f"{username}-{label}", uid, "otp", {"value": secret}, data, 9_000 - n, label)
            await tx.users.add_credential(cred)
            ids[label] = cred.id
    return ids


async def listed(env: Env, username: str = "user1") -> list[str]:
    """``GET users/{id}/credentials``: the labels (``password`` for the password) in the order given."""
    response = await env.http.get(f"{ADMIN}/users/{await user_id(env, username)}/credentials", **await auth(env))
    assert response.status_code == 200, response.text
    return [c.get("userLabel", c["type"]) for c in response.json()]


async def auth(env: Env) -> dict[str, Any]:
    return {"headers": await env.admin_headers()}


async def move(env: Env, credential: str, after: str | None = None, username: str = "user1") -> httpx.Response:
    base = f"{ADMIN}/users/{await user_id(env, username)}/credentials/{credential}"
    return await env.http.post(
        f"{base}/moveToFirst" if after is None else f"{base}/moveAfter/{after}", **await auth(env)
    )


async def test_credentials_are_listed_in_the_order_they_were_added(realm: Env) -> None:
    await add_devices(realm)
    assert await listed(realm) == ["password", "phone", "tablet", "watch"]


async def test_move_to_first_and_move_after_reorder_the_list(realm: Env) -> None:
    ids = await add_devices(realm)
    first = await move(realm, ids["watch"])
    assert first.status_code == 204 and first.content == b""
    assert await listed(realm) == ["watch", "password", "phone", "tablet"]
    assert (await move(realm, ids["watch"], ids["tablet"])).status_code == 204  # down to the end
    assert await listed(realm) == ["password", "phone", "tablet", "watch"]
    assert (await move(realm, ids["phone"], ids["tablet"])).status_code == 204  # one down
    assert await listed(realm) == ["password", "tablet", "phone", "watch"]
    password = (await listed_ids(realm))[0]
    assert (await move(realm, password, ids["watch"])).status_code == 204
    assert await listed(realm) == ["tablet", "phone", "watch", "password"]


async def listed_ids(env: Env) -> list[str]:
    response = await env.http.get(f"{ADMIN}/users/{await user_id(env)}/credentials", **await auth(env))
    return [c["id"] for c in response.json()]


async def test_the_priorities_are_renumbered_ten_apart(realm: Env) -> None:
    ids = await add_devices(realm)
    await move(realm, ids["tablet"])
    async with realm.db.engine.connect() as conn:
        rows = await conn.exec_driver_sql(
            f"SELECT user_label, priority FROM credentials WHERE user_id = '{await user_id(realm)}'"
        )
        # SQLAlchemy types AsyncConnection.exec_driver_sql as CursorResult[Any], rows of one column (the sync
        # Connection.exec_driver_sql says any number of columns): a wrong stub, the rows have two
        found = {label or "password": priority for label, priority in rows}  # type: ignore[misc]
    assert found == {"tablet": 10, "password": 20, "phone": 30, "watch": 40}


@pytest.mark.parametrize("after", ["no-such-credential", "self", "user2-phone"])
async def test_an_unknown_or_same_previous_credential_changes_nothing_and_answers_204(realm: Env, after: str) -> None:
    ids = await add_devices(realm)
    await add_devices(realm, "user2")
    answer = await move(realm, ids["watch"], ids["watch"] if after == "self" else after)
    assert answer.status_code == 204
    assert await listed(realm) == ["password", "phone", "tablet", "watch"]


@pytest.mark.parametrize("path", ["moveToFirst", "moveAfter/user1-phone"])
async def test_a_credential_that_is_not_the_users_is_credential_not_found(realm: Env, path: str) -> None:
    await add_devices(realm)
    await add_devices(realm, "user2")
    for credential in ("no-such-credential", "user2-watch"):
        base = f"{ADMIN}/users/{await user_id(realm)}/credentials/{credential}"
        answer = await realm.http.post(f"{base}/{path}", **await auth(realm))
        assert answer.status_code == 404 and answer.json() == {"error": "Credential not found"}
    assert await listed(realm, "user2") == ["password", "phone", "tablet", "watch"]
    unknown_user = await realm.http.post(f"{ADMIN}/users/nobody/credentials/user1-phone/{path}", **await auth(realm))
    assert unknown_user.status_code == 404 and unknown_user.json() == {"error": "User not found"}


async def test_moves_need_a_token_and_record_no_admin_event(realm: Env) -> None:
    ids = await add_devices(realm)
    base = f"{ADMIN}/users/{await user_id(realm)}/credentials/{ids['watch']}"
    assert (await realm.http.post(f"{base}/moveToFirst")).status_code == 401
    assert (await move(realm, ids["watch"])).status_code == 204
    assert (await move(realm, ids["phone"], ids["watch"])).status_code == 204
    removed = await realm.http.delete(base, **await auth(realm))  # a delete is recorded: the events are on
    assert removed.status_code == 204
    events = (await realm.http.get(f"{ADMIN}/admin-events", **await auth(realm))).json()
    assert [e["operationType"] for e in events] == ["ACTION"]
    assert not [e for e in events if "move" in e["resourcePath"]]


async def test_a_new_password_keeps_its_place_and_a_new_device_goes_last(realm: Env) -> None:
    ids = await add_devices(realm)
    await move(realm, (await listed_ids(realm))[0], ids["tablet"])
    assert await listed(realm) == ["phone", "tablet", "password", "watch"]
    reset = await realm.http.put(
        f"{ADMIN}/users/{await user_id(realm)}/reset-password",
        json={"type": "password", "value": "new-password", "temporary": False},
        **await auth(realm),
    )
    assert reset.status_code == 204
    assert await listed(realm) == ["phone", "tablet", "password", "watch"]
    async with realm.db.transaction() as tx:
        data = {"subType": "totp", "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1"}
        await tx.users.add_credential(Credential("ring", await user_id(realm), "otp", {"value": "x"}, data, 1, "ring"))
    assert await listed(realm) == ["phone", "tablet", "password", "watch", "ring"]


async def test_the_otp_form_checks_the_first_device_by_priority(realm: Env) -> None:
    ids = await add_devices(realm)
    assert (await move(realm, ids["watch"])).status_code == 204
    page = await start(realm.http, "test", "app")
    page = await submit(realm.http, page, username="user1", password="password")
    checked = re.findall(r'name="selectedCredentialId" value="([^"]+)" checked', page.text)
    assert checked == [ids["watch"]], page.text[:600]
    wrong_device = await submit(realm.http, page, otp=totp(SECRETS["phone"].encode(), realm.clock.now()))
    assert "Invalid authenticator code." in wrong_device.text
    done = await submit(realm.http, wrong_device, otp=totp(SECRETS["watch"].encode(), realm.clock.now()))
    assert "code" in code_from(done)


async def test_the_account_api_lists_the_devices_by_priority(realm: Env) -> None:
    token = (await password_grant(realm.http, "test", "app")).json()["access_token"]
    ids = await add_devices(realm)
    await move(realm, ids["tablet"])
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    body = (await realm.http.get("/realms/test/account/credentials", headers=headers)).json()
    otp_type = next(c for c in body if c["type"] == "otp")
    labels = [m["credential"]["userLabel"] for m in otp_type["userCredentialMetadatas"]]
    assert labels == ["tablet", "phone", "watch"]
