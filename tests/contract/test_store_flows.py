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


async def test_the_tabs_of_a_root_are_found_by_tab_id_then_by_form_code_then_newest(db: Database) -> None:
    """One browser's root authentication session holds a tab per login, the newest by its creation; a row from
    before tabs is its own root."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        for tab, code, expires, root in (("t1", "c1", 1_000, "r"), ("t2", "c2", 2_000, "r"), ("old", "c3", 3_000, "")):
            await tx.flows.create_auth_session(
                AuthSession(
                    tab,
                    realm.id,
                    client.id,
                    code,
                    {},
                    None,
                    expires,
                    root_id=root,
                    started=expires - 900,
                    step_time=expires - 900,
                )
            )
    async with db.transaction(write=False) as tx:
        by_tab = await tx.flows.get_tab(realm.id, "r", "t1")
        by_code = await tx.flows.get_tab(realm.id, "r", None, "c1")
        newest = await tx.flows.get_tab(realm.id, "r", None, "nope")
        elsewhere = await tx.flows.get_tab(realm.id, "r", "old")  # another root's tab
        legacy = await tx.flows.get_tab(realm.id, "old", None)
        other_realm = await tx.flows.get_tab("elsewhere", "r", "t1")
        alive = [
            await tx.flows.root_alive(realm.id, "r", 1_500),
            await tx.flows.root_alive(realm.id, "r", 1_500, besides="t2"),
            await tx.flows.root_alive(realm.id, "r", None, besides="t2"),
            await tx.flows.root_alive(realm.id, "nobody", None),
        ]
    assert by_tab is not None and (by_tab.id, by_tab.root) == ("t1", "r")
    assert by_code is not None and by_code.id == "t1"
    assert newest is not None and newest.id == "t2"
    assert elsewhere is None and other_realm is None
    assert legacy is not None and (legacy.id, legacy.root_id, legacy.root) == ("old", "", "old")
    # t1 expired before t2 was added: its root was gone in Keycloak, and t2's step does not bring it back
    assert alive == [True, False, True, False]


async def test_a_root_at_its_limit_drops_its_oldest_tabs_and_no_other_roots(db: Database) -> None:
    """authSessionsLimit: the tabs beyond the ``keep`` newest of one root go, oldest first."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        for tab, expires, root in (("t1", 1_000, "r"), ("t2", 3_000, "r"), ("t3", 2_000, "r"), ("x", 500, "s")):
            await tx.flows.create_auth_session(
                AuthSession(tab, realm.id, client.id, tab, {}, None, expires, root_id=root, started=expires)
            )
    async with db.transaction() as tx:
        await tx.flows.drop_oldest_tabs(realm.id, "r", 2)
        kept_two = [await tx.flows.get_auth_session(t) is not None for t in ("t1", "t2", "t3", "x")]
        await tx.flows.drop_oldest_tabs(realm.id, "r", 0)
        kept_none = [await tx.flows.get_auth_session(t) is not None for t in ("t1", "t2", "t3", "x")]
    assert kept_two == [False, True, True, True]
    assert kept_none == [False, False, False, True]


async def test_deleting_a_root_removes_all_its_tabs_and_nothing_else(db: Database) -> None:
    """removeRootAuthenticationSession: the root's tabs (a pre-tabs row that is its own root too) go, others stay."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        for tab, root in (("t1", "r"), ("t2", "r"), ("r", ""), ("x", "s")):
            await tx.flows.create_auth_session(
                AuthSession(tab, realm.id, client.id, tab, {}, None, 1_000, root_id=root)
            )
    async with db.transaction() as tx:
        await tx.flows.delete_root("r")
        kept = [await tx.flows.get_auth_session(t) is not None for t in ("t1", "t2", "r", "x")]
    assert kept == [False, False, False, True]


async def test_a_step_moves_the_timestamp_and_expiry_of_every_tab_of_its_root_alone(db: Database) -> None:
    """RootAuthenticationSessionModel.setTimestamp: the step time is the root's, written on each of its tabs (a
    row of a login of one tab is its own root); the tabs keep their own creation time; another root, and a tab expired
    before the step, are untouched."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        await tx.flows.create_auth_session(
            AuthSession("gone", realm.id, client.id, "g", {}, None, 50, root_id="r", started=0, step_time=0)
        )
        for tab, root in (("t1", "r"), ("t2", "r"), ("solo", ""), ("x", "s")):
            await tx.flows.create_auth_session(
                AuthSession(tab, realm.id, client.id, tab, {}, None, 1_900, root_id=root, started=100, step_time=100)
            )
    async with db.transaction() as tx:
        await tx.flows.touch_root("r", 500, 2_300)
        await tx.flows.touch_root("solo", 700, 2_500)
    async with db.transaction(write=False) as tx:
        found = {t: await tx.flows.get_auth_session(t) for t in ("t1", "t2", "solo", "x", "gone")}
    times = {t: (a.started, a.step_time, a.expires) for t, a in found.items() if a is not None}
    assert times == {
        "t1": (100, 500, 2_300),
        "t2": (100, 500, 2_300),
        "solo": (100, 700, 2_500),
        "x": (100, 100, 1_900),
        "gone": (0, 0, 50),  # expired before the steps: its root was gone in Keycloak
    }
