"""An organization of the master realm (security review class H2, Keycloak's
OrganizationRoleTest.testAdministrativeClassificationChangesRejectAnchoredRoles): in master a client named
``<realm>-realm`` is a realm's administration client, its roles admin roles. A client whose role an organization role
nests cannot be renamed into that shape afterwards (400, the organization role's refusal): otherwise the
organization role would hold an admin role it could never have been given, and once that realm exists its members
would administer it (a client of that clientId already there is kept as the realm's administration client)."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
MASTER = "/admin/realms/master"
NO_ADMIN = {"error": "Organization roles can not have admin roles as composites"}


async def test_a_nested_client_cannot_become_a_realms_administration_client(env: Env) -> None:
    h = await env.admin_headers()
    assert (await env.http.put(MASTER, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    made = await env.http.post(
        f"{MASTER}/organizations", json={"name": "master-org", "domains": [{"name": "master-org.org"}]}, headers=h
    )
    assert made.status_code == 201, made.text
    org = made.headers["location"].rsplit("/", 1)[1]
    client = await env.http.post(f"{MASTER}/clients", json={"clientId": "squatter"}, headers=h)
    uuid = client.headers["location"].rsplit("/", 1)[1]
    assert (
        await env.http.post(f"{MASTER}/clients/{uuid}/roles", json={"name": "manage-users"}, headers=h)
    ).status_code == 201
    role = (await env.http.get(f"{MASTER}/clients/{uuid}/roles/manage-users", headers=h)).json()
    made = await env.http.post(f"{MASTER}/organizations/{org}/roles", json={"name": "holder"}, headers=h)
    holder = made.headers["location"]
    assert (await env.http.post(f"{holder}/composites", json=[role], headers=h)).status_code == 204
    renamed = await env.http.put(f"{MASTER}/clients/{uuid}", json={"clientId": "future-realm"}, headers=h)
    assert (renamed.status_code, renamed.json()) == (400, NO_ADMIN), renamed.text
    assert (await env.http.get(f"{MASTER}/clients/{uuid}", headers=h)).json()["clientId"] == "squatter"
    fine = await env.http.put(f"{MASTER}/clients/{uuid}", json={"clientId": "squatter-two"}, headers=h)
    assert fine.status_code == 204, fine.text
    other = await env.http.post(f"{MASTER}/clients", json={"clientId": "free"}, headers=h)
    free = other.headers["location"].rsplit("/", 1)[1]
    unanchored = await env.http.put(f"{MASTER}/clients/{free}", json={"clientId": "later-realm"}, headers=h)
    assert unanchored.status_code == 204, unanchored.text
