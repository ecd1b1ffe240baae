"""Keycloak's organization rows as realm-export JSON (realms.kcmigrate.organizations)."""

from __future__ import annotations

from typing import Any

from doorkeep.realms.kcmigrate.organizations import enabled, organizations, report_groups
from doorkeep.realms.kcmigrate.report import Report

USERS = {"u1": "alice", "u2": "bob"}


def _tables(**rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    names = ("org", "org_domain", "group_attribute", "user_group_membership", "identity_provider", "keycloak_group")
    return {n: rows.get(n, []) for n in (*names, "realm_attribute")}


ACME = {"id": "o1", "group_id": "g1", "name": "ACME", "alias": "acme", "enabled": True}


def test_an_organization_brings_its_domains_attributes_members_and_carried_providers() -> None:
    t = _tables(
        org=[ACME | {"description": "d", "redirect_url": "https://acme.example/"}],
        org_domain=[
            {"org_id": "o1", "name": "b.example", "verified": False},
            {"org_id": "o1", "name": "a.example", "verified": True},
        ],
        group_attribute=[
            {"group_id": "g1", "name": "tier", "value": "gold"},
            {"group_id": "g9", "name": "x", "value": None},
        ],
        user_group_membership=[
            {"group_id": "g1", "user_id": "u2", "membership_type": "MANAGED"},
            {"group_id": "g1", "user_id": "u1", "membership_type": "UNMANAGED"},
            {"group_id": "g1", "user_id": "gone", "membership_type": "UNMANAGED"},  # a user not carried
            {"group_id": "g2", "user_id": "u1", "membership_type": "UNMANAGED"},  # a plain group
        ],
        identity_provider=[
            {"provider_alias": "corp", "organization_id": "o1"},
            {"provider_alias": "saml-corp", "organization_id": "o1"},  # not carried
            {"provider_alias": "other", "organization_id": None},
        ],
    )
    assert organizations(t, USERS, {"corp", "other"}) == [
        {
            "id": "o1",
            "name": "ACME",
            "alias": "acme",
            "enabled": True,
            "description": "d",
            "redirectUrl": "https://acme.example/",
            "attributes": {"tier": ["gold"]},
            "domains": [{"name": "a.example", "verified": True}, {"name": "b.example", "verified": False}],
            "members": [
                {"username": "alice", "membershipType": "UNMANAGED"},
                {"username": "bob", "membershipType": "MANAGED"},
            ],
            "identityProviders": [  # before Keycloak 26.8: auto-membership, MANAGED (as migration 0052)
                {
                    "alias": "corp",
                    "organizationLinks": [
                        {"organizationId": "o1", "autoMembership": True, "membershipType": "MANAGED"}
                    ],
                }
            ],
        }
    ]


def test_keycloak_25_rows_have_no_alias_nor_membership_type() -> None:
    t = _tables(
        org=[{"id": "o1", "group_id": "g1", "name": "ACME", "enabled": False}],
        user_group_membership=[{"group_id": "g1", "user_id": "u1"}],
    )
    [org] = organizations(t, USERS, set())
    assert (org["alias"], org["enabled"], org["members"]) == (
        "ACME",
        False,
        [{"username": "alice", "membershipType": "UNMANAGED"}],
    )
    assert "identityProviders" not in org and "description" not in org


def test_organizations_enabled_is_the_realm_attribute() -> None:
    assert enabled(_tables(realm_attribute=[{"name": "organizationsEnabled", "value": "true"}]))
    assert not enabled(_tables(realm_attribute=[{"name": "organizationsEnabled", "value": "false"}]))
    assert not enabled(_tables())


def test_only_groups_below_an_organization_are_reported() -> None:
    groups: list[dict[str, Any]] = [
        {"id": "g0"},
        {"id": "g1", "type": 1},
        {"id": "g3", "type": 1},
        {"id": "g4", "type": 0},
    ]
    report = Report("r")
    report_groups(_tables(org=[ACME], keycloak_group=groups), 1, report)  # g0 carried, g1 acme's own
    assert report.cannot_carry == [("2 organization groups", "they belong to no organization")]
    quiet = Report("r")
    report_groups(_tables(org=[ACME], keycloak_group=groups[:2]), 1, quiet)
    assert quiet.cannot_carry == []


def test_groups_below_an_organization_become_its_groups_and_its_members_groups() -> None:
    """Keycloak 26.6's organization groups: type-1 rows below ACME's own group g1, paths from its top level; a loop
    through PARENT_GROUP is not followed; none of them is reported."""
    groups: list[dict[str, Any]] = [
        {"id": "g1", "type": 1, "name": "acme-internal", "parent_group": " "},
        {"id": "e", "type": 1, "name": "eng", "parent_group": "g1", "description": "d"},
        {"id": "b", "type": 1, "name": "backend", "parent_group": "e"},
        {"id": "x", "type": 1, "name": "loop-a", "parent_group": "y"},
        {"id": "y", "type": 1, "name": "loop-b", "parent_group": "x"},
    ]
    t = _tables(
        org=[ACME],
        keycloak_group=groups,
        group_attribute=[{"group_id": "b", "name": "k", "value": "v"}],
        user_group_membership=[
            {"group_id": "g1", "user_id": "u1", "membership_type": "UNMANAGED"},
            {"group_id": "b", "user_id": "u1"},
            {"group_id": "e", "user_id": "u1"},
        ],
    )
    [org] = organizations(t, USERS, set())
    assert org["groups"] == [
        {
            "name": "eng",
            "path": "/eng",
            "description": "d",
            "attributes": {},
            "subGroups": [{"name": "backend", "path": "/eng/backend", "attributes": {"k": ["v"]}, "subGroups": []}],
        }
    ]
    assert org["members"] == [{"username": "alice", "membershipType": "UNMANAGED", "groups": ["/eng", "/eng/backend"]}]
    report = Report("r")
    report_groups(t, 0, report)
    assert report.cannot_carry == [("2 organization groups", "they belong to no organization")]
