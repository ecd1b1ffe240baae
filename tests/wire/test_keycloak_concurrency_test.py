"""Keycloak's ConcurrencyTest (testsuite .../admin/concurrency/ConcurrencyTest.java, extends
AbstractConcurrencyTest), ported one method to one test, against a real ``doorkeep start-dev`` process.

The server runs on the database ``DOORKEEP_WIRE_ENGINE`` names: SQLite (one process: Doorkeep refuses
``--workers`` above 1 on SQLite), or a fresh database of the session's throwaway PostgreSQL with
``--workers 2``, so that two admin requests of a race also meet in two processes. Each test works in a realm of
its own made through ``POST /admin/realms`` (the Java test's realm ``test``), as master's ``admin`` through
``admin-cli`` on every thread (Keycloak's thread-local admin clients). Every answer's status is checked (a
5xx, or a 409 where the Java task expects success, fails the test), and so does a traceback in the server's log.

AbstractConcurrencyTest.run submits each task ``20 * threads`` times to 4 threads; here 4 threads run each
task 20 times (the test machine has 2 cores), names from one shared counter as the Java tasks take them.

Added beyond the Java class (the brief of this port names users as well): ``createUserAttributes``, the
method older versions of the class carried under ``@Ignore`` (KEYCLOAK-8141: parallel updates of one user that
each add an attribute leave no attribute with a duplicated value and raise no locking error; run with the
profile's unmanaged-attribute policy ENABLED, as Keycloak 24+ keeps no free attribute otherwise), users created,
read, found and deleted in parallel, and eight creates of one client, role, group or username released at once
(one 201, seven 409s: on PostgreSQL with two workers some losers only meet the unique index at their insert.
Those got the generic 409 "Conflict detected. See logs for details" until session 60; they now get the message
the resource gives when its JPA flush raises ModelDuplicateException (ClientsResource.createClient,
RoleContainerResource.createRole, GroupsResource.addTopLevelGroup: the same as for a namesake found before;
UsersResource.createUser: "User exists with same username or email"), store/tx.py ``refused_as``).
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

import concurrent_login_port
from concurrent_login_port import AdminToken, Realm, cookieless_client, run, together
from interop.server import DoorkeepProcess

THREADS = 4
EXECUTIONS = 20  # per task; Keycloak's DEFAULT_NUMBER_OF_EXECUTIONS is 20 * DEFAULT_THREADS

Task = Callable[[Realm], None]
server = concurrent_login_port.server


@pytest.fixture
def realm(server: DoorkeepProcess) -> Iterator[Realm]:
    """A fresh, empty realm for one test, removed after it; the server logs no traceback meanwhile."""
    before = len(server.output())
    name = f"concurrency-{uuid.uuid4().hex[:8]}"
    with cookieless_client() as client:
        made = Realm(server, name, client, AdminToken(server))
        created = client.post(
            f"{server.base_url}/admin/realms", json={"realm": name, "enabled": True}, headers=made.token.header()
        )
        assert created.status_code == 201, created.text
        try:
            yield made
        finally:
            made.admin("DELETE", "", status=204)
    logged = server.output()[before:]
    assert "Traceback" not in logged, logged[-5000:]


class Counter:
    """The Java tasks' shared AtomicInteger: each call a new number."""

    def __init__(self, start: int = 0) -> None:
        self._numbers = itertools.count(start)
        self._lock = threading.Lock()

    def next(self) -> int:
        with self._lock:
            return next(self._numbers)


def created_id(response: httpx.Response) -> str:
    """ApiUtil.getCreatedId: the last segment of the 201's Location."""
    assert response.status_code == 201, (response.status_code, response.text)
    return response.headers["location"].rstrip("/").rsplit("/", 1)[1]


def concurrently(realm: Realm, *tasks: Task) -> None:
    """AbstractConcurrencyTest.run: every task ``EXECUTIONS`` times, interleaved, on ``THREADS`` threads."""
    jobs = [task for _ in range(EXECUTIONS) for task in tasks]
    run(THREADS, len(jobs), lambda i: jobs[i](realm))


