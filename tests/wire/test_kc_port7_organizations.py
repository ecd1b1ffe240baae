"""Keycloak's OrganizationTest (tests/base organization/admin/), the methods no other module follows: each test
names its Java method. Organizations are made as AbstractOrganizationTest.createOrganization makes them (the name as
alias, ``<name>.org`` unless domains are given)."""

from __future__ import annotations

from typing import Any

import pytest

from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"


async def _org(env: Env, name: str = "neworg", *domains: str, realm: str = REALM) -> dict[str, Any]:
    """createOrganization(name, domains...): the organization's full representation."""
    await admin(env, "PUT", realm, {"organizationsEnabled": True}, 204)
    body = {"name": name, "alias": name, "domains": [{"name": d} for d in domains or (f"{name}.org",)]}
    made = await admin(env, "POST", f"{realm}/organizations", body, 201)
    got: dict[str, Any] = (await admin(env, "GET", made.headers["location"], status=200)).json()
    return got


async def _get(env: Env, path: str, **params: Any) -> Any:
    response = await env.http.get(path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _put(env: Env, org: dict[str, Any], status: int = 204) -> None:
    await admin(env, "PUT", f"{ORGS}/{org['id']}", org, status)


def _with(org: dict[str, Any], *domains: str) -> dict[str, Any]:
    return {**org, "domains": [*org["domains"], *({"name": d} for d in domains)]}


def _names(orgs: list[dict[str, Any]]) -> list[str]:
    return sorted(o["name"] for o in orgs)


async def test_update_conflict(realm: Env) -> None:
    """testUpdateConflict: renaming to another organization's name is 409."""
    org1 = await _org(realm)
    org2 = await _org(realm, "orga")
    await _put(realm, {**org1, "name": org2["name"]}, 409)


async def test_get_all(realm: Env) -> None:
    """testGetAll: every organization at first=-1/max=-1, in brief (no attributes), and page by page."""
    expected = []
    for i in range(15):
        org = await _org(realm, f"kc.org.{i}")
        await _put(realm, {**org, "attributes": {"foo": ["foo"]}})
        expected.append(org["id"])
    existing = await _get(realm, ORGS, first=-1, max=-1)
    assert sorted(o["id"] for o in existing) == sorted(expected)
    assert all(o.get("attributes") is None for o in existing)
    pages = [o["id"] for first in (0, 5, 10) for o in await _get(realm, ORGS, first=first, max=5)]
    assert sorted(pages) == sorted(expected)


async def test_search(realm: Env) -> None:
    """testSearch: exact by name or domain, partial over names and domains, counts and pages."""
    await _org(realm, "acme", "acme.org", "acme.net")
    await _org(realm, "Gotham-Bank", "gtbank.com", "gtbank.net")
    await _org(realm, "wayne-industries", "wayneind.com", "wayneind-gotham.com")
    await _org(realm, "TheWave", "the-wave.br")

    async def search(text: str, exact: bool, **params: Any) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = await _get(realm, ORGS, search=text, exact=str(exact).lower(), **params)
        count = await _get(realm, f"{ORGS}/count", search=text, exact=str(exact).lower())
        assert count == len(found), text
        return found

    [wayne] = await search("wayne-industries", True, first=0, max=10)
    assert (wayne["name"], wayne["enabled"], wayne.get("attributes")) == ("wayne-industries", True, None)
    assert {d["name"] for d in wayne["domains"]} == {"wayneind.com", "wayneind-gotham.com"}
    [bank] = await search("gtbank.net", True)
    assert bank["name"] == "Gotham-Bank" and {d["name"] for d in bank["domains"]} == {"gtbank.com", "gtbank.net"}
    assert bank.get("attributes") is None
    await _put(realm, {**bank, "attributes": {"foo": ["bar"], "bar": ["foo"]}})
    [full] = await _get(realm, ORGS, search="gtbank.net", exact="true", briefRepresentation="false")
    assert len(full["attributes"]) == 2
    assert await search("nonexistent.org", True) == []
    assert _names(await search("wa", False)) == ["TheWave", "wayne-industries"]
    assert _names(await search(".net", False)) == ["Gotham-Bank", "acme"]
    assert _names(await search("gotham", False)) == ["Gotham-Bank", "wayne-industries"]
    assert await search("nonexistent", False) == []
    for i in range(10):
        await _org(realm, f"ztest-{i}")
    assert await _get(realm, f"{ORGS}/count", search="", exact="false") == 14
    first = await _get(realm, ORGS, search="", exact="false", first=0, max=10)
    assert _names(first) == sorted(
        ["Gotham-Bank", "TheWave", "acme", "wayne-industries", *(f"ztest-{i}" for i in range(6))]
    )
    second = await _get(realm, ORGS, search="", exact="false", first=10, max=10)
    assert _names(second) == [f"ztest-{i}" for i in range(6, 10)]


async def test_search_by_attributes(realm: Env) -> None:
    """testSearchByAttributes: ``q`` terms are ANDed; an attribute no organization has matches none."""
    orgs = [await _org(realm, f"testorg.{i}") for i in range(4)]
    for org, attributes in zip(
        orgs,
        (
            {"attr1": ["value1"]},
            {"attr1": ["value1"], "attr2": ["value2"]},
            {"attr1": ["value1"], "attr3": ["value3"]},
            {"attr2": ["value2"]},
        ),
        strict=True,
    ):
        await _put(realm, {**org, "attributes": attributes})
    for q, matched in (
        ("attr1:value1", [0, 1, 2]),
        ("attr2:value2", [1, 3]),
        ("attr3:value3", [2]),
        ("attr1:value1 attr2:value2", [1]),
        ("attr2:value2 attr3:value3", []),
        ("anything:anyvalue", []),
    ):
        found = await _get(realm, ORGS, q=q)
        assert _names(found) == [f"testorg.{i}" for i in matched], q
        assert await _get(realm, f"{ORGS}/count", q=q) == len(matched), q


async def test_count_endpoint(realm: Env) -> None:
    """testCountEndpoint."""
    await _org(realm, "testorg.1")
    await _org(realm, "testorg.2")
    assert await _get(realm, f"{ORGS}/count") == 2
    assert await _get(realm, f"{ORGS}/count", search=".1") == 1


async def test_attributes(realm: Env) -> None:
    """testAttributes: a PUT's attributes replace the old ones; an empty map leaves none (``{}``)."""
    org = await _org(realm)
    await _put(realm, {**org, "attributes": {"key": ["value"]}})
    assert (await _get(realm, f"{ORGS}/{org['id']}"))["attributes"] == {"key": ["value"]}
    attributes = {"attr1": ["val11", "val12"], "attr2": ["val21", "val22"]}
    await _put(realm, {**org, "attributes": attributes})
    updated = (await _get(realm, f"{ORGS}/{org['id']}"))["attributes"]
    assert {k: sorted(v) for k, v in updated.items()} == attributes
    await _put(realm, {**org, "attributes": {}})
    assert (await _get(realm, f"{ORGS}/{org['id']}"))["attributes"] == {}


async def test_domains(realm: Env) -> None:
    """testDomains: ``verified`` kept per domain, a domain replaced, an invalid one 400, another organization's 400,
    another realm's organization may hold the same one, a domain removed."""
    org = await _org(realm)
    assert org["domains"] == [{"name": "neworg.org", "verified": False, "autoRedirect": False}]
    org["domains"].append({"name": "neworg.org.br", "verified": True, "autoRedirect": False})
    await _put(realm, org)

    async def domains() -> dict[str, bool]:
        return {d["name"]: d["verified"] for d in (await _get(realm, f"{ORGS}/{org['id']}"))["domains"]}

    assert await domains() == {"neworg.org": False, "neworg.org.br": True}
    org["domains"][0]["verified"] = True
    await _put(realm, org)
    assert await domains() == {"neworg.org": True, "neworg.org.br": True}
    org["domains"][1] = {"name": "acme.com", "verified": False, "autoRedirect": False}
    await _put(realm, org)
    assert await domains() == {"neworg.org": True, "acme.com": False}
    org["domains"][1] = {"name": "_invalid.domain.3com", "verified": False, "autoRedirect": False}
    await _put(realm, org, 400)
    org["domains"][1] = {"name": "acme.com", "verified": False, "autoRedirect": False}
    another = await _org(realm, "another-org")
    await _put(realm, _with(another, "neworg.org"), 400)
    await admin(realm, "POST", "/admin/realms", {"realm": "second", "enabled": True}, 201)
    await _org(realm, "testorg", "acme.com", realm="/admin/realms/second")
    await _put(realm, {**org, "domains": [{"name": "acme.com", "verified": False, "autoRedirect": False}]})
    assert await domains() == {"acme.com": False}


async def test_domain_with_wildcard_subdomains(realm: Env) -> None:
    """testDomainWithWildcardSubdomains: ``*.example.com`` kept with its flag, swapped for the exact domain, back."""
    org = await _org(realm)
    wildcard = {"name": "*.example.com", "verified": True, "autoRedirect": False}
    await _put(realm, {**org, "domains": [*org["domains"], wildcard]})
    got = (await _get(realm, f"{ORGS}/{org['id']}"))["domains"]
    assert sorted(d["name"] for d in got) == ["*.example.com", "neworg.org"]
    assert {"name": "*.example.com", "verified": True, "autoRedirect": False} in got
    await _put(
        realm, {**org, "domains": [*org["domains"], {"name": "example.com", "verified": True, "autoRedirect": False}]}
    )
    names = {d["name"] for d in (await _get(realm, f"{ORGS}/{org['id']}"))["domains"]}
    assert names == {"neworg.org", "example.com"}
    await _put(realm, {**org, "domains": [*org["domains"], wildcard]})
    names = {d["name"] for d in (await _get(realm, f"{ORGS}/{org['id']}"))["domains"]}
    assert names == {"neworg.org", "*.example.com"}


async def test_without_domains(realm: Env) -> None:
    """testWithoutDomains: an organization made without domains has none (Keycloak 26 leaves ``domains`` out, as
    its OrganizationRepresentation holds null), is listed and searched."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    body = {"name": "no-domain-org", "alias": "no-domain-org", "description": "Organization without domains"}
    made = await admin(realm, "POST", ORGS, body, 201)
    created = await _get(realm, made.headers["location"])
    assert (created["name"], created["alias"], created.get("domains", [])) == ("no-domain-org", "no-domain-org", [])
    await _org(realm, "org-with-domains", "example.com")
    listed = {o["name"]: o for o in await _get(realm, ORGS, first=-1, max=-1)}
    assert not listed["no-domain-org"].get("domains") and len(listed["org-with-domains"]["domains"]) == 1
    assert len(await _get(realm, ORGS, search="with-domains", exact="false", first=-1, max=-1)) == 1
    assert len(await _get(realm, ORGS, search="no-domain", exact="false", first=-1, max=-1)) == 1


async def test_without_domains_round_trip(realm: Env) -> None:
    """testWithoutDomainsRoundTrip: PUT back the representation read before a domain was added removes it."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    made = await admin(realm, "POST", ORGS, {"name": "roundtrip-org", "alias": "roundtrip-org"}, 201)
    saved = await _get(realm, made.headers["location"])
    assert not saved.get("domains")
    await _put(realm, {**saved, "domains": [{"name": "temporary.example.org"}]})
    assert [d["name"] for d in (await _get(realm, made.headers["location"]))["domains"]] == ["temporary.example.org"]
    await _put(realm, saved)
    assert not (await _get(realm, made.headers["location"])).get("domains")


async def test_disabled_organization_provider(realm: Env) -> None:
    """testDisabledOrganizationProvider: with the switch off, create, list, search and read are 404."""
    existing = await _org(realm, "acme", "acme.org", "acme.net")
    await admin(realm, "PUT", REALM, {"organizationsEnabled": False}, 204)
    await admin(realm, "POST", ORGS, {"name": "some", "domains": [{"name": "some.com"}]}, 404)
    await admin(realm, "GET", f"{ORGS}?first=-1&max=-1", status=404)
    await admin(realm, "GET", f"{ORGS}?search=*", status=404)
    await admin(realm, "GET", f"{ORGS}/{existing['id']}", status=404)


async def test_delete_realm(realm: Env) -> None:
    """testDeleteRealm: a realm holding an organization with a linked identity provider is deleted."""
    other = "/admin/realms/doomed"
    await admin(realm, "POST", "/admin/realms", {"realm": "doomed", "enabled": True, "organizationsEnabled": True}, 201)
    await admin(realm, "POST", f"{other}/organizations", {"name": "test-org", "domains": [{"name": "test.org"}]}, 201)
    [org] = await _get(realm, f"{other}/organizations", first=-1, max=-1)
    broker = {
        "alias": "broker",
        "providerId": "oidc",
        "config": {
            "clientId": "c",
            "clientSecret": "s",
            "authorizationUrl": "https://idp.example/auth",
            "tokenUrl": "https://idp.example/token",
            "kc.org.domain": "test.org",
        },
    }
    await admin(realm, "POST", f"{other}/identity-provider/instances", broker, 201)
    await admin(realm, "POST", f"{other}/organizations/{org['id']}/identity-providers", "broker", 204)
    await admin(realm, "DELETE", other, status=204)
    await admin(realm, "GET", other, status=404)


async def test_fail_update_alias(realm: Env) -> None:
    """testFailUpdateAlias: 400 "Cannot change the alias", and the unchanged alias (the name) is fine."""
    org = await _org(realm)
    response = await admin(realm, "PUT", f"{ORGS}/{org['id']}", {**org, "alias": "changed"}, 400)
    assert response.json() == {"errorMessage": "Cannot change the alias"}
    await _put(realm, {**org, "alias": org["name"]})


async def test_fail_duplicated_alias(realm: Env) -> None:
    """testFailDuplicatedAlias: another name with the same alias is 409."""
    org = await _org(realm)
    rep = {**org, "name": "acme-2", "domains": [{"name": "acme-2"}]}
    del rep["id"]
    response = await admin(realm, "POST", ORGS, rep, 409)
    assert response.json() == {"errorMessage": "A organization with the same alias already exists"}


async def test_import_legacy_aliases(realm: Env) -> None:
    """testImportLegacyAliases: a realm file's aliases with Unicode or a double quote are imported as they are."""
    orgs = [{"name": "unicode", "alias": "café"}, {"name": "quoted", "alias": 'acme"alias'}]
    body = {"realm": "legacy", "enabled": True, "organizationsEnabled": True, "organizations": orgs}
    await admin(realm, "POST", "/admin/realms", body, 201)
    found = await _get(realm, "/admin/realms/legacy/organizations")
    assert sorted(o["alias"] for o in found) == sorted(["café", 'acme"alias'])


async def test_special_chars_alias(realm: Env) -> None:
    """testSpecialCharsAlias (Keycloak 26): reserved characters and blanks are 400; an empty alias is the name,
    which must then be a valid alias."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    org = {"name": "acme", "domains": [{"name": "acme.com"}]}
    await admin(realm, "POST", ORGS, {**org, "alias": "acme&@#!"}, 400)
    made = await admin(realm, "POST", ORGS, {**org, "alias": ""}, 201)
    assert (await _get(realm, made.headers["location"]))["alias"] == "acme"
    await admin(realm, "DELETE", made.headers["location"], status=204)
    for alias in (" ", "\n"):
        await admin(realm, "POST", ORGS, {**org, "alias": alias}, 400)
    await admin(realm, "POST", ORGS, {**org, "name": "acme@", "alias": ""}, 400)


async def test_invalid_redirect_uri(realm: Env) -> None:
    """testInvalidRedirectUri: a URL is kept, an empty one clears it, blank or no http(s) URL is 400."""
    org = await _org(realm)
    path = f"{ORGS}/{org['id']}"
    await _put(realm, {**org, "redirectUrl": "http://valid.url:8080/"})
    assert (await _get(realm, path))["redirectUrl"] == "http://valid.url:8080/"
    await _put(realm, {**org, "redirectUrl": ""})
    assert (await _get(realm, path)).get("redirectUrl") is None
    for bad in (" ", "invalid", "https://\ninvalid"):
        await _put(realm, {**org, "redirectUrl": bad}, 400)
        assert (await _get(realm, path)).get("redirectUrl") is None, bad


async def test_domain_conflict_exact_duplicate(realm: Env) -> None:
    """testDomainConflictExactDuplicate."""
    await _org(realm, "org-a", "example.com")
    await _put(realm, _with(await _org(realm, "org-b"), "example.com"), 400)
    body = {"name": "org-c", "domains": [{"name": "example.com"}]}
    await admin(realm, "POST", ORGS, body, 400)


async def test_domain_allow_exact_and_wildcard_domain_with_same_base_domain(realm: Env) -> None:
    """testDomainAllowExactAndWildcardDomainWithSameBaseDomain."""
    await _org(realm, "org-a", "example.com")
    await _put(realm, _with(await _org(realm, "org-b"), "*.example.com"))


async def test_allow_sub_domains_and_wildcard_domain_in_separate_orgs(realm: Env) -> None:
    """testAllowSubDomainsAndWildcardDomainInSeparateOrgs."""
    await _put(realm, _with(await _org(realm, "org-a", "acme.org"), "*.example.com"))
    org_b = await _org(realm, "org-b")
    await _put(realm, _with(org_b, "sub.example.com"))
    await _put(realm, _with(await _get(realm, f"{ORGS}/{org_b['id']}"), "deep.sub.example.com"))
    await _put(realm, _with(await _org(realm, "org-c"), "*.deep.sub.example.com"))
    await _put(realm, _with(await _org(realm, "org-d"), "some.deep.sub.example.com"))


async def test_adding_org_with_wild_card_domain_when_exact_domain_org_exist(realm: Env) -> None:
    """testAddingOrgWithWildCardDomainWhenExactDomainOrgExist."""
    await _org(realm, "org-a", "sub.example.com")
    await _org(realm, "org-b", "test.sub.example.com")
    await _put(realm, _with(await _org(realm, "org-c"), "*.example.com"))
    await _put(realm, _with(await _org(realm, "org-d"), "*.sub.example.com"))
    await _put(realm, _with(await _org(realm, "org-e"), "sub.example.com"), 400)


async def test_domain_conflict_duplicate_wildcard(realm: Env) -> None:
    """testDomainConflictDuplicateWildcard."""
    await _put(realm, _with(await _org(realm, "org-a", "acme.org"), "*.example.com"))
    await _put(realm, _with(await _org(realm, "org-b"), "*.example.com"), 400)


async def test_domain_no_conflict_different_base_domains(realm: Env) -> None:
    """testDomainNoConflictDifferentBaseDomains."""
    org_a = await _org(realm, "org-a", "other-a.org")
    await _put(realm, _with(org_a, "*.example.com"))
    org_b = await _org(realm, "org-b", "other-b.org")
    await _put(realm, _with(org_b, "*.acme.com"))
    assert "*.example.com" in {d["name"] for d in (await _get(realm, f"{ORGS}/{org_a['id']}"))["domains"]}
    assert "*.acme.com" in {d["name"] for d in (await _get(realm, f"{ORGS}/{org_b['id']}"))["domains"]}


async def test_domain_no_conflict_unrelated_exact_domains(realm: Env) -> None:
    """testDomainNoConflictUnrelatedExactDomains."""
    org_a = await _org(realm, "org-a", "example.com")
    org_b = await _org(realm, "org-b", "acme.com")
    assert [d["name"] for d in org_a["domains"]] == ["example.com"]
    assert [d["name"] for d in org_b["domains"]] == ["acme.com"]


async def test_domain_conflict_wildcard_on_create(realm: Env) -> None:
    """testDomainConflictWildcardOnCreate: beside ``*.example.com`` a subdomain and the base domain may be created;
    the same wildcard may not."""
    await _put(realm, _with(await _org(realm, "org-a", "acme.org"), "*.example.com"))
    for name, domain, status in (
        ("org-b", "sub.example.com", 201),
        ("org-c", "example.com", 201),
        ("org-d", "*.example.com", 400),
    ):
        await admin(realm, "POST", ORGS, {"name": name, "domains": [{"name": domain}]}, status)


async def test_domain_conflict_after_deleting_organization(realm: Env) -> None:
    """testDomainConflictAfterDeletingOrganization."""
    org_a = await _org(realm, "org-a", "acme.org")
    await _put(realm, _with(org_a, "*.example.com"))
    org_b = await _org(realm, "org-b")
    await _put(realm, _with(org_b, "example.com"))
    await admin(realm, "DELETE", f"{ORGS}/{org_a['id']}", status=204)
    reread = await _get(realm, f"{ORGS}/{org_b['id']}")
    await _put(realm, reread)
    assert "example.com" in {d["name"] for d in (await _get(realm, f"{ORGS}/{org_b['id']}"))["domains"]}


async def test_domain_conflict_after_removing_domain(realm: Env) -> None:
    """testDomainConflictAfterRemovingDomain."""
    org_a = await _org(realm, "org-a", "example.com")
    org_b = await _org(realm, "org-b")
    await _put(realm, _with(org_b, "example.com"), 400)
    await _put(realm, {**org_a, "domains": []})
    await _put(realm, _with(org_b, "example.com"))
    assert "example.com" in {d["name"] for d in (await _get(realm, f"{ORGS}/{org_b['id']}"))["domains"]}


async def test_domain_same_org_can_update_own_domains(realm: Env) -> None:
    """testDomainSameOrgCanUpdateOwnDomains."""
    org_a = await _org(realm, "org-a", "example.com")
    await _put(realm, org_a)
    await _put(realm, _with(org_a, "*.example.com"))
    names = {d["name"] for d in (await _get(realm, f"{ORGS}/{org_a['id']}"))["domains"]}
    assert names == {"example.com", "*.example.com"}


async def test_reject_domain_with_too_many_parts(realm: Env) -> None:
    """testRejectDomainWithTooManyParts: an exact eleven-part domain is accepted (only a wildcard's base is
    counted), its wildcard is refused, a wildcard over ten parts is accepted."""
    too_long = "a.b.c.d.e.f.g.h.i.j.com"
    org_a = await _org(realm, "org-a")
    await _put(realm, _with(org_a, too_long))
    org_a = await _get(realm, f"{ORGS}/{org_a['id']}")
    response = await admin(realm, "PUT", f"{ORGS}/{org_a['id']}", _with(org_a, f"*.{too_long}"), 400)
    assert response.json() == {"errorMessage": f"Domain has too many parts (max 10 allowed): {too_long}"}
    await _put(realm, _with(org_a, "*.a.b.c.d.e.f.g.h.i.jay"))


async def test_reject_single_part_domains(realm: Env) -> None:
    """testRejectSinglePartDomains: a wildcard over a bare TLD is 400; two parts are enough."""
    org_a = await _org(realm, "org-a")
    for tld in ("*.com", "*.org", "*.net", "*.io"):
        await _put(realm, _with(await _get(realm, f"{ORGS}/{org_a['id']}"), tld), 400)
    for valid in ("example.com", "*.example.com"):
        await _put(realm, _with(await _get(realm, f"{ORGS}/{org_a['id']}"), valid))


async def test_reject_invalid_wildcard_patterns(realm: Env) -> None:
    """testRejectInvalidWildcardPatterns: none of the refused domains is kept. Its empty name is left out: Keycloak
    26's toModel drops a blank domain (testFilterEmptyDomain below); the 400 "Domain name cannot be empty" is newer."""
    org_a = await _org(realm, "org-a", "example.com")
    for bad in ("*.", "sub.*.example.com", "*.*.example.com", "*.not valid", "*.com"):
        await _put(realm, _with(org_a, bad), 400)
    assert [d["name"] for d in (await _get(realm, f"{ORGS}/{org_a['id']}"))["domains"]] == ["example.com"]


async def test_filter_empty_domain(realm: Env) -> None:
    """testFilterEmptyDomain (Keycloak 26, Organizations.toModel): blank and null domain names are dropped."""
    await admin(realm, "PUT", REALM, {"organizationsEnabled": True}, 204)
    domains = [{"name": "validDomain.com"}, {"name": ""}, {"name": None}]
    made = await admin(realm, "POST", ORGS, {"name": "singleValidDomainOrg", "domains": domains}, 201)
    assert [d["name"] for d in (await _get(realm, made.headers["location"]))["domains"]] == ["validdomain.com"]
