"""Keycloak 26.8's domain rules without HTTP: createDomain's name (validated as sent, stored trimmed and lower-cased),
the representation's routing fields, and which organization a domain several organizations claim names (none)."""

from __future__ import annotations

import pytest

from doorkeep.errors import AdminError
from doorkeep.organizations import realm_domains
from doorkeep.organizations.domains import best_owner
from doorkeep.organizations.model import Domain


def test_a_valid_name_is_stored_trimmed_and_in_lower_case() -> None:
    assert realm_domains.valid_name("Acme.ORG") == "acme.org"
    assert realm_domains.valid_name("*.Acme.org") == "*.acme.org"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (None, "Domain name cannot be empty"),
        ("  ", "Domain name cannot be empty"),
        (7, "Domain name cannot be empty"),
        ("*", "Invalid domain format: *"),
        ("a.*.org", "Wildcard domain must start with the wildcard"),
        ("acme.org.", "Invalid domain format: acme.org."),
    ],
)
def test_an_invalid_name_is_keycloaks_400(raw: object, message: str) -> None:
    with pytest.raises(AdminError) as refused:
        realm_domains.valid_name(raw)
    assert (refused.value.status, refused.value.message) == (400, message)


def test_routing_fields_are_typed_and_default_to_none() -> None:
    assert realm_domains.routed({}, "a.org") == Domain("a.org")
    rep = {"verified": True, "identityProviderAlias": "corp", "autoRedirect": True}
    assert realm_domains.routed(rep, "a.org") == Domain("a.org", True, "corp", True)
    for bad in ({"verified": "true"}, {"autoRedirect": 1}, {"identityProviderAlias": 3}):
        with pytest.raises(AdminError):
            realm_domains.routed(bad, "a.org")


def test_the_representation_leaves_a_null_alias_out() -> None:
    assert realm_domains.to_json(Domain("a.org")) == {"name": "a.org", "verified": False, "autoRedirect": False}


def test_a_domain_two_organizations_claim_names_neither() -> None:
    assert best_owner("x.acme.org", {"*.acme.org": ["a"]}) == "a"
    assert best_owner("x.acme.org", {"*.acme.org": ["a", "b"]}) is None
    assert best_owner("x.acme.org", {"*.acme.org": ["a", "b"], "x.acme.org": ["c"]}) == "c"
