"""An organization's identity providers through the Admin REST (Keycloak 26's OrganizationIdentityProvidersResource,
the JPA provider's add/removeIdentityProvider and RepresentationToModel.updateOrganizationBroker).

Ported in part from Keycloak's OrganizationIdentityProviderTest; hostile cases at the end: another realm's provider
or organization, admins without manage-realm, a domain the organization does not own.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events, forbidden, realm_admin
from doorkeep.realms.exportimport.export import realm_representation
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = "/admin/realms/test/organizations"
IDPS = "/admin/realms/test/identity-provider/instances"


async def _org(env: Env, name: str, *domains: str, realm: str = "test") -> str:
    h = await env.admin_headers()
    on = await env.http.put(f"/admin/realms/{realm}", json={"organizationsEnabled": True}, headers=h)
    assert on.status_code == 204, on.text
    body = {"name": name, "domains": [{"name": d} for d in domains]}
    made = await env.http.post(f"/admin/realms/{realm}/organizations", json=body, headers=h)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _idp(env: Env, alias: str, realm: str = "test", **extra: Any) -> dict[str, Any]:
    config = {"clientId": "broker", "clientSecret": "s3cret", **extra.pop("config", {})}
    rep = {"alias": alias, "providerId": "oidc", "config": config, **extra}
    h = await env.admin_headers()
    made = await env.http.post(f"/admin/realms/{realm}/identity-provider/instances", json=rep, headers=h)
    assert made.status_code == 201, made.text
    return dict((await env.http.get(f"/admin/realms/{realm}/identity-provider/instances/{alias}", headers=h)).json())


def _error(response: Any, status: int, message: str) -> None:
    assert (response.status_code, response.json()) == (status, {"errorMessage": message}), response.text


async def test_a_provider_is_linked_listed_read_and_unlinked(realm: Env) -> None:
    """OrganizationIdentityProviderTest.testUpdate / testDelete: the provider stays in the realm once unlinked."""
    env = realm
    org = await _org(env, "acme", "acme.org")
    h = await env.admin_headers()
    await _idp(env, "zeta")
    alpha = await _idp(env, "alpha")
    assert (await env.http.post(f"{ORGS}/{org}/identity-providers", content="zeta", headers=h)).status_code == 204
    by_id = await env.http.post(f"{ORGS}/{org}/identity-providers", content=f' "{alpha["internalId"]}" ', headers=h)
    assert by_id.status_code == 204, by_id.text
    listed = (await env.http.get(f"{ORGS}/{org}/identity-providers", headers=h)).json()
    assert [(p["alias"], p["organizationId"], p["config"]["clientSecret"]) for p in listed] == [
        ("alpha", org, "**********"),
        ("zeta", org, "**********"),
    ]
    one = (await env.http.get(f"{ORGS}/{org}/identity-providers/zeta", headers=h)).json()
    assert one["organizationId"] == org and one["config"]["clientSecret"] == "**********"
    assert (await env.http.get(f"{IDPS}/zeta", headers=h)).json()["organizationId"] == org
    assert [p["alias"] for p in (await env.http.get(IDPS, params={"realmOnly": "true"}, headers=h)).json()] == []
    assert (await env.http.delete(f"{ORGS}/{org}/identity-providers/zeta", headers=h)).status_code == 204
    kept = (await env.http.get(f"{IDPS}/zeta", headers=h)).json()
    assert "organizationId" not in kept
    assert [p["alias"] for p in (await env.http.get(f"{ORGS}/{org}/identity-providers", headers=h)).json()] == ["alpha"]
    assert [p["alias"] for p in (await env.http.get(IDPS, params={"realmOnly": "true"}, headers=h)).json()] == ["zeta"]


async def test_keycloaks_refusals_for_unknown_twice_linked_and_foreign_providers(realm: Env) -> None:
    """OrganizationIdentityProviderTest.testAddIdpFromDifferentRealm / testAssignIdpAlreadyAssigned..."""
    env = realm
    acme, rival = await _org(env, "acme", "acme.org"), await _org(env, "rival", "rival.org")
    h = await env.admin_headers()
    await _idp(env, "shared")
    url = f"{ORGS}/{acme}/identity-providers"
    for body in ("nope", "", '""'):
        _error(
            await env.http.post(url, content=body, headers=h), 400, "Identity provider not found with the given alias"
        )
    assert (await env.http.post(url, json="shared", headers=h)).status_code == 204
    _error(
        await env.http.post(url, json="shared", headers=h),
        409,
        "Identity provider already associated to the organization",
    )
    # Keycloak 26.8 (OrganizationIdentityProviderLinkConfigTest.testC1ValidationAtMostOneManagedPerIdp): a provider
    # links several organizations; unlinked from the second, it is that organization's no more.
    assert (await env.http.post(f"{ORGS}/{rival}/identity-providers", json="shared", headers=h)).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{rival}/identity-providers/shared", headers=h)).status_code == 204
    _error(
        await env.http.get(f"{ORGS}/{rival}/identity-providers/shared", headers=h),
        404,
        "Identity provider not associated with the organization",
    )
    _error(
        await env.http.delete(f"{ORGS}/{rival}/identity-providers/shared", headers=h),
        404,
        "Identity provider not found with the given alias",
    )
    _error(await env.http.get(f"{url}/ghost", headers=h), 404, "Identity provider not associated with the organization")
    assert (await env.http.get(f"{IDPS}/shared", headers=h)).json()["organizationId"] == acme


async def test_a_linked_provider_s_domain_must_be_one_of_the_organization_s(realm: Env) -> None:
    """updateOrganizationBroker: ``kc.org.domain`` one of the organization's domains or ANY; the link kept."""
    env = realm
    acme, rival = await _org(env, "acme", "acme.org"), await _org(env, "rival", "rival.org")
    h = await env.admin_headers()
    stored = await _idp(env, "corp")
    assert (await env.http.post(f"{ORGS}/{acme}/identity-providers", content="corp", headers=h)).status_code == 204

    async def put(**config: str) -> Any:
        rep = {**stored, "config": {**stored["config"], **config}}
        rep.pop("organizationId", None)
        return await env.http.put(f"{IDPS}/corp", json=rep, headers=h)

    for spoofed in ("rival.org", "acme.org.evil.com", "evil.com", "ACME.ORG", "sub.acme.org"):
        _error(await put(**{"kc.org.domain": spoofed}), 400, "Domain does not match any domain from the organization")
    assert (await put(**{"kc.org.domain": "acme.org"})).status_code == 204
    got = (await env.http.get(f"{IDPS}/corp", headers=h)).json()
    assert got["organizationId"] == acme and got["config"]["kc.org.domain"] == "acme.org"
    assert (await put(**{"kc.org.domain": "ANY"})).status_code == 204
    moved = {**stored, "organizationId": rival}
    assert (await env.http.put(f"{IDPS}/corp", json=moved, headers=h)).status_code == 204
    assert (await env.http.get(f"{IDPS}/corp", headers=h)).json()["organizationId"] == acme
    await env.http.put(
        f"{IDPS}/corp", json={**stored, "config": {**stored["config"], "kc.org.domain": "acme.org"}}, headers=h
    )
    assert (await env.http.delete(f"{ORGS}/{acme}/identity-providers/corp", headers=h)).status_code == 204
    assert "kc.org.domain" not in (await env.http.get(f"{IDPS}/corp", headers=h)).json()["config"]


