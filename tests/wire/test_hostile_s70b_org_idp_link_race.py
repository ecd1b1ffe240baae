"""Concurrent writes of Keycloak 26.8's organization identity-provider links, where a uniqueness rule holds: two
organizations asking for the one MANAGED link of a provider at once ("C1"), and the same provider linked twice to
one organization at once. Each provider write reads the realm under its row lock, so one wins and the other gets
Keycloak's 400 or 409; never a 500, never two MANAGED links or two links to one organization. Runs on both engines
(the module name is a storage area: ``race``)."""

from __future__ import annotations

import asyncio

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"


async def _setup(env: Env, orgs: int) -> tuple[dict[str, str], list[str]]:
    h = await env.admin_headers()
    assert (await env.http.put(REALM, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    ids = []
    for i in range(orgs):
        made = await env.http.post(ORGS, json={"name": f"org{i}", "domains": [{"name": f"org{i}.org"}]}, headers=h)
        assert made.status_code == 201, made.text
        ids.append(str(made.headers["location"].rsplit("/", 1)[1]))
    rep = {"alias": "shared", "providerId": "oidc", "config": {"clientId": "x", "clientSecret": "y"}}
    assert (await env.http.post(f"{REALM}/identity-provider/instances", json=rep, headers=h)).status_code == 201
    return h, ids


async def test_two_organizations_asking_for_the_managed_link_at_once_get_one(realm: Env) -> None:
    env = realm
    h, orgs = await _setup(env, 4)
    for org in orgs:
        linked = await env.http.post(f"{ORGS}/{org}/identity-providers", content="shared", headers=h)
        assert linked.status_code == 204, linked.text
    body = {"autoMembership": True, "membershipType": "MANAGED"}
    answers = await asyncio.gather(
        *(env.http.put(f"{ORGS}/{org}/identity-providers/shared", json=body, headers=h) for org in orgs)
    )
    assert sorted(a.status_code for a in answers) == [204, 400, 400, 400], [a.text for a in answers]
    rep = (await env.http.get(f"{REALM}/identity-provider/instances/shared", headers=h)).json()
    assert [link["membershipType"] for link in rep["organizationLinks"]].count("MANAGED") == 1
    assert len(rep["organizationLinks"]) == 4


async def test_one_provider_linked_twice_to_an_organization_at_once_is_linked_once(realm: Env) -> None:
    env = realm
    h, [org] = await _setup(env, 1)
    answers = await asyncio.gather(
        *(env.http.post(f"{ORGS}/{org}/identity-providers", content="shared", headers=h) for _ in range(4))
    )
    assert sorted(a.status_code for a in answers) == [204, 409, 409, 409], [a.text for a in answers]
    rep = (await env.http.get(f"{REALM}/identity-provider/instances/shared", headers=h)).json()
    assert [link["organizationId"] for link in rep["organizationLinks"]] == [org]
