"""Keycloak's OrganizationDomainMatchingTest (organization/admin/, Keycloak 26.6): one test per Java method. The Java
class calls Organizations.domainMatches on a model in memory; here the domain is an organization's, made over the
Admin REST API, and "matches" is what the identity-first login shows for an unknown user of the typed e-mail: the
organization's "Your email domain matches ..." page (the store's lookup, OrganizationAuthenticator's resolution)
or, for no organization, the password page with the name fixed.

The Java class's testExclusionPattern describes ``-.domain`` exclusions of a draft of the change; the model Keycloak
shipped (Organizations.validateDomain, isSameDomain) has none and refuses ``-.admin.example.com`` as an invalid
domain, so that method checks the refusal and that an exclusion never narrows a wildcard."""

from __future__ import annotations

import html
from typing import Any

import pytest

from organization_login_support import REALM, two_organizations, typed
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
NO_ACCOUNT = "Your email domain matches the {} organization but you don't have an account yet."


async def _acme(env: Env, *names: str | None) -> dict[str, str]:
    """``acme`` owning ``names`` (``beta`` owns beta.org): the ids by alias."""
    return await two_organizations(env, acme={"domains": [{"name": n} for n in names]})


async def matches(env: Env, email: str, org: str = "acme") -> bool:
    """Whether the login resolves the organization ``org`` for an unknown user typing ``email``."""
    env.http.cookies.clear()
    page = await typed(env.http, email)
    assert page.status_code == 200, page.text[:300]
    return NO_ACCOUNT.format(org) in html.unescape(page.text)


async def refused(env: Env, domain: str, message: str, org: str | None = None) -> None:
    """A create (or the update of ``org``) naming ``domain`` gets 400 and Keycloak's message."""
    h = await env.admin_headers()
    rep: dict[str, Any] = {"name": "other", "alias": "other", "domains": [{"name": domain}]}
    if org is None:
        answer = await env.http.post(ORGS, json=rep, headers=h)
    else:
        current = (await env.http.get(f"{ORGS}/{org}", headers=h)).json()
        answer = await env.http.put(f"{ORGS}/{org}", json={**current, "domains": [{"name": domain}]}, headers=h)
    assert (answer.status_code, answer.json()) == (400, {"errorMessage": message}), answer.text


async def test_exact_domain_match(realm: Env) -> None:
    await _acme(realm, "example.com")
    for email in ("u@example.com", "u@Example.COM", "u@EXAMPLE.COM"):
        assert await matches(realm, email), email
    for email in ("u@sub.example.com", "u@deep.sub.example.com", "u@other.com", "u@example.org"):
        assert not await matches(realm, email), email


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
        assert await matches(realm, email), email
    for email in ("u@other.com", "u@example.org", "u@notexample.com", "u@example.com.fake"):
        assert not await matches(realm, email), email


async def test_microsoft_on_microsoft_com_scenario(realm: Env) -> None:
    await _acme(realm, "*.onmicrosoft.com")
    for email in ("u@contoso.onmicrosoft.com", "u@fabrikam.onmicrosoft.com", "u@dev-contoso.onmicrosoft.com"):
        assert await matches(realm, email), email
    assert await matches(realm, "u@onmicrosoft.com")
    assert not await matches(realm, "u@microsoft.com")
    assert not await matches(realm, "u@outlook.com")


async def test_university_domain_scenario(realm: Env) -> None:
    await _acme(realm, "*.university.edu")
    for sub in ("cs", "math", "eng", "ai.cs", "mail.cs"):
        assert await matches(realm, f"u@{sub}.university.edu"), sub
    assert await matches(realm, "u@university.edu")
    assert not await matches(realm, "u@otheruniversity.edu")


async def test_null_and_empty_values(realm: Env) -> None:
    """No e-mail domain (no ``@``), an empty one, and an organization whose only domain is null (dropped by
    RepresentationToModel): nothing matches."""
    ids = await _acme(realm, "*.example.com")
    assert not await matches(realm, "example.com")
    assert not await matches(realm, "u@")
    h = await realm.admin_headers()
    current = (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    put = await realm.http.put(f"{ORGS}/{ids['acme']}", json={**current, "domains": [{"name": None}]}, headers=h)
    assert put.status_code == 204, put.text
    assert "domains" not in (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    assert not await matches(realm, "u@example.com")


async def test_edge_cases(realm: Env) -> None:
    await _acme(realm, "*.example.com")
    for email in ("u@a.example.com", "u@123.example.com", "u@my-app.example.com", "u@My-App-123.Example.COM"):
        assert await matches(realm, email), email
    assert not await matches(realm, "u@example.com.fake")


async def test_exclusion_pattern(realm: Env) -> None:
    """Keycloak 26.6 has no ``-.`` exclusions: the pattern is an invalid domain, and a wildcard keeps every
    subdomain (admin.example.com is acme's)."""
    await _acme(realm, "*.example.com")
    for pattern in ("-.admin.example.com", "-.alumni.university.edu", "-.test.university.edu"):
        await refused(realm, pattern, f"Invalid domain format: {pattern}")
    for email in ("u@admin.example.com", "u@api.admin.example.com", "u@deep.sub.admin.example.com"):
        assert await matches(realm, email), email
    assert not await matches(realm, "u@admin.other.com")


async def test_wildcard_pattern_validation(realm: Env) -> None:
    """A wildcard without a base domain is refused; a valid one matches subdomains, an exact one does not."""
    ids = await _acme(realm, "*.example.com")
    await refused(realm, "*.", "Wildcard domain must specify a base domain: *.")
    await refused(realm, "*.com", "Domain must have at least 2 parts (e.g. 'example.com'): com", ids["beta"])
    assert await matches(realm, "u@sub.example.com")
    h = await realm.admin_headers()
    current = (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    put = await realm.http.put(
        f"{ORGS}/{ids['acme']}", json={**current, "domains": [{"name": "example.com"}]}, headers=h
    )
    assert put.status_code == 204, put.text
    assert not await matches(realm, "u@sub.example.com")
    assert await matches(realm, "u@example.com")