async def test_a_provider_created_for_an_organization_is_linked(realm: Env) -> None:
    """IdentityProvidersResource.create with ``organizationId`` or the config's ``kc.org``; a missing one is a 400."""
    env = realm
    acme = await _org(env, "acme", "acme.org")
    h = await env.admin_headers()
    assert (await _idp(env, "direct", organizationId=acme))["organizationId"] == acme
    via_config = await _idp(env, "configured", config={"kc.org": acme, "kc.org.domain": "acme.org"})
    assert via_config["organizationId"] == acme and "kc.org" not in via_config["config"]
    rep = {"alias": "ghost", "providerId": "oidc", "organizationId": "no-such-org", "config": {}}
    _error(await env.http.post(IDPS, json=rep, headers=h), 400, "Organization associated with broker does not exist")
    rep = {"alias": "ghost", "providerId": "oidc", "organizationId": acme, "config": {"kc.org.domain": "evil.com"}}
    _error(
        await env.http.post(IDPS, json=rep, headers=h), 400, "Domain does not match any domain from the organization"
    )
    assert (await env.http.get(f"{IDPS}/ghost", headers=h)).status_code == 404


async def test_deleting_the_organization_unlinks_its_providers(realm: Env) -> None:
    """OrganizationProvider.remove: removeIdentityProvider for each; the providers stay in the realm."""
    env = realm
    acme = await _org(env, "acme", "acme.org")
    h = await env.admin_headers()
    await _idp(env, "corp", organizationId=acme, config={"kc.org.domain": "acme.org"})
    assert (await env.http.delete(f"{ORGS}/{acme}", headers=h)).status_code == 204
    left = (await env.http.get(f"{IDPS}/corp", headers=h)).json()
    assert "organizationId" not in left and "kc.org.domain" not in left["config"]
    again = await _org(env, "acme", "acme.org")
    assert (await env.http.post(f"{ORGS}/{again}/identity-providers", content="corp", headers=h)).status_code == 204


