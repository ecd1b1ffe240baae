"""Organizations attacked through the Admin REST and the account API: admins without manage-realm (view-only,
manage-users alone) and realm admins of another realm change and read nothing; another realm's organizations and
users are not found through this realm's paths; domains that are no host name, or another organization's in any
case, are refused; markup in names and descriptions comes back as JSON data only; a forged ``X-Forwarded-Host``
does not reach the ``Location`` of a new organization (no proxy headers configured), as for every admin create."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import forbidden, realm_admin
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ORGS = "/admin/realms/test/organizations"


async def _enable(env: Env, realm: str = "test") -> dict[str, str]:
    h = await env.admin_headers()
    response = await env.http.put(f"/admin/realms/{realm}", json={"organizationsEnabled": True}, headers=h)
    assert response.status_code == 204, response.text
    return h


async def _org(env: Env, h: dict[str, str], name: str, *domains: str, realm: str = "test", **rep: Any) -> str:
    body = {"name": name, "domains": [{"name": d} for d in domains], **rep}
    made = await env.http.post(f"/admin/realms/{realm}/organizations", json=body, headers=h)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
async def orgs(realm: Env) -> tuple[Env, str, str]:
    """Realm ``test`` with organization ``acme`` (user1 a member), realm ``other`` with organization ``rival``."""
    env = realm
    h = await _enable(env)
    acme = await _org(env, h, "acme", "acme.example")
    user1 = await _user_id(env, "test", "user1")
    assert (await env.http.post(f"{ORGS}/{acme}/members", content=user1, headers=h)).status_code == 201
    await seed_realm(env.db, env.clock, "other")
    await seed_user(env.db, env.clock, "other", "stranger")
    await _enable(env, "other")
    rival = await _org(env, h, "rival", "rival.example", realm="other")
    return env, acme, rival


async def _user_id(env: Env, realm: str, username: str) -> str:
    h = await env.admin_headers()
    found = await env.http.get(
        f"/admin/realms/{realm}/users", params={"username": username, "exact": "true"}, headers=h
    )
    return str(found.json()[0]["id"])


def _calls(acme: str, user: str) -> list[tuple[str, str, Any]]:
    return [
        ("GET", ORGS, None),
        ("GET", f"{ORGS}/count", None),
        ("POST", ORGS, {"name": "evil"}),
        ("GET", f"{ORGS}/{acme}", None),
        ("PUT", f"{ORGS}/{acme}", {"name": "acme", "domains": [{"name": "evil.example"}]}),
        ("DELETE", f"{ORGS}/{acme}", None),
        ("GET", f"{ORGS}/{acme}/members", None),
        ("POST", f"{ORGS}/{acme}/members", user),
        ("DELETE", f"{ORGS}/{acme}/members/{user}", None),
        ("GET", f"{ORGS}/members/{user}/organizations", None),
    ]


@pytest.mark.parametrize("roles", [("view-realm", "view-users"), ("manage-users",), ("query-users", "view-clients")])
async def test_admins_without_manage_realm_change_and_read_nothing(
    orgs: tuple[Env, str, str], roles: tuple[str, ...]
) -> None:
    """OrganizationsResource: ``auth.realm().requireManageRealm()`` before anything else."""
    env, acme, _ = orgs
    caller = await realm_admin(env, "limited", *roles)
    user1 = await _user_id(env, "test", "user1")
    for method, path, body in _calls(acme, user1):
        kwargs: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body}
        forbidden(await env.http.request(method, path, headers=caller, **kwargs))
    shown = (await env.http.get(f"{ORGS}/{acme}", headers=await env.admin_headers())).json()
    assert [d["name"] for d in shown["domains"]] == ["acme.example"]


async def test_another_realm_s_admin_and_objects_stay_out(orgs: tuple[Env, str, str]) -> None:
    env, acme, rival = orgs
    other_admin = await realm_admin(env, "otheradmin", "realm-admin", realm="other")
    user1 = await _user_id(env, "test", "user1")
    for method, path, body in _calls(acme, user1):
        kwargs: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body}
        answer = await env.http.request(method, path, headers=other_admin, **kwargs)
        assert answer.status_code in (401, 403), (method, path, answer.text)
    h = await env.admin_headers()
    stranger = await _user_id(env, "other", "stranger")
    assert (await env.http.get(f"{ORGS}/{rival}", headers=h)).status_code == 404
    assert (await env.http.get(f"{ORGS}/{rival}/members", headers=h)).status_code == 404
    added = await env.http.post(f"{ORGS}/{acme}/members", content=stranger, headers=h)
    assert (added.status_code, added.json()) == (400, {"errorMessage": "User does not exist"})
    assert (await env.http.get(f"{ORGS}/{acme}/members/{stranger}", headers=h)).status_code == 404
    assert (await env.http.get(f"{ORGS}/members/{stranger}/organizations", headers=h)).status_code == 404
    # the rival organization's domain is free in this realm: domains are unique per realm only
    assert await _org(env, h, "local-rival", "rival.example")


@pytest.mark.parametrize(
    "domain",
    [
        "evil.example/../x",
        "a b.example",
        "<script>.example",
        "acme.example\r\nX: y",
        "user@acme.example",
        "http://acme.example",
        "acme.example:443",
        "x" * 300 + ".example",
        ".",
    ],
)
async def test_domains_that_are_no_host_name_are_refused(orgs: tuple[Env, str, str], domain: str) -> None:
    """Organizations.validateDomain (Keycloak 26.6): "Invalid domain format"; nothing is created."""
    env, _, _ = orgs
    h = await env.admin_headers()
    answer = await env.http.post(ORGS, json={"name": "bad", "domains": [{"name": domain}]}, headers=h)
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"errorMessage": f"Invalid domain format: {domain}"}
    assert (await env.http.get(f"{ORGS}/count", headers=h)).json() == 1


async def test_another_organization_s_domain_is_refused_in_any_case(orgs: tuple[Env, str, str]) -> None:
    env, _, _ = orgs
    h = await env.admin_headers()
    for spelled in ("ACME.EXAMPLE", "Acme.Example"):
        answer = await env.http.post(ORGS, json={"name": "copy", "domains": [{"name": spelled}]}, headers=h)
        assert answer.status_code == 400, answer.text
        assert "already linked to another organization" in answer.json()["errorMessage"]


async def test_markup_in_organizations_is_json_data_only(orgs: tuple[Env, str, str]) -> None:
    """Names and descriptions with markup come back unchanged as JSON (never HTML) from the admin and account APIs."""
    env, acme, _ = orgs
    h = await env.admin_headers()
    script = '<img src=x onerror="alert(1)">'
    rep = {"name": "acme", "description": script, "attributes": {"k": [script]}}
    assert (await env.http.put(f"{ORGS}/{acme}", json=rep, headers=h)).status_code == 204
    shown = await env.http.get(f"{ORGS}/{acme}", headers=h)
    assert shown.headers["content-type"].startswith("application/json")
    assert shown.json()["description"] == script
    await seed_client(env.db, "test", "account-probe", public=True)
    token = await password_grant(env.http, "test", "account-probe", "user1", secret=None)
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    mine = await env.http.get("/realms/test/account/organizations", headers=bearer)
    if mine.status_code == 200:
        assert mine.headers["content-type"].startswith("application/json")
        assert "<img" not in mine.text or mine.json()[0].get("description") == script


async def test_a_forged_forwarded_host_does_not_reach_location(orgs: tuple[Env, str, str]) -> None:
    env, _, _ = orgs
    h = await env.admin_headers()
    made = await env.http.post(
        ORGS, json={"name": "fwd"}, headers={**h, "X-Forwarded-Host": "evil.example", "Forwarded": "host=evil.example"}
    )
    assert made.status_code == 201, made.text
    assert "evil.example" not in made.headers["location"]
    client = await env.http.post(
        "/admin/realms/test/clients", json={"clientId": "fwd"}, headers={**h, "X-Forwarded-Host": "evil.example"}
    )
    base = made.headers["location"].split("/admin/")[0]
    assert client.headers["location"].startswith(base)


async def test_odd_json_is_a_400_not_a_500(orgs: tuple[Env, str, str]) -> None:
    env, acme, _ = orgs
    h = {**(await env.admin_headers()), "Content-Type": "application/json"}
    for body in (
        b"[]",
        b'{"name": 5}',
        b'{"name": "n", "domains": "acme.example"}',
        b'{"name": "n", "domains": [5, null, {"name": 7}]}',
        b'{"name": "n", "attributes": {"k": "v"}}',
        b'{"name": "n", "enabled": "yes"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"name": "\\ud800"}',
    ):
        for method, path in (("POST", ORGS), ("PUT", f"{ORGS}/{acme}")):
            answer = await env.http.request(method, path, content=body, headers=h)
            assert answer.status_code < 500, (method, body[:40], answer.text)


async def test_a_lone_surrogate_is_a_400_not_a_500(orgs: tuple[Env, str, str]) -> None:
    """``"\\ud800"`` parses as JSON but is no text any database or answer can encode: "Cannot parse the JSON"
    (it was a 500 on organizations, identity providers, clients and groups alike)."""
    env, acme, _ = orgs
    h = {**(await env.admin_headers()), "Content-Type": "application/json"}
    for method, path, body in (
        ("POST", ORGS, b'{"name": "\\ud800"}'),
        ("PUT", f"{ORGS}/{acme}", b'{"name": "acme", "description": "\\udfff"}'),
        ("POST", ORGS, b'{"name": "n", "attributes": {"\\ud800": ["v"]}}'),
        ("POST", "/admin/realms/test/identity-provider/instances", b'{"alias": "\\ud800", "providerId": "oidc"}'),
        ("POST", "/admin/realms/test/clients", b'{"clientId": "\\ud800"}'),
        ("POST", "/admin/realms/test/groups", b'{"name": "x\\uDBFFy"}'),
    ):
        answer = await env.http.request(method, path, content=body, headers=h)
        assert answer.status_code == 400, (method, path, answer.text)
        assert answer.json() == {"error": "invalid_request", "error_description": "Cannot parse the JSON"}
    paired = await env.http.post(ORGS, content=b'{"name": "smile\\ud83d\\ude00"}', headers=h)
    assert paired.status_code == 201, paired.text
