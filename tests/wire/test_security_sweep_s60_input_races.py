"""Security sweep s60 (hostile input on both engines): an admin write under a user or a group that another admin is
deleting at that moment. On PostgreSQL the write read the user (or group) before the deletion committed, then met
it gone at its foreign key: a 500 "unknown_error" (IntegrityError 23503) for PUT reset-password, POST role-mappings,
PUT users/{id}/groups/{group}, POST groups/{id}/children and POST groups/{id}/role-mappings. The admin locators now
hold the row they found till their transaction ends (store/users.py ``held``), so the write waits for the deletion
and answers the 404 Keycloak gives for a missing user or group (UsersResource.user "User not found",
GroupsResource.getGroupById "Could not find group by id"), as it would had it come a moment later. SQLite's writers
are serial: there the write always came after, and the test pins the same answer on both engines."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Awaitable, Callable

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from doorkeep.model import Client, ClientScope, Group, Role, User
from doorkeep.store.refusals import is_vanished_reference
from doorkeep.store.tx import Tx
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
USER = {"username": "doomed", "firstName": "Doomed", "lastName": "User", "email": "doomed@example.org"}


async def _waiting_on_a_lock(env: Env) -> None:
    """Until a request is queued behind the open transaction: a row lock on PostgreSQL, SQLite's write lock (one
    turn of the event loop is enough there)."""
    if env.db.is_sqlite:
        await asyncio.sleep(0.05)
        return
    query = text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    for _ in range(200):
        async with env.db.engine.connect() as conn:
            if (await conn.execute(query)).scalar_one() > 0:
                return
        await asyncio.sleep(0.025)
    raise AssertionError("the request never waited for the deleting transaction")


async def _ids(env: Env) -> tuple[str, str, dict[str, object]]:
    headers = await env.admin_headers()
    created = await env.http.post(f"{ADMIN}/users", json=USER, headers=headers)
    assert created.status_code == 201, created.text
    group = await env.http.post(f"{ADMIN}/groups", json={"name": "doomed"}, headers=headers)
    assert group.status_code == 201, group.text
    role = await env.http.post(f"{ADMIN}/roles", json={"name": "mapped"}, headers=headers)
    assert role.status_code == 201, role.text
    user_id = created.headers["location"].rsplit("/", 1)[1]
    group_id = group.headers["location"].rsplit("/", 1)[1]
    return user_id, group_id, (await env.http.get(f"{ADMIN}/roles/mapped", headers=headers)).json()


USER_WRITES = [
    ("PUT", "users/{user}/reset-password", {"type": "password", "value": "An0ther-secret", "temporary": False}),
    ("POST", "users/{user}/role-mappings/realm", "roles"),
    ("PUT", "users/{user}/groups/{group}", None),
]
GROUP_WRITES = [
    ("POST", "groups/{group}/children", {"name": "child"}),
    ("POST", "groups/{group}/role-mappings/realm", "roles"),
]


@pytest.mark.parametrize(("method", "path", "body"), USER_WRITES, ids=[p for _, p, _ in USER_WRITES])
async def test_a_write_under_a_user_deleted_meanwhile_is_user_not_found(
    realm: Env, method: str, path: str, body: object
) -> None:
    user_id, group_id, role = await _ids(realm)
    headers = await realm.admin_headers()
    url = f"{ADMIN}/{path.format(user=user_id, group=group_id)}"
    json_body = [role] if body == "roles" else body

    answer = await _during_deletion_of(
        realm, "users", user_id, realm.http.request(method, url, json=json_body, headers=headers)
    )
    assert answer.status_code == 404, answer.text
    assert answer.json() == {"error": "User not found"}
    assert (await realm.http.get(f"{ADMIN}/users/{user_id}", headers=headers)).status_code == 404


@pytest.mark.parametrize(("method", "path", "body"), GROUP_WRITES, ids=[p for _, p, _ in GROUP_WRITES])
async def test_a_write_under_a_group_deleted_meanwhile_is_group_not_found(
    realm: Env, method: str, path: str, body: object
) -> None:
    _, group_id, role = await _ids(realm)
    headers = await realm.admin_headers()
    url = f"{ADMIN}/{path.format(group=group_id)}"
    json_body = [role] if body == "roles" else body
    answer = await _during_deletion_of(
        realm, "groups", group_id, realm.http.request(method, url, json=json_body, headers=headers)
    )
    assert answer.status_code == 404, answer.text
    assert answer.json() == {"error": "Could not find group by id"}
    groups = (await realm.http.get(f"{ADMIN}/groups", params={"search": "child"}, headers=headers)).json()
    assert groups == [], groups  # no subgroup left behind without its parent


async def _during_deletion_of(env: Env, table: str, row_id: str, call: Awaitable[httpx.Response]) -> httpx.Response:
    """``call`` sent while a transaction that deleted the row is open; the transaction then commits."""
    async with env.db.transaction() as tx:
        if table == "users":
            await tx.users.delete(row_id)
        else:
            group = await tx.groups.get(row_id)
            assert group is not None
            await tx.groups.delete(group)
        sent = asyncio.ensure_future(call)
        await _waiting_on_a_lock(env)
    return await sent


async def _namesake(tx: Tx, realm_id: str, kind: str) -> None:
    """A thing named ``twin`` of ``kind``, created in ``tx``."""
    new_id = str(uuid.uuid4())
    if kind == "users":
        await tx.users.create(User(id=new_id, realm_id=realm_id, username="twin", email="twin@example.org"))
    elif kind == "clients":
        await tx.clients.create(Client(id=new_id, realm_id=realm_id, client_id="twin"))
    elif kind == "roles":
        await tx.roles.create(Role(id=new_id, realm_id=realm_id, name="twin"))
    elif kind == "client-scopes":
        await tx.scopes.create(ClientScope(id=new_id, realm_id=realm_id, name="twin"))
    else:
        await tx.groups.create(Group(id=new_id, realm_id=realm_id, name="twin"))


CREATES = [
    ("users", {**USER, "username": "twin", "email": "twin@example.org"}, "User exists with same username or email"),
    ("clients", {"clientId": "twin"}, "Client twin already exists"),
    ("roles", {"name": "twin"}, "Role with name twin already exists"),
    ("client-scopes", {"name": "twin", "protocol": "openid-connect"}, "Client Scope twin already exists"),
    ("groups", {"name": "twin"}, "Top level group named 'twin' already exists."),
]


@pytest.mark.parametrize(("kind", "rep", "message"), CREATES, ids=[kind for kind, _, _ in CREATES])
async def test_a_namesake_created_meanwhile_is_keycloaks_conflict_for_it(
    realm: Env, kind: str, rep: dict[str, object], message: str
) -> None:
    """The POST looked for a namesake before the other transaction committed one, then met it at the unique index:
    the 409 that names the conflict (the resource's catch of ModelDuplicateException), not "Conflict detected"."""
    headers = await realm.admin_headers()
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        await _namesake(tx, found.id, kind)
        sent = asyncio.ensure_future(realm.http.post(f"{ADMIN}/{kind}", json=rep, headers=headers))
        await _waiting_on_a_lock(realm)
    answer = await sent
    assert answer.status_code == 409, answer.text
    if realm.db.is_sqlite and kind == "users":  # serial writers: the POST's own check found the namesake
        message = "User exists with same username"
    assert answer.json() == {"errorMessage": message}


MAPPER = {
    "name": "claim",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-hardcoded-claim-mapper",
    "config": {"claim.name": "c", "claim.value": "v"},
}


async def _client_id(env: Env) -> str:
    created = await env.http.post(f"{ADMIN}/clients", json={"clientId": "doomed"}, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    return created.headers["location"].rsplit("/", 1)[1]


async def _scope_id(env: Env) -> str:
    rep = {"name": "doomed", "protocol": "openid-connect"}
    created = await env.http.post(f"{ADMIN}/client-scopes", json=rep, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    return created.headers["location"].rsplit("/", 1)[1]


async def _delete_client(tx: Tx, row_id: str) -> None:
    await tx.clients.delete(row_id)


async def _delete_scope(tx: Tx, row_id: str) -> None:
    await tx.scopes.delete(row_id)


UNDER_DELETED = [
    ("client-role", _client_id, _delete_client, "POST", "clients/{id}/roles", {"name": "orphan"}),
    ("client-mapper", _client_id, _delete_client, "POST", "clients/{id}/protocol-mappers/models", MAPPER),
    ("scope-mapper", _scope_id, _delete_scope, "POST", "client-scopes/{id}/protocol-mappers/models", MAPPER),
    ("realm-default-scope", _scope_id, _delete_scope, "PUT", "default-default-client-scopes/{id}", None),
]


@pytest.mark.parametrize(
    ("made", "deleted", "method", "path", "body"),
    [case[1:] for case in UNDER_DELETED],
    ids=[c[0] for c in UNDER_DELETED],
)
async def test_a_write_under_a_thing_deleted_meanwhile_is_a_conflict_not_a_500(
    realm: Env,
    made: Callable[[Env], Awaitable[str]],
    deleted: Callable[[Tx, str], Awaitable[None]],
    method: str,
    path: str,
    body: object,
) -> None:
    """The locators of clients and client scopes do not hold their row (only users' and groups' do): the write
    meets the deletion at its foreign key. Keycloak's JPA flush fails there too (a ModelException most resources
    leave to KeycloakErrorHandler's 500); Doorkeep answers the 409 it gives a duplicate met at an index, and nothing
    of the write is kept (one transaction). On SQLite the write comes after the deletion: the resource's 404."""
    row_id = await made(realm)
    headers = await realm.admin_headers()
    async with realm.db.transaction() as tx:
        await deleted(tx, row_id)
        url = f"{ADMIN}/{path.format(id=row_id)}"
        sent = asyncio.ensure_future(realm.http.request(method, url, json=body, headers=headers))
        await _waiting_on_a_lock(realm)
    answer = await sent
    if realm.db.is_sqlite:
        assert answer.status_code == 404, answer.text
    else:
        assert answer.status_code == 409, answer.text
        assert answer.json() == {"errorMessage": "Conflict detected. See logs for details"}
    kind = "clients" if made is _client_id else "client-scopes"
    gone = await realm.http.get(f"{ADMIN}/{kind}/{row_id}", headers=headers)
    assert gone.status_code == 404, gone.text  # the deletion stands


class _DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("orig", "vanished"),
    [
        (_DriverError("23503"), True),
        (sqlite3.IntegrityError("FOREIGN KEY constraint failed"), True),
        (_DriverError("23505"), False),
        (sqlite3.IntegrityError("UNIQUE constraint failed: roles.name"), False),
        (_DriverError("23502"), False),  # a NOT NULL refused: a fault of ours, still a 500
    ],
)
async def test_only_a_foreign_key_refusal_is_a_vanished_reference(orig: Exception, vanished: bool) -> None:
    assert is_vanished_reference(IntegrityError("INSERT ...", {}, orig)) is vanished
    assert is_vanished_reference(orig) is False  # the driver's own error, unwrapped, is not recognised
