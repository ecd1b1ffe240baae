"""Keycloak's organization roles (main after 26.8.0: KEYCLOAK_ROLE rows of TYPE ORGANIZATION with ORG_ID,
ORG.DEFAULT_ROLE_ID) as realm-file JSON (realms.kcmigrate.organization_roles): what the realm-file import would refuse
is left out with a report line instead of failing the whole realm."""

from __future__ import annotations

from typing import Any

from doorkeep.realms.kcmigrate.organization_roles import Context, report_elsewhere, split
from doorkeep.realms.kcmigrate.organizations import organizations
from doorkeep.realms.kcmigrate.report import Report

ACME = {"id": "o1", "group_id": "g1", "name": "ACME", "alias": "acme", "enabled": True, "default_role_id": "d1"}
GLOBEX = {"id": "o2", "group_id": "g2", "name": "Globex", "alias": "globex", "enabled": True, "default_role_id": "d2"}


def _role(rid: str, name: str, org: str | None = None, client: str | None = None) -> dict[str, Any]:
    kind = "ORGANIZATION" if org else "CLIENT" if client else "REALM"
    return {"id": rid, "name": name, "client_role": client is not None, "client": client, "type": kind, "org_id": org}


ROLES = [
    _role("d1", "default-roles-acme", "o1"),
    _role("r1", "buyer", "o1"),
    _role("r2", "viewer", "o1"),
    _role("d2", "default-roles-globex", "o2"),
    _role("x1", "partner", "o2"),
    _role("shopper", "shopper"),
    _role("boss", "boss"),  # a realm role nesting an admin role
    _role("admin", "admin"),
    _role("mu", "manage-users", client="c-rm"),
]
CLIENTS = {"c-rm": {"id": "c-rm", "client_id": "realm-management"}}


