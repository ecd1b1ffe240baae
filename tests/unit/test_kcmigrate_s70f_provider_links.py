"""Keycloak 26.8's ORG_IDENTITY_PROVIDER rows (realms.kcmigrate.organizations): a provider linked to several
organizations, each link with AUTO_MEMBERSHIP and MEMBERSHIP_TYPE, named by the provider's internal id; carried as
each organization's ``identityProviders`` with its ``organizationLinks``."""

from __future__ import annotations

from typing import Any

from doorkeep.realms.kcmigrate.organizations import organizations

NAMES = ("org", "org_domain", "group_attribute", "user_group_membership", "identity_provider", "keycloak_group")
ACME = {"id": "o1", "group_id": "g1", "name": "ACME", "alias": "acme", "enabled": True}
GLOBEX = {"id": "o2", "group_id": "g2", "name": "Globex", "alias": "globex", "enabled": True}
PROVIDERS = [  # Keycloak 26.8 dropped IDENTITY_PROVIDER.ORGANIZATION_ID
    {"internal_id": "i-corp", "provider_alias": "corp"},
    {"internal_id": "i-saml", "provider_alias": "saml-corp"},
    {"internal_id": "i-social", "provider_alias": "social"},
]


def _tables(links: list[dict[str, Any]], providers: list[dict[str, Any]] = PROVIDERS) -> dict[str, Any]:
    t: dict[str, Any] = {n: [] for n in (*NAMES, "realm_attribute")}
    t |= {"org": [ACME, GLOBEX], "identity_provider": providers, "org_identity_provider": links}
    return t


def _row(org: str, idp: str, auto: Any, kind: Any) -> dict[str, Any]:
    return {"organization_id": org, "identity_provider_id": idp, "auto_membership": auto, "membership_type": kind}


def _providers(orgs: list[dict[str, Any]]) -> dict[str, Any]:
    return {o["name"]: o.get("identityProviders") for o in orgs}


def test_a_provider_shared_by_two_organizations_keeps_each_links_settings() -> None:
    t = _tables(
        [
            _row("o1", "i-corp", True, "MANAGED"),
            _row("o2", "i-corp", False, "UNMANAGED"),
            _row("o2", "i-social", True, None),  # a NULL type is the column's default, UNMANAGED
        ]
    )
    assert _providers(organizations(t, {}, {"corp", "social"})) == {
        "ACME": [
            {
                "alias": "corp",
                "organizationLinks": [{"organizationId": "o1", "autoMembership": True, "membershipType": "MANAGED"}],
            }
        ],
        "Globex": [
            {
                "alias": "corp",
                "organizationLinks": [{"organizationId": "o2", "autoMembership": False, "membershipType": "UNMANAGED"}],
            },
            {
                "alias": "social",
                "organizationLinks": [{"organizationId": "o2", "autoMembership": True, "membershipType": "UNMANAGED"}],
            },
        ],
    }


def test_links_of_providers_not_carried_or_unknown_are_left_out() -> None:
    t = _tables([_row("o1", "i-saml", True, "UNMANAGED"), _row("o1", "i-gone", True, "UNMANAGED")])
    assert _providers(organizations(t, {}, {"corp"})) == {"ACME": None, "Globex": None}


def test_a_link_row_wins_over_the_pre_26_8_column() -> None:
    """A database mid-upgrade holding both: ORG_IDENTITY_PROVIDER's settings, not the old column's MANAGED."""
    providers = [{"internal_id": "i-corp", "provider_alias": "corp", "organization_id": "o1"}]
    t = _tables([_row("o1", "i-corp", False, "UNMANAGED")], providers)
    [acme, _] = organizations(t, {}, {"corp"})
    assert acme["identityProviders"][0]["organizationLinks"][0]["membershipType"] == "UNMANAGED"
