"""The groups of a realm file: ``groups`` (a tree through ``subGroups``), ``defaultGroups`` and each
user's ``groups``, all naming groups by path (``/parent/child``), as Keycloak exports them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from doorkeep.admin.group_mapper_json import group_attributes
from doorkeep.realms.exportimport.plan import GroupPlan, RoleRef, as_list, at, fail, obj, opt_str, req_str

Refs = Callable[[Any, str, Any, str], list[RoleRef]]


def parse_groups(rep: dict[str, Any], base: str, refs: Refs) -> list[GroupPlan]:
    """Every group of the file, parents first; ``refs`` reads (and registers for checking) role names."""
    out: list[GroupPlan] = []
    _level(rep.get("groups"), at(base, "groups"), None, refs, out)
    return out


def _level(value: Any, where: str, parent: str | None, refs: Refs, out: list[GroupPlan]) -> None:
    if value is None:
        return
    names: set[str] = set()
    for i, item in enumerate(as_list(value, where)):
        gw = f"{where}[{i}]"
        g = obj(item, gw)
        name = req_str(g, "name", gw)
        if "/" in name or len(name) > 255:
            fail(at(gw, "name"), "a group name has at most 255 characters and no '/'")
        if name in names:
            fail(at(gw, "name"), f"duplicate group '{name}'")
        names.add(name)
        path = f"{parent or ''}/{name}"
        roles = refs(g.get("realmRoles"), at(gw, "realmRoles"), g.get("clientRoles"), at(gw, "clientRoles"))
        out.append(
            GroupPlan(
                id=opt_str(g, "id", gw) or "",
                name=name,
                path=path,
                parent_path=parent,
                description=opt_str(g, "description", gw),
                attributes=group_attributes(g.get("attributes"), at(gw, "attributes")),
                roles=roles,
            )
        )
        _level(g.get("subGroups"), at(gw, "subGroups"), path, refs, out)


def check_group_paths(
    groups: list[GroupPlan], defaults: list[str], defaults_where: str, members: list[tuple[list[str], str]]
) -> None:
    """Every path named by ``defaultGroups`` and users' ``groups`` is a group of the file."""
    paths = {g.path for g in groups}
    for i, path in enumerate(defaults):
        if _norm(path) not in paths:
            fail(f"{defaults_where}[{i}]", f"no group '{path}'")
    for listed, where in members:
        for i, path in enumerate(listed):
            if _norm(path) not in paths:
                fail(f"{where}[{i}]", f"no group '{path}'")


def _norm(path: str) -> str:
    """Keycloak accepts a path without its leading slash."""
    return path if path.startswith("/") else "/" + path
