"""An organization's roles in the Admin Console, as Keycloak's console shows them (its main branch after 26.8.0:
OrganizationRoles, CreateOrganizationRoleModal, OrganizationRoleDetails, OrganizationRoleComposites,
OrganizationRoleUsers, OrganizationRoleMapping).

Every read and write is the Admin REST call the console makes, with that call's checks (web/admin/
organization_roles.py, organization_role_users.py and doorkeep.organizations.roles): reading needs the
organization's view permission (view-organizations, manage-organizations or manage-realm), writing its manage
permission; nesting a realm or client role asks manage-realm or manage-clients and the right to hand out what it
holds, and never an admin role; the users holding a role ask query-users and view-users to be listed, manage-users
to be changed, and only members are given a role; the default role is held through membership and never deleted.
Each write is recorded as the REST call (ORGANIZATION_ROLE, ORGANIZATION_ROLE_MAPPING).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from doorkeep.errors import AdminError
from doorkeep.model import JSON, Role, User
from doorkeep.organizations import roles as org_roles
from doorkeep.organizations import rules
from doorkeep.organizations.model import Organization
from doorkeep.organizations.role_model import OrganizationRole
from doorkeep.web.admin import organization_access as access
from doorkeep.web.admin import parse
from doorkeep.web.admin.audit import Change
from doorkeep.web.admin_console.context import Console, Missing, Page, Refused, page_of
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.views_organizations import NOT_ENABLED

SOURCES = ("organization", "realm", "client")
NOT_FOUND = "Could not find organization role"
NO_ROLE = "Could not find role"
CHOOSE = "Choose at least one."
DEFAULT_FIXED = "The default organization role is held through membership: its name and description stay as they are."
MAX_DESCRIPTION = 255
Child = Role | OrganizationRole


@dataclass(frozen=True)
class Composite:
    """One row of the Associated roles tab: the role, its kind (organization, realm or client role) and, for a
    client role, the clientId of its client."""

    role: Child
    source: str
    client: str = ""


def can(c: Console, need: str) -> bool:
    return access.identity_can(c.identity, c.realm, need)


def require(c: Console, need: str = access.VIEW) -> None:
    """The organization permission ``need`` (the REST resource's), then organizationsEnabled."""
    if not can(c, need):
        role = "manage-organizations" if need == access.MANAGE else "view-organizations"
        raise Refused(f"You need the {role} role of this realm for this page or action.")
    if not c.realm.organizations_enabled:
        raise Missing(NOT_ENABLED)


def _refused(err: AdminError) -> Exception:
    """A REST refusal as the console shows it: 403 is the refusal page, anything else stays the call's message."""
    return Refused(err.message) if err.status == 403 else err


async def organization(c: Console, org_id: str, need: str = access.VIEW) -> Organization:
    require(c, need)
    found = await c.tx.organizations.get(c.realm.id, org_id)
    if found is None:
        raise Missing("Organization not found.")
    return found


async def role(c: Console, org: Organization, role_id: str) -> OrganizationRole:
    """One of the organization's roles by id (``default``: its default role); another organization's is missing."""
    if role_id == org_roles.DEFAULT_PATH:
        found = await c.tx.organization_roles.default_role(org.id)
    else:
        found = await c.tx.organization_roles.get(org.id, role_id)
    if found is None:
        raise Missing(NOT_FOUND)
    return found


def _path(org: Organization, *rest: str) -> tuple[str, ...]:
    return ("organizations", org.id, "roles", *rest)


def _changed(c: Console, method: str, segments: tuple[str, ...], body: object, kind: str, operation: str) -> None:
    c.changes.append(Change(method, segments, body, kind, operation))


# --- the Roles tab -------------------------------------------------------------------------------------------------
async def listed(c: Console, org: Organization, search: str, first: int, size: int) -> Page[OrganizationRole]:
    """``GET organizations/{id}/roles?search=&first=&max=`` and ``roles/count``."""
    found = await c.tx.organization_roles.of_organization(org.id, search or None, first, size + 1)
    return page_of(found, first, size, await c.tx.organization_roles.count(org.id, search or None))


def form_of(found: OrganizationRole | None) -> FormState:
    if found is None:
        return FormState({"name": "", "description": ""})
    return FormState({"name": found.name, "description": found.description or ""})


async def create(c: Console, org: Organization, form: Mapping[str, str]) -> OrganizationRole:
    """``POST organizations/{id}/roles`` with the name and description (400 blank name, 409 a taken one; the
    description at most 255 characters, as RoleForm asks)."""
    require(c, access.MANAGE)
    typed = FormState({"name": form.get("name", "").strip(), "description": form.get("description", "").strip()})
    if len(str(typed.values["description"])) > MAX_DESCRIPTION:
        typed.errors["description"] = f"Max length {MAX_DESCRIPTION}"
        raise FormErrors(typed)
    rep: JSON = {"name": typed.values["name"]}
    if typed.values["description"]:
        rep["description"] = typed.values["description"]
    try:
        parsed = parse.new_role(c.realm.id, None, rep)
        made = org_roles.as_organization_role(org, parsed, role_id=parsed.id)
        await org_roles.create(c.tx, org, made)
    except AdminError as err:
        typed.errors["name"] = err.message
        raise FormErrors(typed) from None
    _changed(c, "POST", _path(org, made.id), {**rep, "id": made.id}, org_roles.RESOURCE, "CREATE")
    return made


async def update(c: Console, org: Organization, old: OrganizationRole, form: Mapping[str, str]) -> None:
    """``PUT organizations/{id}/roles/{roleId}``: the name and the description (at most 255 characters, as Keycloak's
    RoleForm asks). The default role's form is read only there (its description field disabled): a post for it is
    refused."""
    require(c, access.MANAGE)
    typed = FormState({"name": form.get("name", "").strip(), "description": form.get("description", "").strip()})
    name, description = str(typed.values["name"]), str(typed.values["description"]) or None
    if old.default:
        typed.values.update(form_of(old).values)
        typed.errors["form"] = DEFAULT_FIXED
    elif not name:
        typed.errors["name"] = "role has no name"
    if description is not None and len(description) > MAX_DESCRIPTION:
        typed.errors["description"] = f"Max length {MAX_DESCRIPTION}"
    if typed.errors:
        raise FormErrors(typed)
    try:
        await org_roles.update(c.tx, old, name, description, old.attributes)
    except AdminError as err:
        typed.errors["name"] = err.message
        raise FormErrors(typed) from None
    rep = {"name": name, "description": description, "attributes": old.attributes}
    _changed(c, "PUT", _path(org, old.id), rep, org_roles.RESOURCE, "UPDATE")


def attribute_rows(found: OrganizationRole) -> list[tuple[str, str]]:
    return [(key, str(value)) for key, values in found.attributes.items() for value in values]


async def set_attributes(
    c: Console, org: Organization, old: OrganizationRole, keys: Sequence[str], values: Sequence[str]
) -> None:
    """The Attributes tab's Save: ``PUT …/roles/{roleId}`` with the rows as ``attributes`` (none for the default
    role, whose console shows no Attributes tab)."""
    require(c, access.MANAGE)
    if old.default:
        raise AdminError(400, "The default organization role has no attributes to edit.")
    attributes: dict[str, list[str]] = {}
    for key, value in zip(keys, values, strict=False):
        if key.strip():
            attributes.setdefault(key.strip(), []).append(value)
    await org_roles.update(c.tx, old, old.name, old.description, attributes)
    rep = {"name": old.name, "description": old.description, "attributes": attributes}
    _changed(c, "PUT", _path(org, old.id), rep, org_roles.RESOURCE, "UPDATE")


async def delete(c: Console, org: Organization, old: OrganizationRole) -> None:
    """``DELETE …/roles/{roleId}``; the default role is the call's 400."""
    require(c, access.MANAGE)
    await org_roles.delete(c.tx, old)
    _changed(c, "DELETE", _path(org, old.id), org_roles.to_json(old, brief=True), org_roles.RESOURCE, "DELETE")


# --- Associated roles ----------------------------------------------------------------------------------------------
async def _client_ids(c: Console, roles: Sequence[Role]) -> dict[str, str]:
    out: dict[str, str] = {}
    for uuid in {r.client_id for r in roles if r.client_id}:
        client = await c.tx.clients.get(uuid)
        out[uuid] = client.client_id if client else ""
    return out


def _rows(children: Sequence[Child], client_ids: Mapping[str, str]) -> list[Composite]:
    out = []
    for child in children:
        if isinstance(child, OrganizationRole):
            out.append(Composite(child, "organization"))
        elif child.client_id is None:
            out.append(Composite(child, "realm"))
        else:
            out.append(Composite(child, "client", client_ids.get(child.client_id, "")))
    return out


async def composites(c: Console, found: OrganizationRole, search: str) -> list[Composite]:
    """``GET …/roles/{roleId}/composites?search=``: organization roles, then realm roles, then client roles."""
    plain, nested = await c.tx.organization_roles.composites(found.id)
    client_ids = await _client_ids(c, plain)
    ordered = org_roles.effective_composites(plain, nested, client_ids)
    if search:
        ordered = [r for r in ordered if search.lower() in r.name.lower()]
    return _rows(ordered, client_ids)


async def _check(c: Console, parent: OrganizationRole, child: Child) -> None:
    """What ``POST …/composites`` asks of one child: the organization's own role, not its default role, or a realm
    or client role the caller may nest (manage-realm / manage-clients) and hand out; never an admin role."""
    if isinstance(child, OrganizationRole):
        await org_roles.check_org_child(c.tx, parent, child)
        return
    c.require("manage-clients" if child.client_id else "manage-realm")
    try:
        await c.identity.require_grant(c.tx, child)
    except AdminError as err:
        raise _refused(err) from None
    await org_roles.check_role_child(c.tx, child)


async def _nestable(c: Console, parent: OrganizationRole, child: Child) -> bool:
    try:
        await _check(c, parent, child)
    except (AdminError, Refused):
        return False
    return True


async def available(
    c: Console, org: Organization, found: OrganizationRole, source: str, search: str
) -> list[Composite]:
    """``GET …/composites/available?source=``: the roles of that kind the role does not nest yet and the caller
    may nest into it."""
    require(c, access.MANAGE)
    plain, nested = await c.tx.organization_roles.composites(found.id)
    have = {r.id for r in plain} | {r.id for r in nested} | {found.id}
    candidates: list[Child]
    if source == "organization":
        candidates = list(await c.tx.organization_roles.of_organization(org.id, search or None))
    else:
        clients = source == "client"
        roles = [r for r in await c.tx.roles.list_all(c.realm.id) if (r.client_id is not None) == clients]
        candidates = sorted((r for r in roles if search.lower() in r.name.lower()), key=lambda r: r.name)
    kept = [r for r in candidates if r.id not in have and await _nestable(c, found, r)]
    return _rows(kept, await _client_ids(c, [r for r in kept if isinstance(r, Role)]))


async def _child(c: Console, org: Organization, child_id: str) -> Child:
    """A role to nest by id: the organization's own, a realm or client role of this realm (404), another
    organization's role refused as the REST call refuses it (400)."""
    mine = await c.tx.organization_roles.get(org.id, child_id)
    if mine is not None:
        return mine
    if await c.tx.organization_roles.owner_of(child_id) is not None:
        raise AdminError(400, org_roles.ONLY_ORG_ROLES)
    found = await c.tx.roles.get(child_id)
    if found is None or found.realm_id != c.realm.id:
        raise AdminError(404, NO_ROLE)
    return found


async def add_composites(c: Console, org: Organization, found: OrganizationRole, ids: Sequence[str]) -> int:
    """``POST …/composites`` with the chosen roles, each checked before the first is added; the realm's role graph
    read only once no other nesting may change it (serialize_graph, as the REST call)."""
    require(c, access.MANAGE)
    ids = list(dict.fromkeys(i for i in ids if i))
    if not ids:
        raise AdminError(400, CHOOSE)
    await c.tx.organization_roles.serialize_graph(c.realm.id)
    children = [await _child(c, org, i) for i in ids]
    for child in children:
        await _check(c, found, child)
    plain = [r.id for r in children if isinstance(r, Role)]
    nested = [r.id for r in children if isinstance(r, OrganizationRole)]
    await c.tx.organization_roles.add_composites(found, plain, nested)
    body = [_brief(r) for r in children]
    _changed(c, "POST", _path(org, found.id, "composites"), body, org_roles.RESOURCE, "CREATE")
    return len(children)


async def remove_composite(c: Console, org: Organization, found: OrganizationRole, child_id: str) -> None:
    """``DELETE …/composites`` with one role the role nests (404 for one it does not)."""
    require(c, access.MANAGE)
    plain, nested = await c.tx.organization_roles.composites(found.id)
    children: list[Child] = [*plain, *nested]
    child = next((r for r in children if r.id == child_id), None)
    if child is None:
        raise AdminError(404, NO_ROLE)
    await c.tx.organization_roles.remove_composites(found, [child.id])
    _changed(c, "DELETE", _path(org, found.id, "composites"), [_brief(child)], org_roles.RESOURCE, "DELETE")


def _brief(child: Child) -> JSON:
    if isinstance(child, OrganizationRole):
        return org_roles.to_json(child, brief=True)
    out: JSON = {"id": child.id, "name": child.name, "composite": False, "clientRole": child.client_id is not None}
    out["containerId"] = child.client_id or child.realm_id
    return out


# --- Users in role -------------------------------------------------------------------------------------------------
def may_list_users(c: Console) -> bool:
    """The REST list asks query-users and shows nobody to whoever may not view users."""
    return c.can("query-users") and c.can("view-users")


def may_map(c: Console) -> bool:
    """What the write controls need: the organization's manage permission and manage-users."""
    return can(c, access.MANAGE) and c.can("manage-users")


async def holders(c: Console, found: OrganizationRole, first: int, size: int) -> Page[User]:
    """``GET …/roles/{roleId}/users?first=&max=&briefRepresentation=true`` (the default role: every member)."""
    c.require("query-users")
    if not c.can("view-users"):
        return Page([], first, size, False, 0)
    users = await c.tx.organization_roles.holders(found)
    return page_of(users[first : first + size + 1], first, size, len(users))


async def candidates(c: Console, org: Organization, found: OrganizationRole, search: str) -> list[User]:
    """``GET …/users/available?search=``: the members not holding the role directly (none for the default role)."""
    require(c, access.MANAGE)
    c.require("query-users")
    if not may_list_users(c) or not c.can("manage-users") or found.default:
        return []
    members = [u for u, _ in await c.tx.organizations.members(org.id)]
    if search:
        members = [u for u in members if rules.member_matches(u, search, False)]
    return [u for u in members if not await c.tx.organization_roles.is_mapped(found.id, u.id)]


async def _users(c: Console, ids: Sequence[str]) -> list[User]:
    """The users named, each of this realm (404) and one the caller may manage (403)."""
    c.require("manage-users")
    out = []
    for user_id in dict.fromkeys(ids):
        user = await c.tx.users.get(user_id)
        if user is None or user.realm_id != c.realm.id:
            raise AdminError(404, "User not found")
        out.append(user)
    return out


def _user_reps(users: Sequence[User]) -> list[JSON]:
    return [{"id": u.id, "username": u.username} for u in users]


async def grant(c: Console, org: Organization, found: OrganizationRole, ids: Sequence[str]) -> list[User]:
    """``POST …/roles/{roleId}/users``: members only (400), never the default role, every user checked first."""
    require(c, access.MANAGE)
    ids = [i for i in ids if i]
    if not ids:
        raise AdminError(400, CHOOSE)
    if found.default:
        raise org_roles.DEFAULT_MAPPINGS
    users = await _users(c, ids)
    await _check_members(c, org, users)
    await c.tx.organization_roles.map_users(found, [u.id for u in users])
    path = _path(org, found.id, "users")
    _changed(c, "POST", path, _user_reps(users), org_roles.MAPPING_RESOURCE, "CREATE")
    return users


async def _check_members(c: Console, org: Organization, users: Sequence[User]) -> None:
    try:
        await org_roles.check_grant(c.tx, org, users)
    except AdminError as err:
        raise AdminError(err.status, org_roles.MEMBERS_ONLY) from None


async def revoke(c: Console, org: Organization, found: OrganizationRole, user_id: str) -> User:
    """``DELETE …/roles/{roleId}/users`` for one user."""
    require(c, access.MANAGE)
    if found.default:
        raise org_roles.DEFAULT_MAPPINGS
    [user] = await _users(c, [user_id])
    await c.tx.organization_roles.unmap_users(found, [user.id])
    path = _path(org, found.id, "users")
    _changed(c, "DELETE", path, _user_reps([user]), org_roles.MAPPING_RESOURCE, "DELETE")
    return user


# --- a member's organization roles (the Members tab's Role mapping) -----------------------------------------------
async def member(c: Console, org: Organization, user_id: str) -> User:
    """A member of the organization (view-users to see one); anyone else is missing here."""
    c.require("view-users")
    user = await c.tx.users.get(user_id)
    if user is None or user.realm_id != c.realm.id or await c.tx.organizations.membership(org.id, user.id) is None:
        raise Missing("The user is not a member of this organization.")
    return user


async def member_roles(
    c: Console, org: Organization, user: User, inherited: bool
) -> list[tuple[OrganizationRole, bool]]:
    """The roles mapped to the member directly, or (``inherited``) every organization role the member holds, each
    with whether it is held only through membership or another role."""
    direct = await c.tx.organization_roles.mapped_to(org.id, user.id)
    if not inherited:
        return [(r, False) for r in sorted(direct, key=lambda r: r.name)]
    mapped = {r.id for r in direct}
    held = await org_roles.effective_roles(c.tx, org, user.id)
    return [(r, r.id not in mapped) for r in sorted(held, key=lambda r: r.name)]


async def assignable(c: Console, org: Organization, user: User) -> list[OrganizationRole]:
    """The organization's roles the member is not mapped to directly (never the default role)."""
    require(c, access.MANAGE)
    mapped = {r.id for r in await c.tx.organization_roles.mapped_to(org.id, user.id)}
    return [r for r in await c.tx.organization_roles.of_organization(org.id) if not r.default and r.id not in mapped]


async def assign(c: Console, org: Organization, user: User, role_ids: Sequence[str]) -> int:
    """Each chosen role given to the member as ``POST …/roles/{roleId}/users`` gives it, every role checked first."""
    require(c, access.MANAGE)
    ids = list(dict.fromkeys(i for i in role_ids if i))
    if not ids:
        raise AdminError(400, CHOOSE)
    chosen = [await role(c, org, i) for i in ids]
    if any(r.default for r in chosen):
        raise org_roles.DEFAULT_MAPPINGS
    [checked] = await _users(c, [user.id])
    await _check_members(c, org, [checked])
    for each in chosen:
        await c.tx.organization_roles.map_users(each, [checked.id])
        path = _path(org, each.id, "users")
        _changed(c, "POST", path, _user_reps([checked]), org_roles.MAPPING_RESOURCE, "CREATE")
    return len(chosen)


async def unassign(c: Console, org: Organization, user: User, role_id: str) -> OrganizationRole:
    """One role the member is mapped to taken back, as ``DELETE …/roles/{roleId}/users`` takes it."""
    found = await role(c, org, role_id)
    await revoke(c, org, found, user.id)
    return found
