"""The roles of an organization in a realm file (Keycloak main after 26.8.0: OrganizationRoleExportImportTest).

Export: the organization's ``roles`` (full RoleRepresentations, each with its ``composites``: ``organization``
names of the organization's own roles, ``realm`` names and ``client`` names by clientId), its ``defaultRole``, and
each exported member's ``organizationRoles``, the names of the roles mapped to them directly (never the default
role: membership grants it). Nothing of an organization role appears among the realm's roles, their composites or
the users' role mappings.

Import: ``defaultRole`` names the default role (the generated ``default-roles-<alias>`` without one); its
representation, or the listed role of that name, gives its description, attributes and composites. The other
listed roles are made (their ids kept when free), then every composite is resolved (an organization composite must
be a role of this organization and not its default role, a realm or client composite a role of the file's realm, no
admin role), then each member's ``organizationRoles`` mapped. Anything unresolved fails the import whole.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.errors import AdminError
from doorkeep.organizations import roles as org_roles
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole, default_role_name
from doorkeep.realms.exportimport.plan import fail
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ROLES, DEFAULT, MEMBER_ROLES = "roles", "defaultRole", "organizationRoles"


# --- export -----------------------------------------------------------------------------------------------------
async def _composites_json(tx: Tx, role: OrganizationRole) -> dict[str, Any]:
    roles, children = await tx.organization_roles.composites(role.id)
    out: dict[str, Any] = {}
    if children:
        out["organization"] = sorted(c.name for c in children)
    if realm := sorted(r.name for r in roles if r.client_id is None):
        out["realm"] = realm
    by_client: dict[str, list[str]] = {}
    for r in roles:
        if r.client_id is not None and (client := await tx.clients.get(r.client_id)) is not None:
            by_client.setdefault(client.client_id, []).append(r.name)
    if by_client:
        out["client"] = {cid: sorted(names) for cid, names in sorted(by_client.items())}
    return out


async def _role_json(tx: Tx, role: OrganizationRole) -> dict[str, Any]:
    rep = org_roles.to_json(role)
    if composites := await _composites_json(tx, role):
        rep["composites"] = composites
    return rep


async def exported(tx: Tx, org: Organization) -> dict[str, Any]:
    """``roles`` and ``defaultRole`` of the organization's representation."""
    out: dict[str, Any] = {}
    found = await tx.organization_roles.of_organization(org.id)
    reps = [await _role_json(tx, r) for r in found]
    if reps:
        out[ROLES] = reps
    default = next((rep for rep, r in zip(reps, found, strict=True) if r.default), None)
    if default is not None:
        out[DEFAULT] = default
    return out


async def member_roles(tx: Tx, org: Organization, user_id: str) -> list[str]:
    """The names of the organization roles mapped to the member directly."""
    return [r.name for r in await tx.organization_roles.mapped_to(org.id, user_id)]


# --- import -----------------------------------------------------------------------------------------------------
def _name(rep: Any, where: str) -> str:
    name = rep.get("name") if isinstance(rep, dict) else None
    if not isinstance(name, str) or not name.strip():
        fail(where, "an organization role needs a name")
    return name


def _listed(rep: dict[str, Any], where: str) -> list[dict[str, Any]]:
    raw = rep.get(ROLES)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        fail(where, "expected a list of roles")
    return list(raw)


async def _kept_id(tx: Tx, given: Any, taken: set[str]) -> str:
    usable = isinstance(given, str) and given.strip() and len(given) <= 36 and given not in taken
    if usable and await tx.organization_roles.owner_of(given) is None and not await tx.roles.get_many([given]):
        return str(given)
    return new_id()


def _attributes(rep: dict[str, Any], where: str) -> dict[str, Any]:
    raw = rep.get("attributes")
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, list) for v in raw.values()):
        fail(where, "expected attributes as lists of strings")
    return {str(k): [str(v) for v in vs] for k, vs in raw.items()}


@dataclasses.dataclass
class _Made:
    by_name: dict[str, OrganizationRole]
    reps: list[tuple[OrganizationRole, dict[str, Any], str]]  # each role with the representation giving composites


