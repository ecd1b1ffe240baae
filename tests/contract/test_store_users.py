"""UserRepo: users, search, credentials and role mappings."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from doorkeep.admin.user_search import list_users
from doorkeep.model import NO_HISTORY, Credential, PasswordRetention, Role, User
from doorkeep.store.database import Database
from store_factories import add_client, add_realm, add_user, new_id

pytestmark = pytest.mark.anyio


def names(found: list[User]) -> list[str]:
    return [u.username for u in found]


def password(user: User, label: str | None = None, created: int = 1) -> Credential:
    return Credential(
        id=new_id(),
        user_id=user.id,
        type="password",
        secret_data={"value": "hash", "salt": ""},
        credential_data={"algorithm": "argon2", "hashIterations": 3},
        created_date=created,
        user_label=label,
    )


async def test_a_user_round_trips_every_field_with_tuples_and_attributes(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        user = User(
            id=new_id(),
            realm_id=realm.id,
            username="alice",
            enabled=False,
            email="Alice@Example.com",
            email_verified=True,
            first_name="Alice",
            last_name="Liddell",
            created_timestamp=1700000000123,
            not_before=1700000001,
            service_account_client_id=client.id,
            attributes={"locale": ["en"], "deep": {"x": [1, 2]}},
            required_actions=("VERIFY_EMAIL", "UPDATE_PASSWORD"),
        )
        await tx.users.create(user)
    async with db.transaction() as tx:
        stored = await tx.users.get(user.id)
        assert stored == user
        assert stored is not None and isinstance(stored.required_actions, tuple)
        assert await tx.users.get(new_id()) is None


async def test_a_username_is_stored_and_looked_up_in_lower_case(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm, "MixedCase")
    async with db.transaction() as tx:
        stored = await tx.users.get_by_username(realm.id, "MIXEDcase")
        assert stored == dataclasses.replace(user, username="mixedcase")
        assert await tx.users.get_by_username(realm.id, "other") is None


async def test_a_user_update_replaces_every_field(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm, "bob")
    changed = dataclasses.replace(
        user,
        username="robert",
        email="rob@example.com",
        enabled=False,
        email_verified=True,
        first_name="Rob",
        last_name="Smith",
        not_before=5,
        attributes={"a": ["b"]},
        required_actions=("CONFIGURE_TOTP",),
    )
    async with db.transaction() as tx:
        await tx.users.update(changed)
    async with db.transaction() as tx:
        assert await tx.users.get(user.id) == changed
        assert await tx.users.get_by_username(realm.id, "bob") is None


async def test_a_duplicate_username_in_a_realm_raises_whatever_its_case_and_writes_nothing(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        await add_user(tx, realm, "bob")
        await add_user(tx, other, "bob")  # another realm may reuse the name
    with pytest.raises(IntegrityError):
        async with db.transaction() as tx:
            await add_user(tx, realm, "innocent")
            await add_user(tx, realm, "BOB")
    async with db.transaction() as tx:
        assert await tx.users.get_by_username(realm.id, "innocent") is None
        assert await tx.users.count(realm.id) == 1


async def test_get_by_email_ignores_case_and_refuses_an_ambiguous_address(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        alice = await add_user(tx, realm, "alice", email="Alice@Example.com")
        await add_user(tx, realm, "twin1", email="twin@example.com")
        await add_user(tx, realm, "twin2", email="TWIN@example.com")
    async with db.transaction() as tx:
        assert await tx.users.get_by_email(realm.id, "alice@example.COM") == alice
        assert await tx.users.get_by_email(realm.id, "twin@example.com") is None
        assert await tx.users.get_by_email(realm.id, "nobody@example.com") is None


async def test_a_service_account_is_found_by_its_client_and_left_out_of_search_and_count(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        client = await add_client(tx, realm)
        robot = await add_user(tx, realm, "service-account-app", service_account_client_id=client.id)
        human = await add_user(tx, realm, "service-human")
    async with db.transaction() as tx:
        assert await tx.users.get_service_account(client) == robot
        assert await tx.users.get_service_account(dataclasses.replace(client, id=new_id())) is None
        assert await tx.users.get_by_username(realm.id, "service-account-app") == robot
        assert await tx.users.search_candidates(realm.id, (), {"username": "service"}) == [human]
        assert await tx.users.search_candidates(realm.id, ["service"]) == [human]
        assert await list_users(tx, realm, {"search": "service"}, 0, 100) == [human]
        assert await tx.users.search(realm.id) == [human]
        assert await tx.users.count(realm.id) == 1


async def test_any_in_counts_a_service_account_and_only_the_realms_users(db: Database) -> None:
    """ApplianceBootstrap.isNoMasterUser's ``getUsersCount(realm, true)``: a service account is a user here."""
    async with db.transaction() as tx:
        realm, other = await add_realm(tx), await add_realm(tx, "other")
        await add_user(tx, other, "elsewhere")
        assert not await tx.users.any_in(realm.id)
        client = await add_client(tx, realm)
        robot = await add_user(tx, realm, "service-account-app", service_account_client_id=client.id)
        assert await tx.users.any_in(realm.id)
        assert await tx.users.count(realm.id) == 0
        await tx.users.delete(robot.id)
        assert not await tx.users.any_in(realm.id)
        assert not await tx.users.any_in(new_id())


