"""What reading one realm representation collects, and the check at the end: the fields Doorkeep does not
model (for the warning), and every role, client and client scope the file names, each checked to exist in
the file or among Keycloak's built-ins once all of it is read.

``Collector`` is the state the section readers share (``roles``, ``clients``, ``users``); ``parse`` joins them.
"""

from __future__ import annotations

from typing import Any

from doorkeep.model import ClientScope
from doorkeep.realms import provisioning
from doorkeep.realms.exportimport.plan import (
    ClientPlan,
    RolePlan,
    RoleRef,
    at,
    builtin_client_roles,
    fail,
    is_empty,
    obj,
    str_list,
)
from doorkeep.realms.provisioning import builtin_realm_roles


class Collector:
    """What the readers of one realm representation's sections collect: unknown fields, and the roles, clients
    and client scopes named, to check at the end."""

    def __init__(self, base: str) -> None:
        self.base = base  # "" for a one-realm file, "[2]" for the third realm of a list
        self.unknown: set[str] = set()
        self.role_refs: list[RoleRef] = []
        self.scope_refs: list[tuple[str, str]] = []
        self.client_refs: list[tuple[str, str]] = []
        self.client_default_roles: list[RoleRef] = []  # the clients' deprecated ``defaultRoles``
        self.default_role: str | None = None  # the default role's name (RealmSection sets it before the roles)

    def fields(self, rep: dict[str, Any], known: set[str], pattern: str) -> None:
        self.unknown.update(pattern + key for key, value in rep.items() if key not in known and not is_empty(value))

    def refs(self, realm_names: Any, realm_where: str, client_map: Any, client_where: str) -> list[RoleRef]:
        """Role references as Keycloak writes them: realm role names, and {clientId: [names]}."""
        out: list[RoleRef] = [
            (None, n, f"{realm_where}[{i}]") for i, n in enumerate(str_list(realm_names, realm_where))
        ]
        for client_id, names in ({} if client_map is None else obj(client_map, client_where)).items():
            where = at(client_where, client_id)
            self.client_refs.append((client_id, where))
            out += [(client_id, n, f"{where}[{i}]") for i, n in enumerate(str_list(names, where))]
        self.role_refs += out
        return out

    def scope_names(self, rep: dict[str, Any], key: str, base: str) -> list[str] | None:
        if rep.get(key) is None:
            return None
        names = str_list(rep[key], at(base, key))
        self.scope_refs += [(n, f"{at(base, key)}[{i}]") for i, n in enumerate(names)]
        return names

    def check_refs(
        self, realm_name: str, roles: list[RolePlan], scopes: list[ClientScope], clients: list[ClientPlan]
    ) -> None:
        """Every role, client and scope the file names exists in the file or among the built-ins."""
        builtin = builtin_realm_roles(realm_name, self.default_role)
        realm_roles = {r.role.name for r in roles if r.client is None} | set(builtin)
        client_roles = known_client_roles(realm_name, roles, clients)
        for client_id, where in self.client_refs:
            if client_id not in client_roles:
                fail(where, f"no client '{client_id}'")
        for client, name, where in self.role_refs:
            if client is None and name not in realm_roles:
                fail(where, f"no realm role '{name}'")
            if client is not None and name not in client_roles[client]:
                fail(where, f"client '{client}' has no role '{name}'")
        scope_names = {s.name for s in scopes} | set(provisioning.BUILTIN_SCOPES)
        for name, where in self.scope_refs:
            if name not in scope_names:
                fail(where, f"no client scope '{name}'")


def known_client_roles(realm_name: str, roles: list[RolePlan], clients: list[ClientPlan]) -> dict[str, set[str]]:
    """Each client of the file or the built-ins, with the roles the file or the built-ins give it."""
    client_roles = {c.client.client_id: set[str]() for c in clients}
    for client_id, names in builtin_client_roles(realm_name).items():
        client_roles.setdefault(client_id, set(names))
    for r in roles:
        if r.client is not None and r.client in client_roles:
            client_roles[r.client].add(r.role.name)
    return client_roles