async def _make(tx: Tx, org: Organization, rep: dict[str, Any], where: str) -> _Made:
    """The default role renamed and described as the file says (first: a listed role may take the generated
    name), then the other listed roles made."""
    listed = _listed(rep, f"{where}.{ROLES}")
    given_default = rep.get(DEFAULT)
    default_name = _name(given_default, f"{where}.{DEFAULT}") if given_default is not None else None
    default_name = default_name or default_role_name(org.alias)
    names = [_name(role_rep, f"{where}.{ROLES}[{i}]") for i, role_rep in enumerate(listed)]
    for i, name in enumerate(names):
        if name in names[:i]:
            fail(f"{where}.{ROLES}[{i}]", f"two organization roles named {name!r}")
    default_rep: dict[str, Any] = given_default if isinstance(given_default, dict) else {}
    if default_name in names:
        listed_default = listed[names.index(default_name)]
        default_rep = {**listed_default, **{k: v for k, v in default_rep.items() if v is not None}}
    made = await tx.organization_roles.default_role(org.id)
    assert made is not None  # made with the organization
    description = default_rep.get("description")
    default = dataclasses.replace(
        made,
        name=default_name,
        description=description if isinstance(description, str) else made.description,
        attributes=_attributes(default_rep, f"{where}.{DEFAULT}") or made.attributes,
    )
    await tx.organization_roles.update(default)
    by_name: dict[str, OrganizationRole] = {default_name: default}
    reps: list[tuple[OrganizationRole, dict[str, Any], str]] = []
    taken: set[str] = set()
    for i, (name, role_rep) in enumerate(zip(names, listed, strict=True)):
        if name == default_name:
            continue
        at = f"{where}.{ROLES}[{i}]"
        role = OrganizationRole(
            id=await _kept_id(tx, role_rep.get("id"), taken),
            realm_id=org.realm_id,
            organization_id=org.id,
            name=name,
            description=role_rep.get("description") if isinstance(role_rep.get("description"), str) else None,
            attributes=_attributes(role_rep, at),
        )
        taken.add(role.id)
        await tx.organization_roles.create(role)
        by_name[name] = role
        reps.append((role, role_rep, at))
    reps.append((default, default_rep, f"{where}.{DEFAULT}"))
    return _Made(by_name, reps)


async def _composite_ids(tx: Tx, org: Organization, made: _Made, given: Any, where: str) -> tuple[list[str], list[str]]:
    """(realm/client role ids, organization role ids) a role's ``composites`` name."""
    if given is None:
        return [], []
    if not isinstance(given, dict):
        fail(where, "expected composites")
    org_ids: list[str] = []
    for name in given.get("organization") or []:
        child = made.by_name.get(name) if isinstance(name, str) else None
        if child is None:
            fail(f"{where}.organization", f"no role {name!r} in the organization")
        if child.default:
            fail(f"{where}.organization", org_roles.DEFAULT_NOT_NESTED)
        org_ids.append(child.id)
    role_ids: list[str] = []
    for name in given.get("realm") or []:
        found = await tx.roles.get_realm_role(org.realm_id, name) if isinstance(name, str) else None
        if found is None:
            fail(f"{where}.realm", f"no realm role {name!r}")
        role_ids.append(found.id)
    clients = given.get("client") or {}
    if not isinstance(clients, dict):
        fail(f"{where}.client", "expected client roles by clientId")
    for client_id, names in clients.items():
        client = await tx.config.client(org.realm_id, client_id)
        for name in names if isinstance(names, list) else [names]:
            found = await tx.roles.get_client_role(client.id, name) if client and isinstance(name, str) else None
            if found is None:
                fail(f"{where}.client", f"no role {name!r} of client {client_id!r}")
            role_ids.append(found.id)
    return role_ids, org_ids


async def write(tx: Tx, org: Organization, rep: dict[str, Any], where: str) -> dict[str, OrganizationRole]:
    """Make the file's roles of a new organization (its default role already made): the roles by name."""
    made = await _make(tx, org, rep, where)
    for role, role_rep, at in made.reps:
        role_ids, org_ids = await _composite_ids(tx, org, made, role_rep.get("composites"), f"{at}.composites")
        if await org_roles.holds_admin_role(tx, role_ids):
            fail(f"{at}.composites", org_roles.NO_ADMIN_COMPOSITES)
        if role_ids or org_ids:
            await tx.organization_roles.add_composites(role, role_ids, org_ids)
    for role, _, at in made.reps:  # a child nesting an admin role through the organization's own roles
        _, nested = await tx.organization_roles.expand([role.id])
        if await org_roles.holds_admin_role(tx, nested):
            fail(at, org_roles.NO_ADMIN_COMPOSITES)
    return made.by_name


async def map_member(tx: Tx, by_name: dict[str, OrganizationRole], user_id: str, names: Any, where: str) -> None:
    """A member's ``organizationRoles`` mapped (the default role is not mapped: membership grants it)."""
    if names is None:
        return
    if not isinstance(names, list):
        fail(where, "expected a list of organization role names")
    for name in names:
        role = by_name.get(name) if isinstance(name, str) else None
        if role is None:
            fail(where, f"no organization role {name!r}")
        if role.default:
            continue
        try:
            await tx.organization_roles.map_users(role, [user_id])
        except AdminError as exc:
            fail(where, exc.message)
