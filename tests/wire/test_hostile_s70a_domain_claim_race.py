"""Two creations or two claims of one organization domain at once (Keycloak 26.8's OrganizationDomainsResource and
OrganizationDomainLinksResource): one row, the other requests Keycloak's 409, never a 500 (the realm's organization
writes are serialized on PostgreSQL, OrganizationRepo.serialize_writes; the inserts skip a row the key holds)."""

from __future__ import annotations

import asyncio

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
DOMAINS = f"{ORGS}/domains"


async def _setup(env: Env) -> str:
    h = await env.admin_headers()
    assert (await env.http.put(REALM, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    made = await env.http.post(ORGS, json={"name": "acme"}, headers=h)
    assert made.status_code == 201, made.text
    assert (await env.http.post(DOMAINS, json={"name": "acme.org"}, headers=h)).status_code == 201
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _names(env: Env, path: str) -> list[str]:
    got = await env.http.get(path, headers=await env.admin_headers())
    return [d["name"] for d in got.json()]


@pytest.mark.postgres
async def test_two_creations_of_one_domain_at_once_make_one_row(realm: Env) -> None:
    env = realm
    await _setup(env)
    h = await env.admin_headers()
    answers = await asyncio.gather(*(env.http.post(DOMAINS, json={"name": "race.org"}, headers=h) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert await _names(env, DOMAINS) == ["acme.org", "race.org"]


@pytest.mark.postgres
async def test_two_claims_of_one_domain_at_once_make_one_claim(realm: Env) -> None:
    env = realm
    org = await _setup(env)
    h = {**await env.admin_headers(), "Content-Type": "application/json"}
    path = f"{ORGS}/{org}/domains"
    answers = await asyncio.gather(*(env.http.post(path, content="acme.org", headers=h) for _ in range(4)))
    assert sorted(a.status_code for a in answers) == [204, 409, 409, 409]
    assert await _names(env, f"{ORGS}/{org}/domains") == ["acme.org"]
