"""Keycloak 26.8's ``identityProvider`` query parameter of ``GET organizations`` and ``GET organizations/count``
(OrganizationsResource.search / getOrganizationCount take ``identityProviderAlias`` in 26.8.0's javadoc; the Java
admin client's searchByIdentityProvider / countByIdentityProvider, the npm client 26.8.0's ``find`` and ``count``
with ``identityProvider``): the organizations linked to that provider, ``search`` and ``exact`` applied within them.

In Keycloak 26.8 a provider may be linked to several organizations (the multi-IdP model); Doorkeep keeps 26.x's model,
one organization per provider (docs/organizations.md), so the answer is that organization or none. Read from the
javadoc only (the stored source has no 26.8 OrganizationsResource): an alias no provider has answers ``[]`` / ``0``
here, and ``q`` (attributes) is applied alone, as the older resource's ``q`` branch is.
"""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"


async def _setup(env: Env) -> dict[str, str]:
    h = await env.admin_headers()
    assert (await env.http.put(REALM, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    ids: dict[str, str] = {}
    for name in ("acme", "acme-labs", "globex"):
        rep = {"name": name, "domains": [{"name": f"{name}.org"}], "attributes": {"tier": [name]}}
        made = await env.http.post(ORGS, json=rep, headers=h)
        assert made.status_code == 201, made.text
        ids[name] = made.headers["location"].rsplit("/", 1)[1]
    for alias in ("acme-idp", "globex-idp", "loose-idp"):
        idp: dict[str, object] = {
            "alias": alias,
            "providerId": "oidc",
            "config": {"clientId": "x", "clientSecret": "y"},
        }
        made = await env.http.post(f"{REALM}/identity-provider/instances", json=idp, headers=h)
        assert made.status_code == 201, made.text
    for org, alias in (("acme", "acme-idp"), ("globex", "globex-idp")):
        linked = await env.http.post(f"{ORGS}/{ids[org]}/identity-providers", content=alias, headers=h)
        assert linked.status_code == 204, linked.text
    return ids


async def _names(env: Env, query: str) -> list[str]:
    found = await env.http.get(f"{ORGS}?{query}", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return sorted(o["name"] for o in found.json())


async def _count(env: Env, query: str) -> int:
    found = await env.http.get(f"{ORGS}/count?{query}", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    return int(found.json())


async def test_the_provider_keeps_its_organization(realm: Env) -> None:
    env = realm
    await _setup(env)
    assert await _names(env, "identityProvider=acme-idp") == ["acme"]
    assert await _count(env, "identityProvider=acme-idp") == 1
    assert await _names(env, "identityProvider=globex-idp") == ["globex"]
    assert await _names(env, "") == ["acme", "acme-labs", "globex"]  # without it, all
    assert await _count(env, "") == 3


async def test_search_and_exact_apply_within_the_providers_organizations(realm: Env) -> None:
    env = realm
    await _setup(env)
    assert await _names(env, "identityProvider=acme-idp&search=acme") == ["acme"]
    assert await _names(env, "identityProvider=acme-idp&search=acme-labs") == []
    assert await _count(env, "identityProvider=globex-idp&search=acme") == 0
    assert await _names(env, "identityProvider=acme-idp&search=acm&exact=true") == []
    assert await _names(env, "identityProvider=acme-idp&search=acme.org&exact=true") == ["acme"]


async def test_an_unlinked_or_unknown_provider_has_none(realm: Env) -> None:
    env = realm
    await _setup(env)
    for alias in ("loose-idp", "no-such-idp"):
        assert await _names(env, f"identityProvider={alias}") == [], alias
        assert await _count(env, f"identityProvider={alias}") == 0, alias
    assert await _names(env, "identityProvider=") == ["acme", "acme-labs", "globex"]  # blank: not given


async def test_unlinking_drops_the_organization(realm: Env) -> None:
    env = realm
    ids = await _setup(env)
    h = await env.admin_headers()
    assert (await env.http.delete(f"{ORGS}/{ids['acme']}/identity-providers/acme-idp", headers=h)).status_code == 204
    assert await _names(env, "identityProvider=acme-idp") == []


async def test_q_is_applied_alone(realm: Env) -> None:
    env = realm
    await _setup(env)
    assert await _names(env, "q=tier:globex&identityProvider=acme-idp") == ["globex"]
