"""Keycloak 26.8's realm-level domains (realms.kcmigrate.organization_domains): DOMAIN rows with their routing (the
provider named by its internal id), ORG_DOMAIN rows that claim them; a domain claimed by several organizations or
by none; the pre-26.8 ORG_DOMAIN rows (a name per organization) still go into the organizations' representation."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms.kcmigrate.organization_domains import RealmDomain, realm_domains_of
from doorkeep.realms.kcmigrate.organizations import organizations

ACME = {"id": "o1", "group_id": "g1", "name": "ACME", "alias": "acme", "enabled": True}
GLOBEX = {"id": "o2", "group_id": "g2", "name": "Globex", "alias": "globex", "enabled": True}
PROVIDERS = [{"internal_id": "i-corp", "provider_alias": "corp"}, {"internal_id": "i-gone", "provider_alias": "gone"}]
NAMES = ("group_attribute", "user_group_membership", "keycloak_group", "org_identity_provider", "realm_attribute")


def _domain(ident: str, name: str, *, idp: str | None = None, auto: bool = False, verified: bool = True) -> Any:
    return {"id": ident, "name": name, "verified": verified, "realm_id": "r", "idp_id": idp, "auto_redirect": auto}


def _tables(domains: list[dict[str, Any]], claims: list[tuple[str, str]]) -> dict[str, Any]:
    t: dict[str, Any] = {n: [] for n in NAMES}
    t |= {"org": [ACME, GLOBEX], "identity_provider": PROVIDERS, "domain": domains}
    t["org_domain"] = [{"org_id": org, "domain_id": domain} for org, domain in claims]
    return t


def test_each_domain_keeps_its_flag_routing_and_claimants() -> None:
    t = _tables(
        [
            _domain("d1", "acme.com", idp="i-corp", auto=True),
            _domain("d2", "shared.com", verified=False),
            _domain("d3", "free.com", idp="i-corp"),
        ],
        [("o1", "d1"), ("o1", "d2"), ("o2", "d2")],
    )
    assert realm_domains_of(t, {"corp"}) == [
        RealmDomain("acme.com", True, "corp", True, ("o1",)),
        RealmDomain("free.com", True, "corp", False, ()),
        RealmDomain("shared.com", False, None, False, ("o1", "o2")),
    ]


def test_a_route_to_a_provider_not_carried_routes_nowhere() -> None:
    t = _tables([_domain("d1", "acme.com", idp="i-gone", auto=True), _domain("d2", "b.com", idp="i-x")], [])
    assert [(d.name, d.provider, d.auto_redirect) for d in realm_domains_of(t, {"corp"})] == [
        ("acme.com", None, True),
        ("b.com", None, False),
    ]


def test_26_8_claims_stay_out_of_the_organizations_representation() -> None:
    t = _tables([_domain("d1", "acme.com")], [("o1", "d1")])
    assert [o["domains"] for o in organizations(t, {}, set())] == [[], []]


def test_pre_26_8_rows_still_give_each_organization_its_domains() -> None:
    t = _tables([], [])
    t["org_domain"] = [{"id": "x", "name": "acme.com", "verified": True, "org_id": "o1"}]
    assert [o["domains"] for o in organizations(t, {}, set())] == [[{"name": "acme.com", "verified": True}], []]
    assert realm_domains_of(t, set()) == []


@pytest.mark.parametrize("name", ["", "not a domain", "a\x00b.com", "x" * 300 + ".com", None])
def test_a_name_keycloak_never_stores_stops_the_migration_naming_it(name: Any) -> None:
    with pytest.raises(ValueError, match="organization domain"):
        realm_domains_of(_tables([_domain("d1", name)], []), set())


def test_names_are_stored_lower_case() -> None:
    [domain] = realm_domains_of(_tables([_domain("d1", "ACME.com")], [("o1", "d1")]), set())
    assert domain.name == "acme.com" and domain.claimants == ("o1",)
