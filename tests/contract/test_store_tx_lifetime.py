"""A transaction is freed by reference counting when it ends, its cached configuration used or not (issue #8).

Every token request opens one; a reference cycle through it (the cached configuration pointing back at its
transaction) left the transaction, its repositories and the request they hold to the garbage collector, whose
collections then ran every few requests.
"""

from __future__ import annotations

import gc
import uuid
import weakref
from collections.abc import Iterator

import pytest

from doorkeep.clock import FakeClock
from doorkeep.model import Client
from doorkeep.realms import provisioning
from doorkeep.store.database import Database

pytestmark = pytest.mark.anyio


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Only reference counting frees anything while the test runs."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


async def test_a_transaction_that_used_its_cached_configuration_is_freed_when_it_ends(
    db: Database, collector_off: None
) -> None:
    async with db.transaction() as tx:
        realm = await provisioning.create_realm(tx, "life", FakeClock().now())
        await provisioning.create_client(
            tx, realm, Client(str(uuid.uuid4()), realm.id, "app", secret="s"), now=FakeClock().now()
        )
    async with db.transaction() as tx:
        found = await tx.realms.get_by_name("life")
        assert found is not None
        tx.config.bind(found)
        client = await tx.config.client(found.id, "app")
        assert client is not None and client.client_id == "app"
        ended = weakref.ref(tx)
        config = weakref.ref(tx.config)
    del tx
    assert ended() is None, "the transaction outlived its end: a reference cycle holds it"
    assert config() is None, "the transaction's cached configuration outlived it"