def _run(realm: str = "shop", **rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    names = ("org", "org_domain", "group_attribute", "user_group_membership", "identity_provider", "keycloak_group")
    t: dict[str, list[dict[str, Any]]] = {n: rows.get(n, []) for n in (*names, "realm_attribute")}
    t |= {n: rows.get(n, []) for n in ("composite_role", "role_attribute", "user_role_mapping", "group_role_mapping")}
    t["org"] = t["org"] or [ACME, GLOBEX]
    report = Report(realm)
    roles, org_roles = split({r["id"]: r for r in ROLES})
    context = Context.of(t, roles, org_roles, CLIENTS, realm, report)
    out = organizations(t, {"u1": "alice", "u2": "bob"}, set(), context)
    return out, [f"{what}: {why}" for what, why in report.cannot_carry]


def test_roles_default_role_attributes_and_composites() -> None:
    [acme, globex], lines = _run(
        composite_role=[
            {"composite": "r1", "child_role": "r2"},
            {"composite": "r1", "child_role": "shopper"},
            {"composite": "d1", "child_role": "r2"},
        ],
        role_attribute=[{"role_id": "r1", "name": "level", "value": "senior"}],
    )
    assert lines == []
    assert [r["name"] for r in acme["roles"]] == ["buyer", "default-roles-acme", "viewer"]
    assert acme["roles"][0] == {
        "id": "r1",
        "name": "buyer",
        "attributes": {"level": ["senior"]},
        "composites": {"organization": ["viewer"], "realm": ["shopper"]},
    }
    assert acme["defaultRole"]["name"] == "default-roles-acme"
    assert acme["defaultRole"]["composites"] == {"organization": ["viewer"]}
    assert [r["name"] for r in globex["roles"]] == ["default-roles-globex", "partner"]


def test_rows_before_organization_roles_bring_none() -> None:
    """A Keycloak 26.8.0 or older database: no TYPE, no ORG_ID, no DEFAULT_ROLE_ID (the import makes the default
    role ``default-roles-<alias>``)."""
    old = {k: v for k, v in ACME.items() if k != "default_role_id"}
    roles, org_roles = split({"shopper": {"id": "shopper", "name": "shopper", "client_role": False}})
    assert org_roles == {} and list(roles) == ["shopper"]
    [acme], _ = _run(org=[old])
    assert "defaultRole" not in acme


def test_admin_roles_are_refused_directly_and_nested() -> None:
    [acme, _], lines = _run(
        composite_role=[
            {"composite": "r1", "child_role": "mu"},
            {"composite": "boss", "child_role": "mu"},
            {"composite": "r2", "child_role": "boss"},
            {"composite": "r2", "child_role": "admin"},  # not an admin role outside master
        ],
    )
    assert "composites" not in acme["roles"][0]
    assert acme["roles"][2]["composites"] == {"realm": ["admin"]}
    refused = "Organization roles can not have admin roles as composites"
    assert lines == [
        f"organization 'acme' role 'buyer' composite 'manage-users': {refused}",
        f"organization 'acme' role 'viewer' composite 'boss': {refused}",
    ]


def test_in_master_the_admin_realm_role_is_an_admin_role() -> None:
    [acme, _], lines = _run("master", composite_role=[{"composite": "r2", "child_role": "admin"}])
    assert "composites" not in acme["roles"][2]
    assert lines == [
        "organization 'acme' role 'viewer' composite 'admin': "
        + ("Organization roles can not have admin roles as composites")
    ]


def test_the_default_role_and_another_organizations_role_are_not_nested() -> None:
    [acme, _], lines = _run(
        composite_role=[{"composite": "r1", "child_role": "d1"}, {"composite": "r1", "child_role": "x1"}],
    )
    assert "composites" not in acme["roles"][0]
    assert lines == [
        "organization 'acme' role 'buyer' composite 'default-roles-acme': "
        "The default organization role cannot be added as a composite role",
        "organization 'acme' role 'buyer' composite 'partner': a role of another organization",
    ]


def test_members_mappings_and_a_non_member_reported() -> None:
    [acme, _], lines = _run(
        user_group_membership=[{"group_id": "g1", "user_id": "u1", "membership_type": "UNMANAGED"}],
        user_role_mapping=[
            {"user_id": "u1", "role_id": "r2"},
            {"user_id": "u1", "role_id": "r1"},
            {"user_id": "u1", "role_id": "d1"},  # the default role: membership grants it
            {"user_id": "u1", "role_id": "shopper"},  # a realm role: the user's own realmRoles
            {"user_id": "u2", "role_id": "r1"},  # bob is no member
        ],
    )
    assert acme["members"] == [
        {"username": "alice", "membershipType": "UNMANAGED", "organizationRoles": ["buyer", "viewer"]}
    ]
    assert lines == [
        "organization 'acme' role 'buyer' of a user: Organization roles can only be assigned to members of the organization"
    ]


def test_organization_groups_role_mappings() -> None:
    [acme, _], lines = _run(
        keycloak_group=[
            {"id": "g1", "name": "o1", "parent_group": " ", "type": 1},
            {"id": "s1", "name": "sales", "parent_group": "g1", "type": 1},
        ],
        group_role_mapping=[
            {"group_id": "g1", "role_id": "d1"},  # the default role on the organization's own group
            {"group_id": "s1", "role_id": "r2"},
            {"group_id": "s1", "role_id": "d1"},
            {"group_id": "s1", "role_id": "x1"},  # another organization's
            {"group_id": "s1", "role_id": "shopper"},
            {"group_id": "s1", "role_id": "mu"},
        ],
    )
    [sales] = acme["groups"]
    assert (sales["realmRoles"], sales["organizationRoles"], "clientRoles" in sales) == (["shopper"], ["viewer"], False)
    assert lines == [
        "organization 'acme' group '/sales' role 'manage-users': Organization groups can not be mapped to admin roles",
        "organization 'acme' group '/sales' role 'partner': a role of another organization",
    ]


def test_organization_roles_held_where_doorkeep_keeps_none_are_reported() -> None:
    """A realm role nesting one, a realm group's mapping, a client's scope mapping: left out (Doorkeep keeps
    organization roles apart from realm roles), each named once."""
    t: dict[str, list[dict[str, Any]]] = {
        "composite_role": [{"composite": "shopper", "child_role": "r1"}, {"composite": "boss", "child_role": "r1"}],
        "keycloak_group": [{"id": "p1", "name": "staff", "parent_group": " ", "type": 0}],
        "group_role_mapping": [{"group_id": "p1", "role_id": "r2"}, {"group_id": "p1", "role_id": "shopper"}],
        "scope_mapping": [{"client_id": "c1", "role_id": "x1"}],
    }
    report = Report("shop")
    roles, org_roles = split({r["id"]: r for r in ROLES})
    report_elsewhere(Context.of(t, roles, org_roles, CLIENTS, "shop", report), t)
    why = "organization roles are not realm roles"
    assert report.cannot_carry == [
        ("organization role 'viewer' as a realm group's mapping", why),
        ("organization role 'buyer' as a realm or client role's composite", why),
        ("organization role 'partner' as a scope mapping", why),
    ]


def test_a_replaced_default_role_keeps_its_name() -> None:
    """OrganizationRoleModelTest.shouldReplaceAndRepairDefaultRoleOnTheInternalGroup: any role of the organization
    may become its default role (ORG.DEFAULT_ROLE_ID); the generated one then is a role like the others."""
    [acme, _], _ = _run(org=[ACME | {"default_role_id": "r2"}, GLOBEX])
    assert acme["defaultRole"]["name"] == "viewer"
    assert [r["name"] for r in acme["roles"]] == ["buyer", "default-roles-acme", "viewer"]
