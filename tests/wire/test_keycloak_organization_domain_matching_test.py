"""Keycloak's OrganizationDomainMatchingTest (organization/admin/, Keycloak 26.6): one test per Java method. The Java
class calls Organizations.domainMatches on a model in memory; here the domain is an organization's, made over the
Admin REST API, and "matches" is what the identity-first login shows for an unknown user of the typed e-mail: the
organization's "Your email domain matches ..." page (the store's lookup, OrganizationAuthenticator's resolution)
or, for no organization, the password page with the name fixed.

The Java class's testExclusionPattern describes ``-.domain`` exclusions of a draft of the change; the model Keycloak
shipped (Organizations.validateDomain, isSameDomain) has none and refuses ``-.admin.example.com`` as an invalid
domain, so that method checks the refusal and that an exclusion never narrows a wildcard."""

from __future__ import annotations

import pytest

from organization_login_support import REALM, domain_refused, domain_resolves, two_organizations
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"


async def _acme(env: Env, *names: str | None) -> dict[str, str]:
    """``acme`` owning ``names`` (``beta`` owns beta.org): the ids by alias."""
    return await two_organizations(env, acme={"domains": [{"name": n} for n in names]})


async def test_exact_domain_match(realm: Env) -> None:
    await _acme(realm, "example.com")
    for email in ("u@example.com", "u@Example.COM", "u@EXAMPLE.COM"):
        assert await domain_resolves(realm, email), email
    for email in ("u@sub.example.com", "u@deep.sub.example.com", "u@other.com", "u@example.org"):
        assert not await domain_resolves(realm, email), email


async def test_wildcard_subdomain_match(realm: Env) -> None:
    await _acme(realm, "*.example.com")
    for email in (
        "u@example.com",
        "u@EXAMPLE.COM",
        "u@sub.example.com",
        "u@SUB.EXAMPLE.COM",
        "u@deep.sub.example.com",
        "u@very.deep.sub.example.com",
    ):
        assert await domain_resolves(realm, email), email
    for email in ("u@other.com", "u@example.org", "u@notexample.com", "u@example.com.fake"):
        assert not await domain_resolves(realm, email), email


async def test_microsoft_on_microsoft_com_scenario(realm: Env) -> None:
    await _acme(realm, "*.onmicrosoft.com")
    for email in ("u@contoso.onmicrosoft.com", "u@fabrikam.onmicrosoft.com", "u@dev-contoso.onmicrosoft.com"):
        assert await domain_resolves(realm, email), email
    assert await domain_resolves(realm, "u@onmicrosoft.com")
    assert not await domain_resolves(realm, "u@microsoft.com")
    assert not await domain_resolves(realm, "u@outlook.com")


async def test_university_domain_scenario(realm: Env) -> None:
    await _acme(realm, "*.university.edu")
    for sub in ("cs", "math", "eng", "ai.cs", "mail.cs"):
        assert await domain_resolves(realm, f"u@{sub}.university.edu"), sub
    assert await domain_resolves(realm, "u@university.edu")
    assert not await domain_resolves(realm, "u@otheruniversity.edu")


async def test_null_and_empty_values(realm: Env) -> None:
    """No e-mail domain (no ``@``), an empty one, and an organization whose only domain is null (dropped by
    RepresentationToModel): nothing matches."""
    ids = await _acme(realm, "*.example.com")
    assert not await domain_resolves(realm, "example.com")
    assert not await domain_resolves(realm, "u@")
    h = await realm.admin_headers()
    current = (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    put = await realm.http.put(f"{ORGS}/{ids['acme']}", json={**current, "domains": [{"name": None}]}, headers=h)
    assert put.status_code == 204, put.text
    assert "domains" not in (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    assert not await domain_resolves(realm, "u@example.com")


async def test_edge_cases(realm: Env) -> None:
    await _acme(realm, "*.example.com")
    for email in ("u@a.example.com", "u@123.example.com", "u@my-app.example.com", "u@My-App-123.Example.COM"):
        assert await domain_resolves(realm, email), email
    assert not await domain_resolves(realm, "u@example.com.fake")


async def test_exclusion_pattern(realm: Env) -> None:
    """Keycloak 26.6 has no ``-.`` exclusions: the pattern is an invalid domain, and a wildcard keeps every
    subdomain (admin.example.com is acme's)."""
    await _acme(realm, "*.example.com")
    for pattern in ("-.admin.example.com", "-.alumni.university.edu", "-.test.university.edu"):
        await domain_refused(realm, pattern, f"Invalid domain format: {pattern}")
    for email in ("u@admin.example.com", "u@api.admin.example.com", "u@deep.sub.admin.example.com"):
        assert await domain_resolves(realm, email), email
    assert not await domain_resolves(realm, "u@admin.other.com")


async def test_wildcard_pattern_validation(realm: Env) -> None:
    """A wildcard without a base domain is refused; a valid one matches subdomains, an exact one does not."""
    ids = await _acme(realm, "*.example.com")
    await domain_refused(realm, "*.", "Wildcard domain must specify a base domain: *.")
    await domain_refused(realm, "*.com", "Domain must have at least 2 parts (e.g. 'example.com'): com", ids["beta"])
    assert await domain_resolves(realm, "u@sub.example.com")
    h = await realm.admin_headers()
    current = (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    put = await realm.http.put(
        f"{ORGS}/{ids['acme']}", json={**current, "domains": [{"name": "example.com"}]}, headers=h
    )
    assert put.status_code == 204, put.text
    assert not await domain_resolves(realm, "u@sub.example.com")
    assert await domain_resolves(realm, "u@example.com")
