"""Organization domains with a ``*.`` wildcard (Keycloak 26.6) under hostile input: what Organizations.validateDomain
refuses is refused with its message on create and on update and changes nothing; case and ownership; the most
specific domain winning across organizations; e-mail domains that only look like a match."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from organization_login_support import REALM, domain_refused, domain_resolves, two_organizations
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
LONG = "x" * 5000


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("*.", "Wildcard domain must specify a base domain: *."),
        ("**.a.b", "Wildcard domain must start with the wildcard"),
        ("a.*.example.com", "Wildcard domain must start with the wildcard"),
        ("*.*.example.com", "Multiple wildcards are not allowed: *.*.example.com"),
        ("*.example.*", "Multiple wildcards are not allowed: *.example.*"),
        ("*.com", "Domain must have at least 2 parts (e.g. 'example.com'): com"),
        ("*.a.b.c.d.e.f.g.h.i.j.k", "Domain has too many parts (max 10 allowed): a.b.c.d.e.f.g.h.i.j.k"),
        ("*example.com", "Invalid domain format: *example.com"),
        ("*", "Invalid domain format: *"),
        ("example.com.", "Invalid domain format: example.com."),
        ("*.example.com.", "Invalid domain format: *.example.com."),
        ("*..example.com", "Invalid domain format: *..example.com"),
        ("*.-bad.example.com", "Invalid domain format: *.-bad.example.com"),
        ("*.exa mple.com", "Invalid domain format: *.exa mple.com"),
        (LONG, f"Invalid domain format: {LONG}"),
        (f"*.{LONG}.com", f"Invalid domain format: *.{LONG}.com"),
    ],
)
async def test_what_keycloak_refuses_is_refused_on_create_and_update(realm: Env, domain: str, message: str) -> None:
    ids = await two_organizations(realm)
    await domain_refused(realm, domain, message)
    await domain_refused(realm, domain, message, ids["beta"])
    h = await realm.admin_headers()
    assert (await realm.http.get(f"{ORGS}/count", headers=h)).json() == 2
    beta = (await realm.http.get(f"{ORGS}/{ids['beta']}", headers=h)).json()
    assert beta["domains"] == [{"name": "beta.org", "verified": False, "autoRedirect": False}]


async def _domains(realm: Env, org: str, *names: str) -> Any:
    h = await realm.admin_headers()
    current = (await realm.http.get(f"{ORGS}/{org}", headers=h)).json()
    rep = {**current, "domains": [{"name": n} for n in names]}
    return await realm.http.put(f"{ORGS}/{org}", json=rep, headers=h)


async def test_a_wildcard_is_kept_in_lower_case_matches_without_case_and_is_one_organization_s(realm: Env) -> None:
    ids = await two_organizations(realm, acme={"domains": [{"name": "*.Example.COM"}]})
    h = await realm.admin_headers()
    acme = (await realm.http.get(f"{ORGS}/{ids['acme']}", headers=h)).json()
    assert acme["domains"] == [{"name": "*.example.com", "verified": False, "autoRedirect": False}]
    assert await domain_resolves(realm, "u@SUB.example.Com")
    taken = "Domain *.EXAMPLE.com is already linked to another organization in realm test"
    await domain_refused(realm, "*.EXAMPLE.com", taken, ids["beta"])


async def test_the_most_specific_domain_wins_across_organizations(realm: Env) -> None:
    """resolveByDomain: ``*.sub.example.com`` (four parts) beats ``*.example.com`` (three) for its subdomains."""
    ids = await two_organizations(realm, acme={"domains": [{"name": "*.example.com"}]})
    assert (await _domains(realm, ids["beta"], "*.sub.example.com")).status_code == 204
    for email in ("u@x.sub.example.com", "u@sub.example.com", "u@a.b.sub.example.com"):
        assert await domain_resolves(realm, email, "beta"), email
    for email in ("u@example.com", "u@other.example.com", "u@sub-example.com.example.com"):
        assert await domain_resolves(realm, email, "acme"), email


async def test_an_exact_domain_and_the_wildcard_over_it_are_two_domains(realm: Env) -> None:
    """Ownership is by name: another organization may hold ``example.com`` beside ``*.example.com``; the exact one
    takes no subdomain."""
    ids = await two_organizations(realm, acme={"domains": [{"name": "*.example.com"}]})
    assert (await _domains(realm, ids["beta"], "example.com", "beta.org")).status_code == 204
    assert await domain_resolves(realm, "u@deep.example.com", "acme")
    assert not await domain_resolves(realm, "u@deep.example.com", "beta")


@pytest.mark.parametrize(
    "email",
    [
        "u@example.com.evil.com",
        "u@evilexample.com",
        "u@example.co",
        "u@xample.com",
        "u@.example.com.",
        "u@example.com@evil.com",
        "u@" + LONG,
    ],
)
async def test_look_alike_e_mail_domains_match_no_wildcard(realm: Env, email: str) -> None:
    await two_organizations(realm, acme={"domains": [{"name": "*.example.com"}]})
    assert not await domain_resolves(realm, email)


async def test_a_deep_subdomain_of_many_labels_matches_and_is_no_500(realm: Env) -> None:
    await two_organizations(realm, acme={"domains": [{"name": "*.example.com"}]})
    assert await domain_resolves(realm, "u@" + "a." * 1500 + "example.com")
    # isSameDomain compares the names before the wildcard rule: the pattern typed as a domain is the pattern
    assert await domain_resolves(realm, "u@*.example.com")


async def test_two_organizations_claiming_one_wildcard_at_once_leave_one_owner(realm: Env) -> None:
    """Two updates at once give ``*.race.example`` to two organizations: one is kept, the other is refused with
    Keycloak's 400 (never a 500 from the unique constraint), and the wildcard resolves to the one that has it."""
    ids = await two_organizations(realm)
    first, second = await asyncio.gather(*(_domains(realm, ids[a], "*.race.example", f"{a}.org") for a in ids))
    assert sorted([first.status_code, second.status_code]) == [204, 400]
    refused = second if second.status_code == 400 else first
    assert refused.json()["errorMessage"].startswith("Domain *.race.example is already linked to another organization")
    winner = "acme" if first.status_code == 204 else "beta"
    assert await domain_resolves(realm, "u@a.race.example", winner)
