"""The roles of a realm file: ``roles.realm``, ``roles.client``, ``defaultRole`` and Keycloak < 13's
``defaultRoles``, each role with its composites (names checked at the end, ``references``)."""

from __future__ import annotations

from typing import Any

from doorkeep.model import Role
from doorkeep.realms import default_role
from doorkeep.realms.exportimport.plan import (
    RolePlan,
    RoleRef,
    as_list,
    at,
    fail,
    get_list,
    get_obj,
    is_empty,
    list_map,
    obj,
    opt_str,
    req_str,
    str_list,
)
from doorkeep.realms.exportimport.references import Collector
from doorkeep.realms.provisioning import builtin_realm_roles

# Derived fields Keycloak exports (composite, clientRole, containerId, access, ...) are read as known.
ROLE_KEYS = {"id", "name", "description", "composite", "composites", "clientRole", "containerId", "attributes"}


def default_role_name(rep: dict[str, Any], realm_name: str, where: str) -> str:
    """The imported realm's default role (RealmManager.importRealm): the one ``defaultRole`` names, under its
    name; without it ``default-roles-<realm lower-cased>``, or that with ``-1``, ``-2``, … when the file lists a
    realm role of the name (``determineDefaultRoleName``)."""
    if rep.get("defaultRole") is not None:
        return req_str(obj(rep["defaultRole"], where), "name", where)
    roles = rep.get("roles")
    listed = roles.get("realm") if isinstance(roles, dict) else None
    taken = {r.get("name") for r in listed if isinstance(r, dict)} if isinstance(listed, list) else set()
    name = base = default_role.name_for(realm_name)
    suffix = 0
    while name in taken:
        suffix += 1
        name = f"{base}-{suffix}"
    return name


class RoleSection(Collector):
    """``roles``, ``defaultRole`` and the legacy ``defaultRoles``."""

    def roles(self, rep: dict[str, Any], default_role: str) -> list[RolePlan]:
        b = self.base
        default_rep = None if rep.get("defaultRole") is None else obj(rep["defaultRole"], at(b, "defaultRole"))
        roles_rep = get_obj(rep, "roles", b)
        self.fields(roles_rep, {"realm", "client"}, "roles.")
        out: list[RolePlan] = []
        seen: set[tuple[str | None, str]] = set()

        def add(plan: RolePlan, where: str) -> None:
            if (plan.client, plan.role.name) in seen:
                fail(at(where, "name"), f"duplicate role '{plan.role.name}'")
            seen.add((plan.client, plan.role.name))
            out.append(plan)

        base = at(b, "roles")
        for i, role in enumerate(get_list(roles_rep, "realm", base)):
            add(self.role(role, f"{base}.realm[{i}]", "roles.realm[].", None), f"{base}.realm[{i}]")
        for client_id, listed in get_obj(roles_rep, "client", base).items():
            where = f"{base}.client.{client_id}"
            self.client_refs.append((client_id, where))
            for i, role in enumerate(as_list(listed, where)):
                add(self.role(role, f"{where}[{i}]", "roles.client.*[].", client_id), f"{where}[{i}]")
        if default_rep is not None and (None, default_role) not in seen:
            add(self.role(default_rep, at(b, "defaultRole"), "defaultRole.", None), at(b, "defaultRole"))
        legacy = [n.strip() for n in str_list(rep.get("defaultRoles"), at(b, "defaultRoles"))]  # Keycloak < 13
        builtin = builtin_realm_roles(str(rep.get("realm")), default_role)
        if default_rep is None:  # convertDeprecatedDefaultRoles' getOrAddRealmRole: a role it names is made
            for role_name in dict.fromkeys(n for n in legacy if (None, n) not in seen and n not in builtin):
                add(RolePlan(Role(id="", realm_id="", name=role_name), None), at(b, "defaultRoles"))
        if legacy:
            plan = next((p for p in out if p.client is None and p.role.name == default_role), None)
            if plan is None:
                plan = RolePlan(Role(id="", realm_id="", name=default_role, description="${role_default-roles}"), None)
                add(plan, at(b, "defaultRoles"))
            plan.composites += self.refs(legacy, at(b, "defaultRoles"), None, "")
        return out

    def role(self, value: Any, where: str, pattern: str, client: str | None) -> RolePlan:
        rep = obj(value, where)
        self.fields(rep, ROLE_KEYS, pattern)
        name = req_str(rep, "name", where)
        composites: list[RoleRef] = []
        if rep.get("composites") is not None:
            comp = obj(rep["composites"], at(where, "composites"))
            if not is_empty(comp.get("organization")):  # no realm or client role nests an organization role
                fail(at(where, "composites.organization"), "an organization role cannot be nested in this role")
            self.fields(comp, {"realm", "client"}, pattern + "composites.")
            cw = at(where, "composites")
            composites = self.refs(comp.get("realm"), at(cw, "realm"), comp.get("client"), at(cw, "client"))
        role = Role(
            id=opt_str(rep, "id", where) or "",
            realm_id="",
            name=name,
            description=opt_str(rep, "description", where),
            attributes=list_map(rep.get("attributes"), at(where, "attributes")),
        )
        return RolePlan(role, client, composites)