def create_client(counter: Counter) -> Task:
    """CreateClient: a client made, read by id, and found in the realm's client list."""

    def task(realm: Realm) -> None:
        name = f"c-{counter.next()}"
        client_id = created_id(realm.admin("POST", "/clients", {"clientId": name}, status=201))
        assert realm.admin("GET", f"/clients/{client_id}").json()["clientId"] == name
        listed = [c.get("clientId") for c in realm.admin("GET", "/clients").json()]
        assert name in listed, f"Client {name} not found in client list"

    return task


def create_remove_client(counter: Counter) -> Task:
    """CreateRemoveClient: CreateClient, then the client removed: 404 by id and gone from the list."""

    def task(realm: Realm) -> None:
        name = f"c-{counter.next()}"
        client_id = created_id(realm.admin("POST", "/clients", {"clientId": name}, status=201))
        assert realm.admin("GET", f"/clients/{client_id}").json()["clientId"] == name
        assert name in [c.get("clientId") for c in realm.admin("GET", "/clients").json()]
        realm.admin("DELETE", f"/clients/{client_id}", status=204)
        gone = realm.admin("GET", f"/clients/{client_id}", status=404)
        assert gone.json() == {"error": "Could not find client"}
        listed = [c.get("clientId") for c in realm.admin("GET", "/clients").json()]
        assert name not in listed, f"Client {name} should now not present in client list"

    return task


def create_group(counter: Counter) -> Task:
    """CreateGroup: a top-level group made, read by id, and found among the realm's groups."""

    def task(realm: Realm) -> None:
        name = f"g-{counter.next()}"
        group_id = created_id(realm.admin("POST", "/groups", {"name": name}, status=201))
        assert realm.admin("GET", f"/groups/{group_id}").json()["name"] == name
        listed = [g["name"] for g in realm.admin("GET", "/groups").json()]  # a first page of 100: enough here
        assert name in listed, f"Group {name} not found in group list"

    return task


def create_role(counter: Counter) -> Task:
    """CreateRole: a realm role made and read by name."""

    def task(realm: Realm) -> None:
        name = f"r-{counter.next()}"
        realm.admin("POST", "/roles", {"name": name, "composite": False}, status=201)
        assert realm.admin("GET", f"/roles/{name}").json()["name"] == name

    return task


def create_client_role(counter: Counter, client_uuid: str) -> Task:
    """CreateClientRole: a role of one shared client made and read by name."""

    def task(realm: Realm) -> None:
        name = f"cr-{counter.next()}"
        realm.admin("POST", f"/clients/{client_uuid}/roles", {"name": name, "composite": False}, status=201)
        assert realm.admin("GET", f"/clients/{client_uuid}/roles/{name}").json()["name"] == name

    return task


def test_all_concurrently(realm: Realm) -> None:
    counter = Counter(100000)
    concurrently(
        realm, create_client(counter), create_remove_client(counter), create_group(counter), create_role(counter)
    )
    clients = {c["clientId"] for c in realm.admin("GET", "/clients").json()}
    made = {name for name in clients if name.startswith("c-")}
    assert len(made) == EXECUTIONS, "each CreateClient's client stays, each CreateRemoveClient's is gone"
    assert realm.admin("GET", "/groups/count").json() == {"count": EXECUTIONS}
    roles = [r["name"] for r in realm.admin("GET", "/roles?max=1000").json() if r["name"].startswith("r-")]
    assert len(roles) == EXECUTIONS


def test_create_client(realm: Realm) -> None:
    concurrently(realm, create_client(Counter()))
    names = [c["clientId"] for c in realm.admin("GET", "/clients").json()]
    assert sorted(n for n in names if n.startswith("c-")) == sorted(f"c-{i}" for i in range(EXECUTIONS))


def test_create_group(realm: Realm) -> None:
    concurrently(realm, create_group(Counter()))
    names = [g["name"] for g in realm.admin("GET", "/groups?max=1000").json()]
    assert sorted(names) == sorted(f"g-{i}" for i in range(EXECUTIONS))


def test_create_remove_client(realm: Realm) -> None:
    concurrently(realm, create_remove_client(Counter()))
    names = [c["clientId"] for c in realm.admin("GET", "/clients").json()]
    assert [n for n in names if n.startswith("c-")] == []


