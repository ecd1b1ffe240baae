"""``POST push-revocation`` (realm and client): Keycloak's ``k_push_not_before`` admin action, a JWS posted
to each client admin URL, answered with a GlobalRequestResult."""

from __future__ import annotations

import anyio
import pytest

from push_revocation_port import client_uuid, seeded, verified
from receiver import closed_port, receiver
from support import seed_client, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"


@pytest.fixture
async def realm(env: Env) -> Env:
    return await seeded(env)


async def test_realm_push_sends_not_before_to_every_admin_url(realm: Env) -> None:
    headers = await realm.admin_headers()
    await update_realm(realm.db, "test", not_before=1500)
    dead = f"http://127.0.0.1:{closed_port()}/admin"
    await seed_client(realm.db, "test", "gone", admin_url=dead)
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app", not_before=2000)
        response = await realm.http.post(f"{REALM}/push-revocation", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"successRequests": [f"{got.url}/app"], "failedRequests": [dead]}
        request = got.requests[0]
    assert request.path == "/app/k_push_not_before"
    assert request.content_type.startswith("text/plain")
    action = await verified(realm, request.body)
    assert action["action"] == "PUSH_NOT_BEFORE" and action["resource"] == "app"
    assert action["notBefore"] == 1500  # the realm's (pushRealmRevocationPolicy), not the client's later one
    assert action["expiration"] == realm.clock.now() + 30 and action["id"]


async def test_realm_push_without_admin_urls_answers_an_empty_result(realm: Env) -> None:
    response = await realm.http.post(f"{REALM}/push-revocation", headers=await realm.admin_headers())
    assert response.status_code == 200
    assert response.json() == {}


async def test_client_push_sends_only_to_that_client(realm: Env) -> None:
    headers = await realm.admin_headers()
    with receiver() as got, receiver() as other:
        await update_client(realm.db, "test", "app", admin_url=got.url)
        await seed_client(realm.db, "test", "other", admin_url=other.url)
        uuid = await client_uuid(realm, "app")
        response = await realm.http.post(f"{REALM}/clients/{uuid}/push-revocation", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"successRequests": [got.url]}
        assert len(got.requests) == 1 and other.requests == []
    assert (await verified(realm, got.requests[0].body))["notBefore"] == 0


async def test_a_client_answering_an_error_counts_as_failed(realm: Env) -> None:
    with receiver(status=500) as got:
        await update_client(realm.db, "test", "app", admin_url=got.url)
        uuid = await client_uuid(realm, "app")
        response = await realm.http.post(f"{REALM}/clients/{uuid}/push-revocation", headers=await realm.admin_headers())
    assert response.json() == {"failedRequests": [got.url]}


async def test_client_push_of_an_unknown_client_is_a_404(realm: Env) -> None:
    response = await realm.http.post(f"{REALM}/clients/nope/push-revocation", headers=await realm.admin_headers())
    assert response.status_code == 404
    assert response.json() == {"error": "Could not find client"}


async def test_push_requires_an_admin(realm: Env) -> None:
    assert (await realm.http.post(f"{REALM}/push-revocation")).status_code == 401
    uuid = await client_uuid(realm, "app")
    assert (await realm.http.post(f"{REALM}/clients/{uuid}/push-revocation")).status_code == 401


async def test_logout_all_sends_k_logout_to_enabled_clients_after_removing_the_sessions(realm: Env) -> None:
    headers = await realm.admin_headers()
    with receiver() as got, receiver() as disabled:
        await update_client(realm.db, "test", "app", admin_url=got.url)
        await seed_client(realm.db, "test", "off", admin_url=disabled.url, enabled=False)
        response = await realm.http.post(f"{REALM}/logout-all", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json() == {"successRequests": [got.url]}
        assert disabled.requests == []
        request = got.requests[0]
    assert request.path == "/k_logout"
    action = await verified(realm, request.body)
    assert action["action"] == "LOGOUT" and action["resource"] == "app"
    assert action["notBefore"] == realm.clock.now()  # the realm's new notBefore


async def test_a_push_recorded_as_an_admin_event_waits_for_a_concurrent_write_instead_of_failing(realm: Env) -> None:
    """The push changes nothing but records an admin event: it must take a write transaction, or on SQLite
    its read snapshot, older than a write committed meanwhile, could not become a writer (SQLITE_BUSY_SNAPSHOT)."""
    await update_realm(realm.db, "test", admin_events_enabled=True)
    headers = await realm.admin_headers()

    async with anyio.create_task_group() as group:
        answers: list[int] = []

        async def push() -> None:
            answers.append((await realm.http.post(f"{REALM}/push-revocation", headers=headers)).status_code)

        async with realm.db.transaction() as tx:  # another writer holds the database meanwhile
            group.start_soon(push)
            await anyio.sleep(0.3)
            found = await tx.realms.get_by_name("test")
            assert found is not None
            await tx.realms.update(found)
    assert answers == [200]
    events = (await realm.http.get(f"{REALM}/admin-events", headers=headers)).json()
    assert [(e["operationType"], e.get("resourcePath")) for e in events] == [("ACTION", "push-revocation")]
