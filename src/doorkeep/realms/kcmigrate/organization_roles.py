"""Keycloak's organization roles (main after 26.8.0) as a realm file holds them (exportimport/organization_roles.py).

How Keycloak stores them (JpaUpdate26_8_0_OrganizationRoles, the Liquibase task that brings a database to them): an
organization role is a ``KEYCLOAK_ROLE`` row with ``TYPE`` ``'ORGANIZATION'`` and ``ORG_ID`` its organization
(``CLIENT_ROLE`` false, ``REALM_ID`` the realm, ``CLIENT_REALM_CONSTRAINT`` the organization's id); the task sets every
other row's ``TYPE`` to ``'REALM'`` or ``'CLIENT'``. ``ORG.DEFAULT_ROLE_ID`` names the organization's default role,
which ``GROUP_ROLE_MAPPING`` maps on the organization's internal group (``ORG.GROUP_ID``); Doorkeep grants it through
membership, so that mapping is not carried. The stored source does not show the role entity's mapping of ``TYPE`` and
``ORG_ID`` of that version nor the changeset adding them: the rows are read as the task writes them. Nor does it show
where composites, attributes and mappings of organization roles go: they are read from ``COMPOSITE_ROLE``,
``ROLE_ATTRIBUTE``, ``USER_ROLE_MAPPING`` (members' direct mappings) and ``GROUP_ROLE_MAPPING`` (organization groups'
mappings), as for every other role.

Each organization gets ``roles`` (its default role among them, Keycloak's name kept) and ``defaultRole``; each member
``organizationRoles``; each of its groups ``realmRoles``, ``clientRoles`` and ``organizationRoles``. What the import
would refuse is left out with a line in the report rather than failing the realm: a composite or group mapping that
is (or nests) an admin role, an organization composite of another organization or the default role, a mapping of
someone who is not a member.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from doorkeep.admin.permissions import RoleFacts, is_admin_role
from doorkeep.organizations.group_roles import ADMIN_REFUSED
from doorkeep.organizations.roles import DEFAULT_NOT_NESTED, MEMBERS_ONLY, NO_ADMIN_COMPOSITES
from doorkeep.realms.kcmigrate.groups import role_names
from doorkeep.realms.kcmigrate.report import Report

Rows = list[dict[str, Any]]
ById = dict[str, dict[str, Any]]
ORGANIZATION = "ORGANIZATION"  # RoleModel.Type.ORGANIZATION, KEYCLOAK_ROLE.TYPE


def is_organization_role(row: dict[str, Any]) -> bool:
    """A ``KEYCLOAK_ROLE`` row of an organization (``TYPE`` ORGANIZATION, or an ``ORG_ID``)."""
    return str(row.get("type") or "").upper() == ORGANIZATION or bool(row.get("org_id"))


def split(roles: ById) -> tuple[ById, ById]:
    """(realm and client roles, organization roles), each by id."""
    org = {rid: r for rid, r in roles.items() if is_organization_role(r)}
    return {rid: r for rid, r in roles.items() if rid not in org}, org


@dataclass
class Context:
    """What the organizations' roles are read from."""

    roles: ById  # realm and client roles
    org_roles: ById
    clients: ById
    in_master: bool
    report: Report
    children: dict[str, list[str]] = field(default_factory=dict)  # composite -> child role ids
    attributes: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def of(cls, t: dict[str, Rows], roles: ById, org_roles: ById, clients: ById, realm: str, report: Report) -> Context:
        ctx = cls(roles, org_roles, clients, realm == "master", report)
        for c in t.get("composite_role", []):
            ctx.children.setdefault(c["composite"], []).append(c["child_role"])
        for a in t.get("role_attribute", []):
            if a["role_id"] in org_roles:
                ctx.attributes.setdefault(a["role_id"], {}).setdefault(a["name"], []).append(a["value"] or "")
        return ctx

    def holds_admin_role(self, role_id: str) -> bool:
        """AdminRoles.isAdminRoleOrComposite over the rows: the role, or one it nests, an admin role."""
        seen: set[str] = set()
        todo = [role_id]
        while todo:
            rid = todo.pop()
            if rid in seen or rid not in self.roles:
                continue
            seen.add(rid)
            if is_admin_role(self._facts(self.roles[rid])):
                return True
            todo += self.children.get(rid, [])
        return False

    def _facts(self, r: dict[str, Any]) -> RoleFacts:
        client = self.clients.get(r["client"]) if r.get("client_role") else None
        return RoleFacts(r["id"], r["name"], "", self.in_master, client["client_id"] if client else None)


def _of(ctx: Context, org: dict[str, Any]) -> list[dict[str, Any]]:
    return sorted((r for r in ctx.org_roles.values() if r.get("org_id") == org["id"]), key=lambda r: r["name"])