async def test_serialize_initial_queues_creations_in_one_realm_until_the_first_ends(db: Database) -> None:
    """Each creation that queued behind another reads its committed user: one user made, on either engine."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
    made: list[str] = []

    async def create(name: str) -> None:
        async with db.transaction() as tx:
            await tx.users.serialize_initial(realm.id)
            if not await tx.users.any_in(realm.id):
                await asyncio.sleep(0.05)  # the others reach their check meanwhile
                await add_user(tx, realm, name)
                made.append(name)

    await asyncio.gather(*(create(f"first{i}") for i in range(4)))
    assert len(made) == 1
    async with db.transaction() as tx:
        assert names(await tx.users.search(realm.id)) == made


async def test_search_by_username_matches_a_substring_or_exactly_and_sorts_by_username(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        other = await add_realm(tx, "other")
        for name in ("carol", "al", "alice", "malik", "a_b", "axb"):
            await add_user(tx, realm, name)
        await add_user(tx, other, "alfred")
    async with db.transaction() as tx:
        assert names(await tx.users.search_candidates(realm.id, (), {"username": "al"})) == ["al", "alice", "malik"]
        assert names(await list_users(tx, realm, {"username": "AL"}, 0, 100)) == ["al", "alice", "malik"]
        assert names(await list_users(tx, realm, {"username": "al", "exact": "true"}, 0, 100)) == ["al"]
        assert names(await tx.users.search_candidates(realm.id, (), {"username": "a_"})) == ["a_b"]  # _ is literal
        assert await tx.users.search_candidates(realm.id, (), {"username": "%"}) == []
        everyone = [u.username for u in await tx.users.search(realm.id)]
        assert everyone == ["a_b", "al", "alice", "axb", "carol", "malik"]


async def test_search_by_email_and_names_matches_case_insensitively(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await add_user(tx, realm, "ann", email="Ann@Corp.example", first_name="Ann", last_name="Lee")
        await add_user(tx, realm, "bea", email="bea@home.example", first_name="Beatrix", last_name="Leeds")
        await add_user(tx, realm, "cid")
    async with db.transaction() as tx:
        assert names(await tx.users.search_candidates(realm.id, (), {"email": "corp"})) == ["ann"]
        assert names(await list_users(tx, realm, {"email": "ANN@corp.example", "exact": "true"}, 0, 100)) == ["ann"]
        assert await list_users(tx, realm, {"email": "corp", "exact": "true"}, 0, 100) == []
        assert names(await tx.users.search_candidates(realm.id, (), {"last_name": "lee"})) == ["ann", "bea"]
        assert names(await list_users(tx, realm, {"lastName": "LEE", "exact": "true"}, 0, 100)) == ["ann"]
        both = {"first_name": "bea", "last_name": "lee"}
        assert names(await tx.users.search_candidates(realm.id, (), both)) == ["bea"]
        assert names(await list_users(tx, realm, {"firstName": "bea", "lastName": "lee"}, 0, 100)) == ["bea"]


async def test_a_free_text_search_matches_username_or_email_and_a_star_matches_everyone(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        await add_user(tx, realm, "ann", email="ann@corp.example")
        await add_user(tx, realm, "bea", email="bea@home.example")
    async with db.transaction() as tx:
        assert names(await list_users(tx, realm, {"search": "*CORP*"}, 0, 100)) == ["ann"]
        assert names(await tx.users.search_candidates(realm.id, ["corp"])) == ["ann"]
        assert names(await list_users(tx, realm, {"search": "bea"}, 0, 100)) == ["bea"]
        assert names(await list_users(tx, realm, {"search": "*"}, 0, 100)) == ["ann", "bea"]
        assert names(await list_users(tx, realm, {"search": " "}, 0, 100)) == ["ann", "bea"]


async def test_search_pages_with_first_and_max_results(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        for i in range(5):
            await add_user(tx, realm, f"user{i}")
    async with db.transaction() as tx:
        assert [u.username for u in await tx.users.search(realm.id, first=1, max_results=2)] == ["user1", "user2"]
        assert [u.username for u in await tx.users.search(realm.id, first=4, max_results=10)] == ["user4"]
        assert await tx.users.search(realm.id, first=9) == []
        assert await tx.users.search(realm.id, max_results=0) == []
        assert len(await tx.users.search(realm.id, max_results=-1)) == 5


async def test_set_password_replaces_the_previous_password_and_round_trips_it(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        await tx.users.set_password(password(user, created=1))
    newer = password(user, label="My password", created=2)
    async with db.transaction() as tx:
        await tx.users.set_password(newer)
    async with db.transaction() as tx:
        assert await tx.users.credentials(user.id) == [newer]
        assert await tx.users.password(user.id) == newer


@pytest.mark.parametrize(
    ("kept", "history"),
    [
        (NO_HISTORY, []),
        (PasswordRetention(newest=1), [3000]),
        (PasswordRetention(since=1500), [2000, 3000]),
        (PasswordRetention(newest=1, since=2500), [3000]),
        (PasswordRetention(newest=2, since=2500), [2000, 3000]),
    ],
)
async def test_a_password_update_keeps_the_history_either_policy_keeps(
    db: Database, kept: PasswordRetention, history: list[int]
) -> None:
    """PasswordCredentialProvider.createCredential: the old hash moves with its own date; a previous hash goes unless
    it is among the newest kept, created since the cut-off, or the one just moved."""
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        for created in (1000, 2000, 3000, 4000):
            await tx.users.set_password(password(user, created=created), kept)
    async with db.transaction() as tx:
        assert [created for _, _, created in await tx.users.exported_password_history(user.id)] == history
        recent = await tx.users.password_history_since(user.id, 2000)  # strictly after
        assert len(recent) == (1 if 3000 in history else 0)


async def test_a_credential_is_deleted_only_by_its_owner(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        stranger = await add_user(tx, realm, "stranger")
        cred = password(user)
        await tx.users.set_password(cred)
    async with db.transaction() as tx:
        assert await tx.users.delete_credential(stranger.id, cred.id) is False
        assert await tx.users.delete_credential(user.id, cred.id) is True
        assert await tx.users.delete_credential(user.id, cred.id) is False
        assert await tx.users.password(user.id) is None
        assert await tx.users.credentials(user.id) == []


async def test_roles_are_granted_once_and_revoked(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        user = await add_user(tx, realm)
        a, b = Role(id=new_id(), realm_id=realm.id, name="a"), Role(id=new_id(), realm_id=realm.id, name="b")
        await tx.roles.create(a)
        await tx.roles.create(b)
        await tx.users.grant_roles(user.id, [a.id, a.id])
        await tx.users.grant_roles(user.id, [a.id, b.id])
    async with db.transaction() as tx:
        assert await tx.users.role_ids(user.id) == {a.id, b.id}
        await tx.users.revoke_roles(user.id, [a.id])
        await tx.users.revoke_roles(user.id, [])
    async with db.transaction() as tx:
        assert await tx.users.role_ids(user.id) == {b.id}


async def test_deleting_a_user_leaves_the_other_users_alone(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx)
        alice = await add_user(tx, realm, "alice")
        bob = await add_user(tx, realm, "bob")
    async with db.transaction() as tx:
        await tx.users.delete(alice.id)
    async with db.transaction() as tx:
        assert await tx.users.get(alice.id) is None
        assert await tx.users.search(realm.id) == [bob]


async def test_holding_role_lists_direct_holders_by_username_service_accounts_included(db: Database) -> None:
    from doorkeep.clock import FakeClock
    from doorkeep.model import Client
    from doorkeep.realms import provisioning

    async with db.transaction() as tx:
        realm = await provisioning.create_realm(tx, "holders", FakeClock().now())
        role = await provisioning.add_role(tx, realm.id, "r")
        outer = await provisioning.add_role(tx, realm.id, "outer")
        await tx.roles.add_composites(outer.id, [role.id])
        svc = await provisioning.create_client(
            tx,
            realm,
            Client(str(uuid.uuid4()), realm.id, "svc", secret="s", service_accounts_enabled=True),
            now=FakeClock().now(),
        )
        account = await tx.users.get_service_account(svc)
        assert account is not None
        names = ["zoe", "adam", "via-composite-only"]
        made = {}
        for name in names:
            made[name] = User(str(uuid.uuid4()), realm.id, name)
            await tx.users.create(made[name])
        await tx.users.grant_roles(made["zoe"].id, [role.id])
        await tx.users.grant_roles(made["adam"].id, [role.id])
        await tx.users.grant_roles(made["via-composite-only"].id, [outer.id])
        await tx.users.grant_roles(account.id, [role.id])
        every = ["adam", "service-account-svc", "zoe"]
        assert [u.username for u in await tx.users.holding_role(realm.id, role.id)] == every
        # Keycloak's first/max, in the statement: a negative bound is no bound
        for first, max_results, expected in [(1, 1, every[1:2]), (1, -1, every[1:]), (-5, 2, every[:2]), (3, 5, [])]:
            page = await tx.users.holding_role(realm.id, role.id, first, max_results)
            assert [u.username for u in page] == expected
        assert await tx.users.holding_role(str(uuid.uuid4()), role.id) == []  # another realm's users never
