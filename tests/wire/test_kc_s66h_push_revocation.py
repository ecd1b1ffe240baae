"""The ``notBefore`` each push carries, as Keycloak's ResourceAdminManager sends it: ``pushRealmRevocationPolicy``
sends ``realm.getNotBefore()`` to every client, ``pushClientRevocationPolicy`` the client's own
``client.getNotBefore()``; neither takes the later of the two."""

from __future__ import annotations

import pytest

from push_revocation_port import client_uuid, seeded, verified
from receiver import receiver
from support import seed_client, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"


@pytest.fixture
async def realm(env: Env) -> Env:
    return await seeded(env)


@pytest.mark.parametrize(("realm_nb", "client_nb"), [(3000, 1000), (1000, 3000), (0, 2500)])
async def test_a_clients_push_sends_the_clients_own_not_before(realm: Env, realm_nb: int, client_nb: int) -> None:
    await update_realm(realm.db, "test", not_before=realm_nb)
    with receiver() as got:
        await update_client(realm.db, "test", "app", admin_url=got.url, not_before=client_nb)
        uuid = await client_uuid(realm, "app")
        answer = await realm.http.post(f"{REALM}/clients/{uuid}/push-revocation", headers=await realm.admin_headers())
        assert answer.status_code == 200, answer.text
        assert len(got.requests) == 1
    assert (await verified(realm, got.requests[0].body))["notBefore"] == client_nb


@pytest.mark.parametrize(("realm_nb", "client_nb"), [(3000, 1000), (1000, 3000)])
async def test_the_realms_push_sends_the_realms_not_before_to_every_client(
    realm: Env, realm_nb: int, client_nb: int
) -> None:
    await update_realm(realm.db, "test", not_before=realm_nb)
    with receiver() as got, receiver() as other:
        await update_client(realm.db, "test", "app", admin_url=got.url, not_before=client_nb)
        await seed_client(realm.db, "test", "other", admin_url=other.url)
        answer = await realm.http.post(f"{REALM}/push-revocation", headers=await realm.admin_headers())
        assert answer.status_code == 200, answer.text
        bodies = [got.requests[0].body, other.requests[0].body]
    assert [(await verified(realm, b))["notBefore"] for b in bodies] == [realm_nb, realm_nb]