def roles_of(ctx: Context, org: dict[str, Any]) -> dict[str, Any]:
    """The organization's ``roles`` and ``defaultRole``."""
    own = _of(ctx, org)
    reps = [_role(ctx, org, r) for r in own]
    out: dict[str, Any] = {"roles": reps} if reps else {}
    default = next((rep for rep, r in zip(reps, own, strict=True) if r["id"] == org.get("default_role_id")), None)
    if default is not None:
        out["defaultRole"] = default
    return out


def _role(ctx: Context, org: dict[str, Any], r: dict[str, Any]) -> dict[str, Any]:
    rep: dict[str, Any] = {"id": r["id"], "name": r["name"]}
    if r.get("description"):
        rep["description"] = r["description"]
    rep["attributes"] = dict(sorted(ctx.attributes.get(r["id"], {}).items()))
    what = f"organization '{org['alias']}' role '{r['name']}' composite"
    kept, nested = [], []
    for child in sorted(set(ctx.children.get(r["id"], []))):
        if child in ctx.org_roles:
            found = ctx.org_roles[child]
            if found.get("org_id") != org["id"] or child == org.get("default_role_id"):
                why = DEFAULT_NOT_NESTED if found.get("org_id") == org["id"] else "a role of another organization"
                ctx.report.cannot(f"{what} '{found['name']}'", why)
            else:
                nested.append(found["name"])
        elif child in ctx.roles:
            if ctx.holds_admin_role(child):
                ctx.report.cannot(f"{what} '{ctx.roles[child]['name']}'", NO_ADMIN_COMPOSITES)
            else:
                kept.append(child)
    realm_names, client_names = role_names(kept, ctx.roles, ctx.clients)
    composites = {"organization": sorted(nested), "realm": realm_names, "client": client_names}
    if any(composites.values()):
        rep["composites"] = {k: v for k, v in composites.items() if v}
    return rep


def member_roles(ctx: Context, org: dict[str, Any], t: dict[str, Rows], members: set[str]) -> dict[str, list[str]]:
    """Each member's directly mapped roles of the organization (not its default role), by user id; a mapping of
    someone who is not a member is reported."""
    out: dict[str, list[str]] = defaultdict(list)
    for m in t.get("user_role_mapping", []):
        role = ctx.org_roles.get(m["role_id"])
        if role is None or role.get("org_id") != org["id"] or m["role_id"] == org.get("default_role_id"):
            continue
        if m["user_id"] in members:
            out[m["user_id"]].append(role["name"])
        else:
            ctx.report.cannot(f"organization '{org['alias']}' role '{role['name']}' of a user", MEMBERS_ONLY)
    return {uid: sorted(names) for uid, names in out.items()}


def group_roles(ctx: Context, org: dict[str, Any], t: dict[str, Rows], paths: dict[str, str]) -> dict[str, Any]:
    """Each of the organization's groups' role mappings, by group id (an admin role refused and reported)."""
    out: dict[str, dict[str, Any]] = {}
    mapped: dict[str, list[str]] = defaultdict(list)
    for m in t.get("group_role_mapping", []):
        if m["group_id"] in paths:
            mapped[m["group_id"]].append(m["role_id"])
    for gid, ids in mapped.items():
        names, kept = [], []
        for rid in sorted(set(ids)):
            role = ctx.org_roles.get(rid)
            if role is not None:
                if role.get("org_id") != org["id"]:
                    what = f"organization '{org['alias']}' group '{paths[gid]}' role '{role['name']}'"
                    ctx.report.cannot(what, "a role of another organization")
                elif rid != org.get("default_role_id"):  # the default role: membership grants it
                    names.append(role["name"])
            elif rid in ctx.roles and ctx.holds_admin_role(rid):
                what = f"organization '{org['alias']}' group '{paths[gid]}' role '{ctx.roles[rid]['name']}'"
                ctx.report.cannot(what, ADMIN_REFUSED.message)
            else:
                kept.append(rid)
        realm_names, client_names = role_names(kept, ctx.roles, ctx.clients)
        found = {"realmRoles": realm_names, "clientRoles": client_names, "organizationRoles": sorted(names)}
        out[gid] = {k: v for k, v in found.items() if v}
    return out


def report_elsewhere(ctx: Context, t: dict[str, Rows]) -> None:
    """Organization roles where Doorkeep keeps none (a realm or client role's composite, a realm group's mapping, a
    client's or client scope's scope mapping): left out, reported."""
    found = [("a realm or client role's composite", c["child_role"]) for c in t.get("composite_role", [])]
    found = [(what, rid) for what, rid in found if rid in ctx.org_roles]
    plain = {g["id"] for g in t.get("keycloak_group", []) if not g.get("type")}
    found += [
        ("a realm group's mapping", m["role_id"]) for m in t.get("group_role_mapping", []) if m["group_id"] in plain
    ]
    for table in ("scope_mapping", "client_scope_role_mapping"):
        found += [("a scope mapping", m["role_id"]) for m in t.get(table, [])]
    named = {(what, ctx.org_roles[rid]["name"]) for what, rid in found if rid in ctx.org_roles}
    for what, name in sorted(named):
        ctx.report.cannot(f"organization role '{name}' as {what}", "organization roles are not realm roles")
