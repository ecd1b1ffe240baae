"""Attacks on Keycloak 26.8's ``PUT organizations/{id}/identity-providers/{alias}`` (a link's ``autoMembership`` and
``membershipType``) and on ``organizationLinks`` written through the identity-provider API.

- Privilege: only an administrator who may manage the organization changes a link (query-/view-organizations,
  manage-identity-providers alone: 403); another realm's realm-admin is refused at the realm (403); an
  organization of another realm named by id is "Organization not found." (404); a provider of another realm, or a
  path that tries to climb out of ``{alias}``, names no provider linked here (404). A provider written with
  ``organizationLinks`` needs manage-organizations too (organization_access.require_linking).
- Bodies: Jackson's binding of OrganizationIdentityProviderLinkRepresentation (Boolean, String); wrong types,
  arrays, an unknown field, a membership type that is not one of the two constants (case, padding, a huge string)
  are a 4xx, never a 5xx, and the link stays as it was.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
DEFAULT = {"autoMembership": True, "membershipType": "UNMANAGED"}


async def _org(env: Env, name: str, realm: str = "test") -> str:
    h = await env.admin_headers()
    answer = await env.http.put(f"/admin/realms/{realm}", json={"organizationsEnabled": True}, headers=h)
    assert answer.status_code == 204
    made = await env.http.post(
        f"/admin/realms/{realm}/organizations", json={"name": name, "domains": [{"name": f"{name}.org"}]}, headers=h
    )
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _linked_provider(env: Env, org: str, alias: str, realm: str = "test") -> None:
    h = await env.admin_headers()
    rep = {"alias": alias, "providerId": "oidc", "config": {"clientId": "x", "clientSecret": "y"}}
    made = await env.http.post(f"/admin/realms/{realm}/identity-provider/instances", json=rep, headers=h)
    assert made.status_code == 201, made.text
    linked = await env.http.post(
        f"/admin/realms/{realm}/organizations/{org}/identity-providers", content=alias, headers=h
    )
    assert linked.status_code == 204, linked.text


async def _put(
    env: Env, org: str, alias: str, content: str | bytes, headers: dict[str, str] | None = None
) -> httpx.Response:
    h = {**(headers or await env.admin_headers()), "Content-Type": "application/json"}
    return await env.http.put(f"{ORGS}/{org}/identity-providers/{alias}", content=content, headers=h)


async def _links(env: Env, alias: str, realm: str = "test") -> Any:
    h = await env.admin_headers()
    got = await env.http.get(f"/admin/realms/{realm}/identity-provider/instances/{alias}", headers=h)
    assert got.status_code == 200, got.text
    return got.json().get("organizationLinks")


MANAGED = json.dumps({"autoMembership": True, "membershipType": "MANAGED"})


@pytest.mark.parametrize(
    "roles",
    [
        ("query-organizations",),
        ("view-organizations",),
        ("view-organizations", "manage-identity-providers"),
        ("manage-identity-providers", "view-identity-providers"),
        ("manage-users", "view-realm"),
    ],
)
async def test_without_manage_organizations_the_link_stays(realm: Env, roles: tuple[str, ...]) -> None:
    env = realm
    org = await _org(env, "acme")
    await _linked_provider(env, org, "acme-idp")
    caller = await realm_admin(env, "limited", *roles)
    answer = await _put(env, org, "acme-idp", MANAGED, caller)
    assert answer.status_code == 403, (roles, answer.text)
    assert await _links(env, "acme-idp") == [{"organizationId": org, **DEFAULT}]


async def test_linking_on_create_needs_manage_organizations(realm: Env) -> None:
    env = realm
    org = await _org(env, "acme")
    caller = await realm_admin(env, "idpadmin", "manage-identity-providers", "view-identity-providers")
    rep: dict[str, Any] = {"alias": "sneaky", "providerId": "oidc", "config": {"clientId": "x", "clientSecret": "y"}}
    rep["organizationLinks"] = [{"organizationId": org, "autoMembership": True, "membershipType": "MANAGED"}]
    answer = await env.http.post(f"{REALM}/identity-provider/instances", json=rep, headers=caller)
    assert answer.status_code == 403, answer.text
    h = await env.admin_headers()
    assert (await env.http.get(f"{REALM}/identity-provider/instances/sneaky", headers=h)).status_code == 404


async def test_another_realms_admin_and_ids_change_nothing_here(realm: Env) -> None:
    env = realm
    org = await _org(env, "acme")
    await _linked_provider(env, org, "acme-idp")
    await seed_realm(env.db, env.clock, "other")
    far_org = await _org(env, "faraway", realm="other")
    await _linked_provider(env, far_org, "far-idp", realm="other")
    outsider = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    assert (await _put(env, org, "acme-idp", MANAGED, outsider)).status_code == 403
    far = await _put(env, far_org, "far-idp", MANAGED)
    assert (far.status_code, far.json()) == (404, {"errorMessage": "Organization not found."})
    foreign_idp = await _put(env, org, "far-idp", MANAGED)
    assert (foreign_idp.status_code, foreign_idp.json()) == (
        404,
        {"errorMessage": "Identity provider not found with the given alias"},
    )
    for alias in (
        "..%2F..%2Fother%2Fidentity-provider%2Finstances%2Ffar-idp",
        "acme-idp%00",
        "ACME-IDP",
        "acme-idp%20",
    ):
        answer = await _put(env, org, alias, MANAGED)
        assert answer.status_code == 404, (alias, answer.status_code, answer.text)
    assert await _links(env, "acme-idp") == [{"organizationId": org, **DEFAULT}]
    assert await _links(env, "far-idp", realm="other") == [{"organizationId": far_org, **DEFAULT}]


@pytest.mark.parametrize(
    "body",
    [
        '{"autoMembership": "yes", "membershipType": "MANAGED"}',
        '{"autoMembership": [true], "membershipType": "MANAGED"}',
        '{"autoMembership": {}, "membershipType": "MANAGED"}',
        '{"autoMembership": true, "membershipType": 1}',
        '{"autoMembership": true, "membershipType": ["MANAGED"]}',
        '{"autoMembership": true, "membershipType": "managed"}',
        '{"autoMembership": true, "membershipType": "MANAGED "}',
        '{"autoMembership": true, "membershipType": " MANAGED"}',
        '{"autoMembership": true, "membershipType": "MANAGED\\u0000"}',
        '{"autoMembership": true, "membershipType": ""}',
        '{"autoMembership": true, "membershipType": "' + "M" * 100_000 + '"}',
        '{"autoMembership": true, "membershipType": "MANAGED", "organizationLinks": []}',
        '[{"autoMembership": true, "membershipType": "MANAGED"}]',
        '"MANAGED"',
        "null",
        "{",
        "",
    ],
)
async def test_malformed_bodies_are_refused_and_the_link_stays(realm: Env, body: str) -> None:
    env = realm
    org = await _org(env, "acme")
    await _linked_provider(env, org, "acme-idp")
    answer = await _put(env, org, "acme-idp", body)
    assert 400 <= answer.status_code < 500, (body[:80], answer.status_code, answer.text[:200])
    assert await _links(env, "acme-idp") == [{"organizationId": org, **DEFAULT}]


@pytest.mark.parametrize(
    "links",
    [
        "nope",
        [None],
        [{"autoMembership": True}],
        [{"organizationId": ["x"]}],
        [{"organizationId": "ORG", "membershipType": "BOTH"}],
    ],
)
async def test_malformed_links_on_create_write_no_provider(realm: Env, links: Any) -> None:
    env = realm
    org = await _org(env, "acme")
    if isinstance(links, list) and links and isinstance(links[0], dict) and links[0].get("organizationId") == "ORG":
        links = [{**links[0], "organizationId": org}]
    h = await env.admin_headers()
    rep = {"alias": "bad", "providerId": "oidc", "config": {"clientId": "x", "clientSecret": "y"}}
    answer = await env.http.post(
        f"{REALM}/identity-provider/instances", json={**rep, "organizationLinks": links}, headers=h
    )
    assert answer.status_code == 400, answer.text
    assert (await env.http.get(f"{REALM}/identity-provider/instances/bad", headers=h)).status_code == 404
