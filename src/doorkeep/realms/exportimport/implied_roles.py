"""Roles a realm representation makes without listing them under ``roles``, as Keycloak's import does.

* A user's ``realmRoles`` naming a realm role nobody defined: RepresentationToModel.createRoleMappings adds the
  role (``realm.addRole``) and grants it; so does its createClientRoleMappings for a ``clientRoles`` entry naming a
  role the client lacks (``clientModel.addRole``), made once however many users name it (keycloak#49731).
* A client's deprecated ``defaultRoles`` (Keycloak < 13): DefaultExportImportManager.convertDeprecatedDefaultRoles,
  when the realm has no ``defaultRole``, adds each named role to the client if it lacks it
  (``getOrAddClientRole``) and makes it a composite of the realm's default role.
"""

from __future__ import annotations

from collections.abc import Iterable

from doorkeep.model import Role
from doorkeep.realms.exportimport.plan import RolePlan, RoleRef, UserPlan


def _new(name: str, client: str | None, description: str | None = None) -> RolePlan:
    return RolePlan(Role(id="", realm_id="", name=name, description=description), client)


def add_user_roles(
    roles: list[RolePlan], users: Iterable[UserPlan], builtin: Iterable[str], client_roles: dict[str, set[str]]
) -> None:
    """The realm and client roles the users are given that neither the file nor the built-ins define, added to
    ``roles`` once each. ``client_roles``: each client's known roles (parse.known_client_roles); a client it
    lacks is left to the reference check."""
    known = {(r.client, r.role.name) for r in roles} | {(None, name) for name in builtin}
    known |= {(client, name) for client, names in client_roles.items() for name in names}
    for plan in users:
        for client, name, _ in plan.roles:
            if (client, name) not in known and (client is None or client in client_roles):
                roles.append(_new(name, client))
                known.add((client, name))


def add_client_default_roles(roles: list[RolePlan], default_role: str, listed: list[RoleRef]) -> None:
    """Each ``(clientId, role, place)`` of the clients' ``defaultRoles``: the client role made if the file lacks
    it, and made a composite of the default role (its plan made, as for the realm's ``defaultRoles``)."""
    if not listed:
        return
    for client, name, _ in listed:
        if not any(r.client == client and r.role.name == name for r in roles):
            roles.append(_new(name, client))
    plan = next((r for r in roles if r.client is None and r.role.name == default_role), None)
    if plan is None:
        plan = _new(default_role, None, "${role_default-roles}")
        roles.append(plan)
    plan.composites += [ref for ref in listed if ref not in plan.composites]
