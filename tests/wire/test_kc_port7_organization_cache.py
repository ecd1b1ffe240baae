"""Keycloak's OrganizationCacheTest (organization/cache/), what of it is observable: each Java method checks that a
cached lookup follows a write. Here the writes go through one app and the reads through another on the same
database (another worker, its own caches), which has read the same thing before the write. Organizations ``orga``
and ``orgb`` (orga.org, orgb.org) as the Java test's onBefore makes them."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from admin_support import client_uuid
from browser_flow import REDIRECT, start, submit
from flow_builder import admin
from organization_login_support import NO_ACCOUNT, organization
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
IDPS = f"{REALM}/identity-provider/instances"


async def _orgs(env: Env) -> dict[str, str]:
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    app = await client_uuid(env, "test", "app")
    rep = (await admin(env, "GET", f"{REALM}/clients/{app}", status=200)).json()
    await admin(env, "PUT", f"{REALM}/clients/{app}", {**rep, "redirectUris": [REDIRECT]}, 204)
    return {alias: await organization(env, alias) for alias in ("orga", "orgb")}


async def _read(env: Env, other: httpx.AsyncClient, path: str) -> Any:
    answer = await other.get(path, headers=await env.admin_headers())
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _member(env: Env, username: str, *orgs: str) -> str:
    made = await admin(env, "POST", f"{REALM}/users", {"username": username, "enabled": True}, 201)
    user_id = str(made.headers["location"].rsplit("/", 1)[1])
    for org in orgs:
        await admin(env, "POST", f"{ORGS}/{org}/members", user_id, 201)
    return user_id


async def _resolved(other: httpx.AsyncClient, email: str, org: str) -> bool:
    """The other worker's identity-first page for an unknown ``email``: whether ``org`` owns its domain."""
    other.cookies.clear()
    page = await start(other, "test", "app")
    answer = await submit(other, page, username=email)
    return NO_ACCOUNT.format(org) in html.unescape(answer.text)


async def test_get_by_domain(realm: Env) -> None:
    """testGetByDomain: a domain replaced, then the organization removed."""
    ids = await _orgs(realm)
    async with another_worker(realm) as other:
        assert await _resolved(other, "user@orga.org", "orga")
        rep = await _read(realm, other, f"{ORGS}/{ids['orga']}")
        await admin(realm, "PUT", f"{ORGS}/{ids['orga']}", {**rep, "domains": [{"name": "acme.org"}]}, 204)
        assert not await _resolved(other, "user@orga.org", "orga")
        assert await _resolved(other, "user@acme.org", "orga")
        await admin(realm, "DELETE", f"{ORGS}/{ids['orga']}", status=204)
        assert not await _resolved(other, "user@acme.org", "orga")


async def test_get_by_member(realm: Env) -> None:
    """testGetByMember: a member's organizations after an organization is removed and a membership ends."""
    ids = await _orgs(realm)
    member = await _member(realm, "member", ids["orga"], ids["orgb"])
    path = f"{ORGS}/members/{member}/organizations"
    async with another_worker(realm) as other:
        assert len(await _read(realm, other, path)) == 2
        await admin(realm, "DELETE", f"{ORGS}/{ids['orga']}", status=204)
        assert [o["alias"] for o in await _read(realm, other, path)] == ["orgb"]
        await admin(realm, "DELETE", f"{ORGS}/{ids['orgb']}/members/{member}", status=204)
        assert await _read(realm, other, path) == []


async def test_get_by_member_id(realm: Env) -> None:
    """testGetByMemberId: one organization's member is read, removed, and its other organization removed."""
    ids = await _orgs(realm)
    member = await _member(realm, "member", ids["orga"], ids["orgb"])
    async with another_worker(realm) as other:
        await _read(realm, other, f"{ORGS}/{ids['orga']}/members/{member}")
        await admin(realm, "DELETE", f"{ORGS}/{ids['orga']}/members/{member}", status=204)
        gone = await other.get(f"{ORGS}/{ids['orga']}/members/{member}", headers=await realm.admin_headers())
        assert gone.status_code == 404
        await _read(realm, other, f"{ORGS}/{ids['orgb']}/members/{member}")
        assert len(await _read(realm, other, f"{ORGS}/members/{member}/organizations")) == 1
        await admin(realm, "DELETE", f"{ORGS}/{ids['orgb']}", status=204)
        assert await _read(realm, other, f"{ORGS}/members/{member}/organizations") == []