def test_create_client_role(realm: Realm) -> None:
    client_uuid = created_id(realm.admin("POST", "/clients", {"clientId": "client"}, status=201))
    concurrently(realm, create_client_role(Counter(), client_uuid))
    names = [r["name"] for r in realm.admin("GET", f"/clients/{client_uuid}/roles").json()]
    assert sorted(names) == sorted(f"cr-{i}" for i in range(EXECUTIONS))


def test_create_role(realm: Realm) -> None:
    concurrently(realm, create_role(Counter()))
    names = [r["name"] for r in realm.admin("GET", "/roles?max=1000").json() if r["name"].startswith("r-")]
    assert sorted(names) == sorted(f"r-{i}" for i in range(EXECUTIONS))


def test_create_user_attributes(realm: Realm) -> None:
    """The formerly ignored createUserAttributes: concurrent read-modify-write updates of one user may drop
    each other's attributes (last write wins), but never duplicate a value nor fail."""
    realm.admin("PUT", "/users/profile", _unmanaged_enabled(realm))
    user_id = created_id(realm.admin("POST", "/users", {"username": "attributes"}, status=201))
    counter = Counter()

    def task(realm: Realm) -> None:
        rep: dict[str, Any] = realm.admin("GET", f"/users/{user_id}").json()
        rep.setdefault("attributes", {})[f"a-{counter.next()}"] = ["value"]
        realm.admin("PUT", f"/users/{user_id}", rep, status=204)

    concurrently(realm, task)
    attributes: dict[str, list[str]] = realm.admin("GET", f"/users/{user_id}").json()["attributes"]
    assert 0 < len(attributes) <= EXECUTIONS
    assert all(values == ["value"] for values in attributes.values()), attributes


def test_create_remove_user(realm: Realm) -> None:
    """Beyond the Java class: users made, read, searched for and deleted in parallel."""
    counter = Counter()

    def task(realm: Realm) -> None:
        name = f"u-{counter.next()}"
        user_id = created_id(realm.admin("POST", "/users", {"username": name, "enabled": True}, status=201))
        assert realm.admin("GET", f"/users/{user_id}").json()["username"] == name
        (found,) = realm.admin("GET", f"/users?username={name}&exact=true").json()
        assert found["id"] == user_id
        if int(name[2:]) % 2:
            realm.admin("DELETE", f"/users/{user_id}", status=204)
            assert realm.admin("GET", f"/users/{user_id}", status=404).json() == {"error": "User not found"}

    concurrently(realm, task)
    assert realm.admin("GET", "/users/count").json() == EXECUTIONS // 2
    names = sorted(u["username"] for u in realm.admin("GET", "/users?max=1000").json())
    assert names == sorted(f"u-{i}" for i in range(0, EXECUTIONS, 2))


# What a loser that met the winner's row only at the unique index is told, where it differs from ``exists``.
INDEX_MET = {"/users": "User exists with same username or email"}  # UsersResource.createUser's catch


@pytest.mark.parametrize(
    ("path", "field", "exists"),
    [
        ("/clients", "clientId", "Client {} already exists"),
        ("/roles", "name", "Role with name {} already exists"),
        ("/groups", "name", "Top level group named '{}' already exists."),
        ("/users", "username", "User exists with same username"),
    ],
)
def test_same_name_created_at_once(realm: Realm, path: str, field: str, exists: str) -> None:
    """Beyond the Java class: eight creates of one name released together make exactly one; every other gets
    409 with Keycloak's message for the duplicate (found before the insert, or met at the unique index)."""
    url = f"{realm.server.base_url}/admin/realms/{realm.name}{path}"
    for attempt in range(3):
        name = f"same-{attempt}"

        def create(name: str = name) -> httpx.Response:
            return realm.http.post(url, json={field: name}, headers=realm.token.header())

        answers = together([create] * 8)
        assert sorted(a.status_code for a in answers) == [201] + [409] * 7, [a.text for a in answers]
        refused = {a.json()["errorMessage"] for a in answers if a.status_code == 409}
        assert refused <= {exists.format(name), INDEX_MET.get(path, exists).format(name)}, refused


def _unmanaged_enabled(realm: Realm) -> dict[str, Any]:
    """The realm's user profile with unmanaged attributes on (Keycloak 24+ keeps none by default)."""
    config: dict[str, Any] = realm.admin("GET", "/users/profile").json()
    return {**config, "unmanagedAttributePolicy": "ENABLED"}
