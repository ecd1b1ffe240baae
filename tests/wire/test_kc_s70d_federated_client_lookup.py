"""Federated client authentication's client lookup (DefaultClientAssertionStrategy.lookup ->
lookupClientFromClientAttributes, Keycloak's ``searchClientsByAttributes`` on CLIENT_ATTRIBUTES, indexed by name and
value) in a realm with more clients than the per-process config cache holds (store/config_cache.py ``MAX_CLIENTS``,
made 5 here). Before, each assertion read every client of such a realm, with its protocol mappers, to find the one
bound to the assertion's ``sub``; now the clients whose ``jwt.credential.sub`` is that subject are found by an index
(``clients.credential_sub_hash``), and only they are read. The answers are those of a small realm; a client's subject
changed or removed (an empty value) through the Admin REST API is looked up by its new value at once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from doorkeep.model import Client
from doorkeep.store import config_cache
from doorkeep.store.realms import ClientRepo
from fake_idp import FakeIdp, fake_idp
from federated_client_support import (
    EXTERNAL,
    IDP_ALIAS,
    INTERNAL,
    assert_failure,
    assert_success,
    default_token,
    grant,
    signed,
)
from keycloak_port import ADMIN, admin_headers, forget, get, poll, put
from wire_env import Env

pytestmark = pytest.mark.anyio
OTHERS = 40


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The client ids of the client rows the store reads (ClientRepo._client builds one per row)."""
    read: list[str] = []
    build = ClientRepo._client

    def counting(row: object) -> Client:
        client = build(row)
        read.append(client.client_id)
        return client

    monkeypatch.setattr(ClientRepo, "_client", staticmethod(counting))
    monkeypatch.setattr(config_cache, "MAX_CLIENTS", 5)
    yield read


@pytest.fixture
async def crowded(realm: Env, counted: list[str]) -> AsyncIterator[tuple[Env, FakeIdp, list[str]]]:
    """Realm ``test`` with the provider taking client assertions, the bound client, and 40 more clients, some bound
    to the same provider under other subjects."""
    async with fake_idp() as provider:
        h = await admin_headers(realm)
        made = await realm.http.post(
            f"{ADMIN}/identity-provider/instances",
            json=provider.rep(IDP_ALIAS, supportsClientAssertions="true"),
            headers=h,
        )
        assert made.status_code == 201, made.text
        for i, name in enumerate([INTERNAL] + [f"other-{n}" for n in range(OTHERS)]):
            attributes = {"jwt.credential.issuer": IDP_ALIAS, "jwt.credential.sub": EXTERNAL if i == 0 else name}
            client = {
                "clientId": name,
                "serviceAccountsEnabled": True,
                "clientAuthenticatorType": "federated-jwt",
                "attributes": attributes if i % 2 == 0 else {},
            }
            made = await realm.http.post(f"{ADMIN}/clients", json=client, headers=h)
            assert made.status_code == 201, made.text
        await put(realm, "", {"eventsEnabled": True})
        await poll(realm)
        yield realm, provider, counted
        forget(realm)


async def test_the_bound_client_is_found_without_reading_the_others(crowded: tuple[Env, FakeIdp, list[str]]) -> None:
    """The second assertion of the subject reads no client row at all: the lookup is kept under the realm's
    configuration version."""
    env, provider, read = crowded
    for attempt in range(2):
        read.clear()
        token = default_token(env, provider)
        await assert_success(env, await grant(env, signed(token)), token)
        assert not [name for name in read if name.startswith("other-")], read
        assert attempt == 0 or read == [], read


async def test_a_subject_no_client_is_bound_to_reads_no_client(crowded: tuple[Env, FakeIdp, list[str]]) -> None:
    """lookup finds nothing: the flow's "client not found" (401, no client named), no client row read."""
    env, provider, read = crowded
    read.clear()
    token = default_token(env, provider, sub="nobody-" + uuid.uuid4().hex)
    response = await grant(env, signed(token))
    assert read == []
    assert response.status_code == 401
    await assert_failure(env, response, token, client_id=None, error="client_not_found", description=None)


async def test_a_subject_changed_through_the_admin_api_is_looked_up_by_its_new_value(
    crowded: tuple[Env, FakeIdp, list[str]],
) -> None:
    """A long subject (past the 255 characters of a plain index entry) with characters beyond ASCII."""
    env, provider, _ = crowded
    h = await admin_headers(env)
    (found,) = (await env.http.get(f"{ADMIN}/clients", params={"clientId": INTERNAL}, headers=h)).json()
    rep = await get(env, f"/clients/{found['id']}")
    subject = "système:serviceaccount:" + "n" * 300
    rep["attributes"]["jwt.credential.sub"] = subject
    await put(env, f"/clients/{found['id']}", rep)
    old = default_token(env, provider)
    response = await grant(env, signed(old))
    await assert_failure(env, response, old, client_id=None, error="client_not_found", description=None)
    new = default_token(env, provider, sub=subject)
    await assert_success(env, await grant(env, signed(new)), new, subject=subject)
    rep["attributes"]["jwt.credential.sub"] = ""  # RepresentationToModel.updateClient: an empty value removes it
    await put(env, f"/clients/{found['id']}", rep)
    again = default_token(env, provider, sub=subject)
    response = await grant(env, signed(again))
    await assert_failure(env, response, again, client_id=None, error="client_not_found", description=None)


async def test_two_clients_bound_to_one_subject_are_neither_found(crowded: tuple[Env, FakeIdp, list[str]]) -> None:
    """lookupClientFromClientAttributes takes a single match only: a second client bound to the same provider and
    subject leaves the assertion without a client."""
    env, provider, _ = crowded
    h = await admin_headers(env)
    twin = {
        "clientId": "twin",
        "serviceAccountsEnabled": True,
        "clientAuthenticatorType": "federated-jwt",
        "attributes": {"jwt.credential.issuer": IDP_ALIAS, "jwt.credential.sub": EXTERNAL},
    }
    made = await env.http.post(f"{ADMIN}/clients", json=twin, headers=h)
    assert made.status_code == 201, made.text
    token = default_token(env, provider)
    response = await grant(env, signed(token))
    await assert_failure(env, response, token, client_id=None, error="client_not_found", description=None)
