"""organizations/domains.py: Keycloak 26.6's wildcard domain rules as pure functions."""

from __future__ import annotations

from doorkeep.organizations.domains import by_domain, candidates, invalid, is_same_domain, most_specific, parts
from doorkeep.organizations.model import Domain, Organization


def _org(org_id: str, *names: str) -> Organization:
    return Organization(org_id, "r", org_id, org_id, domains=tuple(Domain(n) for n in names))


def test_parts_count_the_wildcard_and_blank_is_none() -> None:
    assert (parts("*.example.com"), parts("example.com"), parts(" "), parts(None)) == (3, 2, 0, 0)


def test_the_store_asks_for_the_domain_and_each_wildcard_above_it_in_lower_case() -> None:
    assert candidates("A.Example.COM") == ["a.example.com", "*.a.example.com", "*.example.com"]
    deep = candidates(".".join(["x"] * 40))
    assert len(deep) == 10 and all(parts(c) <= 11 for c in deep[1:])


def test_the_most_specific_match_wins_and_an_exact_one_on_a_tie() -> None:
    patterns = ["*.example.com", "*.sub.example.com", "x.sub.example.com", "*.x.sub.example.com"]
    assert most_specific("y.x.sub.example.com", patterns) == "*.x.sub.example.com"
    assert most_specific("x.sub.example.com", patterns) == "*.x.sub.example.com"
    assert most_specific("b.c.d", ["b.c.d", "*.c.d"]) == "b.c.d"
    assert most_specific("other.org", patterns) is None


def test_resolve_by_domain_picks_the_organization_of_the_most_specific_domain() -> None:
    acme, beta = _org("acme", "*.example.com"), _org("beta", "*.sub.example.com")
    assert by_domain([acme, beta], "a.sub.example.com") is beta
    assert by_domain([beta, acme], "a.example.com") is acme
    assert by_domain([beta], "a.example.com") is None
    assert by_domain([acme, beta], None) is None


def test_matching_is_by_labels_not_by_text() -> None:
    assert is_same_domain("a.example.com", "*.EXAMPLE.com")
    assert not is_same_domain("aexample.com", "*.example.com")
    assert not is_same_domain("a.example.com", "example.com")
    assert not is_same_domain(None, "*.example.com") and not is_same_domain("example.com", None)


def test_valid_domains_pass() -> None:
    assert all(invalid(d) is None for d in ("example.com", "*.example.com", "*.A.b.c.d.e.f.g.h.i.j", "EXAMPLE.COM"))
