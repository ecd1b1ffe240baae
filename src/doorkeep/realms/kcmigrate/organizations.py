"""Keycloak's organizations (25+) as the realm-export JSON holds them (``organizations``).

``ORG`` and ``ORG_DOMAIN`` give each organization and its domains (before Keycloak 26.8; 26.8's realm-level
``DOMAIN`` rows and their claims: organization_domains.py); its attributes and members live on its
internal group (``ORG.GROUP_ID``, a ``KEYCLOAK_GROUP`` of type 1: ``GROUP_ATTRIBUTE`` and
``USER_GROUP_MEMBERSHIP`` with ``MEMBERSHIP_TYPE``, 26+); its identity providers are the carried ones linked to it:
Keycloak 26.8's ``ORG_IDENTITY_PROVIDER`` rows (``ORGANIZATION_ID``, ``IDENTITY_PROVIDER_ID`` the provider's internal
id, ``AUTO_MEMBERSHIP``, ``MEMBERSHIP_TYPE``: a provider links several organizations, each link with its settings),
or before 26.8 the one ``IDENTITY_PROVIDER.ORGANIZATION_ID`` names (a link with auto-membership, MANAGED, as that
provider's first broker login made members then, and as migration 0052 keeps a Doorkeep provider of that time). Each
is listed with its link (``organizationLinks``), which the import sets. The import path then checks them as it
checks a realm file.
Groups below an organization's group (Keycloak 26.6's organization groups) are carried as its ``groups`` and
its members' ``groups`` (organization_groups.py); other type-1 groups are reported. Keycloak 26.4's stored
invitations (``ORG_INVITATION``) are carried as they are (not part of a realm file, they are written after the
import).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from doorkeep.organizations.idp_links import LINKS
from doorkeep.organizations.model import MANAGED, UNMANAGED, Invitation
from doorkeep.realms.kcmigrate import organization_groups
from doorkeep.realms.kcmigrate import organization_roles as org_roles
from doorkeep.realms.kcmigrate.groups import user_groups
from doorkeep.realms.kcmigrate.organization_domains import is_claim
from doorkeep.realms.kcmigrate.organization_roles import Context
from doorkeep.realms.kcmigrate.report import Report

Rows = list[dict[str, Any]]


def organizations(
    t: dict[str, Rows], usernames: dict[str, str], carried: set[str], roles: Context | None = None
) -> list[dict[str, Any]]:
    """``organizations`` as ExportUtils writes them, members by username, providers by alias, with their roles
    (organization_roles.py; none without ``roles``)."""
    roles = roles or Context({}, {}, {}, False, Report(""))
    domains: dict[str, Rows] = defaultdict(list)
    for d in t["org_domain"]:
        if not is_claim(d):  # 26.8's claims of DOMAIN rows come after the import (organization_domains.py)
            domains[d["org_id"]].append(d)
    attrs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in t["group_attribute"]:
        attrs[a["group_id"]][a["name"]].append(a["value"] or "")
    members: dict[str, Rows] = defaultdict(list)
    for m in t["user_group_membership"]:
        if m["user_id"] in usernames:
            members[m["group_id"]].append(m)
    providers = _links(t, carried)
    group_paths = organization_groups.trees(t)[1]
    by_group: dict[str, dict[str, Any]] = {}
    for org in t["org"]:
        by_group |= org_roles.group_roles(roles, org, t, group_paths.get(org["group_id"], {}))
    trees = organization_groups.trees(t, by_group)[0]
    out = []
    for org in sorted(t["org"], key=lambda o: o["name"]):
        rep: dict[str, Any] = {"id": org["id"], "name": org["name"], "alias": org.get("alias") or org["name"]}
        rep["enabled"] = bool(org["enabled"])
        for column, field in (("description", "description"), ("redirect_url", "redirectUrl")):
            if org.get(column):
                rep[field] = org[column]
        rep["attributes"] = {name: values for name, values in sorted(attrs.get(org["group_id"], {}).items())}
        rep["domains"] = [
            {"name": d["name"], "verified": bool(d["verified"])}
            for d in sorted(domains.get(org["id"], []), key=lambda d: d["name"])
        ]
        if tree := trees.get(org["group_id"]):
            rep["groups"] = tree
        rep |= org_roles.roles_of(roles, org)
        in_groups = user_groups(t, group_paths.get(org["group_id"], {}))
        listed = sorted(members.get(org["group_id"], []), key=lambda m: usernames[m["user_id"]])
        mapped = org_roles.member_roles(roles, org, t, {m["user_id"] for m in listed})
        if listed:
            rep["members"] = [_member(m, usernames, in_groups, mapped) for m in listed]
        if linked := sorted(providers.get(org["id"], {}).items()):
            rep["identityProviders"] = [{"alias": alias, LINKS: [link]} for alias, link in linked]
        out.append(rep)
    return out


def _links(t: dict[str, Rows], carried: set[str]) -> dict[str, dict[str, dict[str, Any]]]:
    """The carried providers' links by organization id, then alias: ORG_IDENTITY_PROVIDER's rows (26.8), else the
    provider's ORGANIZATION_ID (before 26.8: auto-membership, MANAGED)."""
    alias_of = {p["internal_id"]: p["provider_alias"] for p in t["identity_provider"] if p.get("internal_id")}
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for p in t["identity_provider"]:
        if p.get("organization_id") and p["provider_alias"] in carried:
            out[p["organization_id"]][p["provider_alias"]] = _link(p["organization_id"], True, MANAGED)
    for row in t.get("org_identity_provider", []):
        alias = alias_of.get(row.get("identity_provider_id"))
        if alias in carried and row.get("organization_id"):
            kind = MANAGED if str(row.get("membership_type") or "").upper() == MANAGED else UNMANAGED
            auto = row.get("auto_membership")
            out[row["organization_id"]][str(alias)] = _link(row["organization_id"], auto is None or bool(auto), kind)
    return out


