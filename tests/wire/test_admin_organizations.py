"""Organizations through the Admin REST (Keycloak 26's OrganizationsResource / OrganizationResource).

Ported in part from Keycloak's OrganizationTest; the Keycloak method each test follows is named in its docstring.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, forbidden, realm_admin
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"
NOT_ENABLED = {"errorMessage": "Organizations not enabled for this realm."}


async def enable(env: Env, on: bool = True) -> dict[str, str]:
    h = await env.admin_headers()
    response = await env.http.put("/admin/realms/test", json={"organizationsEnabled": on}, headers=h)
    assert response.status_code == 204, response.text
    return h


async def create(env: Env, h: dict[str, str], **rep: Any) -> httpx.Response:
    return await env.http.post(ORGS, json=rep, headers=h)


async def create_id(env: Env, h: dict[str, str], name: str, *domains: str, **rep: Any) -> str:
    body = {"name": name, "domains": [{"name": d} for d in domains], **rep}
    response = await env.http.post(ORGS, json=body, headers=h)
    assert response.status_code == 201, response.text
    return str(response.headers["location"].rsplit("/", 1)[1])


async def test_every_organizations_path_answers_404_while_the_realm_switch_is_off(realm: Env) -> None:
    env = realm
    h = await env.admin_headers()
    shown = (await env.http.get("/admin/realms/test", headers=h)).json()
    assert shown["organizationsEnabled"] is False
    for method, path in (("GET", ""), ("POST", ""), ("GET", "/count"), ("GET", "/x"), ("GET", "/x/members")):
        response = await env.http.request(method, ORGS + path, json={"name": "a"}, headers=h)
        assert (response.status_code, response.json()) == (404, NOT_ENABLED), (method, path)
    await enable(env)
    assert (await env.http.get("/admin/realms/test", headers=h)).json()["organizationsEnabled"] is True
    assert (await env.http.get(ORGS, headers=h)).json() == []


async def test_organizations_need_manage_realm(realm: Env) -> None:
    env = realm
    await enable(env)
    viewer = await realm_admin(env, "viewer", "view-realm", "view-users", "manage-users")
    forbidden(await env.http.get(ORGS, headers=viewer))
    forbidden(await env.http.post(ORGS, json={"name": "acme"}, headers=viewer))
    manager = await realm_admin(env, "manager", "manage-realm")
    assert (await env.http.post(ORGS, json={"name": "acme"}, headers=manager)).status_code == 201
    assert [o["name"] for o in (await env.http.get(ORGS, headers=manager)).json()] == ["acme"]


async def test_an_organization_is_created_read_updated_and_deleted(realm: Env) -> None:
    """OrganizationTest.testUpdate, testGet, testDelete."""
    env = realm
    h = await enable(env)
    rep = {
        "name": "Acme Corp",
        "alias": "acme",
        "description": "Anvils",
        "redirectUrl": "https://acme.example/welcome",
        "attributes": {"tier": ["gold"]},
        "domains": [{"name": "acme.example", "verified": True, "autoRedirect": False}],
    }
    response = await env.http.post(ORGS, json=rep, headers=h)
    assert response.status_code == 201 and response.content == b""
    assert response.headers["location"].startswith("http://localhost/admin/realms/test/organizations/")
    org_id = response.headers["location"].rsplit("/", 1)[1]
    got = (await env.http.get(f"{ORGS}/{org_id}", headers=h)).json()
    assert got == {
        "id": org_id,
        "name": "Acme Corp",
        "alias": "acme",
        "enabled": True,
        "description": "Anvils",
        "redirectUrl": "https://acme.example/welcome",
        "attributes": {"tier": ["gold"]},
        "domains": [{"name": "acme.example", "verified": True, "autoRedirect": False}],
    }
    update = {**got, "name": "Acme Inc", "enabled": False, "domains": [{"name": "acme.test"}], "attributes": None}
    assert (await env.http.put(f"{ORGS}/{org_id}", json=update, headers=h)).status_code == 204
    after = (await env.http.get(f"{ORGS}/{org_id}", headers=h)).json()
    assert after["name"] == "Acme Inc" and after["enabled"] is False
    assert after["domains"] == [{"name": "acme.test", "verified": False, "autoRedirect": False}]
    assert after["attributes"] == {"tier": ["gold"]}  # null attributes leave them as they were
    changed_alias = await env.http.put(f"{ORGS}/{org_id}", json={**update, "alias": "other"}, headers=h)
    assert (changed_alias.status_code, changed_alias.json()) == (400, {"errorMessage": "Cannot change the alias"})
    assert (await env.http.delete(f"{ORGS}/{org_id}", headers=h)).status_code == 204
    gone = await env.http.get(f"{ORGS}/{org_id}", headers=h)
    assert (gone.status_code, gone.json()) == (404, {"errorMessage": "Organization not found."})


async def test_names_aliases_and_domains_are_unique_in_the_realm(realm: Env) -> None:
    """OrganizationTest.testCreateOrganizationWithExistingName / domain and alias rules."""
    env = realm
    h = await enable(env)
    first = await create_id(env, h, "acme", "acme.example")
    second = await create_id(env, h, "other")
    duplicate = await create(env, h, name="acme")
    assert (duplicate.status_code, duplicate.json()) == (
        409,
        {"errorMessage": "A organization with the same name already exists."},
    )
    alias = await create(env, h, name="another", alias="acme")
    assert (alias.status_code, alias.json()) == (
        409,
        {"errorMessage": "A organization with the same alias already exists"},
    )
    taken = await create(env, h, name="third", domains=[{"name": "acme.example"}])
    assert (taken.status_code, taken.json()) == (
        400,
        {"errorMessage": "Domain acme.example is already linked to another organization in realm test"},
    )
    rename = await env.http.put(f"{ORGS}/{second}", json={"name": "acme", "alias": "other"}, headers=h)
    assert (rename.status_code, rename.json()["errorMessage"]) == (
        409,
        "A organization with the same name already exists.",
    )
    keeps = await env.http.put(
        f"{ORGS}/{first}", json={"name": "acme", "domains": [{"name": "acme.example"}]}, headers=h
    )
    assert keeps.status_code == 204  # its own domain is not another's
    assert [o["name"] for o in (await env.http.get(ORGS, headers=h)).json()] == ["acme", "other"]


@pytest.mark.parametrize(
    ("rep", "message"),
    [
        ({}, "Name can not be null"),
        ({"name": " "}, "Name can not be null"),
        ({"name": "a b"}, "Name contains a reserved character and cannot be used as alias"),
        ({"name": "ok", "alias": "a b"}, "Empty Space not allowed."),
        ({"name": "ok", "alias": "a/b"}, "Character '/' not allowed."),
        ({"name": "ok", "redirectUrl": "not a url"}, "Organization redirect URL is not valid."),
        ({"name": "ok", "domains": [{"name": "bad domain"}]}, "Invalid domain format: bad domain"),
    ],
)
async def test_bad_organizations_are_refused_with_keycloaks_messages(
    realm: Env, rep: dict[str, Any], message: str
) -> None:
    env = realm
    h = await enable(env)
    response = await env.http.post(ORGS, json=rep, headers=h)
    assert (response.status_code, response.json()) == (400, {"errorMessage": message})
    assert (await env.http.get(f"{ORGS}/count", headers=h)).json() == 0


async def test_a_null_organization_is_refused(realm: Env) -> None:
    h = await enable(realm)
    for body in (b"", b"null"):
        response = await realm.http.post(ORGS, content=body, headers={**h, "Content-Type": "application/json"})
        assert (response.status_code, response.json()) == (400, {"errorMessage": "Organization cannot be null."})


async def test_organizations_are_searched_counted_and_paged(realm: Env) -> None:
    """OrganizationTest.testGetAll, testSearch, testGetByDomain, testAttributes (q)."""
    env = realm
    h = await enable(env)
    for i in range(12):
        await create_id(env, h, f"org-{i:02d}", f"org{i}.example", attributes={"rank": [str(i % 3)]})
    await create_id(env, h, "Gadgets", "gadgets.example", attributes={"rank": ["9"]})
    listed = (await env.http.get(ORGS, headers=h)).json()
    assert len(listed) == 10 and listed[0]["name"] == "Gadgets" and "attributes" not in listed[0]
    assert [o["name"] for o in (await env.http.get(ORGS, params={"first": 11, "max": 5}, headers=h)).json()] == [
        "org-10",
        "org-11",
    ]
    search = await env.http.get(ORGS, params={"search": "gadg"}, headers=h)
    assert [o["name"] for o in search.json()] == ["Gadgets"]
    exact = await env.http.get(ORGS, params={"search": "org3.example", "exact": "true"}, headers=h)
    assert [o["name"] for o in exact.json()] == ["org-03"]
    assert (await env.http.get(ORGS, params={"search": "gadg", "exact": "true"}, headers=h)).json() == []
    by_q = await env.http.get(ORGS, params={"q": "rank:0", "briefRepresentation": "false", "max": 100}, headers=h)
    assert [o["name"] for o in by_q.json()] == ["org-00", "org-03", "org-06", "org-09"]
    assert by_q.json()[0]["attributes"] == {"rank": ["0"]}
    by_alias = await env.http.get(ORGS, params={"q": "alias:Gadgets"}, headers=h)
    assert [o["name"] for o in by_alias.json()] == ["Gadgets"]
    assert (await env.http.get(f"{ORGS}/count", headers=h)).json() == 13
    assert (await env.http.get(f"{ORGS}/count", params={"search": "org-"}, headers=h)).json() == 12
    assert (await env.http.get(f"{ORGS}/count", params={"q": "rank:1"}, headers=h)).json() == 4


async def test_organization_writes_are_admin_events(realm: Env) -> None:
    env = realm
    h = await enable(env)
    await enable_admin_events(env, clear=True)
    org_id = await create_id(env, h, "acme")
    assert (
        await env.http.put(f"{ORGS}/{org_id}", json={"name": "acme2", "alias": "acme"}, headers=h)
    ).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{org_id}", headers=h)).status_code == 204
    found = [e for e in await admin_events(env) if e["resourceType"] == "ORGANIZATION"]
    assert sorted((e["operationType"], e["resourcePath"]) for e in found) == [
        ("CREATE", f"organizations/{org_id}"),
        ("DELETE", f"organizations/{org_id}"),
        ("UPDATE", f"organizations/{org_id}"),
    ]
