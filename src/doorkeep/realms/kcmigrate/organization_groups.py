"""Keycloak 26.6's organization groups as a realm file holds them (realms/exportimport/organization_groups.py).

They are ``KEYCLOAK_GROUP`` rows of type 1 below an organization's internal group (``ORG.GROUP_ID``), with their
``GROUP_ATTRIBUTE`` rows; ``USER_GROUP_MEMBERSHIP`` says who is in them (groups.user_groups). Each organization's
tree becomes its ``groups`` and each member's ``groups`` the paths (from the organization's top level) of those
they are in.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Rows = list[dict[str, Any]]


def trees(
    t: dict[str, Rows], roles: dict[str, dict[str, Any]] | None = None
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, str]]]:
    """Per organization's internal group id: its groups tree (each group with its ``roles``, by group id:
    organization_roles.group_roles), and its groups' paths by id."""
    own = {o["group_id"] for o in t["org"]}
    children: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for g in sorted(t["keycloak_group"], key=lambda g: g.get("name") or ""):
        if g.get("type") and g["id"] not in own and g.get("parent_group"):
            children[g["parent_group"]].append(g)
    attrs: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for a in t["group_attribute"]:
        attrs[a["group_id"]][a["name"]].append(a["value"] or "")
    paths: dict[str, dict[str, str]] = {o: {} for o in own}

    def level(parent: str, prefix: str, org_group: str, seen: frozenset[str]) -> list[dict[str, Any]]:
        out = []
        for g in children.get(parent, []):
            if g["id"] in seen:  # a loop through PARENT_GROUP: not followed again
                continue
            path = f"{prefix}/{g['name']}"
            paths[org_group][g["id"]] = path
            item: dict[str, Any] = {"name": g["name"], "path": path}
            if g.get("description"):
                item["description"] = g["description"]
            item["attributes"] = {k: v for k, v in sorted(attrs.get(g["id"], {}).items())}
            item |= (roles or {}).get(g["id"], {})
            item["subGroups"] = level(g["id"], path, org_group, seen | {g["id"]})
            out.append(item)
        return out

    return {o: level(o, "", o, frozenset({o})) for o in own}, paths