def _link(org_id: str, auto: bool, kind: str) -> dict[str, Any]:
    return {"organizationId": org_id, "autoMembership": auto, "membershipType": kind}


def _member(
    m: dict[str, Any], usernames: dict[str, str], in_groups: dict[str, list[str]], mapped: dict[str, list[str]]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "username": usernames[m["user_id"]],
        "membershipType": m.get("membership_type") or "UNMANAGED",
    }
    if paths := in_groups.get(m["user_id"]):
        out["groups"] = paths
    if names := mapped.get(m["user_id"]):
        out["organizationRoles"] = names
    return out


def enabled(t: dict[str, Rows]) -> bool:
    """The realm's ``organizationsEnabled`` (a REALM_ATTRIBUTE)."""
    return any(a["name"] == "organizationsEnabled" and a["value"] == "true" for a in t["realm_attribute"])


def report_groups(t: dict[str, Rows], carried_groups: int, report: Report) -> None:
    """Type-1 groups that are neither an organization's own group nor below one: not carried."""
    own = {o["group_id"] for o in t["org"]}
    below = sum(len(p) for p in organization_groups.trees(t)[1].values())
    left = len(t["keycloak_group"]) - carried_groups - below - sum(1 for g in t["keycloak_group"] if g["id"] in own)
    if left > 0:
        report.cannot(f"{left} organization groups", "they belong to no organization")


def _epoch(value: Any) -> int:
    """An ORG_INVITATION time: epoch seconds (26.4), or a timestamp as a pre-release schema kept it."""
    return int(value.timestamp()) if isinstance(value, datetime) else int(value or 0)


# ORG_INVITATION's columns as Keycloak's changelog makes them (and Doorkeep's table keeps them): the most each holds.
_WIDTHS = {"id": 36, "email": 255, "first_name": 255, "last_name": 255, "invite_link": 2048}
_REQUIRED = ("id", "email")
_LATEST = 2**53  # epoch seconds beyond any real date (and what a BIGINT and a JSON number both hold)


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    """The row, or a ValueError naming the invitation and the column (never its link, which carries a token): a
    row no Keycloak writes (a value too long, a NUL byte, a missing or non-text value, a time that is no number)
    stops the migration before anything is written."""
    ident = row.get("id")
    name = f"organization invitation {str(ident)[:36]!r}"
    for column, width in _WIDTHS.items():
        value = row.get(column)
        if value is None and column not in _REQUIRED:
            continue
        if not isinstance(value, str) or not value or len(value) > width or "\x00" in value:
            raise ValueError(f"{name}: {column} is not text of 1 to {width} characters without NUL")
    for column in ("created_at", "expires_at"):
        try:
            seconds = _epoch(row.get(column))
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{name}: {column} is not a time") from None
        if not 0 <= seconds <= _LATEST:
            raise ValueError(f"{name}: {column} is not a time")
    return row


def invitations(t: dict[str, Rows]) -> list[Invitation]:
    """The realm's stored invitations, their organization named by Keycloak's id (``realm_id`` left empty)."""
    rows = [_checked(i) for i in t.get("org_invitation", [])]
    return [
        Invitation(
            i["id"],
            i["organization_id"],
            "",
            i["email"],
            i.get("first_name"),
            i.get("last_name"),
            _epoch(i.get("created_at")),
            _epoch(i.get("expires_at")),
            i.get("invite_link"),
        )
        for i in sorted(rows, key=lambda i: i["id"])
    ]