async def test_linking_records_no_admin_event(realm: Env) -> None:
    """OrganizationIdentityProvidersResource calls no AdminEventBuilder."""
    env = realm
    acme = await _org(env, "acme", "acme.org")
    await _idp(env, "corp")
    await enable_admin_events(env, clear=True)
    h = await env.admin_headers()
    assert (await env.http.post(f"{ORGS}/{acme}/identity-providers", content="corp", headers=h)).status_code == 204
    assert (await env.http.delete(f"{ORGS}/{acme}/identity-providers/corp", headers=h)).status_code == 204
    assert await admin_events(env) == []


async def test_another_realm_s_provider_and_organization_are_not_found(realm: Env) -> None:
    env = realm
    acme = await _org(env, "acme", "acme.org")
    await seed_realm(env.db, env.clock, "other")
    rival = await _org(env, "rival", "rival.org", realm="other")
    theirs = await _idp(env, "theirs", realm="other")
    h = await env.admin_headers()
    for body in ("theirs", theirs["internalId"]):
        refused = await env.http.post(f"{ORGS}/{acme}/identity-providers", content=body, headers=h)
        _error(refused, 400, "Identity provider not found with the given alias")
    await _idp(env, "ours")
    assert (await env.http.post(f"{ORGS}/{rival}/identity-providers", content="ours", headers=h)).status_code == 404
    rep = {"alias": "sneaky", "providerId": "oidc", "organizationId": rival, "config": {}}
    _error(await env.http.post(IDPS, json=rep, headers=h), 400, "Organization associated with broker does not exist")
    assert (
        "organizationId"
        not in (await env.http.get("/admin/realms/other/identity-provider/instances/theirs", headers=h)).json()
    )


@pytest.mark.parametrize("roles", [("manage-identity-providers", "view-realm"), ("view-identity-providers",)])
async def test_admins_without_manage_realm_can_neither_link_nor_read(realm: Env, roles: tuple[str, ...]) -> None:
    """The organization resources require manage-realm, also of an admin who manages identity providers."""
    env = realm
    acme = await _org(env, "acme", "acme.org")
    await _idp(env, "corp")
    h = await env.admin_headers()
    assert (await env.http.post(f"{ORGS}/{acme}/identity-providers", content="corp", headers=h)).status_code == 204
    await _idp(env, "free")
    caller = await realm_admin(env, "limited", *roles)
    forbidden(await env.http.get(f"{ORGS}/{acme}/identity-providers", headers=caller))
    forbidden(await env.http.get(f"{ORGS}/{acme}/identity-providers/corp", headers=caller))
    forbidden(await env.http.post(f"{ORGS}/{acme}/identity-providers", content="free", headers=caller))
    forbidden(await env.http.delete(f"{ORGS}/{acme}/identity-providers/corp", headers=caller))
    listed = (await env.http.get(f"{ORGS}/{acme}/identity-providers", headers=h)).json()
    assert [p["alias"] for p in listed] == ["corp"]


async def test_a_realm_file_names_the_providers_under_their_organization(realm: Env) -> None:
    """ExportUtils: the provider without ``organizationId``, the organization with ``identityProviders``; an import
    links them again by alias (RepresentationToModel.importOrganizations), and refuses an alias the file lacks."""
    env = realm
    acme = await _org(env, "acme", "acme.org")
    await _idp(env, "corp", organizationId=acme, config={"kc.org.domain": "acme.org"})
    await _idp(env, "free")
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        rep = await realm_representation(tx, found, users=False)
    assert all("organizationId" not in p for p in rep["identityProviders"])
    [org] = rep["organizations"]
    assert [(p["alias"], p["config"]) for p in org["identityProviders"]] == [("corp", {})]
    h = await env.admin_headers()
    copy = {**rep, "realm": "copy", "id": None, "organizations": [{**org, "id": None}]}
    assert (await env.http.post("/admin/realms", json=copy, headers=h)).status_code == 201
    [copied] = (await env.http.get("/admin/realms/copy/organizations", headers=h)).json()
    linked = await env.http.get(f"/admin/realms/copy/organizations/{copied['id']}/identity-providers", headers=h)
    assert [(p["alias"], p["organizationId"], p["config"]["kc.org.domain"]) for p in linked.json()] == [
        ("corp", copied["id"], "acme.org")
    ]
    broken = {**copy, "realm": "broken", "organizations": [{**org, "id": None, "identityProviders": [{"alias": "x"}]}]}
    refused = await env.http.post("/admin/realms", json=broken, headers=h)
    assert refused.status_code == 400 and "Identity provider not found with the given alias" in refused.text
    assert (await env.http.get("/admin/realms/broken", headers=h)).status_code == 404