async def test_members_count(realm: Env) -> None:
    """testMembersCount: the count follows an added member, a removed member and a deleted user."""
    ids = await _orgs(realm)
    count = f"{ORGS}/{ids['orgb']}/members/count"
    member = await _member(realm, "member", ids["orgb"])
    async with another_worker(realm) as other:
        assert await _read(realm, other, count) == 1
        another = await _member(realm, "another-member", ids["orgb"])
        assert await _read(realm, other, count) == 2
        await admin(realm, "DELETE", f"{ORGS}/{ids['orgb']}/members/{another}", status=204)
        assert await _read(realm, other, count) == 1
        await admin(realm, "DELETE", f"{REALM}/users/{member}", status=204)
        assert await _read(realm, other, count) == 0


async def test_cache_idp_by_org(realm: Env) -> None:
    """testCacheIDPByOrg: an organization's providers, read in pages, follow an update of the organization and of
    one of its providers."""
    ids = await _orgs(realm)
    for i in range(10):
        rep = {"alias": f"org-idp-{i}", "providerId": "oidc", "config": {"clientId": "c"}}
        await admin(realm, "POST", IDPS, rep, 201)
        await admin(realm, "POST", f"{ORGS}/{ids['orga' if i < 5 else 'orgb']}/identity-providers", f"org-idp-{i}", 204)
    async with another_worker(realm) as other:
        assert len(await _read(realm, other, f"{ORGS}/{ids['orga']}/identity-providers")) == 5
        assert len(await _read(realm, other, f"{ORGS}/{ids['orgb']}/identity-providers")) == 5
        rep = await _read(realm, other, f"{ORGS}/{ids['orga']}")
        domains = [*rep["domains"], {"name": "orgaa.org"}]
        await admin(realm, "PUT", f"{ORGS}/{ids['orga']}", {**rep, "domains": domains}, 204)
        idp = await _read(realm, other, f"{IDPS}/org-idp-5")
        await admin(realm, "PUT", f"{IDPS}/org-idp-5", {**idp, "displayName": "something"}, 204)
        listed = await _read(realm, other, f"{ORGS}/{ids['orgb']}/identity-providers")
        assert {p["alias"]: p.get("displayName") for p in listed}["org-idp-5"] == "something"
        assert len(await _read(realm, other, f"{ORGS}/{ids['orga']}/identity-providers")) == 5


def _buttons(page: httpx.Response) -> set[str]:
    return set(re.findall(r'id="social-([^"]+)"', page.text))


async def test_cache_idp_for_login(realm: Env) -> None:
    """testCacheIDPForLogin: the login page's providers (enabled, shown on login, of no organization) follow a
    provider hidden, removed, shown again and linked to an organization."""
    ids = await _orgs(realm)
    for i in range(20):
        rep = {"alias": f"idp-alias-{i}", "providerId": "keycloak-oidc", "enabled": i % 2 == 0}
        await admin(realm, "POST", IDPS, {**rep, "displayName": f"Broker {i}", "config": {"clientId": "c"}}, 201)
    for i in range(10, 20):
        await admin(realm, "POST", f"{ORGS}/{ids['orga']}/identity-providers", f"idp-alias-{i}", 204)
    realm_only = {f"idp-alias-{i}" for i in range(0, 10, 2)}
    async with another_worker(realm) as other:
        assert _buttons(await start(other, "test", "app")) == realm_only
        hidden = {"alias": "idp-alias-20", "providerId": "keycloak-oidc", "enabled": True, "hideOnLogin": True}
        await admin(realm, "POST", IDPS, {**hidden, "config": {"clientId": "c"}}, 201)
        await admin(realm, "DELETE", f"{IDPS}/idp-alias-1", status=204)
        assert _buttons(await start(other, "test", "app")) == realm_only
        rep = await _read(realm, other, f"{IDPS}/idp-alias-20")
        await admin(realm, "PUT", f"{IDPS}/idp-alias-20", {**rep, "hideOnLogin": False}, 204)
        assert _buttons(await start(other, "test", "app")) == realm_only | {"idp-alias-20"}
        await admin(realm, "POST", f"{ORGS}/{ids['orga']}/identity-providers", "idp-alias-20", 204)
        assert _buttons(await start(other, "test", "app")) == realm_only


async def test_get_by_domain_case_insensitive_and_stale_cache_handling(realm: Env) -> None:
    """testGetByDomainCaseInsensitiveAndStaleCacheHandling: a mixed-case lookup finds the organization made again
    after the first was deleted."""
    await _orgs(realm)
    first = await organization(realm, "case-org", domains=[{"name": "case.org"}])
    async with another_worker(realm) as other:
        assert await _resolved(other, "user@CaSe.Org", "case-org")
        await admin(realm, "DELETE", f"{ORGS}/{first}", status=204)
        await organization(realm, "case-org", domains=[{"name": "case.org"}])
        assert await _resolved(other, "user@CaSe.Org", "case-org")
