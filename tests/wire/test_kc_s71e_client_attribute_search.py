"""``GET /admin/realms/{realm}/clients?q=jwt.credential.sub:<value>`` (and ``clients/count``) through the index.

ClientsResource.getClients answers ``q`` with JpaRealmProvider.searchClientsByAttributes: the clients holding every
``key:value`` pair's exact value, ordered by clientId, paged by ``first`` / ``max``. Migration 0053 indexed the SHA-256
of ``jwt.credential.sub`` (``clients.credential_sub_hash``); a ``q`` naming that attribute now reads only the
clients bound to the value, where it read every client of the realm. The answers are the scan's: the other ``q``
forms (another searchable attribute, several pairs, a refused attribute) are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from doorkeep.model import Client
from doorkeep.store import config_cache
from doorkeep.store.realms import ClientRepo
from keycloak_port import ADMIN, admin_headers, get, put
from role_port import create
from wire_env import Env

pytestmark = pytest.mark.anyio
SUB, ISSUER = "jwt.credential.sub", "jwt.credential.issuer"
# clientId -> attributes; 14 clients, more than the config cache keeps (made 5 below).
CLIENTS: dict[str, dict[str, str]] = {
    "s71-a": {SUB: "shared", ISSUER: "idp-x"},
    "s71-b": {SUB: "shared"},
    "s71-c": {SUB: "alone", ISSUER: "idp-x"},
    "s71-d": {SUB: "Shared"},
    "s71-e": {ISSUER: "idp-x"},
    **{f"s71-filler-{n:02}": {SUB: f"filler-{n}"} for n in range(9)},
}


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The client ids of the client rows the store builds (one per row read)."""
    names: list[str] = []
    build = ClientRepo._client

    def counting(row: object) -> Client:
        client = build(row)
        names.append(client.client_id)
        return client

    monkeypatch.setattr(ClientRepo, "_client", staticmethod(counting))
    monkeypatch.setattr(config_cache, "MAX_CLIENTS", 5)
    yield names


@pytest.fixture
async def clients(realm: Env) -> Env:
    for client_id, attributes in CLIENTS.items():
        await create(realm, "/clients", {"clientId": client_id, "attributes": attributes})
    return realm


async def found(env: Env, q: str, **params: object) -> list[str]:
    return [c["clientId"] for c in await get(env, "/clients", q=q, **params)]


async def counted(env: Env, q: str) -> int:
    number: int = await get(env, "/clients/count", q=q)
    return number


async def test_a_subject_query_reads_only_the_clients_bound_to_it(clients: Env, read: list[str]) -> None:
    read.clear()
    assert await found(clients, f"{SUB}:shared") == ["s71-a", "s71-b"]  # exact, by clientId
    assert sorted(n for n in read if n.startswith("s71-")) == ["s71-a", "s71-b"], read
    read.clear()
    assert await counted(clients, f"{SUB}:shared") == 2
    assert [n for n in read if n.startswith("s71-")] == ["s71-a", "s71-b"], read


async def test_a_subject_no_client_holds_finds_none_and_reads_none(clients: Env, read: list[str]) -> None:
    read.clear()
    assert await found(clients, f"{SUB}:nobody") == []
    assert await counted(clients, f"{SUB}:nobody") == 0
    assert [n for n in read if n.startswith("s71-")] == []


@pytest.mark.parametrize(
    "q, expected",
    [
        (f"{SUB}:Shared", ["s71-d"]),  # case counts
        (f"{SUB}:SHARED", []),
        (f"{SUB}:share", []),  # no partial value
        (f"{SUB}:alone", ["s71-c"]),
        (f"{SUB}:shared {ISSUER}:idp-x", ["s71-a"]),  # every pair
        (f"{ISSUER}:idp-x {SUB}:alone", ["s71-c"]),
        (f"{SUB}:shared {ISSUER}:idp-y", []),
        (f"{ISSUER}:idp-x", ["s71-a", "s71-c", "s71-e"]),  # another attribute: the scan, as before
        (f'"{SUB}":"filler-3"', ["s71-filler-03"]),  # quoted sides
    ],
)
async def test_the_answers_are_the_exact_match_of_every_pair(clients: Env, q: str, expected: list[str]) -> None:
    assert await found(clients, q) == expected
    assert await counted(clients, q) == len(expected)


async def test_a_subject_query_is_paged_after_ordering_by_client_id(clients: Env) -> None:
    assert await found(clients, f"{SUB}:shared", first=1, max=1) == ["s71-b"]
    assert await found(clients, f"{SUB}:shared", first=0, max=1) == ["s71-a"]
    assert await found(clients, f"{SUB}:shared", first=2) == []


async def test_a_subject_changed_through_the_admin_api_is_found_by_its_new_value_only(clients: Env) -> None:
    listed = await get(clients, "/clients", clientId="s71-b")
    client = listed[0]
    await put(clients, f"/clients/{client['id']}", {**client, "attributes": {**client["attributes"], SUB: "moved"}})
    assert await found(clients, f"{SUB}:shared") == ["s71-a"]
    assert await found(clients, f"{SUB}:moved") == ["s71-b"]


async def test_an_attribute_the_server_cannot_search_is_still_refused(clients: Env) -> None:
    for path in ("/clients", "/clients/count"):
        response = await clients.http.get(
            ADMIN + path, params={"q": f"{SUB}:shared color:red"}, headers=await admin_headers(clients)
        )
        assert response.status_code == 400, response.text
        assert response.json() == {
            "error": "invalid_request",
            "error_description": "Attributes [color] not allowed for search",
        }
