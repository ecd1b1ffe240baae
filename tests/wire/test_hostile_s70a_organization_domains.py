"""Attacks on Keycloak 26.8's organization domain calls (``organizations/domains``, ``organizations/{id}/domains``).

- Privilege: reading the realm's domains needs query-organizations, writing them manage-organizations; an
  organization's domains need its view permission to read and its manage permission to claim or unclaim. Other
  realm-management roles, a realm admin of another realm, an organization of another realm named by id and a provider
  of another realm named by alias reach nothing, and nothing is written.
- Bodies: wrong JSON types, arrays, nulls, huge strings, misplaced ``*``, padding, trailing dots and path traversal
  in ``{name}`` are Keycloak's 4xx, never a 5xx, and leave no row behind.
- Concurrency: test_hostile_s70a_domain_claim_race.py (a storage area, run on PostgreSQL too).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
DOMAINS = f"{ORGS}/domains"
FORBIDDEN = {"error": "HTTP 403 Forbidden"}
MISMATCHED = {"error": "unknown_error", "error_description": "Cannot parse the JSON"}


async def _setup(env: Env, realm: str = "test") -> str:
    h = await env.admin_headers()
    answer = await env.http.put(f"/admin/realms/{realm}", json={"organizationsEnabled": True}, headers=h)
    assert answer.status_code == 204
    made = await env.http.post(f"/admin/realms/{realm}/organizations", json={"name": f"{realm}-org"}, headers=h)
    assert made.status_code == 201, made.text
    domain = await env.http.post(f"/admin/realms/{realm}/organizations/domains", json={"name": "acme.org"}, headers=h)
    assert domain.status_code == 201, domain.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _domains(env: Env, realm: str = "test") -> list[dict[str, Any]]:
    h = await env.admin_headers()
    got = await env.http.get(f"/admin/realms/{realm}/organizations/domains", headers=h)
    assert got.status_code == 200, got.text
    found: list[dict[str, Any]] = got.json()
    return found


async def _claimed(env: Env, org: str) -> list[str]:
    got = await env.http.get(f"{ORGS}/{org}/domains", headers=await env.admin_headers())
    return [d["name"] for d in got.json()]


def _writes(org: str) -> list[tuple[str, str, Any]]:
    return [
        ("POST", DOMAINS, {"name": "new.org"}),
        ("PUT", f"{DOMAINS}/acme.org", {"verified": True}),
        ("DELETE", f"{DOMAINS}/acme.org", None),
        ("POST", f"{ORGS}/{org}/domains", "acme.org"),
        ("DELETE", f"{ORGS}/{org}/domains/acme.org", None),
    ]


async def _send(env: Env, method: str, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    if isinstance(body, str):
        return await env.http.request(
            method, path, content=body, headers={**headers, "Content-Type": "application/json"}
        )
    return await env.http.request(method, path, json=body, headers=headers)


@pytest.mark.parametrize(
    "roles",
    [
        ("query-organizations",),
        ("view-organizations",),
        ("manage-users", "manage-identity-providers"),
        ("view-realm", "query-organizations"),
    ],
)
async def test_without_manage_organizations_nothing_is_written(realm: Env, roles: tuple[str, ...]) -> None:
    env = realm
    org = await _setup(env)
    caller = await realm_admin(env, "limited", *roles)
    for method, path, body in _writes(org):
        answer = await _send(env, method, path, body, caller)
        assert (answer.status_code, answer.json()) == (403, FORBIDDEN), (roles, method, path)
    assert await _domains(env) == [{"name": "acme.org", "verified": False, "autoRedirect": False}]
    assert await _claimed(env, org) == []


async def test_reading_needs_query_then_view(realm: Env) -> None:
    env = realm
    org = await _setup(env)
    nobody = await realm_admin(env, "nobody", "manage-users")
    for path in (DOMAINS, f"{DOMAINS}/acme.org", f"{ORGS}/{org}/domains"):
        answer = await env.http.get(path, headers=nobody)
        assert answer.status_code == 403, path
    query = await realm_admin(env, "query", "query-organizations")
    assert (await env.http.get(DOMAINS, headers=query)).status_code == 200
    assert (await env.http.get(f"{DOMAINS}/acme.org", headers=query)).status_code == 200
    assert (await env.http.get(f"{ORGS}/{org}/domains", headers=query)).status_code == 403  # requireView(org)
    view = await realm_admin(env, "view", "view-organizations")
    assert (await env.http.get(f"{ORGS}/{org}/domains", headers=view)).status_code == 200


async def test_another_realms_admin_and_ids_reach_nothing(realm: Env) -> None:
    env = realm
    org = await _setup(env)
    await seed_realm(env.db, env.clock, "other")
    rival = await _setup(env, "other")
    outsider = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    for method, path, body in [*_writes(org), ("GET", DOMAINS, None)]:
        answer = await _send(env, method, path, body, outsider)
        assert answer.status_code == 403, (method, path)
    h = await env.admin_headers()
    for method, path, body in [
        ("POST", f"{ORGS}/{rival}/domains", "acme.org"),
        ("GET", f"{ORGS}/{rival}/domains", None),
    ]:
        answer = await _send(env, method, path, body, h)
        assert (answer.status_code, answer.json()) == (404, {"errorMessage": "Organization not found."})
    other_idp = {"alias": "theirs", "providerId": "oidc", "config": {"clientId": "x", "clientSecret": "y"}}
    made = await env.http.post("/admin/realms/other/identity-provider/instances", json=other_idp, headers=h)
    assert made.status_code == 201
    routed = await env.http.put(f"{DOMAINS}/acme.org", json={"identityProviderAlias": "theirs"}, headers=h)
    assert routed.status_code == 400 and "does not exist" in routed.json()["errorMessage"]
    assert await _domains(env) == [{"name": "acme.org", "verified": False, "autoRedirect": False}]
    assert await _domains(env, "other") == [{"name": "acme.org", "verified": False, "autoRedirect": False}]
    assert await _claimed(env, org) == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ([{"name": "x.org"}], 400),
        ("null", 400),
        ('"x.org"', 400),
        ({"name": None}, 400),
        ({"name": 7}, 400),
        ({"name": ["x.org"]}, 400),
        ({"name": "x.org", "verified": "yes"}, 400),
        ({"name": "x.org", "autoRedirect": 1}, 400),
        ({"name": "x.org", "identityProviderAlias": ["a"]}, 400),
        ({"name": "x.org", "identityProviderAlias": ""}, 400),
        ({"name": "a" * 300 + ".org"}, 400),
        ({"name": "x" * 70 + "." + "y" * 200}, 400),
        ({"name": "x.*.org"}, 400),
        ({"name": "*"}, 400),
        ({"name": "*.org"}, 400),
        ({"name": "x.org."}, 400),
        ({"name": " x .org"}, 400),
        ({"name": "../x.org"}, 400),
        ({"name": "x.org\u0000"}, 400),
    ],
)
async def test_malformed_domains_are_refused_and_nothing_is_written(realm: Env, body: Any, status: int) -> None:
    env = realm
    await _setup(env)
    h = await env.admin_headers()
    answer = await _send(env, "POST", DOMAINS, body, h)
    assert answer.status_code == status, (body, answer.text)
    assert [d["name"] for d in await _domains(env)] == ["acme.org"]


async def test_case_and_padding_name_one_domain(realm: Env) -> None:
    """createDomain validates the name as sent, then stores it trimmed and lower-cased: ``ACME.org`` is the same
    domain (409), ``X.Example.COM`` is stored as ``x.example.com``."""
    env = realm
    await _setup(env)
    h = await env.admin_headers()
    assert (await env.http.post(DOMAINS, json={"name": "ACME.org"}, headers=h)).status_code == 409
    made = await env.http.post(DOMAINS, json={"name": "X.Example.COM"}, headers=h)
    assert made.status_code == 201 and made.headers["location"].endswith("/organizations/domains/x.example.com")
    assert [d["name"] for d in await _domains(env)] == ["acme.org", "x.example.com"]


@pytest.mark.parametrize(
    "name", ["..%2F..%2Facme.org", "%2E%2E", "acme.org%00", "acme.org%2F..", "*", "%20acme.org%20x", "A" * 400]
)
async def test_names_in_the_path_are_only_looked_up(realm: Env, name: str) -> None:
    env = realm
    org = await _setup(env)
    h = await env.admin_headers()
    for method, path in (
        ("GET", f"{DOMAINS}/{name}"),
        ("PUT", f"{DOMAINS}/{name}"),
        ("DELETE", f"{DOMAINS}/{name}"),
        ("GET", f"{ORGS}/{org}/domains/{name}"),
        ("DELETE", f"{ORGS}/{org}/domains/{name}"),
    ):
        answer = await env.http.request(method, path, json={} if method == "PUT" else None, headers=h)
        assert 400 <= answer.status_code < 500, (method, path, answer.status_code)
    assert [d["name"] for d in await _domains(env)] == ["acme.org"]


@pytest.mark.parametrize("body", ["", "null", "[]", '["acme.org"]', "{}", '"  "', "7", "A" * 100_000])
async def test_malformed_claims_are_refused(realm: Env, body: str) -> None:
    env = realm
    org = await _setup(env)
    answer = await _send(env, "POST", f"{ORGS}/{org}/domains", body, await env.admin_headers())
    assert 400 <= answer.status_code < 500, (body[:20], answer.status_code, answer.text[:200])
    assert await _claimed(env, org) == []


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"first": "-5", "max": "-1"}, ["acme.org", "b.org"]),
        ({"max": "0"}, []),
        ({"search": "%"}, []),
        ({"search": "_"}, []),
        ({"search": "  B.ORG "}, ["b.org"]),
    ],
)
async def test_paging_and_search_take_odd_values_without_a_5xx(
    realm: Env, params: dict[str, str], names: list[str]
) -> None:
    """paginateQuery ignores a negative first or max; ``%`` and ``_`` in ``search`` are literal characters."""
    env = realm
    await _setup(env)
    h = await env.admin_headers()
    assert (await env.http.post(DOMAINS, json={"name": "b.org"}, headers=h)).status_code == 201
    answer = await env.http.get(DOMAINS, params=params, headers=h)
    assert answer.status_code == 200, answer.text
    assert [d["name"] for d in answer.json()] == names
    bad = await env.http.get(DOMAINS, params={"max": "x"}, headers=h)
    assert bad.status_code == 404
