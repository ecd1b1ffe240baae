"""The bulk revocation, the revocation triggers, the admin sign-out's announcement and the consent revocation end
their sessions at once (``service.end_each``, ``service.cut_many``, ``ended.announce_user``) and leave the database,
the noted backchannel logouts and the events as ending each session one by one did (the code they replaced, kept
below), on both engines."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from doorkeep import events
from doorkeep.model import AuthSession, Client, ClientSession, Consent, Realm, SessionEnded, User, UserSession
from doorkeep.sessions import ended, liveness, service, triggered
from doorkeep.sessions import revocation_triggers as rt
from doorkeep.sessions.liveness import LiveFilter
from doorkeep.store.database import Database
from doorkeep.store.tables import events as events_table
from doorkeep.store.tables import metadata
from doorkeep.store.tx import Tx
from store_factories import (
    add_client,
    add_client_session,
    add_family,
    add_realm,
    add_sessions_in_bulk,
    add_twins_in_bulk,
    add_user,
    add_user_session,
)

pytestmark = pytest.mark.anyio
BC = {"backchannel.logout.url": "https://app.example/bc"}
TABLES = ("user_sessions", "client_sessions", "refresh_families", "session_counts", "auth_sessions", "consents")


class _Undone(Exception):
    """Raised to roll a transaction back once its state was read."""


def _tab(tab_id: str, realm_id: str, client: Client, root: str = "") -> AuthSession:
    return AuthSession(tab_id, realm_id, client.id, "form", {}, None, 10_000, root_id=root)


@dataclass(frozen=True)
class Fleet:
    realm: Realm
    alice: User
    bob: User
    app: Client
    other: Client
    front: Client
    offline: list[UserSession]  # alice's, oldest first; each has an online twin


@pytest.fixture
async def fleet(db: Database) -> Fleet:
    """Alice: 30 offline sessions over ``app`` (backchannel logout), ``other`` (none) and a front-channel client,
    each with its online twin, two online sessions with no client and one offline one, rotation families, login
    tabs rooted at her sessions' ids; Bob: 5 of each kind over ``app`` and ``other``."""
    async with db.transaction() as tx:
        realm = await add_realm(tx, events_enabled=True)
        app = await add_client(tx, realm, "app", attributes=BC)
        other = await add_client(tx, realm, "other")
        front = await add_client(tx, realm, "front", frontchannel_logout=True, attributes=BC)
        alice, bob = await add_user(tx, realm), await add_user(tx, realm, "bob")
        starts = [1000 + i // 2 for i in range(30)]  # ties in ``started``: the order among them is the store's
        offline = await add_sessions_in_bulk(tx, alice, [app, other, front], starts, offline=True)
        await add_twins_in_bulk(tx, offline)
        bobs = await add_sessions_in_bulk(tx, bob, [app, other], [1000 + i for i in range(5)], offline=True)
        await add_twins_in_bulk(tx, bobs)
        for started in (900, 2000):
            await add_user_session(tx, alice, started=started)
        await add_user_session(tx, alice, offline=True, started=1500)
        lone = await add_user_session(tx, alice, started=1200)  # one online session without a twin
        await add_client_session(tx, lone, app)
        for session in offline[::4]:
            for kind in (True, False):
                for cs in await tx.sessions.client_sessions(session.id, kind):
                    await add_family(tx, cs)
        await tx.flows.create_auth_session(_tab(offline[8].id, realm.id, app))  # a one-tab login: its own root
        await tx.flows.create_auth_session(_tab("tab-2", realm.id, app, root=offline[8].id))
        await tx.flows.create_auth_session(_tab("tab-3", realm.id, app, root=offline[5].id))
        await tx.flows.create_auth_session(_tab("tab-4", realm.id, app, root=lone.id))
    return Fleet(realm, alice, bob, app, other, front, offline)


async def _state(tx: Tx) -> dict[str, list[str]]:
    conn = tx._conn  # the whole tables, below the repositories
    state = {name: sorted(map(repr, (await conn.execute(select(metadata.tables[name]))).all())) for name in TABLES}
    kept = [c for c in events_table.c if c.name != "id"]  # an event's id is new each time; its order is the ids'
    state["events"] = [repr(r) for r in await conn.execute(select(*kept).order_by(events_table.c.id))]
    return state


Outcome = tuple[Any, list[SessionEnded], dict[str, list[str]]]


async def _run(db: Database, work: Callable[[Tx], Awaitable[Any]]) -> Outcome:
    """What ``work`` returned, noted and left. Rolled back."""
    found: list[Any] = []
    try:
        async with db.transaction() as tx:
            found.extend([await work(tx), list(tx.ended), await _state(tx)])
            raise _Undone
    except _Undone:
        pass
    return found[0], found[1], found[2]


def _same(at_once: Outcome, one_by_one: Outcome, *, ordered: bool = True) -> None:
    """The same answer, rows and noted logouts; ``ordered`` False: the same logouts in any order (the code replaced
    noted them in the order its unordered query found the sessions)."""
    assert at_once[0] == one_by_one[0]
    noted = [[(e.session_id, e.client.client_id, e.every_session) for e in o[1]] for o in (at_once, one_by_one)]
    if not ordered:
        noted = [sorted(n) for n in noted]
    assert noted[0] == noted[1]
    if ordered:
        assert at_once[1] == one_by_one[1]
    for table, rows in one_by_one[2].items():
        assert at_once[2][table] == rows, f"{table} differs"


# --- the per-session code the batches replaced ---------------------------------------------------------------


async def _end_for_user_each(
    tx: Tx, realm: Realm, user_id: str, trigger: rt.Trigger, now: int, keep_session: str | None = None
) -> int:
    count = 0
    for offline in (False, True):
        for session in await tx.sessions.user_sessions_of(user_id, offline):
            if session.id == keep_session:
                continue
            values = []
            for cs in await tx.sessions.client_sessions(session.id, offline):
                client = await tx.clients.get(cs.client_id)
                values.append(
                    (cs.client_id, rt.resolve(trigger, realm.attributes, client.attributes if client else {}))
                )
            realm_value = rt.realm_value(trigger, realm.attributes)
            if not values:
                values = [("", realm_value)]
            covered = [(cid, v) for cid, v in values if (v.offline if offline else v.online)]
            if not covered:
                continue
            if len(covered) == len(values) and (realm_value.offline if offline else realm_value.online):
                await service.end(tx, session.id, offline)
            else:
                for cid, _ in covered:
                    await ended.announce(tx, session.id, offline, only_client=cid)
                    await service.leave(tx, session.id, offline, cid)
            count += 1
            if any(v is not trigger.default for _, v in covered):
                await _record_each(tx, realm, trigger, user_id, session.id, offline, now, None)
    return count


async def _end_for_client_each(
    tx: Tx, realm: Realm, client: Client, trigger: rt.Trigger, now: int, matches: Callable[[ClientSession], bool]
) -> int:
    ends = rt.resolve(trigger, realm.attributes, client.attributes)
    count = 0
    for offline in (False, True):
        if not (ends.offline if offline else ends.online):
            continue
        kept = 0
        while page := await tx.sessions.sessions_with_client(client.id, offline, kept, triggered.PAGE):
            for us, cs in page:
                if not matches(cs):
                    kept += 1
                    continue
                await ended.announce(tx, us.id, offline, only_client=client.id)
                await service.leave(tx, us.id, offline, client.id)
                count += 1
                if ends is not trigger.default:
                    await _record_each(tx, realm, trigger, us.user_id, us.id, offline, now, client.client_id)
    return count


async def _record_each(
    tx: Tx, realm: Realm, trigger: rt.Trigger, user_id: str, sid: str, offline: bool, now: int, client: str | None
) -> None:
    kind = "REVOKE_GRANT" if trigger.client_scoped else "LOGOUT"
    details = {"reason": trigger.name, "offline": "true" if offline else "false", "revoked_client": client}
    await events.record(tx, realm, kind, now=now, client_id=client, user_id=user_id, session_id=sid, details=details)


async def _announce_user_each(tx: Tx, user_id: str, offline: bool) -> None:
    first = len(tx.ended)
    for session in await tx.sessions.user_sessions_of(user_id, offline):
        await ended.announce(tx, session.id, offline)
    ended.merge_per_client(tx, first)  # the merge is not what is compared: the batch's notes are


async def _revoke_grant_each(tx: Tx, realm: Realm, user_id: str, client: Client, live: LiveFilter | None) -> bool:
    ends = rt.resolve(rt.CONSENT_REMOVAL, realm.attributes, client.attributes)
    revoked_consent = await tx.sessions.delete_consent(user_id, client.id)
    revoked_offline = False
    if ends.offline:
        alive = None if live is None else set(await tx.sessions.user_client_pairs(user_id, True, live))
        count = 0
        for session_id, cid in await tx.sessions.user_client_pairs(user_id, True):
            if cid == client.id:
                await service.detach(tx, session_id, True, client.id)
                count += alive is None or (session_id, cid) in alive
        revoked_offline = count > 0
    if revoked_consent and ends.online:
        for session_id, cid in await tx.sessions.user_client_pairs(user_id, False):
            if cid == client.id:
                await ended.announce(tx, session_id, False, only_client=client.id)
                await service.leave(tx, session_id, False, client.id)
    return revoked_consent or revoked_offline


# --- the comparisons ------------------------------------------------------------------------------------------


async def test_a_bulk_revocation_ends_each_offline_session_with_its_online_twin_as_one_by_one(
    db: Database, fleet: Fleet
) -> None:
    ids = sorted([us.id for us in fleet.offline[1::2]] + ["gone"])  # the bulk revocation's pages go in id order

    async def each(tx: Tx) -> int:
        return sum([await service.end_with_online(tx, sid, True) for sid in ids])

    async def at_once(tx: Tx) -> int:
        return len(await service.end_each(tx, ids, True, with_online=True))

    one_by_one = await _run(db, each)
    assert one_by_one[0] == 15 and one_by_one[1]
    _same(await _run(db, at_once), one_by_one)


async def _set(db: Database, fleet: Fleet, realm: dict[str, str], app: dict[str, str]) -> Realm:
    async with db.transaction() as tx:
        await tx.realms.update(dataclasses.replace(fleet.realm, attributes=realm))
        await tx.clients.update(dataclasses.replace(fleet.app, attributes={**BC, **app}))
        found = await tx.realms.get(fleet.realm.id)
    assert found is not None
    return found


POLICIES = {
    "Keycloak's admin sign-out": (rt.ADMIN_LOGOUT, {}, {}),
    "both, app keeps its sessions": (
        rt.PASSWORD_CHANGE,
        {rt.PASSWORD_CHANGE.attribute: "both"},
        {rt.PASSWORD_CHANGE.attribute: "none"},
    ),
    "online only, app's offline ones too": (
        rt.USER_DISABLED,
        {rt.USER_DISABLED.attribute: "online"},
        {rt.USER_DISABLED.attribute: "both"},
    ),
    "none but app's": (rt.PASSWORD_CHANGE, {}, {rt.PASSWORD_CHANGE.attribute: "offline"}),
    "none but app's, both kinds: its online session left empty stays": (
        rt.PASSWORD_CHANGE,
        {},
        {rt.PASSWORD_CHANGE.attribute: "both"},
    ),
    "offline only, app's online ones too": (
        rt.USER_DISABLED,
        {rt.USER_DISABLED.attribute: "offline"},
        {rt.USER_DISABLED.attribute: "both"},
    ),
    "every client but app": (rt.ACCOUNT_LOGOUT, {}, {rt.ACCOUNT_LOGOUT.attribute: "none"}),
}


@pytest.mark.parametrize("policy", POLICIES)
async def test_a_user_trigger_ends_and_detaches_as_one_by_one(db: Database, fleet: Fleet, policy: str) -> None:
    trigger, realm_attributes, app_attributes = POLICIES[policy]
    realm = await _set(db, fleet, realm_attributes, app_attributes)
    keep = fleet.offline[2].id
    one_by_one = await _run(db, lambda tx: _end_for_user_each(tx, realm, fleet.alice.id, trigger, 5000, keep))
    assert one_by_one[0] > 0
    at_once = await _run(
        db, lambda tx: triggered.end_for_user(tx, realm, fleet.alice.id, trigger, now=5000, keep_session=keep)
    )
    _same(at_once, one_by_one)


@pytest.mark.parametrize("page", [4, 500])
async def test_a_client_trigger_detaches_its_client_page_by_page_as_one_by_one(
    db: Database, fleet: Fleet, page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(triggered, "PAGE", page)
    trigger = rt.SECRET_ROTATION
    realm = await _set(db, fleet, {}, {trigger.attribute: "both"})
    app = dataclasses.replace(fleet.app, attributes={**BC, trigger.attribute: "both"})

    def matches(cs: ClientSession) -> bool:
        return cs.user_session_id[0] in "02468ace"  # about half of them, spread over the pages

    one_by_one = await _run(db, lambda tx: _end_for_client_each(tx, realm, app, trigger, 5000, matches))
    assert one_by_one[0] > 0
    at_once = await _run(db, lambda tx: triggered.end_for_client(tx, realm, app, trigger, now=5000, matches=matches))
    _same(at_once, one_by_one)


@pytest.mark.parametrize("offline", [False, True])
async def test_the_admin_sign_out_notes_the_logouts_that_announcing_each_session_does(
    db: Database, fleet: Fleet, offline: bool
) -> None:
    one_by_one = await _run(db, lambda tx: _announce_user_each(tx, fleet.alice.id, offline))
    assert {e.every_session for e in one_by_one[1]} == {True}  # app is in several of her sessions
    _same(await _run(db, lambda tx: ended.announce_user(tx, fleet.alice.id, offline)), one_by_one)


async def test_a_trigger_that_ends_nothing_changes_nothing(db: Database, fleet: Fleet) -> None:
    async with db.transaction() as tx:
        before = await _state(tx)
    assert await _run(
        db, lambda tx: triggered.end_for_user(tx, fleet.realm, fleet.alice.id, rt.PASSWORD_CHANGE, now=1)
    ) == (
        0,
        [],
        before,
    )


REVOCATIONS = {
    # client, a stored consent, the live filter's time (None: no filter), the realm's consent-removal setting
    "app (backchannel) with a consent": ("app", True, None, None),
    "a front-channel client, its sessions left empty, all expired": ("front", True, 10**9, None),
    "app without a consent: its offline grant only, nobody told": ("app", False, 5000, None),
    "other, its online sessions left empty": ("other", True, None, None),
    "app, online only": ("app", True, None, "online"),
}


@pytest.mark.parametrize("case", REVOCATIONS)
async def test_a_consent_revocation_detaches_its_client_as_one_by_one(db: Database, fleet: Fleet, case: str) -> None:
    """Its offline sessions lose the client (those left empty go, nobody told), its online ones too (their logout
    noted; those left empty stay, with their login tabs) when a consent went: UserConsentManager.revokeConsentToClient."""
    client_id, consent, at, setting = REVOCATIONS[case]
    realm = await _set(db, fleet, {rt.CONSENT_REMOVAL.attribute: setting} if setting else {}, {})
    async with db.transaction() as tx:
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        if consent:
            await tx.sessions.save_consent(Consent(fleet.alice.id, client.id, (), 1, 1))
            await tx.sessions.save_consent(Consent(fleet.bob.id, client.id, (), 1, 1))
        live = None if at is None else await liveness.realm_filter(tx, realm, True, at)
    one_by_one = await _run(db, lambda tx: _revoke_grant_each(tx, realm, fleet.alice.id, client, live))
    assert one_by_one[0] is True
    at_once = await _run(db, lambda tx: triggered.revoke_grant(tx, realm, fleet.alice.id, client, live))
    _same(at_once, one_by_one, ordered=False)
    told = client_id == "app" and consent  # only its online logouts are noted, never its offline ones
    assert bool(at_once[1]) is told
