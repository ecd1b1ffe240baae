"""Organization domains with a wildcard (Keycloak 26.6's Organizations.validateDomain, isSameDomain,
getMatchingDomain and resolveByDomain), without HTTP or SQL.

A domain is either exact (``example.com``) or a wildcard ``*.example.com``, which matches ``example.com`` itself and
every subdomain at any depth. Matching ignores case. Where several domains match, the one with the most parts (dots
plus one, the ``*`` counted as a part) is the most specific and wins; on a tie Doorkeep prefers an exact domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from doorkeep.users.profile import valid_email

if TYPE_CHECKING:
    from doorkeep.organizations.model import Organization

WILDCARD = "*."
MIN_PARTS = 2
MAX_PARTS = 10


def parts(name: str | None) -> int:
    """Organizations.getDomainPartsSize: dots plus one; 0 for a blank name."""
    if name is None or not name.strip():
        return 0
    return name.count(".") + 1


def invalid(raw: str) -> str | None:
    """Organizations.validateDomain: Keycloak's message for a domain it refuses, None for a valid one."""
    domain = raw
    if WILDCARD in raw:
        if len(raw) == len(WILDCARD):
            return f"Wildcard domain must specify a base domain: {raw}"
        if not raw.startswith(WILDCARD):
            return "Wildcard domain must start with the wildcard"
        domain = raw[len(WILDCARD) :]
        if "*" in domain:
            return f"Multiple wildcards are not allowed: {raw}"
        if parts(domain) < MIN_PARTS:
            return f"Domain must have at least {MIN_PARTS} parts (e.g. 'example.com'): {domain}"
        if parts(domain) > MAX_PARTS:
            return f"Domain has too many parts (max {MAX_PARTS} allowed): {domain}"
    if not domain.strip() or not valid_email("user@" + domain):
        return f"Invalid domain format: {raw}"
    return None


def is_same_domain(domain: str | None, pattern: str | None) -> bool:
    """Organizations.isSameDomain: ``domain`` (an e-mail's) is the pattern, or under its wildcard's base domain."""
    if domain is None or pattern is None:
        return False
    typed, wanted = domain.lower(), pattern.lower()
    if typed == wanted:
        return True
    if wanted.startswith(WILDCARD):
        base = wanted[len(WILDCARD) :]
        return typed == base or typed.endswith("." + base)
    return False


def _specificity(pattern: str) -> tuple[int, bool]:
    return parts(pattern), not pattern.startswith(WILDCARD)


def most_specific(domain: str | None, patterns: Iterable[str]) -> str | None:
    """Organizations.getMatchingDomain: of the patterns ``domain`` matches, the one with the most parts."""
    found = [p for p in patterns if is_same_domain(domain, p)]
    return max(found, key=_specificity) if found else None


def candidates(domain: str) -> list[str]:
    """The stored names that could match ``domain``: itself, and ``*.`` before it and before each parent with at least
    two parts (a wildcard's base domain has at most ten, so longer parents are left out)."""
    labels = domain.lower().split(".")
    found = [domain.lower()]
    for start in range(len(labels) - 1):
        parent = labels[start:]
        if len(parent) <= MAX_PARTS:
            found.append(WILDCARD + ".".join(parent))
    return found


def best_owner(domain: str, owners: dict[str, list[str]]) -> str | None:
    """Of stored domain names and the ids of the organizations claiming each (``owners``, looked up by
    ``candidates``), the id of the organization whose name matches ``domain`` most specifically
    (JpaOrganizationProvider.getByDomainName). Keycloak 26.8 lets several organizations claim one domain; where the
    most specific name has more than one claimant, the domain names no organization (Doorkeep does not pick one of
    them: nothing about the user may be inferred from a domain another organization claims too)."""
    best = most_specific(domain, owners)
    claimants = owners[best] if best is not None else []
    return claimants[0] if len(claimants) == 1 else None


def by_domain(organizations: Sequence[Organization], domain: str | None) -> Organization | None:
    """Organizations.resolveByDomain: the organization whose best matching domain is the most specific."""
    best: tuple[tuple[int, bool], Organization] | None = None
    for org in organizations:
        match = most_specific(domain, (d.name for d in org.domains))
        if match is None:
            continue
        if best is None or _specificity(match) > best[0]:
            best = (_specificity(match), org)
    return best[1] if best else None
