"""The organization step's pure rules (oauth/login_organization.py, realms/flow_plan.py): where the step runs,
the e-mail's domain, and which provider an address may be sent to."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import Realm
from doorkeep.oauth.login_organization import domain_broker
from doorkeep.organizations.member_email import review_errors
from doorkeep.organizations.model import Domain, Organization, email_domain
from doorkeep.realms import flow_plan as fp
from doorkeep.realms.flow_model import built_in

REALM = Realm(id="r1", name="test")
ORG = Organization("o1", "r1", "Acme", "acme", domains=(Domain("acme.org"),))


def _provider(alias: str, domain: str, org: str = "o1", redirect: str = "true", **rep: Any) -> dict[str, Any]:
    config = {"kc.org.domain": domain, "kc.org.broker.redirect.mode.email-matches": redirect}
    return {
        "alias": alias,
        "internalId": alias,
        "providerId": "oidc",
        "enabled": True,
        "organizationId": org,
        "config": config,
        **rep,
    }


def _realm(*providers: dict[str, Any]) -> Realm:
    return Realm(id="r1", name="test", organizations_enabled=True, identity_providers=tuple(providers))


def test_keycloaks_default_browser_flow_reaches_the_organization_step() -> None:
    flows = built_in(REALM)
    browser = flows.by_alias("browser")
    assert browser is not None and fp.browser(flows, browser).organization


@pytest.mark.parametrize(
    ("typed", "domain"),
    [("a@acme.org", "acme.org"), ("a@b@acme.org", "b@acme.org"), ("acme.org", None), ("@acme.org", "acme.org")],
)
def test_the_domain_is_what_follows_the_first_at(typed: str, domain: str | None) -> None:
    assert email_domain(typed) == domain


def test_the_exact_domain_wins_then_any_for_the_organization_s_own_domains() -> None:
    realm = _realm(_provider("any", "ANY"), _provider("exact", "acme.org"))
    assert domain_broker(realm, ORG, "ACME.org") == "exact"
    assert domain_broker(_realm(_provider("any", "ANY")), ORG, "acme.org") == "any"
    assert domain_broker(_realm(_provider("any", "ANY")), ORG, "evil-acme.org") is None


def test_any_takes_the_organization_s_domain_in_any_case_but_nothing_around_it() -> None:
    """An address's domain is matched without case everywhere (the exact binding did so; ANY did not)."""
    realm = _realm(_provider("any", "ANY"))
    assert domain_broker(realm, ORG, "ACME.ORG") == "any"
    for hostile in ("acme.org.", " acme.org", "acme.org\x00", "sub.acme.org", "acme.org@evil.com"):
        assert domain_broker(realm, ORG, hostile) is None, hostile
    assert ORG.owns("Acme.Org") and not ORG.owns(None) and not ORG.owns("")


@pytest.mark.parametrize(
    "provider",
    [
        _provider("kc", "acme.org", redirect="false"),
        _provider("kc", "acme.org", enabled=False),
        _provider("kc", "acme.org", linkOnly=True),
        _provider("kc", "acme.org", org="o2"),
        _provider("kc", "acme.org.evil.com"),
    ],
)
def test_no_provider_the_rules_do_not_allow(provider: dict[str, Any]) -> None:
    assert domain_broker(_realm(provider), ORG, "acme.org") is None


def test_the_review_holds_the_address_to_the_provider_s_domain() -> None:
    realm = _realm(_provider("kc", "acme.org"))
    assert review_errors(realm, "kc", "a@ACME.ORG") == []
    assert [e["field"] for e in review_errors(realm, "kc", "a@evil-acme.org")] == ["email"]
    assert review_errors(_realm(_provider("kc", "ANY")), "kc", "a@evil.org") == []


@pytest.mark.parametrize("order", [1, -1])
def test_the_most_specific_binding_wins_whatever_the_providers_order(order: int) -> None:
    """OrganizationSharedIdpBrokerTest#testWildcardDomainWithSpecificOverride, 26.x's bindings: ``hr.acme.com``
    before ``*.acme.com``, ``*.hr.acme.com`` before ``*.acme.com`` (most parts first, Organizations.getMatchingDomain's
    rule); a disabled specific one yields to the wildcard."""
    providers = [_provider("x", "*.acme.com"), _provider("y", "hr.acme.com")][::order]
    realm = _realm(*providers)
    assert domain_broker(realm, ORG, "hr.acme.com") == "y"
    assert domain_broker(realm, ORG, "sales.acme.com") == "x"
    deeper = _realm(*[_provider("x", "*.acme.com"), _provider("z", "*.hr.acme.com")][::order])
    assert domain_broker(deeper, ORG, "a.hr.acme.com") == "z"
    off = _realm(_provider("x", "*.acme.com"), _provider("y", "hr.acme.com", enabled=False))
    assert domain_broker(off, ORG, "HR.acme.com") == "x"


def test_a_redirector_after_the_organization_step_is_where_a_passed_on_login_goes() -> None:
    """OrganizationLoginHintFallthroughTest's flow as flow_plan reads it: Keycloak's built-in browser flow has its
    redirector before the Organization sub-flow, which is no fall-through."""
    flows = built_in(REALM)
    browser = flows.by_alias("browser")
    assert browser is not None and fp.browser(flows, browser).organization_fallthrough is None
