"""Keycloak's groups, protocol mappers and scope mappings as the realm-export JSON holds them.

``KEYCLOAK_GROUP`` (the tree through ``PARENT_GROUP``, ``' '`` at the top since Keycloak 23),
``GROUP_ATTRIBUTE``, ``GROUP_ROLE_MAPPING``, ``USER_GROUP_MEMBERSHIP`` and ``REALM_DEFAULT_GROUPS``
become ``groups`` (nested ``subGroups``), users' ``groups`` (paths) and ``defaultGroups``;
``PROTOCOL_MAPPER`` (+ ``PROTOCOL_MAPPER_CONFIG``) becomes the ``protocolMappers`` of clients and
client scopes; ``SCOPE_MAPPING`` and ``CLIENT_SCOPE_ROLE_MAPPING`` become ``scopeMappings`` and
``clientScopeMappings``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Rows = list[dict[str, Any]]
ById = dict[str, dict[str, Any]]
# role ids -> (realm role names, {clientId: client role names})
Refs = Callable[[list[str]], tuple[list[str], dict[str, list[str]]]]
TOP = (" ", "", None)  # Keycloak 23+ writes ' ' for a top-level group; older rows had NULL


def group_tree(t: dict[str, Rows], refs: Refs) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """``groups`` as Keycloak exports them, and each carried group's path by id."""
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    for g in sorted(t["keycloak_group"], key=lambda g: g["name"] or ""):
        if not g.get("type"):  # TYPE 1: an organization's group (Keycloak 26), and what lies below it: organizations.py
            children[None if g["parent_group"] in TOP else g["parent_group"]].append(g)
    attrs, roles = _by(t["group_attribute"], "group_id"), _by(t["group_role_mapping"], "group_id")
    paths: dict[str, str] = {}

    def level(parent: str | None, prefix: str) -> list[dict[str, Any]]:
        out = []
        for g in children.get(parent, []):
            path = f"{prefix}/{g['name']}"
            paths[g["id"]] = path
            values: dict[str, list[str]] = defaultdict(list)
            for a in attrs.get(g["id"], []):
                values[a["name"]].append(a["value"] or "")
            realm_roles, client_roles = refs([r["role_id"] for r in roles.get(g["id"], [])])
            item: dict[str, Any] = {"id": g["id"], "name": g["name"], "path": path}
            if g.get("description"):
                item["description"] = g["description"]
            item |= {"attributes": dict(values), "realmRoles": realm_roles, "clientRoles": client_roles}
            item["subGroups"] = level(g["id"], path)
            out.append(item)
        return out

    return level(None, ""), paths


def user_groups(t: dict[str, Rows], paths: dict[str, str]) -> dict[str, list[str]]:
    """Each user's group paths (``USER_GROUP_MEMBERSHIP``), by user id."""
    out: dict[str, list[str]] = defaultdict(list)
    for m in t["user_group_membership"]:
        if m["group_id"] in paths:
            out[m["user_id"]].append(paths[m["group_id"]])
    return {uid: sorted(listed) for uid, listed in out.items()}


def default_groups(t: dict[str, Rows], paths: dict[str, str]) -> list[str]:
    return sorted(paths[d["group_id"]] for d in t["realm_default_groups"] if d["group_id"] in paths)


def mappers_of(t: dict[str, Rows], owner: str) -> dict[str, list[dict[str, Any]]]:
    """``protocolMappers`` by owner id; ``owner`` is ``client_id`` or ``client_scope_id``."""
    config = _by(t["protocol_mapper_config"], "protocol_mapper_id")
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in sorted(t["protocol_mapper"], key=lambda m: m["name"] or ""):
        if m.get(owner) is None:
            continue
        out[m[owner]].append(
            {
                "id": m["id"],
                "name": m["name"],
                "protocol": m.get("protocol") or "openid-connect",
                "protocolMapper": m["protocol_mapper_name"],
                "consentRequired": False,
                "config": {c["name"]: c["value"] for c in config.get(m["id"], []) if c["value"] is not None},
            }
        )
    return out


def scope_mappings(
    t: dict[str, Rows], refs: Refs, clients: ById, scopes: ById
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """``scopeMappings`` (realm roles) and ``clientScopeMappings`` (client roles, under the role's clientId)."""
    owners: list[tuple[str, str, list[str]]] = []
    for cid, rows in _by(t["scope_mapping"], "client_id").items():
        if cid in clients:
            owners.append(("client", clients[cid]["client_id"], [r["role_id"] for r in rows]))
    for sid, rows in _by(t["client_scope_role_mapping"], "scope_id").items():
        if sid in scopes:
            owners.append(("clientScope", scopes[sid]["name"], [r["role_id"] for r in rows]))
    realm_out: list[dict[str, Any]] = []
    client_out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, name, role_ids in sorted(owners):
        realm_roles, client_roles = refs(role_ids)
        if realm_roles:
            realm_out.append({kind: name, "roles": realm_roles})
        for role_client, names in client_roles.items():
            client_out[role_client].append({kind: name, "roles": names})
    return realm_out, dict(sorted(client_out.items()))


def role_names(
    role_ids: list[str], roles: dict[str, dict[str, Any]], clients: dict[str, dict[str, Any]]
) -> tuple[list[str], dict[str, list[str]]]:
    """Role ids as realm role names and client role names by clientId, as exports name them."""
    realm_names: list[str] = []
    client_names: dict[str, list[str]] = defaultdict(list)
    for rid in role_ids:
        role = roles.get(rid)
        if role is None:
            continue
        if role["client_role"]:
            client_names[clients[role["client"]]["client_id"]].append(role["name"])
        else:
            realm_names.append(role["name"])
    return sorted(realm_names), {k: sorted(v) for k, v in sorted(client_names.items())}


def _by(rows: Rows, key: str) -> dict[str, Rows]:
    out: dict[str, Rows] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out
